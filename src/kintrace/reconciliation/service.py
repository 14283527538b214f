"""Recompute assessed statuses from stored reports; keep every recomputation.

The pure engine (:mod:`kintrace.reconciliation.rules`) does the weighing; this module reads a
person's reports, official status and authority requests, runs it, and stores the result as a
new ``assessments`` row (the previous one stays, no longer current) when anything changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    ClauseElement,
    ColumnElement,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from kintrace.config import Settings
from kintrace.reconciliation.clocks import ClockPolicy
from kintrace.reconciliation.explain import explain
from kintrace.reconciliation.model import (
    Assessment as Result,
)
from kintrace.reconciliation.model import (
    AuthorityRequest as RequestInput,
)
from kintrace.reconciliation.model import (
    OfficialStatus as OfficialInput,
)
from kintrace.reconciliation.model import (
    ReportInput,
    RequestKind,
)
from kintrace.reconciliation.rules import reconcile
from kintrace.reconciliation.words import Lang
from kintrace.reports.model import Grade, Reliability, SourceType, Status
from kintrace.storage.copy import copy_in, copy_line
from kintrace.storage.tables import (
    Assessment,
    AuthorityRequest,
    Base,
    OfficialStatus,
    Person,
    Report,
    ReportGrade,
    Source,
)
from kintrace.storage.worklist_tables import refresh_work_flags

_KINDS = {
    "status_change": RequestKind.STATUS_CHANGE,
    "pow_list_inclusion": RequestKind.POW_LIST,
    "dna_test": RequestKind.DNA_TEST,
}


def policy_of(settings: Settings) -> ClockPolicy:
    """Return the jurisdiction's clock policy from the settings."""
    return ClockPolicy(
        court_after_months=settings.court_months, reply_days=settings.authority_reply_days
    )


_SOURCES = {t.value: t for t in SourceType}
_STATUSES = {s.value: s for s in Status}
_GRADES = {(r.value, c): Grade(r, c) for r in Reliability for c in range(1, 7)}


def _input(
    report_id: int,
    observed_on: date,
    source_type: str,
    reliability: str,
    credibility: int,
    claim: str,
    retracts_id: int | None,
    text: str,
) -> ReportInput:
    return ReportInput(
        key=str(report_id),
        date=observed_on,
        source=_SOURCES[source_type],
        grade=_GRADES.get((reliability, credibility))
        or Grade(Reliability(reliability), credibility),
        claim="retraction" if claim == "retraction" else _STATUSES[claim],
        retracts=str(retracts_id) if retracts_id is not None else None,
        text=text,
    )


@dataclass(frozen=True, slots=True)
class PersonEvidence:
    """What the engine needs of one person."""

    reports: list[ReportInput]
    official: OfficialInput | None
    requests: list[RequestInput]


ReportRow = tuple[int, date, str, str, int, str, int | None, str]
"""A report as read: id, observed on, source type, reliability, credibility, claim, retracts,
text. Plain values, cheap to send to a worker process."""
OfficialRow = tuple[str, date, str]
RequestRow = tuple[int, str, date, date, date | None, str]


@dataclass(slots=True)
class RawEvidence:
    """One person's records as read from the database, before they become engine input."""

    reports: list[ReportRow]
    official: OfficialRow | None
    requests: list[RequestRow]


def _among(
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None], ids: Sequence[int]
) -> ColumnElement[bool]:
    """``column IN (ids)`` with the ids written into the SQL.

    A batch holds thousands of ids; as bound parameters each would be converted and sent on
    its own, which costs more than the query. They are integers from the database, so writing
    them out is safe.
    """
    return column.in_(bindparam("ids", [int(i) for i in ids], expanding=True, literal_execute=True))


def _fetch(session: Session, statement: ClauseElement) -> list[tuple[Any, ...]]:
    """Run a query on the driver's own cursor and return plain tuples.

    For the many rows of a bulk run SQLAlchemy's result rows cost twice what the query does;
    the statement is still built by SQLAlchemy (its values written in: integer ids only).
    """
    session.flush()  # the raw cursor does not flush what the session holds
    connection = session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return cast("list[tuple[Any, ...]]", cursor.fetchall())
    finally:
        cursor.close()


def gather_rows(session: Session, person_ids: Sequence[int]) -> dict[int, RawEvidence]:
    """Read the reports, current official status and requests of many persons at once.

    The records of duplicates merged into a person count as his. A report's reliability is
    its source's current grade, its credibility the newest grade an analyst gave it (or the
    one it was recorded with).
    """
    evidence = {pid: RawEvidence([], None, []) for pid in person_ids}
    owner = {pid: pid for pid in person_ids}
    for child, root in session.execute(
        select(Person.id, Person.merged_into_id).where(_among(Person.merged_into_id, person_ids))
    ).all():
        if root is not None:
            owner[child] = root
    person_ids = list(owner)
    graded = (  # an analyst's newest grade of the report, if any, is its credibility
        select(ReportGrade.credibility)
        .where(ReportGrade.report_id == Report.id)
        .order_by(ReportGrade.id.desc())
        .limit(1)
        .correlate(Report)
        .scalar_subquery()
    )
    rows = _fetch(
        session,
        select(
            Report.person_id,
            Report.id,
            Report.observed_on,
            Source.type,
            func.coalesce(Source.reliability, Report.reliability),
            func.coalesce(graded, Report.credibility),
            Report.claim,
            Report.retracts_id,
            Report.text,
        )
        .join(Source, Source.id == Report.source_id)
        .where(_among(Report.person_id, person_ids)),
        # no ORDER BY: the engine's result does not depend on the order of the reports
    )
    for person_id, report_id, observed_on, *rest in rows:
        if isinstance(observed_on, str):  # SQLite's DBAPI gives dates as text
            observed_on = date.fromisoformat(observed_on)
        evidence[owner[person_id]].reports.append((report_id, observed_on, *rest))
    for person_id, status, since, authority in session.execute(
        select(
            OfficialStatus.person_id,
            OfficialStatus.status,
            OfficialStatus.since,
            OfficialStatus.authority,
        )
        .where(_among(OfficialStatus.person_id, person_ids))
        .order_by(OfficialStatus.id)
    ):
        evidence[owner[person_id]].official = (status, since, authority)
    for person_id, *request in session.execute(
        select(
            AuthorityRequest.person_id,
            AuthorityRequest.id,
            AuthorityRequest.authority,
            AuthorityRequest.sent_on,
            AuthorityRequest.due_on,
            AuthorityRequest.replied_on,
            AuthorityRequest.kind,
        )
        .where(_among(AuthorityRequest.person_id, person_ids))
        .order_by(AuthorityRequest.id)
    ):
        evidence[owner[person_id]].requests.append(tuple(request))  # type: ignore[arg-type]
    return evidence


def evidence_of(raw: RawEvidence) -> PersonEvidence:
    """Turn one person's records into engine input (pure)."""
    official = raw.official
    return PersonEvidence(
        [_input(*row) for row in raw.reports],
        None if official is None else OfficialInput(Status(official[0]), official[1], official[2]),
        [
            RequestInput(
                key=str(rid),
                authority=authority,
                sent=sent,
                due=due,
                replied=replied,
                kind=_KINDS.get(kind, RequestKind.OTHER),
            )
            for rid, authority, sent, due, replied, kind in raw.requests
        ],
    )


def gather(session: Session, person_ids: Sequence[int]) -> dict[int, PersonEvidence]:
    """Read what the engine needs of many persons at once."""
    return {pid: evidence_of(raw) for pid, raw in gather_rows(session, person_ids).items()}


def assess(evidence: PersonEvidence, *, today: date, policy: ClockPolicy) -> Result:
    """Run the pure engine on one person's evidence."""
    return reconcile(evidence.reports, evidence.official, today, policy, evidence.requests)


def _row(person_id: int, result: Result, reason: str, lang: Lang) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "computed_at": datetime.now(),
        "status": result.status.value,
        "status_since": result.since,
        "confidence": result.confidence,
        "flags": [f.value for f in result.flags],
        "supporting": [int(k) for k in result.supporting],
        "contradicting": [int(k) for k in result.contradicting],
        "court_date": result.clocks.court_date,
        "last_information_on": result.clocks.last_information,
        "explanation": explain(result, lang, lambda key: f"report #{key}"),
        "reason": reason,
        "is_current": True,
    }


ASSESSMENTS = Base.metadata.tables["assessments"]

ROW_COLUMNS = (
    "person_id",
    "computed_at",
    "status",
    "status_since",
    "confidence",
    "flags",
    "supporting",
    "contradicting",
    "court_date",
    "last_information_on",
    "explanation",
    "reason",
    "is_current",
)
"""The columns of a new assessment row, in the order COPY lines give them."""

_COMPARED = tuple(
    c
    for c in ROW_COLUMNS
    if c not in {"person_id", "computed_at", "last_information_on", "reason", "is_current"}
)
"""What an assessment says; a new row is stored only when one of these differs."""


def _same(row: Any, new: dict[str, Any]) -> bool:
    return all(
        abs(row.confidence - new["confidence"]) < 1e-9
        if name == "confidence"
        else getattr(row, name) == new[name]
        for name in _COMPARED
    )


def store_results(
    session: Session,
    results: Iterable[tuple[int, Result]],
    *,
    reason: str,
    lang: Lang = Lang.EN,
) -> int:
    """Store new assessments where they differ from the current ones; return how many.

    Assessments are derived data kept as history: a new one is a new row, and the previous
    one stays, marked as no longer current.
    """
    return store_rows(session, {pid: _row(pid, result, reason, lang) for pid, result in results})


@dataclass(slots=True)
class Changes:
    """What a batch changes: new assessment rows and the current assessments they replace."""

    persons: list[int]
    """The persons with a new row, in the order of ``rows``."""
    rows: list[Any]
    """The new rows: dicts keyed by :data:`ROW_COLUMNS`, or COPY lines (see :meth:`encoded`)."""
    replaced: dict[int, int]
    """Person id → the id of his current assessment; first assessments are not in it."""

    def encoded(self) -> Changes:
        """The same changes with the rows as COPY lines, ready for PostgreSQL."""
        rows = [
            row if isinstance(row, str) else copy_line(row[c] for c in ROW_COLUMNS)
            for row in self.rows
        ]
        return Changes(self.persons, rows, self.replaced)

    def without(self, persons: set[int]) -> Changes:
        """The same changes less those of some persons."""
        kept = [i for i, pid in enumerate(self.persons) if pid not in persons]
        return Changes(
            [self.persons[i] for i in kept],
            [self.rows[i] for i in kept],
            {p: a for p, a in self.replaced.items() if p not in persons},
        )


def changes_of(session: Session, pending: dict[int, dict[str, Any]]) -> Changes:
    """Compare new assessment rows with the current ones; keep those that differ."""
    found = Changes([], [], {})
    if not pending:
        return found
    columns = [getattr(Assessment, name) for name in ("id", "person_id", *_COMPARED)]
    current = {
        row.person_id: row
        for row in session.execute(
            select(*columns).where(
                _among(Assessment.person_id, list(pending)), Assessment.is_current
            )
        )
    }
    for pid, new in pending.items():
        old = current.get(pid)
        if old is None or not _same(old, new):
            found.persons.append(pid)
            found.rows.append(new)
            if old is not None:
                found.replaced[pid] = old.id
    return found


def store_rows(session: Session, pending: dict[int, dict[str, Any]]) -> int:
    """Store assessment rows (see :func:`store_results`) that differ from the current ones."""
    session.flush()
    found = changes_of(session, pending)
    stale = write_changes(session, found)
    assert not stale, "current assessments changed under this transaction"
    return len(found.rows)


def write_changes(session: Session, changes: Changes) -> set[int]:
    """Retire the replaced assessments and insert the new rows; return the persons left out.

    An assessment is retired by its id, and only if it is still current: when another
    transaction has replaced it since it was read, that person's new row is not written and
    the person is returned, to be assessed again on what is current now.
    """
    stale: set[int] = set()
    if changes.replaced:
        retired = set(
            session.scalars(
                update(Assessment)
                .where(
                    _among(Assessment.id, list(changes.replaced.values())),
                    # as an expression, not the bare column: SQLite would otherwise look the
                    # rows up through the is_current index, i.e. scan every current one
                    func.coalesce(Assessment.is_current, False),
                )
                .values(is_current=False)
                .returning(Assessment.person_id)
                .execution_options(synchronize_session=False)
            )
        )
        stale = set(changes.replaced) - retired
        if stale:
            changes = changes.without(stale)
    if changes.rows:
        _insert(session, changes)
        refresh_work_flags(session.connection(), changes.persons)
    session.expire_all()
    return stale


def _insert(session: Session, changes: Changes) -> None:
    """Insert new rows in bulk: COPY on PostgreSQL, one executemany elsewhere."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        copy_in(connection, "assessments", ROW_COLUMNS, cast("list[str]", changes.encoded().rows))
    else:  # Core, not ORM objects: derived rows need no identity map
        connection.execute(insert(ASSESSMENTS), cast("list[dict[str, Any]]", changes.rows))


def recompute_person(
    session: Session, person_id: int, *, today: date, settings: Settings, reason: str
) -> Result:
    """Recompute one person's assessed status now (in the caller's transaction)."""
    evidence = gather(session, [person_id])[person_id]
    result = assess(evidence, today=today, policy=policy_of(settings))
    store_results(session, [(person_id, result)], reason=reason)
    return result


def assess_rows(
    evidence: dict[int, RawEvidence], today: date, policy: ClockPolicy, reason: str
) -> dict[int, dict[str, Any]]:
    """Assess a batch and build its rows (pure; runs in a worker process)."""
    return {
        pid: _row(pid, assess(evidence_of(raw), today=today, policy=policy), reason, Lang.EN)
        for pid, raw in evidence.items()
    }
