"""The regional worklist: cases that need work now, a page at a time, with the whole count."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from kintrace.access import SEES_ALL_PERSONS, Role, Viewer
from kintrace.cases.service import (
    STATUS_WORDS,
    current_assessments,
    current_official,
    visible_persons,
)
from kintrace.errors import InvalidInput
from kintrace.lists.cells import csv_row
from kintrace.storage.tables import Assessment, AuthorityRequest, OfficialStatus, Person
from kintrace.storage.worklist_tables import WORK_FLAG_NAMES, WorkFlags, flag_column

WORK_FLAGS = WORK_FLAG_NAMES
"""The flags that put a case on the worklist (each stored in ``work_flags``)."""

WORK_SORTS = ("silent", "recent", "court", "name")
"""Orders of the worklist: longest without news first (the default), newest news first,
the soonest court date first, by surname."""

PER_PAGE = 50
"""Cases on one page of the worklist."""


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A case on the worklist and why it is there."""

    person: Person
    assessment: Assessment
    official: OfficialStatus | None
    flags: list[str]
    days_silent: int | None
    overdue: list[AuthorityRequest]


@dataclass(frozen=True, slots=True)
class WorkPage:
    """One page of the worklist and how many cases the whole list holds."""

    items: Sequence[WorkItem]
    total: int
    page: int
    per_page: int
    counted_up_to: int | None = None
    """When set, ``total`` was counted up to this many and stops one past it (see ``more``)."""

    @property
    def more(self) -> bool:
        """Say whether the list holds more cases than were counted (``total`` is a floor)."""
        return self.counted_up_to is not None and self.total > self.counted_up_to

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one; one more than counted when ``more``)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """Return the position of the page's first case (0 on an empty page)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        """Return the position of the page's last case (0 on an empty page)."""
        return (self.page - 1) * self.per_page + len(self.items)


def _order(sort: str, *, one_desk: bool = False) -> list[Any]:
    # the stored keys, not the assessment's dates: each order is an index of work_flags
    # (a missing date of last information sorts first when silent, last when recent; a
    # missing court date last)
    if sort == "recent":
        return [WorkFlags.silent_key.desc(), WorkFlags.person_id]
    if sort == "court":
        return [WorkFlags.court_key, WorkFlags.person_id]
    if sort == "name":
        # one desk's cases are a few of all persons: sorted once found through work_flags's
        # desk index (as an expression), not found by walking every person in surname order
        surname = Person.surname + "" if one_desk else Person.surname
        return [surname, Person.given_name, Person.id]
    return [WorkFlags.silent_key, WorkFlags.person_id]


def _check(flag: str, status: str, sort: str) -> None:
    if flag and flag not in WORK_FLAGS:
        raise InvalidInput(f"field 'flag': unknown flag {flag[:40]!r}")
    if status and status not in STATUS_WORDS:
        raise InvalidInput(f"field 'status': unknown status {status[:40]!r}")
    if sort and sort not in WORK_SORTS:
        raise InvalidInput(f"field 'sort': unknown order {sort[:40]!r}")


def _filters(flag: str, region_id: int | None, status: str) -> list[ColumnElement[bool]]:
    """The chosen flag, region and status, as conditions on ``work_flags`` alone."""
    found: list[ColumnElement[bool]] = []
    if flag:
        found.append(flag_column(flag).is_(True))
    if region_id is not None:
        found.append(WorkFlags.region_id == region_id)
    if status:
        found.append(WorkFlags.status == status)
    return found


def _seen_by(viewer: Viewer) -> list[ColumnElement[bool]]:
    """:func:`visible_persons` said on ``work_flags`` (which holds each person's desk).

    Staff who see every person, and a desk (its region), are answered from ``work_flags``
    alone; anyone else through the persons query itself.
    """
    merged = exists().where(Person.id == WorkFlags.person_id, Person.merged_into_id.is_not(None))
    if viewer.role in SEES_ALL_PERSONS:
        return [~merged]
    if viewer.role is Role.OPERATOR:
        return [WorkFlags.region_id == viewer.region_id, ~merged]
    return [WorkFlags.person_id.in_(visible_persons(viewer).with_only_columns(Person.id))]


def _query(
    viewer: Viewer, *, flag: str, region_id: int | None, status: str, sort: str
) -> Select[Person]:
    """The viewer's persons on the worklist in the chosen order (their assessments are read
    for a page's persons only: joined here, PostgreSQL could read them all to sort a desk's
    cases by name)."""
    _check(flag, status, sort)
    if viewer.role in SEES_ALL_PERSONS or viewer.role is Role.OPERATOR:
        # visible_persons said on work_flags: a desk's region there, not on persons, lets
        # PostgreSQL walk that desk's index in the page's order (the same persons)
        persons = select(Person).where(Person.merged_into_id.is_(None))
        if viewer.role is Role.OPERATOR:
            persons = persons.where(WorkFlags.region_id == viewer.region_id)
    else:
        persons = visible_persons(viewer)
    return (
        persons.join(WorkFlags, WorkFlags.person_id == Person.id)
        .where(*_filters(flag, region_id, status))
        .order_by(*_order(sort, one_desk=viewer.role is Role.OPERATOR or region_id is not None))
    )


def _count(
    session: Session,
    viewer: Viewer,
    *,
    flag: str,
    region_id: int | None,
    status: str,
    up_to: int | None = None,
) -> int:
    """How many cases the viewer's worklist holds, counted in ``work_flags``'s indexes.

    ``up_to``: stop one past this many (the analyst's whole list at 1,000,000 persons holds
    220,000 cases; counting them all took 40-90 ms of the database on every page).
    """
    conditions = [*_seen_by(viewer), *_filters(flag, region_id, status)]
    if up_to is None:
        counted = select(func.count()).select_from(WorkFlags).where(*conditions)
    else:
        first = select(WorkFlags.person_id).where(*conditions).limit(up_to + 1).subquery()
        counted = select(func.count()).select_from(first)
    return session.scalar(counted) or 0


def _items(session: Session, persons: Sequence[Person], today: date) -> list[WorkItem]:
    ids = [p.id for p in persons]
    assessments = current_assessments(session, ids)
    rows = [(p, assessments[p.id]) for p in persons if p.id in assessments]
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


def worklist(
    session: Session,
    viewer: Viewer,
    *,
    today: date,
    flag: str = "",
    region_id: int | None = None,
    status: str = "",
    sort: str = "silent",
    page: int = 1,
    per_page: int = PER_PAGE,
    count_up_to: int | None = None,
) -> WorkPage:
    """Return one page of the viewer's cases with a work flag, and how many there are.

    An unknown flag, status or order is refused; a page past the last one is empty.
    ``count_up_to``: count at most this many cases (and one more, to know there are more);
    the pages go on past the count (each page is read in an index's order).
    """
    query = _query(viewer, flag=flag, region_id=region_id, status=status, sort=sort)
    total = _count(
        session, viewer, flag=flag, region_id=region_id, status=status, up_to=count_up_to
    )
    page = max(1, page)
    persons = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return WorkPage(_items(session, persons, today), total, page, per_page, count_up_to)


def all_work(
    session: Session,
    viewer: Viewer,
    *,
    today: date,
    flag: str = "",
    region_id: int | None = None,
    status: str = "",
    sort: str = "silent",
    batch: int = 500,
) -> Iterator[WorkItem]:
    """Yield every case of the worklist in its order, a batch at a time (for an export)."""
    query = _query(viewer, flag=flag, region_id=region_id, status=status, sort=sort)
    offset = 0
    while True:
        persons = list(session.scalars(query.offset(offset).limit(batch)))
        yield from _items(session, persons, today)
        if len(persons) < batch:
            return
        offset += batch


CSV_COLUMNS = (
    "person_id",
    "surname",
    "given_name",
    "patronymic",
    "personal_number",
    "unit",
    "assessed_status",
    "official_status",
    "flags",
    "last_information_on",
    "days_without_news",
    "court_date",
    "overdue_requests",
)
"""The columns of the worklist's CSV export, in order."""


def worklist_csv(items: Iterable[WorkItem]) -> str:
    r"""Write worklist cases as CSV text; no cell is ever read as a formula by a spreadsheet.

    >>> from types import SimpleNamespace as NS
    >>> item = NS(person=NS(id=7, surname="=HYPERLINK(1)", given_name="Ім'я", patronymic="",
    ...     personal_number="", unit=""), assessment=NS(status="missing", last_information_on=None,
    ...     court_date=None), official=None, flags=["overdue"], days_silent=None, overdue=[1])
    >>> worklist_csv([item]).splitlines()[1]
    "7,'=HYPERLINK(1),Ім'я,,,,missing,,overdue,,,,1"
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        p, a = item.person, item.assessment
        writer.writerow(
            csv_row(
                [
                    p.id,
                    p.surname,
                    p.given_name,
                    p.patronymic,
                    p.personal_number,
                    p.unit,
                    a.status,
                    item.official.status if item.official else "",
                    " ".join(item.flags),
                    a.last_information_on.isoformat() if a.last_information_on else "",
                    "" if item.days_silent is None else item.days_silent,
                    a.court_date.isoformat() if a.court_date else "",
                    len(item.overdue),
                ]
            )
        )
    return out.getvalue()
