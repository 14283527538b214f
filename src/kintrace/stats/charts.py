"""Charts of the figures with matplotlib (Agg): SVG in the pages, PNG for the PDF report.

Every count drawn is a published one: a hidden cell (``None``) gets no bar, only the mark
``x`` where its bar would be, so no chart ever shows a suppressed count. matplotlib is
imported inside the functions (the only module that imports it for charts), and only its
object-oriented API is used (``matplotlib.figure.Figure`` with the Agg canvas, no pyplot
state), so charts may be drawn from several request threads at once.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kintrace.stats.service import HIDDEN

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INK, BAR, MUTED = "#1f2933", "#3f6e8c", "#9aa5b1"
"""Colours of text, bars and hidden marks."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One published count: ``value`` is None when the count is hidden."""

    label: str
    value: int | None


@dataclass(frozen=True, slots=True)
class Interval:
    """An estimate with its 95% interval (bounds None when the data cannot bound it)."""

    label: str
    value: float
    low: float | None
    high: float | None


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    fig.patch.set_alpha(0)
    return fig


def bar_chart(bars: Sequence[Bar], title: str, *, horizontal: bool = True) -> Figure:
    """Draw counts as bars, hidden ones as an ``x`` mark with no bar."""
    n = max(len(bars), 1)
    fig = _figure(6.4, 0.6 + 0.28 * n) if horizontal else _figure(7.2, 3.0)
    ax = fig.add_subplot()
    positions = list(range(len(bars)))
    values = [b.value or 0 for b in bars]
    top = max(values, default=0) or 1
    if horizontal:
        ax.barh(positions, values, color=BAR, height=0.7)
        ax.set_yticks(positions, [b.label for b in bars], fontsize=8, color=INK)
        ax.invert_yaxis()
        for pos, b in zip(positions, bars, strict=True):
            text = HIDDEN if b.value is None else f"{b.value:,}".replace(",", "\u202f")
            ax.text(
                (b.value or 0) + top * 0.01,
                pos,
                text,
                va="center",
                fontsize=7,
                color=MUTED if b.value is None else INK,
            )
        ax.set_xlim(0, top * 1.15)
    else:
        ax.bar(positions, values, color=BAR, width=0.8)
        step = max(1, math.ceil(len(bars) / 16))
        ax.set_xticks(
            positions[::step],
            [b.label for b in bars][::step],
            fontsize=7,
            rotation=60,
            ha="right",
            color=INK,
        )
        for pos, b in zip(positions, bars, strict=True):
            if b.value is None:
                ax.text(pos, top * 0.01, HIDDEN, ha="center", va="bottom", fontsize=7, color=MUTED)
        ax.set_ylim(0, top * 1.1)
    ax.set_title(title, fontsize=10, color=INK, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=7, colors=INK)
    return fig


def interval_chart(points: Sequence[Interval], title: str, *, observed: int | None) -> Figure:
    """Draw estimates as points with 95% error bars, the documented count as a line."""
    fig = _figure(6.4, 0.9 + 0.45 * max(len(points), 1))
    ax = fig.add_subplot()
    for pos, p in enumerate(points):
        low = p.value - p.low if p.low is not None else 0.0
        high = p.high - p.value if p.high is not None else 0.0
        ax.errorbar([p.value], [pos], xerr=[[low], [high]], fmt="o", color=BAR, capsize=4)
        if p.high is None:  # the data cannot bound it above: an arrow says so
            ax.annotate(
                "",
                xy=(p.value * 1.25, pos),
                xytext=(p.value, pos),
                arrowprops={"arrowstyle": "->", "color": MUTED},
            )
    if observed is not None:
        ax.axvline(observed, color=MUTED, linestyle="--", linewidth=1)
    ax.set_yticks(list(range(len(points))), [p.label for p in points], fontsize=8, color=INK)
    ax.set_ylim(max(len(points), 1) - 0.5, -0.5)
    ax.set_title(title, fontsize=10, color=INK, loc="left")
    ax.tick_params(labelsize=7, colors=INK)
    ax.set_xlim(left=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


_SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def to_svg(fig: Figure) -> str:
    """Return the chart as an ``<svg>`` element for a page (no XML prolog, fixed ids)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "kintrace", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return _SVG_HEAD.sub("", buffer.getvalue(), count=1)


def to_png(fig: Figure, dpi: int = 150) -> bytes:
    """Return the chart as PNG bytes (for the PDF report)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def svg_data_uri(svg: str) -> str:
    """Return an SVG as a ``data:`` URI for an ``<img>`` in the page itself.

    The page's Content-Security-Policy (``style-src 'self'``) would strip the style
    attributes of an ``<svg>`` written into the HTML; an image keeps its own styles, and no
    script can run in it.
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
