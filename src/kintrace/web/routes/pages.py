"""The pages: the case list, a person's case, the worklist, public figures."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kintrace.access import (
    MAY_GRADE_SOURCES,
    MAY_RECORD_OFFICIAL,
    MAY_RECORD_REPORTS,
    SEES_ALL_PERSONS,
    Role,
    Viewer,
)
from kintrace.attachments.service import attach_to_report, parse_links
from kintrace.cases.consent_service import consents_for
from kintrace.cases.dossier import dossier
from kintrace.cases.model import Relationship
from kintrace.cases.service import get_person, search_persons
from kintrace.cases.views import log_case, log_cases
from kintrace.cases.worklist import WORK_FLAGS, WORK_SORTS, all_work, worklist, worklist_csv
from kintrace.errors import Forbidden, InvalidInput, NotFound
from kintrace.identification.advice import extra_sample_advice
from kintrace.identification.service import (
    MAY_REGISTER_SAMPLES,
    identifications_of,
    samples_of,
)
from kintrace.instance import Instance
from kintrace.linkage.service import MAY_LINK, links_of
from kintrace.notify.service import news_for
from kintrace.reconciliation.service import assess, gather, policy_of, recompute_person
from kintrace.reports.model import (
    CREDIBILITY_LABELS,
    RETRACTION,
    UNGRADED_CREDIBILITY,
    OfficialStatusDetails,
    Reliability,
    ReportDetails,
    SourceDetails,
    SourceType,
    Status,
    check_date,
)
from kintrace.reports.service import (
    AUTHORITY_REQUEST_KINDS,
    MAY_GRADE_REPORTS,
    file_report,
    grade_report,
    persons_of_source,
    record_official_status,
    record_reply,
    send_authority_request,
    set_source_reliability,
    sources_with_counts,
)
from kintrace.storage.tables import (
    AuthorityRequest,
    Person,
    Region,
    Report,
    User,
)
from kintrace.web.cookies import COOKIE, check_csrf, csrf_token
from kintrace.web.deps import CurrentViewer, DbSession, SignedIn, get_instance
from kintrace.web.i18n import language_of
from kintrace.web.limits import PageNo, RowId, parse_row_id, read_files
from kintrace.web.render import explanation_in, templates
from kintrace.web.stats_view import public_context

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]


def page(request: Request, name: str, viewer: Viewer | None, **context: Any) -> HTMLResponse:
    """Render a page with the viewer and a CSRF token for its forms."""
    instance: Instance = request.app.state.instance
    token = csrf_token(instance.settings.secret_key, request.cookies.get(COOKIE))
    return templates.TemplateResponse(
        request,
        name,
        {"viewer": viewer, "csrf": token, "Role": Role, "today": date.today(), **context},
    )


def require_csrf(request: Request, token: str) -> None:
    """Refuse a form that did not come from our own page."""
    instance: Instance = request.app.state.instance
    if not check_csrf(instance.settings.secret_key, request.cookies.get(COOKIE), token):
        raise Forbidden("the form has expired; reload the page and try again")


def confirms(decision: str) -> bool:
    """Read a review form's decision: True to confirm, False to reject."""
    if decision not in ("confirm", "reject"):
        raise InvalidInput(f"field 'decision': {decision!r} is not confirm or reject")
    return decision == "confirm"


@router.get("/")
def home(viewer: CurrentViewer) -> RedirectResponse:
    """Send the public to the figures and everyone else to their cases."""
    if viewer.role is Role.PUBLIC:
        return RedirectResponse("/login", status_code=303)
    if viewer.role is Role.DNA_LAB:
        return RedirectResponse("/lab", status_code=303)
    return RedirectResponse("/cases", status_code=303)


SEARCH_COUNTED = 1000
"""The case list reads at most this many answering persons (then says that more answer)."""
WORKLIST_COUNTED = 10_000
"""The worklist counts at most this many cases (then says that it holds more)."""


@router.get("/cases")
def cases(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    q: str = "",
    status: str = "",
    flag: str = "",
    region_text: Annotated[str, Query(alias="region")] = "",
    page_no: PageNo = 1,
) -> HTMLResponse:
    """List the cases this viewer may see, with search and filters."""
    if not viewer.sees_persons:
        raise Forbidden(f"a {viewer.role.value} works on coded samples, not on named persons")
    region = parse_row_id(region_text, "region")  # "" from the form: every region
    result = search_persons(
        db,
        viewer,
        text=q,
        status=status,
        flag=flag,
        region_id=region,
        page=page_no,
        count_up_to=SEARCH_COUNTED,
    )
    regions = (
        list(db.scalars(select(Region).order_by(Region.name)))
        if viewer.role in SEES_ALL_PERSONS
        else []
    )
    return page(
        request,
        "cases.html",
        viewer,
        result=result,
        q=q,
        status=status,
        flag=flag,
        region=region,
        regions=regions,
        notifications=(
            news_for(db, user, limit=5, language=language_of(request))
            if viewer.role is Role.RELATIVE
            and (user := db.get(User, viewer.user_id or 0)) is not None
            else []
        ),
    )


@router.get("/persons/{person_id}")
def person_page(
    request: Request, db: DbSession, viewer: SignedIn, instance: InstanceDep, person_id: RowId
) -> Response:
    """Show one person's case: requests, reports in time order, official and assessed status."""
    merged = db.get(Person, person_id)
    if merged is not None and merged.merged_into_id is not None:
        get_person(db, viewer, merged.merged_into_id)  # access to the kept person
        return RedirectResponse(f"/persons/{merged.merged_into_id}", status_code=303)
    case = dossier(db, viewer, person_id)
    evidence = gather(db, [person_id])[person_id]
    samples = samples_of(db, person_id)
    result = assess(evidence, today=date.today(), policy=policy_of(instance.settings))
    log_case(db, viewer, person_id, "view", "person_page")
    return page(
        request,
        "person.html",
        viewer,
        case=case,
        changes=result.changes,
        samples=samples,
        advice=extra_sample_advice(Relationship(s.relationship_) for s in samples),
        identifications=identifications_of(db, person_id, viewer),
        may_register_samples=viewer.role in MAY_REGISTER_SAMPLES,
        may_link=viewer.role in MAY_LINK,
        list_links=links_of(db, person_id) if viewer.role in SEES_ALL_PERSONS else [],
        relationships=[r.value for r in Relationship if r is not Relationship.COMRADE],
        may_report=viewer.role in MAY_RECORD_REPORTS,
        may_record_official=viewer.role in MAY_RECORD_OFFICIAL,
        may_grade=viewer.role in MAY_GRADE_REPORTS,
        credibility_labels=CREDIBILITY_LABELS,
        request_kinds=AUTHORITY_REQUEST_KINDS,
        explanation=explanation_in(result, language_of(request)),
        consents=consents_for(db, viewer, person_id),
    )


@router.post("/persons/{person_id}/reports")
def add_report(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    person_id: RowId,
    csrf: Annotated[str, Form()],
    claim: Annotated[str, Form()],
    observed_on: Annotated[date, Form()],
    source_type: Annotated[str, Form()] = "",
    credibility: Annotated[str, Form()] = "",
    source_name: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    retracts: Annotated[str, Form()] = "",
    links: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> RedirectResponse:
    """Record a new report and recompute the assessed status in the same transaction.

    Files and links sent with it are kept with the report (all or nothing, see
    :mod:`kintrace.attachments.service`).

    A relative's form has no grade: the report is recorded as what the relative says, with
    the source they name kept in its text, and graded by analysts (see ``file_report``).
    """
    require_csrf(request, csrf)
    viewer.require(MAY_RECORD_REPORTS, "record reports")
    person = get_person(db, viewer, person_id)
    relative = viewer.role is Role.RELATIVE
    try:
        kind = SourceType(source_type or (SourceType.RELATIVE.value if relative else ""))
    except ValueError as error:
        raise InvalidInput(f"field 'source_type': unknown source type {source_type!r}") from error
    if relative and credibility.strip() not in ("", str(UNGRADED_CREDIBILITY)):
        raise InvalidInput("field 'credibility': an analyst grades a relative's report")
    if relative or not credibility.strip():
        grade = UNGRADED_CREDIBILITY
    elif credibility.strip() in {"1", "2", "3", "4", "5", "6"}:
        grade = int(credibility)
    else:
        raise InvalidInput(f"field 'credibility': {credibility[:20]!r} is not a digit 1-6")
    details = ReportDetails(
        claim=claim,
        observed_on=observed_on,
        credibility=grade,
        text=text.strip(),
        place=place.strip(),
        retracts=retracts.strip() if claim == RETRACTION else None,
    )
    said_by = SourceDetails(source_name.strip()[:200] or kind.value, kind)
    urls = parse_links(links)
    uploads = read_files(files, max_upload_mb=instance.settings.max_upload_mb)
    report = file_report(db, viewer, person=person, said_by=said_by, details=details)
    attach_to_report(
        db, instance.files, report=report, uploads=uploads, links=urls, actor_id=viewer.user_id
    )
    log_case(db, viewer, person.id, "change", "report")
    _recompute(db, instance, [person.id], "new report")
    return RedirectResponse(f"/persons/{person.id}#reports", status_code=303)


@router.post("/reports/{report_id}/grade")
def grade_report_form(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    report_id: RowId,
    csrf: Annotated[str, Form()],
    credibility: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Grade a report's credibility (analysts) and recompute its person in the same transaction."""
    require_csrf(request, csrf)
    value = credibility.strip()  # anything but a digit 1-6 is refused by the service, as 0
    number = int(value) if value in {str(c) for c in CREDIBILITY_LABELS} else 0
    grade = grade_report(db, viewer, report_id, credibility=number, reason=reason)
    report = db.get(Report, grade.report_id)
    assert report is not None
    person = db.get(Person, report.person_id)
    assert person is not None
    kept = person.merged_into_id or person.id  # a duplicate's reports count for the kept person
    log_case(db, viewer, kept, "change", "report_grade")
    _recompute(db, instance, [kept], "report graded")
    return RedirectResponse(f"/persons/{kept}#reports", status_code=303)


def _worklist_regions(db: DbSession, viewer: Viewer) -> list[Region]:
    if not viewer.sees_persons or viewer.role is Role.RELATIVE:
        raise Forbidden("the worklist is for regional desks and analysts")
    if viewer.role in SEES_ALL_PERSONS:
        return list(db.scalars(select(Region).order_by(Region.name)))
    return []


@router.get("/worklist")
def worklist_page(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    flag: str = "",
    status: str = "",
    sort: str = "silent",
    region_text: Annotated[str, Query(alias="region")] = "",
    page_no: PageNo = 1,
) -> HTMLResponse:
    """List the cases that need work, a page at a time: late answers, disagreements..."""
    region = parse_row_id(region_text, "region")  # "" from the form: every region
    regions = _worklist_regions(db, viewer)
    result = worklist(
        db,
        viewer,
        today=date.today(),
        flag=flag,
        region_id=region,
        status=status,
        sort=sort or "silent",
        page=page_no,
        count_up_to=WORKLIST_COUNTED,
    )
    return page(
        request,
        "worklist.html",
        viewer,
        result=result,
        items=result.items,
        flag=flag,
        status=status,
        sort=sort or "silent",
        work_flags=WORK_FLAGS,
        work_sorts=WORK_SORTS,
        region=region,
        regions=regions,
    )


@router.get("/worklist.csv")
def worklist_export(
    db: DbSession,
    viewer: SignedIn,
    flag: str = "",
    status: str = "",
    sort: str = "silent",
    region_text: Annotated[str, Query(alias="region")] = "",
) -> Response:
    """Export the whole worklist (every page) as CSV, in the order and with the filters shown."""
    region = parse_row_id(region_text, "region")
    _worklist_regions(db, viewer)
    items = list(
        all_work(
            db,
            viewer,
            today=date.today(),
            flag=flag,
            region_id=region,
            status=status,
            sort=sort or "silent",
        )
    )  # read once: the case log and the file both need every item
    log_cases(db, viewer, [i.person.id for i in items], "export", "worklist")
    return Response(
        worklist_csv(items),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="worklist.csv"'},
    )


@router.get("/stats")
def stats_page(request: Request, db: DbSession, viewer: CurrentViewer) -> HTMLResponse:
    """Show the public figures (no personal data; small counts suppressed)."""
    return page(request, "stats.html", viewer, **public_context(db, language_of(request)))


def _recompute(db: DbSession, instance: Instance, person_ids: list[int], reason: str) -> None:
    for pid in person_ids:
        recompute_person(db, pid, today=date.today(), settings=instance.settings, reason=reason)


@router.post("/persons/{person_id}/official")
def add_official_status(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    person_id: RowId,
    csrf: Annotated[str, Form()],
    status: Annotated[str, Form()],
    since: Annotated[date, Form()],
    authority: Annotated[str, Form()],
) -> RedirectResponse:
    """Record what an authority now says (a new record; earlier statements are kept)."""
    require_csrf(request, csrf)
    viewer.require(MAY_RECORD_OFFICIAL, "record official statuses")
    person = get_person(db, viewer, person_id)
    try:
        official = Status(status)
    except ValueError as error:
        raise InvalidInput(f"field 'status': unknown status {status!r}") from error
    check_date(since, "since", today=date.today())
    if not authority.strip():
        raise InvalidInput("field 'authority': say which authority says so")
    record_official_status(
        db,
        person=person,
        details=OfficialStatusDetails(official, since, authority.strip()),
        actor_id=viewer.user_id,
    )
    log_case(db, viewer, person.id, "change", "official_status")
    _recompute(db, instance, [person.id], "new official status")
    return RedirectResponse(f"/persons/{person.id}#status", status_code=303)


@router.post("/persons/{person_id}/authority-requests")
def add_authority_request(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    person_id: RowId,
    csrf: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    authority: Annotated[str, Form()],
    sent_on: Annotated[date, Form()],
    due_on: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Record a request sent to an authority; its answer is due after the legal period."""
    require_csrf(request, csrf)
    viewer.require(MAY_RECORD_OFFICIAL, "record requests to authorities")
    person = get_person(db, viewer, person_id)
    if not authority.strip():
        raise InvalidInput("field 'authority': say which authority it went to")
    check_date(sent_on, "sent_on", today=date.today())
    try:
        due = (
            date.fromisoformat(due_on)
            if due_on
            else sent_on + timedelta(days=instance.settings.authority_reply_days)
        )
    except ValueError as error:
        raise InvalidInput(f"field 'due_on': {due_on!r} is not a date") from error
    send_authority_request(
        db, person=person, kind=kind, authority=authority.strip(), sent_on=sent_on, due_on=due
    )
    log_case(db, viewer, person.id, "change", "authority_request")
    _recompute(db, instance, [person.id], "request sent to an authority")
    return RedirectResponse(f"/persons/{person.id}#authorities", status_code=303)


@router.post("/authority-requests/{request_id}/reply")
def add_authority_reply(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    request_id: RowId,
    csrf: Annotated[str, Form()],
    replied_on: Annotated[date, Form()],
    reply: Annotated[str, Form()],
) -> RedirectResponse:
    """Record an authority's answer (the change is kept in the history)."""
    require_csrf(request, csrf)
    viewer.require(MAY_RECORD_OFFICIAL, "record answers of authorities")
    row = db.get(AuthorityRequest, request_id)
    if row is None:
        raise NotFound(f"no authority request {request_id}")
    person = get_person(db, viewer, row.person_id)
    if row.replied_on is not None:
        raise InvalidInput("this request has its answer already")
    if replied_on < row.sent_on:
        raise InvalidInput("field 'replied_on': the answer cannot come before the request")
    record_reply(db, request_id, replied_on=replied_on, reply=reply.strip())
    log_case(db, viewer, person.id, "change", "authority_reply")
    _recompute(db, instance, [person.id], "an authority answered")
    return RedirectResponse(f"/persons/{person.id}#authorities", status_code=303)


@router.get("/sources")
def sources_page(request: Request, db: DbSession, viewer: SignedIn) -> HTMLResponse:
    """List the sources with their reliability; analysts may change it."""
    viewer.require(MAY_GRADE_SOURCES, "grade sources")
    return page(request, "sources.html", viewer, sources=sources_with_counts(db))


@router.post("/sources/{source_id}/reliability")
def grade_source(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    source_id: RowId,
    csrf: Annotated[str, Form()],
    reliability: Annotated[str, Form()],
) -> RedirectResponse:
    """Change a source's reliability and recompute every person it reported on."""
    require_csrf(request, csrf)
    viewer.require(MAY_GRADE_SOURCES, "grade sources")
    try:
        grade = None if reliability == "default" else Reliability(reliability)
    except ValueError as error:
        raise InvalidInput(f"field 'reliability': {reliability!r} is not A-F") from error
    set_source_reliability(db, source_id, reliability=grade)
    _recompute(db, instance, persons_of_source(db, source_id), "source reliability changed")
    return RedirectResponse(f"/sources#source-{source_id}", status_code=303)
