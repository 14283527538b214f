"""Reports, sources, official statuses and authority requests: record them, read them back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.access import MAY_GRADE_SOURCES, MAY_RECORD_REPORTS, SYSTEM, Role, Viewer
from kintrace.attachments.service import Upload, store_file
from kintrace.cases.service import get_person
from kintrace.errors import Conflict, Forbidden, InvalidInput, NotFound
from kintrace.ids import id_list
from kintrace.reports.model import (
    CREDIBILITY_LABELS,
    DEFAULT_RELIABILITY,
    RETRACTION,
    UNGRADED_CREDIBILITY,
    UNGRADED_RELIABILITY,
    OfficialStatusDetails,
    Reliability,
    ReportDetails,
    SourceDetails,
    SourceType,
    Status,
    check_date,
)
from kintrace.storage.files import FileStore
from kintrace.storage.tables import (
    AuthorityRequest,
    OfficialStatus,
    Person,
    Report,
    ReportAttachment,
    ReportGrade,
    Source,
)

AUTHORITY_REQUEST_KINDS = (
    "status_change",
    "pow_list_inclusion",
    "dna_test",
    "remains_return",  # letters (kintrace.letters)
    "objection",
)


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


MAY_RETRACT_ANY = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
"""Who may withdraw a report someone else recorded; everyone else only their own."""


def _check_retraction(
    session: Session, person: Person, details: ReportDetails, viewer: Viewer
) -> int:
    """Return the id of the report a retraction withdraws, if this viewer may withdraw it."""
    problems: list[str] = []
    if not details.text.strip():
        problems.append("field 'text': say why the report is withdrawn")
    target_id = (details.retracts or "").strip()
    number = (
        int(target_id)
        if target_id.isascii() and target_id.isdigit() and len(target_id) <= 10
        else 0
    )
    target = session.get(Report, number) if 1 <= number < 2**31 else None
    if target is None or target.person_id != person.id:
        problems.append(
            f"field 'retracts': {target_id[:20]!r} is not the number of a report about this person"
        )
    elif viewer.role not in MAY_RETRACT_ANY and (
        viewer.user_id is None or target.created_by != viewer.user_id
    ):
        raise Forbidden(
            f"report {target.id} was recorded by someone else: only its author or an analyst "
            "may withdraw it"
        )
    elif target.claim == RETRACTION:
        problems.append("field 'retracts': a retraction cannot be retracted; file the report again")
    elif target.observed_on > details.observed_on:
        problems.append(f"field 'observed_on': report {target.id} is dated later")
    elif session.scalar(select(Report.id).where(Report.retracts_id == target.id).limit(1)):
        raise Conflict(f"report {target.id} is withdrawn already")
    if problems:
        raise InvalidInput(problems[0], problems)
    assert target is not None
    return target.id


def _check_claim(
    session: Session, person: Person, details: ReportDetails, viewer: Viewer
) -> int | None:
    if not 1 <= details.credibility <= 6:
        raise InvalidInput(f"field 'credibility': {details.credibility} is not between 1 and 6")
    check_date(details.observed_on, "observed_on", today=date.today())
    if details.claim == RETRACTION:
        return _check_retraction(session, person, details, viewer)
    if details.claim not in {s.value for s in Status}:
        raise InvalidInput(f"field 'claim': unknown claim {details.claim!r}")
    return None


def record_report(
    session: Session,
    *,
    person: Person,
    source: Source,
    details: ReportDetails,
    actor_id: int | None,
    viewer: Viewer | None = None,
) -> Report:
    """Record one claim of one source about one person (never edited afterwards).

    A retraction needs a reason (its text) and is allowed to the author of the withdrawn
    report, an analyst or an administrator: ``viewer`` is who makes it (the machine itself,
    for CLI and demo data recorded without an actor).
    """
    if viewer is None:
        if actor_id is not None and details.claim == RETRACTION:
            raise Forbidden("a retraction needs the user who makes it")
        viewer = SYSTEM
    retracts_id = _check_claim(session, person, details, viewer)
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


def relative_source(session: Session, viewer: Viewer) -> Source:
    """Return the relative's own source, ungraded (F) until an analyst grades it."""
    if viewer.role is not Role.RELATIVE or viewer.user_id is None:
        raise Forbidden("only a relative reports as a relative")
    name = f"relative: {viewer.display_name.strip() or 'relative'} (account {viewer.user_id})"
    return get_or_create_source(
        session, SourceDetails(name[:300], SourceType.RELATIVE, UNGRADED_RELIABILITY)
    )


def _relayed(said_by: SourceDetails, text: str) -> str:
    """Say where a relative heard what they report, kept in the report's text."""
    kind = said_by.type.value.replace("_", " ")
    name = said_by.name.strip()
    if said_by.type is SourceType.RELATIVE and not name:
        return text
    heard = f"{kind} ({name})" if name and name != said_by.type.value else kind
    return f"Relayed by a relative, who says it came from: {heard}." + (f" {text}" if text else "")


def file_report(
    session: Session,
    viewer: Viewer,
    *,
    person: Person,
    said_by: SourceDetails,
    details: ReportDetails,
) -> Report:
    """Record a report a user enters (access to the person is the caller's check).

    Staff record the source and the credibility they judge. A relative's report is what the
    relative says: its source is the relative's own (reliability F until an analyst grades
    that source), the source they name is kept in the text, and its credibility is 6 (cannot
    be judged): the relative does not grade it, so that nothing a relative enters weighs more
    than analysts allow.
    """
    viewer.require(MAY_RECORD_REPORTS, "record reports")
    if viewer.role is not Role.RELATIVE:
        source = get_or_create_source(session, said_by)
        return record_report(
            session,
            person=person,
            source=source,
            details=details,
            actor_id=viewer.user_id,
            viewer=viewer,
        )
    if details.credibility != UNGRADED_CREDIBILITY:
        raise InvalidInput(
            "field 'credibility': an analyst grades a relative's report; leave it out"
        )
    own = relative_source(session, viewer)
    text = details.text if details.claim == RETRACTION else _relayed(said_by, details.text)
    return record_report(
        session,
        person=person,
        source=own,
        details=replace(details, text=text),
        actor_id=viewer.user_id,
        viewer=viewer,
    )


MAY_GRADE_REPORTS = MAY_GRADE_SOURCES
"""Who grades a report's credibility: analysts and administrators, never its author as such."""

MAX_GRADE_REASON = 2000
"""The longest reason a grade may give, in characters."""


def grade_report(
    session: Session, viewer: Viewer, report_id: int, *, credibility: int, reason: str
) -> ReportGrade:
    """Grade one report's credibility (1..6) with a reason, as a new record.

    The report itself is never changed: its newest grade is the credibility the status
    engine uses (see :func:`grades_of`), and every grade stays as its history. Its reliability
    stays its source's, graded on the sources page. Only analysts and administrators grade,
    so that a relative never grades a report, their own included. A report about a person the
    viewer may not see is NotFound, in the same words as one that does not exist. The caller
    recomputes the person's assessed status in the same transaction.
    """
    report = session.get(Report, report_id) if 1 <= report_id < 2**31 else None
    if report is None:
        raise NotFound(f"no report {report_id} among the cases you may see")
    try:
        get_person(session, viewer, report.person_id)
    except NotFound as error:
        raise NotFound(f"no report {report_id} among the cases you may see") from error
    viewer.require(MAY_GRADE_REPORTS, "grade reports")
    if viewer.user_id is None:
        raise Forbidden("a grade needs the user who gives it")
    problems: list[str] = []
    if credibility not in CREDIBILITY_LABELS:
        problems.append(f"field 'credibility': {credibility} is not between 1 and 6")
    reason = reason.strip()
    if not reason:
        problems.append("field 'reason': say why the report gets this grade")
    elif len(reason) > MAX_GRADE_REASON:
        problems.append(f"field 'reason': at most {MAX_GRADE_REASON} characters")
    if report.claim == RETRACTION:
        problems.append(f"report {report.id} is a withdrawal: it has no credibility to grade")
    if problems:
        raise InvalidInput(problems[0], problems)
    grade = ReportGrade(
        report_id=report.id,
        credibility=credibility,
        reason=reason,
        graded_by=viewer.user_id,
        graded_at=datetime.now(),
    )
    session.add(grade)
    session.flush()
    return grade


def grades_of(session: Session, report_ids: Sequence[int]) -> dict[int, list[ReportGrade]]:
    """Return the grades of each report, oldest first (the last one is its credibility)."""
    result: dict[int, list[ReportGrade]] = {}
    if not report_ids:
        return result
    rows = session.scalars(
        select(ReportGrade)
        .where(ReportGrade.report_id.in_(id_list(report_ids)))
        .order_by(ReportGrade.id)
    )
    for row in rows:
        result.setdefault(row.report_id, []).append(row)
    return result


def attach_file(
    session: Session, store: FileStore, *, report: Report, data: bytes, filename: str
) -> ReportAttachment:
    """Store a file by content hash (sniffed, an image's thumbnail made) and attach it to a
    report (see :mod:`kintrace.attachments.service`)."""
    stored = store_file(session, store, Upload(filename, data))
    link = ReportAttachment(report_id=report.id, sha256=stored.sha256, filename=filename[:300])
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
    check_date(details.since, "since", today=date.today())
    if not details.authority.strip():
        raise InvalidInput("field 'authority': say which authority says so")
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
    check_date(sent_on, "sent_on", today=date.today())
    check_date(due_on, "due_on", today=date.today(), future=True)
    if due_on < sent_on:
        raise InvalidInput("field 'due_on': the answer cannot be due before the request is sent")
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
    check_date(replied_on, "replied_on", today=date.today())
    if row.replied_on is not None:
        raise Conflict("this request has its answer already")
    if replied_on < row.sent_on:
        raise InvalidInput("field 'replied_on': the answer cannot come before the request")
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
