"""The Jinja2 environment of the pages, with kintrace's filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.templating import Jinja2Templates

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
SOURCE_LABELS: dict[str, str] = {
    t.value: t.value.replace("_", " ").capitalize() for t in SourceType
}

MONTHS = "January February March April May June July August September October November December"


def long_date(value: date | None) -> str:
    """Write a date as ``12 April 2023``."""
    if value is None:
        return "—"
    return f"{value.day} {MONTHS.split()[value.month - 1]} {value.year}"


templates.env.filters["long_date"] = long_date
templates.env.globals.update(
    STATUS_LABELS=STATUS_LABELS,
    STATUS_TONE=STATUS_TONE,
    FLAG_LABELS=FLAG_LABELS,
    SOURCE_LABELS=SOURCE_LABELS,
    STATUSES=[s.value for s in Status],
    SOURCE_TYPES=[t.value for t in SourceType],
    DEFAULT_RELIABILITY={t.value: r.value for t, r in DEFAULT_RELIABILITY.items()},
)
