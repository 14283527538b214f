"""Figures pages: the analysts' estimates and their publication; the public figures as CSV,
JSON and a PDF report (no personal data; hidden counts stay hidden)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from kintrace.errors import InvalidInput
from kintrace.estimation.histories import CaptureHistories
from kintrace.stats.charts import (
    Bar,
    Interval,
    bar_chart,
    interval_chart,
    svg_data_uri,
    to_png,
    to_svg,
)
from kintrace.stats.estimates import EstimateRun, Method, estimate_lists, history_counts
from kintrace.stats.histories import Strata, available_lists
from kintrace.stats.published import (
    MAY_ESTIMATE,
    estimate_history,
    public_estimates,
    publish_estimate,
    withdraw_estimate,
)
from kintrace.stats.report import Words, figures_pdf
from kintrace.stats.service import public_figures, suppress
from kintrace.web.deps import DbSession, SignedIn
from kintrace.web.i18n import LANGUAGES, language_of, tr
from kintrace.web.limits import MAX_ROW_ID, RowId
from kintrace.web.routes.pages import page, require_csrf
from kintrace.web.stats_view import (
    METHOD_LABELS,
    STRATA_LABELS,
    cell_word,
    figure_charts,
    figures_csv,
    figures_json,
    status_word,
)

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=5000)]
ListIds = Annotated[list[int], Query(alias="lists", max_length=20)]
FormListIds = Annotated[list[int], Form(alias="lists", max_length=20)]


def _strata(value: str) -> Strata:
    try:
        return Strata(value)
    except ValueError:
        raise InvalidInput("field 'strata': not one of the choices") from None


def _method(value: str) -> Method:
    try:
        return Method(value)
    except ValueError:
        raise InvalidInput("field 'method': not one of the choices") from None


def _ids(values: list[int]) -> list[int]:
    bad = [v for v in values if not 1 <= v <= MAX_ROW_ID]
    if bad:
        raise InvalidInput("field 'lists': a chosen list does not exist")
    return values


def _overlaps(tables: list[CaptureHistories], lang: str) -> tuple[str, str]:
    """The list-overlap chart: persons per history, summed over strata, small counts hidden."""
    counts = history_counts(
        CaptureHistories(tables[0].lists, np.sum([t.counts for t in tables], axis=0))
    )
    total = sum(counts.values())
    hidden = suppress(total, {"h": counts}).cells["h"]
    bars = [Bar(pattern, None if pattern in hidden else n) for pattern, n in counts.items()]
    title = tr(lang, "Persons by the lists they are on (1: on the list, in the order chosen)")
    return title, svg_data_uri(to_svg(bar_chart(bars, title)))


def _interval_svg(run: EstimateRun, lang: str) -> list[tuple[str, str]]:
    """The estimates chart of the sums (none when no family could sum its strata)."""
    points = [
        Interval(tr(lang, METHOD_LABELS[m.value]), f.value, f.ci_low, f.ci_high)
        for m, f in run.total.items()
        if f.value is not None
    ]
    if not points:
        return []
    title = tr(lang, "Estimates with their 95% intervals; dashed: persons documented")
    return [(title, svg_data_uri(to_svg(interval_chart(points, title, observed=run.observed))))]


@router.get("/stats/estimates")
def estimates_page(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    list_ids: ListIds = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    strata: Annotated[str, Query(max_length=16)] = "none",
    lcm: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    """Choose lists and strata; see the documented count beside the three families' estimates."""
    viewer.require(MAY_ESTIMATE, "estimate from the lists")
    lang = language_of(request)
    chosen_strata = _strata(strata)
    run: EstimateRun | None = None
    charts: list[tuple[str, str]] = []
    if list_ids:
        methods = [Method.LOGLINEAR, Method.DECOMPOSABLE] + ([Method.LCM] if lcm else [])
        run = estimate_lists(db, _ids(list_ids), chosen_strata, methods=methods)
        charts = [*_interval_svg(run, lang), _overlaps([r.table for r in run.rows], lang)]
    return page(
        request,
        "stats_estimates.html",
        viewer,
        lists=available_lists(db),
        chosen=list_ids,
        strata=chosen_strata.value,
        lcm=lcm,
        run=run,
        charts=charts,
        history=estimate_history(db),
        METHOD_LABELS=METHOD_LABELS,
        STRATA_LABELS=STRATA_LABELS,
        STRATA=[s.value for s in Strata],
    )


@router.post("/stats/estimates/publish")
def publish(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    csrf: Text,
    list_ids: FormListIds = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    strata: Annotated[str, Form(max_length=16)] = "none",
    method: Annotated[str, Form(max_length=16)] = "loglinear",
    note: Text = "",
) -> RedirectResponse:
    """Publish the estimate of the chosen lists (computed again here, never taken from the form)."""
    require_csrf(request, csrf)
    viewer.require(MAY_ESTIMATE, "publish estimates")
    publish_estimate(
        db,
        viewer,
        list_ids=_ids(list_ids),
        strata=_strata(strata),
        method=_method(method),
        note=note,
        now=datetime.now(),
    )
    return RedirectResponse("/stats/estimates#history", status_code=303)


@router.post("/stats/estimates/{estimate_id}/withdraw")
def withdraw(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    estimate_id: RowId,
    csrf: Text,
    note: Text = "",
) -> RedirectResponse:
    """Take a published estimate off the public page (kept in the history)."""
    require_csrf(request, csrf)
    withdraw_estimate(db, viewer, estimate_id, note=note, now=datetime.now())
    return RedirectResponse("/stats/estimates#history", status_code=303)


@router.get("/stats.json")
def stats_json(db: DbSession) -> JSONResponse:
    """The public figures and the published estimates as JSON (hidden counts are "x")."""
    return JSONResponse(figures_json(public_figures(db), public_estimates(db)))


@router.get("/stats.csv")
def stats_csv(db: DbSession) -> Response:
    """The public figures and the published estimates as CSV (hidden counts are "x")."""
    return Response(
        figures_csv(public_figures(db), public_estimates(db)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="figures.csv"'},
    )


@router.get("/stats/report.pdf")
def stats_report(
    request: Request, db: DbSession, lang: Annotated[str, Query(max_length=8)] = ""
) -> Response:
    """The public figures, published estimates, charts and methods as a PDF (ru, uk or en)."""
    chosen = lang or language_of(request)
    if chosen not in LANGUAGES:
        raise InvalidInput("field 'lang': not one of the choices")
    figures, estimates = public_figures(db), public_estimates(db)
    words = Words(
        status=lambda key: status_word(key, chosen),
        cell=lambda key: cell_word(key, chosen),
        method=lambda key: tr(chosen, METHOD_LABELS.get(key, key)),
        strata=lambda key: tr(chosen, STRATA_LABELS.get(key, key)),
    )
    charts = [to_png(fig) for _, fig in figure_charts(figures, estimates, chosen)]
    body = figures_pdf(
        figures, estimates, lang=chosen, words=words, charts=charts, today=date.today()
    )
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="figures-{chosen}.pdf"'},
    )
