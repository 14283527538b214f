"""The regional worklist: cases that need work now, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from kintrace.access import Viewer
from kintrace.cases.service import current_official, visible_persons
from kintrace.storage.tables import Assessment, AuthorityRequest, OfficialStatus, Person

WORK_FLAGS = ("overdue", "official_disagrees", "contradiction", "court_date_passed")
"""The flags that put a case on the worklist."""


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A case on the worklist and why it is there."""

    person: Person
    assessment: Assessment
    official: OfficialStatus | None
    flags: list[str]
    days_silent: int | None
    overdue: list[AuthorityRequest]


def worklist(
    session: Session,
    viewer: Viewer,
    *,
    today: date,
    flag: str = "",
    region_id: int | None = None,
    limit: int = 200,
) -> list[WorkItem]:
    """Return the viewer's cases with a work flag, those silent longest first."""
    flags = (flag,) if flag else WORK_FLAGS
    text = cast(Assessment.flags, String)
    query = (
        visible_persons(viewer)
        .add_columns(Assessment)
        .join(Assessment, (Assessment.person_id == Person.id) & Assessment.is_current)
        .where(or_(*[text.like(f'%"{f}"%') for f in flags]))
        .order_by(Assessment.last_information_on.asc().nulls_first(), Person.id)
        .limit(limit)
    )
    if region_id is not None:
        query = query.where(Person.region_id == region_id)
    rows = list(session.execute(query).all())
    ids = [p.id for p, _ in rows]
    official = current_official(session, ids)
    late: dict[int, list[AuthorityRequest]] = {}
    for request in session.scalars(
        select(AuthorityRequest)
        .where(
            AuthorityRequest.person_id.in_(ids),
            AuthorityRequest.replied_on.is_(None),
            AuthorityRequest.due_on < today,
        )
        .order_by(AuthorityRequest.due_on)
    ):
        late.setdefault(request.person_id, []).append(request)
    return [
        WorkItem(
            person=p,
            assessment=a,
            official=official.get(p.id),
            flags=[f for f in a.flags if f in WORK_FLAGS],
            days_silent=(today - a.last_information_on).days if a.last_information_on else None,
            overdue=late.get(p.id, []),
        )
        for p, a in rows
    ]
