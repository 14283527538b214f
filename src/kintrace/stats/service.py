"""Count persons by assessed status and region, with small counts suppressed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.storage.tables import Assessment, Person, Region, Report, TracingRequest

SMALL_CELL = 5
"""Counts below this are shown as "<5" so that no one can be singled out."""


def shown(count: int) -> str:
    """Return a count for publication, suppressing small ones.

    >>> shown(3), shown(12)
    ('<5', '12')
    """
    return f"<{SMALL_CELL}" if 0 < count < SMALL_CELL else str(count)


@dataclass(frozen=True, slots=True)
class Figures:
    """The public figures."""

    persons: int
    requests: int
    reports: int
    by_status: dict[str, int]
    by_region: dict[str, int]


def figures(session: Session) -> Figures:
    """Count persons, requests, reports, persons by assessed status and by region."""
    live = Person.merged_into_id.is_(None)
    persons = session.scalar(select(func.count()).select_from(Person).where(live)) or 0
    by_status = dict(
        session.execute(
            select(Assessment.status, func.count())
            .join(Person, Person.id == Assessment.person_id)
            .where(Assessment.is_current, live)
            .group_by(Assessment.status)
        ).all()
    )
    by_region = dict(
        session.execute(
            select(Region.name, func.count())
            .join(Person, Person.region_id == Region.id)
            .where(live)
            .group_by(Region.name)
            .order_by(func.count().desc())
        ).all()
    )
    return Figures(
        persons=persons,
        requests=session.scalar(select(func.count()).select_from(TracingRequest)) or 0,
        reports=session.scalar(select(func.count()).select_from(Report)) or 0,
        by_status=by_status,
        by_region=by_region,
    )
