"""PFIF 1.4 import (the caller owns the transaction): all or nothing.

A PFIF file is kept as a list (kind ``registry``) whose records are its persons: a person
imported before (the same ``person_record_id``) or one of this instance's own (its domain,
``DOMAIN/person.N``) is found again; any other becomes a new person, linked to his record as
an analyst's new case is (``kintrace link --list NAME`` afterwards proposes the persons
already recorded who may be the same man as duplicates: the review queue, never a merge by
itself). Every
note that claims something (:data:`~kintrace.exchange.pfif_values.STATUS_CLAIM`) becomes an
unverified report, reliability F and credibility 6, from a source named after the note's home
repository and author (type ``social_media``, graded by analysts like any other); a note known
already (imported before, or one of this instance's own) is skipped. The note's original id,
status, author and times are kept with the list record, so that an export gives the same
records back; the author's e-mail and telephone, and those of the person found, are not kept
(the partner that holds them is asked). The statuses of the persons touched are recomputed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kintrace.cases.dates import YEAR_MIN, PartialDate, Precision
from kintrace.cases.model import PersonDetails, Sex
from kintrace.cases.service import birth_of, get_or_create_region, refresh_search_key
from kintrace.config import Settings
from kintrace.errors import Conflict, SourceFormatError
from kintrace.exchange.pfif import MAX_PROBLEMS, PfifDocument, PfifNote, PfifPerson
from kintrace.exchange.pfif_values import (
    domain_of,
    note_claim,
    parse_age,
    parse_birth,
    parse_boolean,
    parse_time,
    read_description,
    split_name,
)
from kintrace.exchange.service import (
    DERIVED_KEY,
    IMPORT_RUN,
    LINKED,
    NEW_PERSON,
    NOTES_KEY,
    ORIGINAL,
    PFIF_KEY,
    SAME_RECORD,
    chunks,
    derived,
    notes_meta,
)
from kintrace.importers.persons import FIELD_LIMITS
from kintrace.lists.evidence import recompute_persons
from kintrace.reports.model import (
    UNGRADED_CREDIBILITY,
    UNGRADED_RELIABILITY,
    SourceDetails,
    SourceType,
    Status,
    date_problems,
)
from kintrace.reports.service import get_or_create_source
from kintrace.storage.tables import ImportedList, LinkCandidate, ListRecord, Person, Report, Source

PLACE_LIMIT = 300
"""Longest place of a report (``reports.place``)."""


@dataclass(frozen=True, slots=True)
class PfifImport:
    """What an import wrote."""

    list_id: int
    list_name: str
    persons_created: int
    persons_found: int
    expired: int
    notes_imported: int
    notes_known: int
    notes_without_claim: int
    statuses_changed: int
    person_ids: tuple[int, ...] = ()
    """The persons created or found again (their cases log the change where a log is kept)."""


NOTE_KEPT = (
    "note_record_id",
    "linked_person_record_id",
    "author_name",
    "source_date",
    "author_made_contact",
    "status",
    "last_known_location",
    "photo_url",
)
"""The note fields kept with an imported report (its text is the report's text). The
contact details of the author and of the person found stay with the partner that holds them."""
PERSON_DROPPED = ("entry_date", "author_email", "author_phone")
"""Person fields not kept: the entry time is this instance's own; contacts stay with the partner."""


def own_number(record_id: str, domain: str, kind: str) -> int | None:
    """Return N of this instance's record id ``DOMAIN/KIND.N``, or None for another's.

    >>> own_number("a.org/person.12", "a.org", "person")
    12
    >>> own_number("b.org/person.12", "a.org", "person") is None
    True
    """
    if domain_of(record_id) != domain:
        return None
    local = record_id.split("/", 1)[1]
    number = local.removeprefix(f"{kind}.")
    if number != local and number.isascii() and number.isdigit() and len(number) <= 9:
        return int(number)
    return None


def _details(person: PfifPerson, where: str, today: date, problems: list[str]) -> PersonDetails:
    """Return the details a PFIF person gives, noting each problem."""
    surname, given, patronymic = split_name(
        person.get("full_name"), person.get("given_name"), person.get("family_name")
    )
    unit, rank = read_description(person.get("description"))
    region = person.get("home_state") or person.get("home_city")
    for field_name, value in (
        ("surname", surname),
        ("given_name", given),
        ("patronymic", patronymic),
        ("region", region),
        ("unit", unit),
        ("rank", rank),
    ):
        if len(value) > FIELD_LIMITS[field_name]:
            problems.append(
                f"{where}: {field_name.replace('_', ' ')} of {len(value)} characters, more than "
                f"{FIELD_LIMITS[field_name]}"
            )
    if not surname:
        problems.append(f"{where}: no name")
    birth: PartialDate | None = None
    if person.get("date_of_birth"):
        year, month, day = parse_birth(person.get("date_of_birth"))
        precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
        birth = PartialDate(year, month, day, precision)
    elif person.get("age"):
        low, high = parse_age(person.get("age"))
        if low == high and low > 0:
            birth = PartialDate.from_age(low, parse_time(person.get("source_date")).date())
    if birth is not None and not YEAR_MIN <= birth.year <= today.year:
        problems.append(f"{where}: born in {birth.year}, outside {YEAR_MIN}..{today.year}")
        birth = None
    sex = {"male": Sex.MALE, "female": Sex.FEMALE}.get(person.get("sex"), Sex.UNKNOWN)
    return PersonDetails(surname, given, patronymic, sex, birth, region, unit, rank)


def _known_records(session: Session, record_ids: Sequence[str]) -> tuple[dict[str, int], set[str]]:
    """Return the persons of records imported before (record id -> person) and the note ids
    imported with them."""
    persons: dict[str, int] = {}
    notes: set[str] = set()
    for chunk in chunks(record_ids):
        rows = session.execute(
            select(ListRecord, LinkCandidate.person_id)
            .join(LinkCandidate, LinkCandidate.list_record_id == ListRecord.id)
            .where(
                ListRecord.record_id.in_(chunk),
                LinkCandidate.state.in_(LINKED),
                LinkCandidate.run == IMPORT_RUN,
            )
            .order_by(LinkCandidate.id)
        ).all()
        for record, person_id in rows:
            if PFIF_KEY not in (record.extra or {}):
                continue
            persons.setdefault(record.record_id, person_id)
            notes.update(n["note_record_id"] for n in notes_meta(record).values())
    return persons, notes


def _source_name(note: PfifNote) -> str:
    return f"PFIF {domain_of(note.get('note_record_id'))}: {note.get('author_name')}"[:300]


@dataclass(slots=True)
class _Plan:
    """What an import is going to write, checked before anything is."""

    persons: dict[str, PfifPerson] = field(default_factory=dict)
    details: dict[str, PersonDetails] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    notes: list[tuple[PfifNote, Status, date]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    expired: int = 0
    known_notes: int = 0
    without_claim: int = 0


def _plan(
    session: Session, document: PfifDocument, *, name: str, domain: str, today: date
) -> _Plan:
    """Resolve every record of the file and check it; raise naming each problem."""
    plan = _Plan()
    problems: list[str] = []
    expired: set[str] = set()
    for person in document.persons:
        record_id = person.get("person_record_id")
        if person.expired:
            expired.add(record_id)
            plan.expired += 1
            continue
        plan.persons[record_id] = person
        plan.details[record_id] = _details(
            person, f"{name}: line {person.line}: person {record_id!r}", today, problems
        )
    referenced = list(
        dict.fromkeys([*plan.persons, *(n.get("person_record_id") for n in document.notes)])
    )
    found, known_notes = _known_records(session, referenced)
    for record_id in referenced:
        number = own_number(record_id, domain, "person")
        if number is not None:
            own = session.get(Person, number)
            if own is None:
                problems.append(
                    f"{name}: person {record_id!r} names this instance's domain, but there is "
                    f"no person {number}"
                )
                continue
            found[record_id] = own.id
    plan.found = {r: found[r] for r in referenced if r in found}
    for note in document.all_notes():
        person_id, note_id = note.get("person_record_id"), note.get("note_record_id")
        where = f"{name}: line {note.line}: note {note_id!r}"
        if person_id in expired and person_id not in plan.found:
            plan.without_claim += 1
            continue
        if person_id not in plan.persons and person_id not in plan.found:
            problems.append(
                f"{where}: its person {person_id!r} is neither in this file nor imported before"
            )
            continue
        if note_id in known_notes or domain_of(note_id) == domain:
            plan.known_notes += 1
            continue
        claim = note_claim(note.get("status"), parse_boolean(note.get("author_made_contact")))
        if claim is None:
            plan.without_claim += 1
            continue
        observed = parse_time(note.get("source_date")).date()
        problems += [f"{where}: {p}" for p in date_problems(observed, "source_date", today=today)]
        plan.notes.append((note, claim, observed))
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS} more problems")
        raise SourceFormatError(f"{name}: {len(problems)} problem(s)", shown)
    plan.order = list(
        dict.fromkeys([*plan.persons, *(n.get("person_record_id") for n, _, _ in plan.notes)])
    )
    return plan


def _record_row(
    list_id: int, record_id: str, line: int, details: PersonDetails, extra: dict[str, str]
) -> ListRecord:
    birth = details.birth
    return ListRecord(
        list_id=list_id,
        record_id=record_id,
        line=line,
        surname=details.surname,
        given_name=details.given_name,
        patronymic=details.patronymic,
        sex=details.sex.value,
        birth_year=birth.year if birth else None,
        birth_month=birth.month if birth else None,
        birth_day=birth.day if birth else None,
        birth_precision=birth.precision.value if birth else None,
        report_date=None,
        region=details.home_region,
        unit=details.unit,
        rank=details.rank,
        personal_number="",
        extra=extra,
    )


def import_pfif(
    session: Session,
    document: PfifDocument,
    *,
    name: str,
    list_name: str,
    sha256: str,
    domain: str,
    actor_id: int | None,
    settings: Settings,
    today: date,
) -> PfifImport:
    """Import a parsed PFIF file as the list ``list_name``, all or nothing (see the module).

    ``name`` names the file in errors; ``sha256`` is its content's hash (the caller checks
    first that no list holds the same content). Raises SourceFormatError naming every record
    that cannot be imported, before anything is written.
    """
    if session.scalar(select(ImportedList.id).where(ImportedList.name == list_name)) is not None:
        raise Conflict(f"a list named {list_name!r} exists already; choose another --list name")
    plan = _plan(session, document, name=name, domain=domain, today=today)
    now = datetime.now()
    imported = ImportedList(
        name=list_name,
        kind="registry",
        filename=name[:300],
        sha256=sha256,
        row_count=len(plan.order),
        imported_at=now,
        imported_by=actor_id,
    )
    session.add(imported)
    session.flush()
    # rows are added in bulk, one flush per table: a flush per row walks the whole session
    persons = _persons(session, plan, actor_id)
    meta = _reports(session, plan, persons, actor_id)
    records: list[tuple[ListRecord, Person, bool]] = []
    for record_id in plan.order:
        person = persons[record_id]
        new = record_id not in plan.found
        element = plan.persons.get(record_id)
        extra = {PFIF_KEY: "1.4"}
        if element is not None:
            extra |= {
                f"{ORIGINAL}{k}": v for k, v in element.values.items() if k not in PERSON_DROPPED
            }
        if new:
            extra[DERIVED_KEY] = derived(person)
        if record_id in meta:
            extra[NOTES_KEY] = json.dumps(meta[record_id], ensure_ascii=False, sort_keys=True)
        details = plan.details.get(record_id) or _stored_details(person)
        line = element.line if element is not None else 0
        records.append((_record_row(imported.id, record_id, line, details, extra), person, new))
    session.add_all([record for record, _, _ in records])
    session.flush()
    session.add_all(
        [
            LinkCandidate(
                person_id=person.id,
                list_record_id=record.id,
                probability=1.0,
                evidence={PFIF_KEY: NEW_PERSON if new else SAME_RECORD},
                state="confirmed",
                run=IMPORT_RUN,
                created_at=now,
                decided_by=actor_id,
                decided_at=now,
                note=f"PFIF import of {name}"[:1000],
            )
            for record, person, new in records
        ]
    )
    created = sum(new for _, _, new in records)
    session.flush()
    changed = recompute_persons(
        session,
        [p.id for p in persons.values()],
        today=today,
        settings=settings,
        reason=f"PFIF import {list_name}",
    )
    return PfifImport(
        list_id=imported.id,
        list_name=list_name,
        persons_created=created,
        persons_found=len(plan.order) - created,
        expired=plan.expired,
        notes_imported=len(plan.notes),
        notes_known=plan.known_notes,
        notes_without_claim=plan.without_claim,
        statuses_changed=changed,
        person_ids=tuple(sorted({p.id for p in persons.values()})),
    )


def _persons(session: Session, plan: _Plan, actor_id: int | None) -> dict[str, Person]:
    """Return the person of each record id: found again, or new (as ``add_person`` makes one)."""
    persons: dict[str, Person] = {}
    regions: dict[str, int] = {}
    now = datetime.now()
    for record_id in plan.order:
        if record_id in plan.found:
            found = session.get(Person, plan.found[record_id])
            assert found is not None
            persons[record_id] = found
            continue
        details = plan.details[record_id]
        region = details.home_region
        if region and region not in regions:
            regions[region] = get_or_create_region(session, region).id
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
            region_id=regions.get(region) if region else None,
            created_at=now,
            created_by=actor_id,
        )
        refresh_search_key(person)
        persons[record_id] = person
    session.add_all([p for r, p in persons.items() if r not in plan.found])
    session.flush()
    return persons


def _reports(
    session: Session, plan: _Plan, persons: dict[str, Person], actor_id: int | None
) -> dict[str, dict[str, dict[str, str]]]:
    """Record each note as a report (checked in the plan); return the notes' originals kept
    with each person's record (record id -> report id -> fields)."""
    sources: dict[str, Source] = {}
    kept: list[tuple[str, dict[str, str]]] = []
    rows: list[dict[str, object]] = []
    now = datetime.now()
    for note, claim, observed in plan.notes:
        source_name = _source_name(note)
        if source_name not in sources:
            sources[source_name] = get_or_create_source(
                session, SourceDetails(source_name, SourceType.SOCIAL_MEDIA, UNGRADED_RELIABILITY)
            )
        source = sources[source_name]
        person_id = note.get("person_record_id")
        rows.append(
            {
                "person_id": persons[person_id].id,
                "source_id": source.id,
                "claim": claim.value,
                "observed_on": observed,
                "place": note.get("last_known_location")[:PLACE_LIMIT],
                "reliability": source.reliability or UNGRADED_RELIABILITY.value,
                "credibility": UNGRADED_CREDIBILITY,
                "text": note.get("text"),
                "retracts_id": None,
                "created_at": now,
                "created_by": actor_id,
            }
        )
        kept.append((person_id, {k: note.get(k) for k in NOTE_KEPT if note.get(k)}))
    # one INSERT of many rows returning their ids in order (reports are only ever inserted)
    ids: list[int] = []
    for start in range(0, len(rows), 5000):
        statement = insert(Report).returning(Report.id, sort_by_parameter_order=True)
        ids += session.scalars(statement, rows[start : start + 5000]).all()
    meta: dict[str, dict[str, dict[str, str]]] = {}
    for (person_id, fields), report_id in zip(kept, ids, strict=True):
        meta.setdefault(person_id, {})[str(report_id)] = fields
    return meta


def _stored_details(person: Person) -> PersonDetails:
    sex = {"male": Sex.MALE, "female": Sex.FEMALE}.get(person.sex, Sex.UNKNOWN)
    return PersonDetails(
        person.surname,
        person.given_name,
        person.patronymic,
        sex,
        birth_of(person),
        person.home_region,
        person.unit,
        person.rank,
        person.personal_number,
    )
