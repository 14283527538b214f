"""The timeline of a case: every report by date and claimed status, and the official statuses.

Drawn with matplotlib (the Agg back end, no display), as PNG for the PDF and SVG for the
HTML page. Each claimed status is a row; a report is a dot on its row at its date (hollow when
withdrawn), an official status a square; the assessed status is named in the title. matplotlib
is imported only when a chart is drawn. The output is deterministic for the same snapshot
(no creation date or software version in the files, a fixed SVG id salt), so a golden-image
test can compare it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from kintrace.dossier.words import STATUS_LABELS, label, translator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ORDER = [
    "alive_serving",
    "wounded",
    "returned",
    "captured_reported",
    "captured_confirmed",
    "missing",
    "declared_missing",
    "dead_unrecovered",
    "remains_recovered",
    "identified",
    "remains_returned",
    "declared_dead",
]
"""Rows from top to bottom: alive, captive, unknown, dead."""


def has_timeline(snapshot: dict[str, Any]) -> bool:
    """Say whether the case has anything dated to draw."""
    return bool(snapshot["reports"] or snapshot["official"])


def _days(values: Iterable[str]) -> np.ndarray[Any, np.dtype[np.datetime64]]:
    """ISO dates as a NumPy array of days (matplotlib draws datetime64 on a date axis)."""
    return np.array(list(values), dtype="datetime64[D]")


def _figure(snapshot: dict[str, Any], lang: str) -> Figure:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    _ = translator(lang)
    reports = [r for r in snapshot["reports"] if r["claim"] in ORDER]
    official = [o for o in snapshot["official"] if o["status"] in ORDER]
    used = [
        s
        for s in ORDER
        if any(r["claim"] == s for r in reports) or any(o["status"] == s for o in official)
    ]
    rows = {status: len(used) - 1 - i for i, status in enumerate(used)}
    figure = Figure(figsize=(7.0, 0.9 + 0.32 * max(len(used), 1)), dpi=150)
    axes = figure.add_subplot()
    for withdrawn in (False, True):
        chosen = [r for r in reports if bool(r["retracted_by"]) is withdrawn]
        if chosen:
            axes.scatter(
                _days(r["observed_on"] for r in chosen),
                [rows[r["claim"]] for r in chosen],
                s=28,
                marker="o",
                facecolors="none" if withdrawn else "#1f4e79",
                edgecolors="#1f4e79",
                label=_("report (withdrawn)") if withdrawn else _("report"),
                zorder=3,
            )
    if official:
        axes.scatter(
            _days(o["since"] for o in official),
            [rows[o["status"]] for o in official],
            s=34,
            marker="s",
            color="#b45f06",
            label=_("official status"),
            zorder=2,
        )
    days = [d for r in reports for d in _days([r["observed_on"]])]
    days += [d for o in official for d in _days([o["since"]])]
    pad = np.timedelta64(20, "D")  # a single date, too, gets a range the date axis can tick
    axes.set_xlim(min(days) - pad, max(days) + pad)
    axes.set_yticks(range(len(used)), [label(STATUS_LABELS, s, lang) for s in reversed(used)])
    axes.set_ylim(-0.7, len(used) - 0.3)
    locator = AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]  # untyped in matplotlib
    axes.xaxis.set_major_locator(locator)
    formatter = ConciseDateFormatter(  # type: ignore[no-untyped-call]  # (the same)
        locator,
        formats=["%Y", "%m.%Y", "%d.%m", "%d.%m", "%H:%M", "%H:%M"],  # figures: no month names
        zero_formats=["", "%Y", "%m.%Y", "%d.%m", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%m.%Y", "%d.%m.%Y", "%d.%m.%Y", "%d.%m.%Y %H:%M"],
    )
    axes.xaxis.set_major_formatter(formatter)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.tick_params(labelsize=7)
    assessed = snapshot["assessment"]
    axes.set_title(
        _("Assessed status: %(status)s")
        % {"status": label(STATUS_LABELS, assessed["status"], lang)},
        fontsize=8,
        loc="left",
    )
    axes.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    figure.tight_layout()
    return figure


def timeline_png(snapshot: dict[str, Any], lang: str) -> bytes:
    """Draw the timeline as PNG bytes (150 dpi)."""
    out = io.BytesIO()
    _figure(snapshot, lang).savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def timeline_svg(snapshot: dict[str, Any], lang: str) -> str:
    """Draw the timeline as an SVG document (text kept as paths: no font needed to view it)."""
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "kintrace", "svg.fonttype": "path"}):
        _figure(snapshot, lang).savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
