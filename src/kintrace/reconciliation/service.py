"""Recompute assessed statuses from stored reports; keep every recomputation.

The pure engine (:mod:`kintrace.reconciliation.rules`) does the weighing; this module reads a
person's reports, official status and authority requests, runs it, and stores the result as a
new ``assessments`` row (the previous one stays, no longer current) when anything changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

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
from kintrace.storage.tables import (
    Assessment,
    AuthorityRequest,
    OfficialStatus,
    Person,
    Report,
    Source,
)

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


def report_input(
    report: Report, source_type: str, source_reliability: str | None = None
) -> ReportInput:
    """Turn a stored report into the engine's input (keyed by its id).

    A reliability an analyst set on the source overrides the one the report was graded with.
    """
    return ReportInput(
        key=str(report.id),
        date=report.observed_on,
        source=SourceType(source_type),
        grade=Grade(Reliability(source_reliability or report.reliability), report.credibility),
        claim="retraction" if report.claim == "retraction" else Status(report.claim),
        retracts=str(report.retracts_id) if report.retracts_id is not None else None,
        text=report.text,
    )


@dataclass(frozen=True, slots=True)
class PersonEvidence:
    """What the engine needs of one person."""

    reports: list[ReportInput]
    official: OfficialInput | None
    requests: list[RequestInput]


def gather(session: Session, person_ids: Sequence[int]) -> dict[int, PersonEvidence]:
    """Read the reports, current official status and requests of many persons at once."""
    evidence = {pid: PersonEvidence([], None, []) for pid in person_ids}
    rows = session.execute(
        select(Report, Source.type, Source.reliability)
        .join(Source, Source.id == Report.source_id)
        .where(Report.person_id.in_(person_ids))
        .order_by(Report.id)
    ).all()
    for report, source_type, reliability in rows:
        evidence[report.person_id].reports.append(report_input(report, source_type, reliability))
    for official in session.scalars(
        select(OfficialStatus)
        .where(OfficialStatus.person_id.in_(person_ids))
        .order_by(OfficialStatus.id)
    ):
        evidence[official.person_id] = PersonEvidence(
            evidence[official.person_id].reports,
            OfficialInput(Status(official.status), official.since, official.authority),
            evidence[official.person_id].requests,
        )
    for request in session.scalars(
        select(AuthorityRequest).where(AuthorityRequest.person_id.in_(person_ids))
    ):
        evidence[request.person_id].requests.append(
            RequestInput(
                key=str(request.id),
                authority=request.authority,
                sent=request.sent_on,
                due=request.due_on,
                replied=request.replied_on,
                kind=_KINDS.get(request.kind, RequestKind.OTHER),
            )
        )
    return evidence


def assess(evidence: PersonEvidence, *, today: date, policy: ClockPolicy) -> Result:
    """Run the pure engine on one person's evidence."""
    return reconcile(evidence.reports, evidence.official, today, policy, evidence.requests)


def _row(person_id: int, result: Result, reason: str, lang: Lang) -> Assessment:
    return Assessment(
        person_id=person_id,
        computed_at=datetime.now(),
        status=result.status.value,
        status_since=result.since,
        confidence=result.confidence,
        flags=[f.value for f in result.flags],
        supporting=[int(k) for k in result.supporting],
        contradicting=[int(k) for k in result.contradicting],
        court_date=result.clocks.court_date,
        last_information_on=result.clocks.last_information,
        explanation=explain(result, lang, lambda key: f"report #{key}"),
        reason=reason,
        is_current=True,
    )


def _same(row: Assessment, new: Assessment) -> bool:
    return (
        row.status == new.status
        and row.status_since == new.status_since
        and abs(row.confidence - new.confidence) < 1e-9
        and row.flags == new.flags
        and row.supporting == new.supporting
        and row.contradicting == new.contradicting
        and row.court_date == new.court_date
        and row.explanation == new.explanation
    )


def store_results(
    session: Session,
    results: Iterable[tuple[int, Result]],
    *,
    reason: str,
    lang: Lang = Lang.EN,
) -> int:
    """Store new assessments where they differ from the current ones; return how many."""
    pending = {pid: _row(pid, result, reason, lang) for pid, result in results}
    if not pending:
        return 0
    current = {
        a.person_id: a
        for a in session.scalars(
            select(Assessment).where(Assessment.person_id.in_(list(pending)), Assessment.is_current)
        )
    }
    changed = [
        pid for pid, row in pending.items() if pid not in current or not _same(current[pid], row)
    ]
    if not changed:
        return 0
    session.execute(
        update(Assessment)
        .where(Assessment.person_id.in_(changed), Assessment.is_current)
        .values(is_current=False)
        .execution_options(synchronize_session=False)
    )
    session.add_all(pending[pid] for pid in changed)
    session.flush()
    return len(changed)


def recompute_person(
    session: Session, person_id: int, *, today: date, settings: Settings, reason: str
) -> Result:
    """Recompute one person's assessed status now (in the caller's transaction)."""
    evidence = gather(session, [person_id])[person_id]
    result = assess(evidence, today=today, policy=policy_of(settings))
    store_results(session, [(person_id, result)], reason=reason)
    return result


def recompute_all(
    session: Session,
    *,
    today: date,
    settings: Settings,
    reason: str,
    batch: int = 2000,
    progress: Callable[[int], None] = lambda _n: None,
) -> tuple[int, int]:
    """Recompute every person in batches; return (persons seen, assessments changed)."""
    policy = policy_of(settings)
    seen = changed = 0
    last = 0
    while True:
        ids = list(
            session.scalars(
                select(Person.id).where(Person.id > last).order_by(Person.id).limit(batch)
            )
        )
        if not ids:
            return seen, changed
        evidence = gather(session, ids)
        results = [(pid, assess(evidence[pid], today=today, policy=policy)) for pid in ids]
        changed += store_results(session, results, reason=reason)
        seen += len(ids)
        last = ids[-1]
        progress(seen)
