"""What the figures pages show: the public figures with their charts, the published estimates,
and the same figures as CSV and JSON rows (no personal data; hidden counts stay ``x``).

Shared by the public page (``/stats`` in :mod:`kintrace.web.routes.pages`) and the routes of
:mod:`kintrace.web.routes.stats`; the charts' words are translated here, in the reader's
language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from kintrace.lists.cells import csv_row
from kintrace.stats.charts import Bar, Interval, bar_chart, interval_chart, svg_data_uri, to_svg
from kintrace.stats.published import PublicEstimate, public_estimates
from kintrace.stats.service import HIDDEN, NO_DATE, NO_DESK, Cell, PublicFigures, public_figures
from kintrace.web.i18n import N_, tr
from kintrace.web.render import STATUS_LABELS

METHOD_LABELS: dict[str, str] = {
    "loglinear": N_("Log-linear model (selected by BIC)"),
    "decomposable": N_("Decomposable graphical models (Bayesian averaging)"),
    "lcm": N_("Latent classes (Bayesian)"),
}
PROBLEMS = (  # what the estimates' services say, translated where a page shows it
    N_("choose from 2 to 5 lists"),
    N_("a list is chosen twice"),
    N_("a chosen list does not exist"),
    N_("nobody is linked to the chosen lists"),
    N_("a list has nobody in this stratum"),
    N_("a stratum has no estimate"),
    N_("these lists give no estimate to publish"),
    N_("no such published estimate"),
    N_("the estimate was withdrawn already"),
    N_("the note is longer than 2000 characters"),
    N_("lists"),
    N_("strata"),
    N_("method"),
)
STRATA_LABELS: dict[str, str] = {
    "none": N_("no strata"),
    "region": N_("by region"),
    "month": N_("by month of disappearance"),
    "quarter": N_("by quarter of disappearance"),
}


def status_word(key: str, lang: str) -> str:
    """Return a status cell's label in the reader's language."""
    return tr(lang, STATUS_LABELS[key]) if key in STATUS_LABELS else tr(lang, "Not assessed yet")


def cell_word(key: str, lang: str) -> str:
    """Return a region or month cell's label (the cells of unknowns translated)."""
    if key == NO_DESK:
        return tr(lang, "(no desk)")
    if key == NO_DATE:
        return tr(lang, "date unknown")
    return key


def _bars(cells: Sequence[Cell], word: Any) -> list[Bar]:
    return [Bar(word(c.key), None if c.text == HIDDEN else int(c.text)) for c in cells]


def estimate_label(e: PublicEstimate, lang: str) -> str:
    """Return a short label of an estimate: its method and the lists it rests on."""
    return f"{tr(lang, METHOD_LABELS.get(e.method, e.method))}: {', '.join(e.lists)}"


def figure_charts(
    figures: PublicFigures, estimates: Sequence[PublicEstimate], lang: str
) -> list[tuple[str, Any]]:
    """Return the public charts as (title, matplotlib figure), in the page's order."""
    charts: list[tuple[str, Any]] = []
    months = [c for c in figures.by_month if c.key != NO_DATE]
    if months:
        title = tr(lang, "Persons by month of disappearance")
        charts.append((title, bar_chart(_bars(months, str), title, horizontal=False)))
    title = tr(lang, "Persons by what the evidence supports")
    charts.append(
        (title, bar_chart(_bars(figures.by_status, lambda k: status_word(k, lang)), title))
    )
    if figures.by_region:
        title = tr(lang, "Persons by regional desk")
        charts.append(
            (title, bar_chart(_bars(figures.by_region, lambda k: cell_word(k, lang)), title))
        )
    if estimates:
        title = tr(lang, "Published estimates with their 95% intervals")
        points = [
            Interval(estimate_label(e, lang), e.value, e.ci_low, e.ci_high) for e in estimates
        ]
        charts.append((title, interval_chart(points, title, observed=None)))
    return charts


def public_context(session: Session, lang: str) -> dict[str, Any]:
    """Return the public page's context: figures, published estimates and SVG charts."""
    figures = public_figures(session)
    estimates = public_estimates(session)
    charts = [
        (title, svg_data_uri(to_svg(fig))) for title, fig in figure_charts(figures, estimates, lang)
    ]
    return {
        "figures": figures,
        "estimates": estimates,
        "charts": charts,
        "METHOD_LABELS": METHOD_LABELS,
        "STRATA_LABELS": STRATA_LABELS,
    }


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def figures_json(figures: PublicFigures, estimates: Sequence[PublicEstimate]) -> dict[str, Any]:
    """Return the public figures and published estimates as JSON-ready data."""
    return {
        "hidden": HIDDEN,
        "documented": {
            "persons": figures.persons,
            "requests": figures.requests,
            "reports": figures.reports,
            "by_status": {c.key: c.text for c in figures.by_status},
            "by_region": {c.key: c.text for c in figures.by_region},
            "by_month": {c.key: c.text for c in figures.by_month},
        },
        "estimates": [
            {
                "method": e.method,
                "model": e.model,
                "lists": list(e.lists),
                "strata": e.strata,
                "documented": e.observed,
                "estimate": _round(e.value),
                "ci_low": _round(e.ci_low),
                "ci_high": _round(e.ci_high),
                "published_at": e.published_at.date().isoformat(),
            }
            for e in estimates
        ],
    }


def figures_csv(figures: PublicFigures, estimates: Sequence[PublicEstimate]) -> str:
    """Return the same figures as one CSV table: ``table,key,value,ci_low,ci_high,...``.

    Counts come as published (``x`` where hidden); each estimate is a row
    ``estimate:METHOD`` and the documented count it rests on a row ``documented:METHOD``.
    """
    rows: list[list[object]] = [
        ["table", "key", "value", "ci_low", "ci_high", "lists", "strata", "model"]
    ]
    for key in ("persons", "requests", "reports"):
        rows.append(["total", key, getattr(figures, key), "", "", "", "", ""])
    for table, cells in (
        ("status", figures.by_status),
        ("region", figures.by_region),
        ("month", figures.by_month),
    ):
        rows.extend([table, c.key, c.text, "", "", "", "", ""] for c in cells)
    for e in estimates:
        day, lists = e.published_at.date().isoformat(), "; ".join(e.lists)
        low, high = _round(e.ci_low), _round(e.ci_high)
        rows.append(
            [
                f"estimate:{e.method}",
                day,
                _round(e.value),
                "" if low is None else low,
                "" if high is None else high,
                lists,
                e.strata,
                e.model,
            ]
        )
        rows.append([f"documented:{e.method}", day, e.observed, "", "", lists, e.strata, ""])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(csv_row(row) for row in rows)
    return out.getvalue()
