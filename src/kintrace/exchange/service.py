"""PFIF 1.4 export against the database, and what PFIF import and export share.

Export (:func:`export_pfif`) writes what relatives agreed to share with the exchange's
partner (``scope``, the Red Cross by default), by the one rule every partner export applies
(:func:`kintrace.cases.consent.consented_view`): a person goes out unless every relative who
asked for him refused the scope (a person nobody asked for, known from lists and
authorities, goes); a request or report a relative gave goes out only with that relative's
consent in force. Each person carries as notes the requests (``information_sought``), every
report that stands (withdrawn reports and withdrawals are left out: PFIF cannot withdraw a
note) and the current assessed status, mapped onto PFIF's note statuses
(:data:`~kintrace.exchange.pfif_values.CLAIM_STATUS`). With ``since``, only what was created or
changed after that time goes out. A person imported from PFIF goes out under his original
record id with his original fields (unless edited here since), a note imported from PFIF
under its own id, author and status: a copy keeps its home repository's identity.

Import is :mod:`kintrace.exchange.pfif_import`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.cases.consent import consented_view
from kintrace.cases.consent_service import consents_of, givers_of
from kintrace.cases.model import ConsentScope
from kintrace.cases.service import birth_of
from kintrace.config import Settings
from kintrace.exchange.pfif import PfifDocument, PfifNote, PfifPerson
from kintrace.exchange.pfif_values import describe, format_time, note_status
from kintrace.reports.model import RETRACTION, Status
from kintrace.storage.tables import (
    Assessment,
    ChangeLog,
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


def chunks(ids: Iterable[T], size: int = CHUNK) -> Iterable[list[T]]:
    """Yield the items in lists of at most ``size``."""
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _utc(moment: datetime) -> str:
    """Write a stored time (naive, the machine's local time) as PFIF's UTC."""
    return format_time(moment.astimezone(UTC) if moment.tzinfo is None else moment)


def _local(moment: datetime) -> datetime:
    """Return an aware time as the stored times are kept: naive, the machine's local time."""
    return moment.astimezone().replace(tzinfo=None)


def _day(on: date) -> str:
    return f"{on.isoformat()}T00:00:00Z"


# --- export --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote, and how many persons were held back for want of consent."""

    document: PfifDocument
    persons: int
    notes: int
    withheld: int
    person_ids: tuple[int, ...] = ()
    """The persons exported (their cases log the export where the caller keeps the log)."""


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
    for chunk in chunks(person_ids):
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


def notes_meta(record: ListRecord) -> dict[str, dict[str, str]]:
    """Return the originals of the notes imported with a PFIF record (by report id)."""
    raw = (record.extra or {}).get(NOTES_KEY)
    return dict(json.loads(raw)) if raw else {}


def derived(person: Person) -> str:
    """Return the details a person has now, as kept with his record to tell an edit since."""
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
    if originals.get(DERIVED_KEY) != derived(person):  # edited here since: ours win
        kept |= own
    return kept | {"entry_date": _utc(person.created_at)}


def _changed_since(session: Session, ids: list[int], since: datetime) -> set[int]:
    """Return the persons among ``ids`` created or edited after ``since`` (naive local)."""
    changed: set[int] = set()
    for chunk in chunks(ids):
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
    for chunk in chunks(ids):
        rows += session.execute(statement.where(column.in_(chunk))).all()
    return rows


BATCH = 2000
"""Persons gathered at a time while exporting."""


def export_pfif(
    session: Session,
    *,
    domain: str,
    scope: ConsentScope = DEFAULT_SCOPE,
    since: datetime | None = None,
) -> ExportResult:
    """Return the PFIF records of every person, as far as relatives consented to ``scope``.

    ``since`` (an aware time): only what was created or changed after it, for a partner who
    has the rest (a person goes out again when his details changed or he has new notes).
    """
    kept = _merged_map(session)
    standing = list(
        session.scalars(
            select(Person.id).where(Person.merged_into_id.is_(None)).order_by(Person.id)
        )
    )
    local_since = _local(since) if since is not None else None
    persons: list[PfifPerson] = []
    person_ids: list[int] = []
    notes = withheld = 0
    for batch in chunks(standing, BATCH):
        exported, count, held = _export_batch(session, batch, kept, domain, scope, local_since)
        persons += [record for _, record in exported]
        person_ids += [pid for pid, _ in exported]
        notes += count
        withheld += held
    return ExportResult(
        PfifDocument(tuple(persons)), len(persons), notes, withheld, tuple(person_ids)
    )


def _export_batch(
    session: Session,
    ids: list[int],
    kept: dict[int, int],
    domain: str,
    scope: ConsentScope,
    since: datetime | None,
) -> tuple[list[tuple[int, PfifPerson]], int, int]:
    """Export one batch of standing persons: ((person id, record), notes, persons withheld)."""
    groups: dict[int, list[int]] = {pid: [pid] for pid in ids}
    for merged, into in kept.items():
        if into in groups:
            groups[into].append(merged)
    owner = {pid: gid for gid, members in groups.items() for pid in members}
    every = sorted(owner)
    people = {p.id: p for (p,) in _select_all(session, select(Person), Person.id, ids)}
    consents: dict[int, dict[int, Any]] = {gid: {} for gid in ids}
    for pid, scopes in consents_of(session, every).items():
        consents[owner[pid]].update(scopes)
    requests: dict[int, list[tuple[TracingRequest, Inquirer]]] = {}
    for request, inquirer in _select_all(
        session,
        select(TracingRequest, Inquirer)
        .join(Inquirer, Inquirer.id == TracingRequest.inquirer_id)
        .order_by(TracingRequest.id),
        TracingRequest.person_id,
        every,
    ):
        requests.setdefault(owner[request.person_id], []).append((request, inquirer))
    rows = _select_all(
        session,
        select(Report, Source).join(Source, Source.id == Report.source_id).order_by(Report.id),
        Report.person_id,
        every,
    )
    retracted = {r.retracts_id for r, _ in rows if r.retracts_id is not None}
    standing = [(r, s) for r, s in rows if r.claim != RETRACTION and r.id not in retracted]
    givers = givers_of(session, [r for r, _ in standing])
    reports: dict[int, list[tuple[Report, Source]]] = {}
    for report, source in standing:
        reports.setdefault(owner[report.person_id], []).append((report, source))
    assessments = {
        a.person_id: a
        for (a,) in _select_all(
            session, select(Assessment).where(Assessment.is_current), Assessment.person_id, ids
        )
    }
    originals: dict[int, dict[str, str]] = {}
    meta: dict[int, dict[str, str]] = {}
    for pid, record, how in _pfif_records(session, every):
        if how == NEW_PERSON and pid in groups:
            originals[pid] = dict(record.extra)
        for report_id, note in notes_meta(record).items():
            meta[int(report_id)] = note
    changed = _changed_since(session, ids, since) if since is not None else set()
    persons: list[tuple[int, PfifPerson]] = []
    count = withheld = 0
    for gid in ids:
        items: list[tuple[TracingRequest, Inquirer] | tuple[Report, Source]] = [
            *requests.get(gid, []),
            *reports.get(gid, []),
        ]
        view = consented_view(
            items,
            given_by=lambda item: (
                item[1].id if isinstance(item[1], Inquirer) else givers[item[0].id]
            ),
            consents=consents[gid],
            scope=scope,
        )
        if not view.person:
            withheld += 1
            continue
        values = _person_values(people[gid], domain, originals.get(gid))
        notes = [
            (created, note)
            for created, note in _notes_of(
                values["person_record_id"], domain, view.items, assessments.get(gid), meta
            )
            if since is None or created > since
        ]
        if since is not None and not notes and gid not in changed:
            continue
        persons.append((gid, PfifPerson(values, tuple(n for _, n in notes))))
        count += len(notes)
    return persons, count, withheld


def _notes_of(
    person_record_id: str,
    domain: str,
    items: Sequence[tuple[TracingRequest, Inquirer] | tuple[Report, Source]],
    assessment: Assessment | None,
    meta: dict[int, dict[str, str]],
) -> list[tuple[datetime, PfifNote]]:
    """Return the notes of one person with their entry times (naive local)."""
    notes: list[tuple[datetime, PfifNote]] = []
    for item in items:
        if isinstance(item[0], TracingRequest):
            request, inquirer = item
            assert isinstance(inquirer, Inquirer)
            notes.append(
                (request.created_at, _request_note(person_record_id, domain, request, inquirer))
            )
            continue
        report, source = item
        assert isinstance(report, Report) and isinstance(source, Source)
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
        original = meta.get(report.id)
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


def _request_note(
    person_record_id: str, domain: str, request: TracingRequest, inquirer: Inquirer
) -> PfifNote:
    """Return a relative's tracing request as a note: the author is looking for him."""
    return PfifNote(
        {
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
    )
