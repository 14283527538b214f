"""Persons and tracing requests: record them, find them, show them to who may see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from kintrace.access import MAY_RECORD_OFFICIAL, SEES_ALL_PERSONS, Role, Viewer
from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import InquirerDetails, PersonDetails, RequestDetails
from kintrace.cases.search import join_keys, search_forms, search_key
from kintrace.errors import Forbidden, InvalidInput, NotFound
from kintrace.ids import id_list
from kintrace.reconciliation.model import Flag
from kintrace.reports.model import Status
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import (
    Assessment,
    ChangeLog,
    Inquirer,
    OfficialStatus,
    Person,
    Region,
    TracingRequest,
)
from kintrace.storage.worklist_tables import WORK_FLAG_NAMES, WorkFlags, flag_column


def region_code(name: str) -> str:
    """Make a short stable code from a region name."""
    return "".join(ch for ch in name.lower() if ch.isalnum())[:32] or "unknown"


def get_or_create_region(session: Session, name: str) -> Region:
    """Return the region of this name, creating it on first use."""
    code = region_code(name)
    region = session.scalar(select(Region).where(Region.code == code))
    if region is None:
        region = Region(code=code, name=name)
        session.add(region)
        session.flush()
    return region


def add_person(
    session: Session, details: PersonDetails, *, region: Region | None, actor_id: int | None
) -> Person:
    """Record a missing person as written by the source."""
    birth = details.birth
    person = Person(
        surname=details.surname,
        given_name=details.given_name,
        patronymic=details.patronymic,
        script=details.script.value,
        sex=details.sex.value,
        birth_year=birth.year if birth else None,
        birth_month=birth.month if birth else None,
        birth_day=birth.day if birth else None,
        birth_precision=birth.precision.value if birth else None,
        home_region=details.home_region,
        unit=details.unit,
        rank=details.rank,
        personal_number=details.personal_number,
        region_id=region.id if region else None,
        created_at=datetime.now(),
        created_by=actor_id,
    )
    refresh_search_key(person)
    session.add(person)
    session.flush()
    return person


def _own_key(person: Person) -> str:
    return search_key(
        surname=person.surname,
        given_name=person.given_name or "",
        patronymic=person.patronymic or "",
        personal_number=person.personal_number or "",
        unit=person.unit or "",
    )


def refresh_search_key(person: Person, session: Session | None = None) -> None:
    """Make a person's search key again from his names, number and unit (after any edit).

    With the session, the key also holds the spellings of every duplicate merged into him,
    so that a search for a duplicate's spelling finds the person who was kept; merges and
    their undoing call it for the persons they change.
    """
    key = _own_key(person)
    if session is not None:
        merged = session.scalars(select(Person).where(Person.merged_into_id == person.id))
        key = join_keys([key, *(_own_key(m) for m in merged)])
    person.search_key = key


MAX_EDIT_REASON = 300
"""The longest reason an edit of a person may give, in characters."""


def edit_person(
    session: Session, viewer: Viewer, person_id: int, details: PersonDetails, *, reason: str
) -> Person:
    """Correct a person's details as a desk or analyst entered them; the change log keeps
    the old values, who changed them and why. The search key follows the new names."""
    viewer.require(MAY_RECORD_OFFICIAL, "edit persons")
    person = get_person(session, viewer, person_id)
    if not details.surname.strip():
        raise InvalidInput("field 'surname': a person needs a surname")
    if not reason.strip():
        raise InvalidInput("field 'reason': say why the details change")
    set_actor(session, actor_id=viewer.user_id, reason=reason.strip()[:MAX_EDIT_REASON])
    birth = details.birth
    person.surname = details.surname.strip()
    person.given_name = details.given_name.strip()
    person.patronymic = details.patronymic.strip()
    person.script = details.script.value
    person.sex = details.sex.value
    person.birth_year = birth.year if birth else None
    person.birth_month = birth.month if birth else None
    person.birth_day = birth.day if birth else None
    person.birth_precision = birth.precision.value if birth else None
    person.home_region = details.home_region.strip()
    person.unit = details.unit.strip()
    person.rank = details.rank.strip()
    person.personal_number = details.personal_number.strip()
    refresh_search_key(person, session)
    session.flush()
    return person


PERSON_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "home_region",
    "unit",
    "rank",
    "personal_number",
)
"""The details of a person that an edit changes, and its history shows."""


@dataclass(frozen=True, slots=True)
class PersonEdit:
    """One change of a person's details: when, why, and each field from what to what."""

    at: datetime
    reason: str
    changes: tuple[tuple[str, object, object], ...]


def edits_of(session: Session, person_id: int) -> list[PersonEdit]:
    """Return the history of a person's details, newest first (from the change log)."""
    rows = session.scalars(
        select(ChangeLog)
        .where(ChangeLog.table_name == "persons", ChangeLog.row_key == str(person_id))
        .order_by(ChangeLog.id.desc())
    )
    edits = []
    for row in rows:
        after = row.after or {}
        changes = tuple(
            (name, row.before.get(name), after.get(name))
            for name in PERSON_FIELDS
            if name in after and row.before.get(name) != after.get(name)
        )
        if changes:
            edits.append(PersonEdit(row.at, row.reason, changes))
    return edits


def birth_of(person: Person) -> PartialDate | None:
    """Return a stored person's date of birth with its precision."""
    if person.birth_year is None:
        return None
    return PartialDate(
        person.birth_year,
        person.birth_month,
        person.birth_day,
        Precision(person.birth_precision or Precision.YEAR.value),
    )


def file_request(
    session: Session,
    *,
    person: Person,
    inquirer: InquirerDetails,
    request: RequestDetails,
    actor_id: int | None,
    user_id: int | None = None,
) -> TracingRequest:
    """Record a relative's tracing request for a person."""
    now = datetime.now()
    row = Inquirer(
        full_name=inquirer.full_name,
        relationship_=inquirer.relationship.value,
        phone=inquirer.phone,
        email=inquirer.email,
        consent=",".join(sorted(s.value for s in inquirer.consent)),
        user_id=user_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    tracing = TracingRequest(
        person_id=person.id,
        inquirer_id=row.id,
        filed_on=request.filed_on,
        channel=request.channel.value,
        region_id=person.region_id,
        circumstances=request.circumstances,
        last_contact_on=request.last_contact_on,
        created_at=now,
        created_by=actor_id,
    )
    session.add(tracing)
    session.flush()
    return tracing


def visible_persons(viewer: Viewer) -> Select[Person]:
    """Return the query of the persons this viewer may see (merged duplicates left out)."""
    query = select(Person).where(Person.merged_into_id.is_(None))
    if viewer.role in SEES_ALL_PERSONS:
        return query
    if viewer.role is Role.OPERATOR:
        return query.where(Person.region_id == viewer.region_id)
    if viewer.role is Role.RELATIVE:
        own = (
            select(TracingRequest.person_id)
            .join(Inquirer, Inquirer.id == TracingRequest.inquirer_id)
            .where(Inquirer.user_id == viewer.user_id)
        )
        return query.where(Person.id.in_(own))
    return query.where(Person.id.is_(None))  # dna_lab and public see no persons


def get_person(session: Session, viewer: Viewer, person_id: int) -> Person:
    """Return a person this viewer may see.

    Forbidden for a role that sees no persons at all; NotFound, in the same words, for a
    person who does not exist and for one this viewer may not see, so that the answer does
    not tell whether an id exists.
    """
    if not viewer.sees_persons:
        raise Forbidden(f"a {viewer.role.value} may not see persons")
    person = session.scalar(visible_persons(viewer).where(Person.id == person_id))
    if person is None:
        raise NotFound(f"no person {person_id} among the cases you may see")
    return person


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One line of the case list."""

    person: Person
    region: str
    requests: int
    assessment: Assessment | None
    official: OfficialStatus | None


@dataclass(frozen=True, slots=True)
class PersonPage:
    """A page of the case list, with the total count."""

    rows: Sequence[PersonRow]
    total: int
    page: int
    per_page: int
    counted_up_to: int | None = None
    """When set, ``total`` was counted up to this many and stops one past it (see ``more``)."""

    @property
    def more(self) -> bool:
        """Say whether more persons answer than were counted (``total`` is then a floor)."""
        return self.counted_up_to is not None and self.total > self.counted_up_to

    @property
    def pages(self) -> int:
        """Return the number of pages (of the counted persons when the count stopped)."""
        counted = self.total
        if self.counted_up_to is not None:
            counted = min(counted, self.counted_up_to)
        return max(1, -(-counted // self.per_page))


def current_official(session: Session, person_ids: Sequence[int]) -> dict[int, OfficialStatus]:
    """Return the newest official status of each person."""
    newest = (
        select(func.max(OfficialStatus.id))
        .where(OfficialStatus.person_id.in_(person_ids))
        .group_by(OfficialStatus.person_id)
    )
    rows = session.scalars(select(OfficialStatus).where(OfficialStatus.id.in_(newest)))
    return {row.person_id: row for row in rows}


def current_assessments(session: Session, person_ids: Sequence[int]) -> dict[int, Assessment]:
    """Return the current assessed status of each person."""
    rows = session.scalars(
        select(Assessment).where(Assessment.person_id.in_(person_ids), Assessment.is_current)
    )
    return {row.person_id: row for row in rows}


STATUS_WORDS = frozenset(s.value for s in Status)
FLAG_WORDS = frozenset(f.value for f in Flag)

LIKE_ESCAPE = "\\"


def escape_like(text: str) -> str:
    r"""Escape the wildcards of a LIKE pattern, so that ``%`` and ``_`` match themselves.

    >>> escape_like("100%_a\\b")
    '100\\%\\_a\\\\b'
    """
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


_SEARCHED_AS_WRITTEN = (
    Person.surname,
    Person.given_name,
    Person.patronymic,
    Person.personal_number,
    Person.unit,
)


def _finds(word: str) -> ColumnElement[bool]:
    """Return the condition that a person answers one search word.

    The stored search key answers in any script and case, on both engines (see
    :mod:`kintrace.cases.search`), through its trigram index on PostgreSQL; a person into
    whom a duplicate was merged answers the duplicate's spelling too. A word with no key form
    (punctuation) is looked for in the fields as written, where ``%`` and ``_`` match
    themselves.
    """
    forms = search_forms(word)
    if not forms:
        like = f"%{escape_like(word.lower())}%"
        return or_(
            *(func.lower(column).like(like, escape=LIKE_ESCAPE) for column in _SEARCHED_AS_WRITTEN)
        )
    # the key holds the spellings of duplicates merged into the person too (refresh_search_key)
    return and_(*(Person.search_key.like(f"%{escape_like(f)}%", escape=LIKE_ESCAPE) for f in forms))


def search_persons(
    session: Session,
    viewer: Viewer,
    *,
    text: str = "",
    status: str = "",
    region_id: int | None = None,
    flag: str = "",
    page: int = 1,
    per_page: int = 25,
    only: ColumnElement[bool] | None = None,
    count_up_to: int | None = None,
) -> PersonPage:
    """Find the persons this viewer may see by name, number or unit, status, region or flag.

    ``%`` and ``_`` in the text match themselves; an unknown status or flag is refused.
    ``only``: a further condition on ``persons`` (a partner's consent, see
    :func:`kintrace.partners.reads.consented_persons`).

    ``count_up_to``: read at most this many answering persons (and one more, to know there
    are more). A search for a common surname among 1,000,000 persons answers 20,000 to 50,000
    of them, spread over nearly every page of the table: counting and ordering them all took
    50-250 ms of the database per search. With a bound, the first persons found (bound + 1)
    are ordered by name and paged, and the page says that more answer than were read (the
    user narrows the search by a given name, a year or a region). Without it (the partner
    API) every answering person is counted and ordered.
    """
    if status and status not in STATUS_WORDS:
        raise InvalidInput(f"field 'status': unknown status {status[:40]!r}")
    if flag and flag not in FLAG_WORDS:
        raise InvalidInput(f"field 'flag': unknown flag {flag[:40]!r}")
    query = visible_persons(viewer)
    if only is not None:
        query = query.where(only)
    for word in text.split():
        query = query.where(_finds(word))
    if region_id is not None:
        query = query.where(Person.region_id == region_id)
    if flag in WORK_FLAG_NAMES:
        # the worklist's flags are stored apart, indexed (work_flags, kept by write_changes
        # with each current assessment): no LIKE on every current assessment's JSON
        query = query.where(
            Person.id.in_(select(WorkFlags.person_id).where(flag_column(flag).is_(True)))
        )
    if status or (flag and flag not in WORK_FLAG_NAMES):
        query = query.join(Assessment, (Assessment.person_id == Person.id) & Assessment.is_current)
        if status:
            query = query.where(Assessment.status == status)
        if flag and flag not in WORK_FLAG_NAMES:
            # flags are a JSON list; its text form holds each flag in double quotes
            query = query.where(cast(Assessment.flags, String).like(f'%"{flag}"%'))
    page = max(1, page)
    # Ordered by the surname as an expression when searching: PostgreSQL would otherwise walk
    # the surname index in order and test every person against the key (a search for a
    # common name late in the alphabet read 170,000 of 200,000 rows; the key's trigram index
    # finds them first instead).
    by_name = Person.surname + "" if text.split() else Person.surname
    ordered = query.order_by(by_name, Person.id).offset((page - 1) * per_page).limit(per_page)
    chosen: list[Person] = []
    total = 0
    if text.split() and count_up_to is not None:
        # The first bound + 1 persons found, in whatever order the database finds them
        # fastest, counted and ordered by name in the same reading; the pages hold the
        # bound's first (the one more only says that there are more).
        found_ids = (
            query.with_only_columns(Person.id, by_name.label("by_name"))
            .limit(count_up_to + 1)
            .subquery()
        )
        page_ids = (
            select(found_ids.c.id, func.count().over())
            .order_by(found_ids.c.by_name, found_ids.c.id)
            .offset((page - 1) * per_page)
            .limit(max(0, min(per_page, count_up_to - (page - 1) * per_page)))  # the bound's
        )
        chosen, total = _read_page(session, session.execute(page_ids).all())
    elif text.split():
        # A search: the page's ids and the whole count in one reading of the matching persons
        # (a count and a page apart read them twice: at 1,000,000 persons a common surname's
        # 52,000 rows are 22,000 pages of the table, twice per search); the page's persons
        # are then read by id. Not without words: the page is then the first persons in the
        # surname index's order, and a count over the window would read them all in that order
        # (1.8 s against 0.1 s for the count and 2 ms for the page apart).
        found = session.execute(ordered.with_only_columns(Person.id, func.count().over())).all()
        chosen, total = _read_page(session, found)
    else:
        chosen = list(session.scalars(ordered))
    if not chosen or not text.split():  # no words, past the last page, or nothing found
        counted = query if count_up_to is None else query.limit(count_up_to + 1)
        total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    ids = [p.id for p in chosen]
    counts = dict(
        session.execute(
            select(TracingRequest.person_id, func.count())
            .where(TracingRequest.person_id.in_(ids))
            .group_by(TracingRequest.person_id)
        ).all()
    )
    assessments = current_assessments(session, ids)
    officials = current_official(session, ids)
    region_ids = {p.region_id for p in chosen if p.region_id is not None}
    regions = dict(  # one query, not one per desk as each person's region was loaded
        session.execute(select(Region.id, Region.name).where(Region.id.in_(region_ids))).all()
        if region_ids
        else []
    )
    rows = [
        PersonRow(
            person=p,
            region=regions.get(p.region_id, "") if p.region_id is not None else "",
            requests=counts.get(p.id, 0),
            assessment=assessments.get(p.id),
            official=officials.get(p.id),
        )
        for p in chosen
    ]
    return PersonPage(rows, total, page, per_page, counted_up_to=count_up_to)


def _read_page(session: Session, found: Sequence[Row[int, int]]) -> tuple[list[Person], int]:
    """Read the persons of a page's (id, count) rows by id, in their order; and the count."""
    if not found:
        return [], 0
    by_id = {
        p.id: p
        for p in session.scalars(select(Person).where(Person.id.in_([int(r[0]) for r in found])))
    }
    return [by_id[int(row[0])] for row in found], int(found[0][1])


def requests_of(session: Session, person_id: int | Sequence[int]) -> list[TracingRequest]:
    """Return a person's tracing requests, oldest first."""
    return list(
        session.scalars(
            select(TracingRequest)
            .where(TracingRequest.person_id.in_(id_list(person_id)))
            .order_by(TracingRequest.filed_on, TracingRequest.id)
        )
    )


def merged_group(session: Session, person_id: int) -> list[int]:
    """Return the person's id and the ids of every person merged into him."""
    merged = session.scalars(select(Person.id).where(Person.merged_into_id == person_id))
    return [person_id, *merged]
