"""Reports, sources, official statuses and authority requests: record them, read them back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.errors import InvalidInput, NotFound
from kintrace.ids import id_list
from kintrace.reports.model import (
    DEFAULT_RELIABILITY,
    RETRACTION,
    OfficialStatusDetails,
    Reliability,
    ReportDetails,
    SourceDetails,
    SourceType,
    Status,
)
from kintrace.storage.files import FileStore, sniff_media_type
from kintrace.storage.tables import (
    Attachment,
    AuthorityRequest,
    OfficialStatus,
    Person,
    Report,
    ReportAttachment,
    Source,
)

AUTHORITY_REQUEST_KINDS = ("status_change", "pow_list_inclusion", "dna_test")


def get_or_create_source(session: Session, details: SourceDetails) -> Source:
    """Return the source of this name and type, creating it on first use."""
    source = session.scalar(
        select(Source).where(Source.name == details.name, Source.type == details.type.value)
    )
    if source is None:
        source = Source(
            name=details.name,
            type=details.type.value,
            reliability=details.reliability.value if details.reliability else None,
            created_at=datetime.now(),
        )
        session.add(source)
        session.flush()
    return source


def _check_claim(session: Session, person: Person, details: ReportDetails) -> int | None:
    if not 1 <= details.credibility <= 6:
        raise InvalidInput(f"credibility {details.credibility} is not between 1 and 6")
    if details.claim == RETRACTION:
        if details.retracts is None:
            raise InvalidInput("a retraction must name the report it retracts")
        target = session.get(Report, int(details.retracts))
        if target is None or target.person_id != person.id:
            raise InvalidInput(f"report {details.retracts} is not a report about this person")
        return target.id
    if details.claim not in {s.value for s in Status}:
        raise InvalidInput(f"unknown claim {details.claim!r}")
    return None


def record_report(
    session: Session,
    *,
    person: Person,
    source: Source,
    details: ReportDetails,
    actor_id: int | None,
) -> Report:
    """Record one claim of one source about one person (never edited afterwards)."""
    retracts_id = _check_claim(session, person, details)
    reliability = source.reliability or DEFAULT_RELIABILITY[SourceType(source.type)].value
    report = Report(
        person_id=person.id,
        source_id=source.id,
        claim=details.claim,
        observed_on=details.observed_on,
        place=details.place,
        reliability=reliability,
        credibility=details.credibility,
        text=details.text,
        retracts_id=retracts_id,
        created_at=datetime.now(),
        created_by=actor_id,
    )
    session.add(report)
    session.flush()
    return report


def attach_file(
    session: Session, store: FileStore, *, report: Report, data: bytes, filename: str
) -> ReportAttachment:
    """Store a file by content hash and attach it to a report."""
    media_type = sniff_media_type(data, filename)
    digest = store.put(data)
    if session.get(Attachment, digest) is None:
        session.add(
            Attachment(
                sha256=digest, size=len(data), media_type=media_type, created_at=datetime.now()
            )
        )
    link = ReportAttachment(report_id=report.id, sha256=digest, filename=filename[:300])
    session.add(link)
    session.flush()
    return link


def reports_of(session: Session, person_id: int | Sequence[int]) -> list[Report]:
    """Return a person's reports in time order."""
    return list(
        session.scalars(
            select(Report)
            .where(Report.person_id.in_(id_list(person_id)))
            .order_by(Report.observed_on, Report.id)
        )
    )


def attachments_of(session: Session, report_ids: list[int]) -> dict[int, list[ReportAttachment]]:
    """Return the attachments of each report."""
    result: dict[int, list[ReportAttachment]] = {}
    rows = session.scalars(
        select(ReportAttachment).where(ReportAttachment.report_id.in_(report_ids))
    )
    for row in rows:
        result.setdefault(row.report_id, []).append(row)
    return result


def record_official_status(
    session: Session, *, person: Person, details: OfficialStatusDetails, actor_id: int | None
) -> OfficialStatus:
    """Record what an authority says now (the earlier statements are kept)."""
    row = OfficialStatus(
        person_id=person.id,
        status=details.status.value,
        since=details.since,
        authority=details.authority,
        recorded_at=datetime.now(),
        recorded_by=actor_id,
    )
    session.add(row)
    session.flush()
    return row


def official_history(session: Session, person_id: int | Sequence[int]) -> list[OfficialStatus]:
    """Return every official status recorded for a person, oldest first."""
    return list(
        session.scalars(
            select(OfficialStatus)
            .where(OfficialStatus.person_id.in_(id_list(person_id)))
            .order_by(OfficialStatus.id)
        )
    )


def send_authority_request(
    session: Session,
    *,
    person: Person,
    kind: str,
    authority: str,
    sent_on: date,
    due_on: date,
) -> AuthorityRequest:
    """Record a request sent to an authority, with the date its answer is due."""
    if kind not in AUTHORITY_REQUEST_KINDS:
        raise InvalidInput(
            f"unknown request kind {kind!r}: use {', '.join(AUTHORITY_REQUEST_KINDS)}"
        )
    if due_on < sent_on:
        raise InvalidInput("the answer cannot be due before the request is sent")
    row = AuthorityRequest(
        person_id=person.id,
        kind=kind,
        authority=authority,
        sent_on=sent_on,
        due_on=due_on,
        replied_on=None,
        reply="",
        created_at=datetime.now(),
    )
    session.add(row)
    session.flush()
    return row


def record_reply(session: Session, request_id: int, *, replied_on: date, reply: str) -> None:
    """Record an authority's answer (the change is logged with who and why)."""
    row = session.get(AuthorityRequest, request_id)
    if row is None:
        raise NotFound(f"no authority request {request_id}")
    row.replied_on = replied_on
    row.reply = reply
    session.flush()


def authority_requests_of(
    session: Session, person_id: int | Sequence[int]
) -> list[AuthorityRequest]:
    """Return a person's requests to authorities, oldest first."""
    return list(
        session.scalars(
            select(AuthorityRequest)
            .where(AuthorityRequest.person_id.in_(id_list(person_id)))
            .order_by(AuthorityRequest.sent_on, AuthorityRequest.id)
        )
    )


def set_source_reliability(
    session: Session, source_id: int, *, reliability: Reliability | None
) -> Source:
    """Change a source's reliability (None: back to its type's default); the change is logged.

    Assessments use the source's current reliability for all its reports, so that an analyst
    who learns a source is unreliable downgrades every claim it made.
    """
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"no source {source_id}")
    source.reliability = reliability.value if reliability else None
    session.flush()
    return source


def sources_with_counts(session: Session) -> list[tuple[Source, int]]:
    """Return every source with the number of its reports, most used first."""
    count = func.count(Report.id)
    rows = session.execute(
        select(Source, count)
        .outerjoin(Report, Report.source_id == Source.id)
        .group_by(Source.id)
        .order_by(count.desc(), Source.name)
    ).all()
    return [(source, n) for source, n in rows]


def persons_of_source(session: Session, source_id: int) -> list[int]:
    """Return the ids of the persons a source reported on."""
    return list(
        session.scalars(select(Report.person_id).where(Report.source_id == source_id).distinct())
    )
