"""PFIF 1.4 export and import against the database (the caller owns the transaction).

Export (:func:`export_pfif`) writes the persons whose relatives agreed to this sharing: a
person goes out only when at least one relative who asked for him consented to the scope of
the exchange (:func:`consenting_inquirers`, the one place consent is read), and a report a
relative entered goes out only with that relative's consent. Each person carries as notes the
consenting relatives' tracing requests (``information_sought``), every report that stands
(withdrawn reports and withdrawals are left out: PFIF cannot withdraw a note) and the current
assessed status, each mapped onto PFIF's note statuses (:data:`~kintrace.exchange.pfif.
CLAIM_STATUS`). With ``since``, only what was created or changed after that time goes out.

Import (:func:`import_pfif`) keeps a PFIF file as a list (kind ``registry``) whose records
are its persons: a person imported before (the same ``person_record_id``) or one of this
instance's own (its domain) is found again; any other becomes a new person, linked to his
record as an analyst's new case is. ``kintrace link --list NAME`` afterwards proposes the
persons already recorded who may be the same man (the review queue; never merged by itself).
Every note that claims something becomes an unverified report (reliability F, credibility 6)
from a source named after the note's home repository and author; the original ids, statuses
and authors are kept with the list records, so that an export gives the same records back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.cases.dates import YEAR_MIN, PartialDate, Precision
from kintrace.cases.model import ConsentScope, PersonDetails, Sex
from kintrace.cases.service import add_person, birth_of, get_or_create_region
from kintrace.config import Settings
from kintrace.errors import Conflict, SourceFormatError
from kintrace.exchange.pfif import (
    PfifDocument,
    PfifNote,
    PfifPerson,
    describe,
    domain_of,
    format_time,
    note_claim,
    note_status,
    parse_age,
    parse_birth,
    parse_boolean,
    parse_time,
    read_description,
    split_name,
)
from kintrace.importers.persons import FIELD_LIMITS
from kintrace.lists.evidence import recompute_persons
from kintrace.reports.model import (
    RETRACTION,
    UNGRADED_CREDIBILITY,
    UNGRADED_RELIABILITY,
    ReportDetails,
    SourceDetails,
    SourceType,
    Status,
    date_problems,
)
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.tables import (
    Assessment,
    ChangeLog,
    ImportedList,
    Inquirer,
    LinkCandidate,
    ListRecord,
    Person,
    Report,
    Source,
    TracingRequest,
)

DEFAULT_SCOPE = ConsentScope.RED_CROSS
"""The sharing a PFIF export is, unless said otherwise: with the Red Cross's tracing."""

IMPORT_RUN = "pfif import"
"""The ``run`` of the links a PFIF import makes (a record to its person)."""
PFIF_KEY = "pfif"
"""Key of a list record's extra values that marks a PFIF person record (value: the version)."""
NOTES_KEY = "pfif notes"
"""Key of the notes' originals (JSON: report id -> note id, status, author, dates)."""
DERIVED_KEY = "pfif derived"
"""Key of the person details read from the record (JSON), to tell an edit since."""
ORIGINAL = "pfif:"
"""Prefix of the keys holding the person record's original fields."""
NEW_PERSON, SAME_RECORD = "new person", "same record"
"""What a PFIF import's link says: a person it created, or one it found again."""
LINKED = ("automatic", "confirmed")
CHUNK = 5000
"""Ids per ``IN (...)`` query (SQLite allows 32,766 parameters)."""

PLACE_LIMIT = 300
"""Longest place of a report (``reports.place``)."""

T = TypeVar("T")


def instance_domain(settings: Settings) -> str:
    """Return the domain this instance's PFIF record ids begin with.

    The host name of ``KINTRACE_PUBLIC_URL``; without one, a name of its own under the
    reserved ``.invalid`` domain made from the instance's secret key (stable, and unlike any
    other instance's, so that records of two unconfigured instances never look alike).
    """
    host = urlsplit(settings.public_url).hostname if settings.public_url else None
    if host:
        return host.lower()
    digest = hashlib.sha256(b"kintrace pfif domain\0" + settings.secret_key.encode()).hexdigest()
    return f"{digest[:12]}.kintrace.invalid"


def _chunks(ids: Iterable[T]) -> Iterable[list[T]]:
    items = list(ids)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _utc(moment: datetime) -> str:
    """Write a stored time (naive, the machine's local time) as PFIF's UTC."""
    return format_time(moment.astimezone(UTC) if moment.tzinfo is None else moment)


def _local(moment: datetime) -> datetime:
    """Return an aware time as the stored times are kept: naive, the machine's local time."""
    return moment.astimezone().replace(tzinfo=None)


def _day(on: date) -> str:
    return f"{on.isoformat()}T00:00:00Z"


# --- consent -------------------------------------------------------------------------------


def consenting_inquirers(inquirers: Sequence[Inquirer], scope: ConsentScope) -> set[int]:
    """Return the ids of the inquirers who agreed that their data go to ``scope``.

    The one place a PFIF export reads consent (the scopes an inquirer ticked, kept in
    ``inquirers.consent``): a consent history, when there is one, is read here.
    """
    return {i.id for i in inquirers if scope.value in i.consent.split(",")}


# --- export --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote, and how many persons were held back for want of consent."""

    document: PfifDocument
    persons: int
    notes: int
    withheld: int


@dataclass(slots=True)
class _Group:
    """A person and those merged into him, with what goes out about them."""

    person: Person
    ids: list[int]
    requests: list[tuple[TracingRequest, Inquirer]] = field(default_factory=list)


def _merged_map(session: Session) -> dict[int, int]:
    """Return merged person -> the person kept in the end."""
    parent: dict[int, int] = {
        pid: into
        for pid, into in session.execute(
            select(Person.id, Person.merged_into_id).where(Person.merged_into_id.is_not(None))
        )
        if into is not None
    }
    kept: dict[int, int] = {}
    for pid in parent:
        seen, current = {pid}, parent[pid]
        while current in parent and current not in seen:
            seen.add(current)
            current = parent[current]
        kept[pid] = current
    return kept


def _pfif_records(session: Session, person_ids: Sequence[int]) -> list[tuple[int, ListRecord, str]]:
    """Return (person id, record, how) of the PFIF records linked to these persons."""
    found: list[tuple[int, ListRecord, str]] = []
    for chunk in _chunks(person_ids):
        rows = session.execute(
            select(LinkCandidate.person_id, ListRecord, LinkCandidate.evidence)
            .join(ListRecord, ListRecord.id == LinkCandidate.list_record_id)
            .where(
                LinkCandidate.person_id.in_(chunk),
                LinkCandidate.state.in_(LINKED),
                LinkCandidate.run == IMPORT_RUN,
            )
            .order_by(LinkCandidate.id)
        ).all()
        found += [
            (pid, record, str((evidence or {}).get(PFIF_KEY, "")))
            for pid, record, evidence in rows
            if PFIF_KEY in (record.extra or {})
        ]
    return found


def _notes_meta(record: ListRecord) -> dict[str, dict[str, str]]:
    raw = (record.extra or {}).get(NOTES_KEY)
    return dict(json.loads(raw)) if raw else {}


def _derived(person: Person) -> str:
    birth = birth_of(person)
    return json.dumps(
        [
            person.surname,
            person.given_name,
            person.patronymic,
            person.sex,
            birth.iso() if birth else "",
            person.home_region,
            person.unit,
            person.rank,
        ],
        ensure_ascii=False,
    )


def _person_values(person: Person, domain: str, originals: dict[str, str] | None) -> dict[str, str]:
    """Return a person's PFIF fields: this instance's own, or the record he was imported from."""
    birth = birth_of(person)
    own = {
        "full_name": " ".join(
            p for p in (person.surname, person.given_name, person.patronymic) if p
        ),
        "given_name": " ".join(p for p in (person.given_name, person.patronymic) if p),
        "family_name": person.surname,
        "sex": person.sex if person.sex in ("male", "female") else "",
        "date_of_birth": birth.iso() if birth else "",
        "home_state": person.home_region,
        "description": describe(person.unit, person.rank),
    }
    values = {
        "person_record_id": f"{domain}/person.{person.id}",
        "entry_date": _utc(person.created_at),
        "source_name": domain,
        "source_date": _utc(person.created_at),
    }
    if originals is None:
        return values | own
    kept = {k[len(ORIGINAL) :]: v for k, v in originals.items() if k.startswith(ORIGINAL)}
    if originals.get(DERIVED_KEY) != _derived(person):  # edited here since: ours win
        kept |= own
    return kept | {"entry_date": _utc(person.created_at)}


def _changed_since(session: Session, ids: list[int], since: datetime) -> set[int]:
    """Return the persons among ``ids`` created or edited after ``since`` (naive local)."""
    changed: set[int] = set()
    for chunk in _chunks(ids):
        changed.update(
            session.scalars(
                select(Person.id).where(Person.id.in_(chunk), Person.created_at > since)
            )
        )
        keys = [str(i) for i in chunk]
        changed.update(
            int(key)
            for key in session.scalars(
                select(ChangeLog.row_key).where(
                    ChangeLog.table_name == "persons",
                    ChangeLog.row_key.in_(keys),
                    ChangeLog.at > since,
                )
            )
        )
    return changed


def _select_all(session: Session, statement: Any, column: Any, ids: list[int]) -> list[Any]:
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows += session.execute(statement.where(column.in_(chunk))).all()
    return rows


def export_pfif(
    session: Session,
    *,
    domain: str,
    scope: ConsentScope = DEFAULT_SCOPE,
    since: datetime | None = None,
) -> ExportResult:
    """Return the PFIF records of every person whose relatives consented to ``scope``.

    ``since`` (an aware time): only what was created or changed after it, for a partner who
    has the rest (a person goes out again when his details changed or he has new notes).
    """
    kept = _merged_map(session)
    requests = session.execute(
        select(TracingRequest, Inquirer)
        .join(Inquirer, Inquirer.id == TracingRequest.inquirer_id)
        .order_by(TracingRequest.id)
    ).all()
    consenting = consenting_inquirers([i for _, i in requests], scope)
    asked = {kept.get(r.person_id, r.person_id) for r, _ in requests}
    groups: dict[int, _Group] = {}
    for request, inquirer in requests:
        pid = kept.get(request.person_id, request.person_id)
        if inquirer.id in consenting:
            groups.setdefault(pid, _Group(Person(), [pid])).requests.append((request, inquirer))
    ids = sorted(groups)
    for row in _select_all(session, select(Person), Person.id, ids):
        groups[row[0].id].person = row[0]
    for merged, into in kept.items():
        if into in groups:
            groups[into].ids.append(merged)
    all_ids = [i for g in groups.values() for i in g.ids]
    owner = {pid: gid for gid, g in groups.items() for pid in g.ids}
    consenting_users = {i.user_id for _, i in requests if i.id in consenting and i.user_id}
    reports: dict[int, list[tuple[Report, Source]]] = {}
    retracted: set[int] = set()
    for report, source in _select_all(
        session,
        select(Report, Source).join(Source, Source.id == Report.source_id).order_by(Report.id),
        Report.person_id,
        all_ids,
    ):
        if report.retracts_id is not None:
            retracted.add(report.retracts_id)
        reports.setdefault(owner[report.person_id], []).append((report, source))
    assessments = {
        a.person_id: a
        for (a,) in _select_all(
            session, select(Assessment).where(Assessment.is_current), Assessment.person_id, ids
        )
    }
    originals: dict[int, dict[str, str]] = {}
    meta: dict[int, dict[str, str]] = {}
    for pid, record, how in _pfif_records(session, all_ids):
        if how == NEW_PERSON and pid in groups:
            originals[pid] = dict(record.extra)
        for report_id, note in _notes_meta(record).items():
            meta[int(report_id)] = note
    local_since = _local(since) if since is not None else None
    changed = _changed_since(session, ids, local_since) if local_since is not None else set()
    persons: list[PfifPerson] = []
    count = 0
    for gid in ids:
        group = groups[gid]
        values = _person_values(group.person, domain, originals.get(gid))
        notes = [
            (created, note)
            for created, note in _notes_of(
                group,
                values["person_record_id"],
                domain,
                [
                    (r, s)
                    for r, s in reports.get(gid, [])
                    if r.claim != RETRACTION
                    and r.id not in retracted
                    and (s.type != SourceType.RELATIVE.value or r.created_by in consenting_users)
                ],
                assessments.get(gid),
                meta,
            )
            if local_since is None or created > local_since
        ]
        if local_since is not None and not notes and gid not in changed:
            continue
        persons.append(PfifPerson(values, tuple(n for _, n in notes)))
        count += len(notes)
    return ExportResult(PfifDocument(tuple(persons)), len(persons), count, len(asked - set(groups)))


def _notes_of(
    group: _Group,
    person_record_id: str,
    domain: str,
    reports: list[tuple[Report, Source]],
    assessment: Assessment | None,
    meta: dict[int, dict[str, str]],
) -> list[tuple[datetime, PfifNote]]:
    """Return the notes of one person with their entry times (naive local)."""
    notes: list[tuple[datetime, PfifNote]] = []
    for request, inquirer in group.requests:
        values = {
            "note_record_id": f"{domain}/request.{request.id}",
            "person_record_id": person_record_id,
            "entry_date": _utc(request.created_at),
            "author_name": inquirer.full_name or "relative",
            "author_email": inquirer.email,
            "author_phone": inquirer.phone,
            "source_date": _utc(request.created_at),
            "status": "information_sought",
            "text": request.circumstances
            or f"Tracing request filed on {request.filed_on.isoformat()}.",
        }
        notes.append((request.created_at, PfifNote(values)))
    for report, source in reports:
        original = meta.get(report.id)
        values = {
            "note_record_id": f"{domain}/report.{report.id}",
            "person_record_id": person_record_id,
            "entry_date": _utc(report.created_at),
            "author_name": source.name,
            "source_date": _day(report.observed_on),
            "status": note_status(Status(report.claim)),
            "last_known_location": report.place,
            "text": report.text or report.claim.replace("_", " "),
        }
        if original is not None:  # imported: its own id, author, status and text again
            values |= {k: v for k, v in original.items() if k != "entry_date"}
            values["text"] = report.text
        notes.append((report.created_at, PfifNote(values)))
    if assessment is not None:
        since = f", since {assessment.status_since.isoformat()}" if assessment.status_since else ""
        values = {
            "note_record_id": f"{domain}/assessment.{assessment.id}",
            "person_record_id": person_record_id,
            "entry_date": _utc(assessment.computed_at),
            "author_name": f"kintrace ({domain})",
            "source_date": _utc(assessment.computed_at),
            "status": note_status(Status(assessment.status)),
            "text": f"Status assessed from all the evidence: {assessment.status.replace('_', ' ')}"
            f"{since} (confidence {assessment.confidence:.2f}).",
        }
        notes.append((assessment.computed_at, PfifNote(values)))
    return notes


# --- import --------------------------------------------------------------------------------


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
    for chunk in _chunks(record_ids):
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
            notes.update(n["note_record_id"] for n in _notes_meta(record).values())
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
        raise SourceFormatError(f"{name}: {len(problems)} problem(s)", problems[:100])
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
    persons: dict[str, Person] = {}
    for record_id in plan.order:
        if record_id in plan.found:
            person = session.get(Person, plan.found[record_id])
        else:
            details = plan.details[record_id]
            region = (
                get_or_create_region(session, details.home_region) if details.home_region else None
            )
            person = add_person(session, details, region=region, actor_id=actor_id)
        assert person is not None
        persons[record_id] = person
    meta: dict[str, dict[str, dict[str, str]]] = {}
    sources: dict[str, Source] = {}
    for note, claim, observed in plan.notes:
        source_name = _source_name(note)
        if source_name not in sources:
            sources[source_name] = get_or_create_source(
                session, SourceDetails(source_name, SourceType.SOCIAL_MEDIA, UNGRADED_RELIABILITY)
            )
        person_id = note.get("person_record_id")
        report = record_report(
            session,
            person=persons[person_id],
            source=sources[source_name],
            details=ReportDetails(
                claim=claim.value,
                observed_on=observed,
                credibility=UNGRADED_CREDIBILITY,
                text=note.get("text"),
                place=note.get("last_known_location")[:PLACE_LIMIT],
            ),
            actor_id=actor_id,
        )
        kept = {k: note.get(k) for k in NOTE_KEPT if note.get(k)}
        meta.setdefault(person_id, {})[str(report.id)] = kept
    created = 0
    for record_id in plan.order:
        person = persons[record_id]
        new = record_id not in plan.found
        created += new
        element = plan.persons.get(record_id)
        extra = {PFIF_KEY: "1.4"}
        if element is not None:
            extra |= {
                f"{ORIGINAL}{k}": v for k, v in element.values.items() if k not in PERSON_DROPPED
            }
        if new:
            extra[DERIVED_KEY] = _derived(person)
        if record_id in meta:
            extra[NOTES_KEY] = json.dumps(meta[record_id], ensure_ascii=False, sort_keys=True)
        details = plan.details.get(record_id) or _stored_details(person)
        line = element.line if element is not None else 0
        record = _record_row(imported.id, record_id, line, details, extra)
        session.add(record)
        session.flush()
        session.add(
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
        )
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
    )


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
