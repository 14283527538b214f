"""The Jinja2 environment of the pages, with kintrace's filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.templating import Jinja2Templates

from kintrace.cases.worklist import WorkItem
from kintrace.reports.model import DEFAULT_RELIABILITY, SourceType, Status

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

STATUS_LABELS: dict[str, str] = {
    Status.ALIVE_SERVING: "Alive, serving",
    Status.WOUNDED: "Wounded",
    Status.CAPTURED_REPORTED: "Captured (reported)",
    Status.CAPTURED_CONFIRMED: "Captured (confirmed)",
    Status.MISSING: "Missing",
    Status.DEAD_UNRECOVERED: "Dead, not recovered",
    Status.REMAINS_RECOVERED: "Remains recovered",
    Status.IDENTIFIED: "Identified",
    Status.RETURNED: "Returned",
    Status.DECLARED_MISSING: "Declared missing (court)",
    Status.DECLARED_DEAD: "Declared dead (court)",
    "retraction": "Retraction",
}
STATUS_TONE: dict[str, str] = {
    Status.ALIVE_SERVING: "good",
    Status.WOUNDED: "warn",
    Status.CAPTURED_REPORTED: "warn",
    Status.CAPTURED_CONFIRMED: "warn",
    Status.MISSING: "neutral",
    Status.DEAD_UNRECOVERED: "grave",
    Status.REMAINS_RECOVERED: "grave",
    Status.IDENTIFIED: "grave",
    Status.RETURNED: "good",
    Status.DECLARED_MISSING: "neutral",
    Status.DECLARED_DEAD: "grave",
    "retraction": "neutral",
}
FLAG_LABELS: dict[str, str] = {
    "contradiction": "Contradicting reports",
    "official_disagrees": "Official status disagrees",
    "court_date_passed": "Court date passed",
    "overdue": "Authority answer overdue",
    "stale": "No news for a long time",
}
CHANGE_REASONS: dict[str, str] = {
    "transition": "his fate changed",
    "upgrade": "the same news, better established",
    "overturn": "stronger evidence proved the earlier assessment wrong",
    "conclusive": "conclusive: a DNA identification or a court decision",
    "unresolved": "equally weighty reports disagree",
}
SOURCE_LABELS: dict[str, str] = {
    t.value: t.value.replace("_", " ").capitalize() for t in SourceType
}

MONTHS = "January February March April May June July August September October November December"


def long_date(value: date | None) -> str:
    """Write a date as ``12 April 2023``."""
    if value is None:
        return "—"
    return f"{value.day} {MONTHS.split()[value.month - 1]} {value.year}"


def months_between(start: date, end: date) -> int:
    """Whole months from *start* to *end* (0 when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def work_reasons(item: WorkItem, today: date) -> list[str]:
    """Say in words why a case is on the worklist.

    >>> from types import SimpleNamespace as NS
    >>> item = NS(flags=["official_disagrees"], official=NS(status="missing",
    ...     since=date(2026, 6, 1), authority="Ministry of Defence"),
    ...     assessment=NS(status="captured_confirmed", status_since=date(2026, 4, 12),
    ...     court_date=None), overdue=[])
    >>> work_reasons(item, date(2026, 11, 23))  # doctest: +NORMALIZE_WHITESPACE
    ['Officially missing for 5 months (Ministry of Defence); the evidence supports captured
      (confirmed) since 12 April 2026.']
    """
    reasons: list[str] = []
    a, o = item.assessment, item.official
    if "official_disagrees" in item.flags and o is not None:
        months = months_between(o.since, today) if o.since else 0
        length = f" for {months} month{'s' if months != 1 else ''}" if months else ""
        since = f" since {long_date(a.status_since)}" if a.status_since else ""
        reasons.append(
            f"Officially {STATUS_LABELS.get(o.status, o.status).lower()}{length} "
            f"({o.authority}); the evidence supports "
            f"{STATUS_LABELS.get(a.status, a.status).lower()}{since}."
        )
    for request in item.overdue:
        reasons.append(
            f"{request.authority} has not answered the {request.kind.replace('_', ' ')} request "
            f"of {long_date(request.sent_on)}: due {long_date(request.due_on)}, "
            f"{(today - request.due_on).days} days late."
        )
    if "contradiction" in item.flags:
        reasons.append("Credible reports contradict each other.")
    if "court_date_passed" in item.flags and a.court_date:
        reasons.append(
            f"A court may declare the person missing or dead since {long_date(a.court_date)}."
        )
    return reasons


templates.env.filters["long_date"] = long_date
templates.env.globals["work_reasons"] = work_reasons
templates.env.globals.update(
    STATUS_LABELS=STATUS_LABELS,
    STATUS_TONE=STATUS_TONE,
    FLAG_LABELS=FLAG_LABELS,
    CHANGE_REASONS=CHANGE_REASONS,
    SOURCE_LABELS=SOURCE_LABELS,
    STATUSES=[s.value for s in Status],
    SOURCE_TYPES=[t.value for t in SourceType],
    DEFAULT_RELIABILITY={t.value: r.value for t, r in DEFAULT_RELIABILITY.items()},
)
