"""The JSON API under /api (documented at /api/docs and in docs/api.md).

Reads take a signed-in browser's session or a partner's token with ``read_persons``; a
token reads only what relatives agreed to share with its partner
(:mod:`kintrace.partners.reads`). The write endpoints take a token only
(:mod:`kintrace.web.api_auth`): reports (``write_reports``) and lists (``upload_lists``).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Collection, Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import select

from kintrace.cases.dossier import dossier
from kintrace.cases.service import (
    FLAG_WORDS,
    STATUS_WORDS,
    birth_of,
    get_person,
    search_persons,
)
from kintrace.cases.views import log_case
from kintrace.errors import Forbidden, NotFound
from kintrace.instance import Instance
from kintrace.linkage.service import link_list
from kintrace.lists.preview import preview_import
from kintrace.lists.service import columns_for, import_list, list_holding, read_list
from kintrace.partners.reads import consented_persons, partner_case
from kintrace.partners.reports import partner_report
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import ReportDetails, SourceDetails, SourceType, Status
from kintrace.stats.service import public_figures
from kintrace.storage.tables import Assessment, Person, Source
from kintrace.web.api_auth import ListUploader, ReadCaller, ReportWriter
from kintrace.web.deps import CurrentViewer, DbSession, get_instance
from kintrace.web.limits import MAX_ROW_ID, RowId, max_upload_bytes, read_upload

# the list upload form's checks, shared with the analysts' page (one set of rules)
from kintrace.web.routes.lists import KIND_LABELS, _checked, _file_name


class ApiError(BaseModel):
    """Every error the API answers: the kind of error and what was wrong, one line each."""

    error: str
    detail: list[str]


ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ApiError, "description": "Not signed in, or no valid API token"},
    403: {"model": ApiError, "description": "The caller's role or token scope may not do this"},
    404: {"model": ApiError, "description": "No such record, or not one the caller may see"},
    413: {"model": ApiError, "description": "The request is larger than the instance accepts"},
    422: {"model": ApiError, "description": "A parameter is malformed or out of range"},
    429: {"model": ApiError, "description": "Too many requests; try again later"},
}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


class StatusOut(BaseModel):
    """A status with its date."""

    status: str
    since: date | None = None
    authority: str = ""


class AssessmentOut(BaseModel):
    """The assessed status with its reasons."""

    status: str
    confidence: float
    flags: list[str]
    supporting: list[int]
    contradicting: list[int]
    court_date: date | None
    explanation: str


class PersonSummary(BaseModel):
    """A person in a list."""

    id: int
    surname: str
    given_name: str
    patronymic: str
    birth_date: str | None
    region: str
    unit: str
    requests: int
    official: StatusOut | None
    assessed: AssessmentOut | None


class PersonList(BaseModel):
    """A page of persons."""

    total: int
    page: int
    pages: int
    persons: list[PersonSummary]


class ReportOut(BaseModel):
    """A report as stored."""

    id: int
    observed_on: date
    source_type: str
    source: str
    grade: str
    claim: str
    place: str
    text: str
    retracts: int | None
    retracted_by: int | None


class RequestOut(BaseModel):
    """A tracing request as the viewer may see it."""

    id: int
    filed_on: date
    relationship: str
    inquirer: str
    channel: str


class AuthorityRequestOut(BaseModel):
    """A request sent to an authority, its due date and answer."""

    id: int
    kind: str
    authority: str
    sent_on: date
    due_on: date
    replied_on: date | None
    reply: str


class PersonDetail(PersonSummary):
    """A person with the case."""

    sex: str
    rank: str
    personal_number: str
    requests_list: list[RequestOut]
    reports: list[ReportOut]
    assessment_history: list[AssessmentOut]
    official_history: list[StatusOut]
    authority_requests: list[AuthorityRequestOut]


class Figures(BaseModel):
    """Public figures. A count from 1 to 4 is "x", and so is any count from which a hidden one
    could be worked out (each breakdown sums to ``persons``: ``not_assessed`` and
    ``(no desk)`` hold the rest)."""

    persons: str
    requests: str
    reports: str
    by_status: dict[str, str]
    by_region: dict[str, str]


def _assessed(a: Assessment, shared: Collection[int] | None) -> AssessmentOut:
    """An assessed status; with ``shared`` (a partner's read) it names only those reports,
    and no explanation (it names every report, withheld ones too)."""
    if shared is None:
        return AssessmentOut(
            status=a.status,
            confidence=a.confidence,
            flags=a.flags,
            supporting=a.supporting,
            contradicting=a.contradicting,
            court_date=a.court_date,
            explanation=a.explanation,
        )
    return AssessmentOut(
        status=a.status,
        confidence=a.confidence,
        flags=a.flags,
        supporting=[r for r in a.supporting if r in shared],
        contradicting=[r for r in a.contradicting if r in shared],
        court_date=a.court_date,
        explanation="",
    )


def _one_of(words: Iterable[str]) -> str:
    """A pattern that admits the empty string or one of the words (the schema lists them)."""
    return "^(" + "|".join(["", *sorted(re.escape(w) for w in words)]) + ")$"


@router.get("/persons", response_model=PersonList)
def list_persons(
    db: DbSession,
    caller: ReadCaller,
    q: str = "",
    status: Annotated[str, Query(pattern=_one_of(STATUS_WORDS))] = "",
    flag: Annotated[str, Query(pattern=_one_of(FLAG_WORDS))] = "",
    region: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    page: Annotated[int, Query(ge=1, le=MAX_ROW_ID)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PersonList:
    """Search the persons the caller may see (a partner: those relatives agreed to share)."""
    viewer = caller.viewer
    if not viewer.sees_persons:
        raise Forbidden(f"a {viewer.role.value} may not see persons")
    result = search_persons(
        db,
        viewer,
        text=q,
        status=status,
        flag=flag,
        region_id=region,
        page=page,
        per_page=per_page,
        only=consented_persons(caller.partner.consent_scope) if caller.partner else None,
    )
    persons = []
    for row in result.rows:
        p, a, o = row.person, row.assessment, row.official
        birth = birth_of(p)
        persons.append(
            PersonSummary(
                id=p.id,
                surname=p.surname,
                given_name=p.given_name,
                patronymic=p.patronymic,
                birth_date=birth.iso() if birth else None,
                region=row.region,
                unit=p.unit,
                requests=row.requests,
                official=StatusOut(status=o.status, since=o.since, authority=o.authority)
                if o
                else None,
                assessed=_assessed(a, frozenset() if caller.partner else None) if a else None,
            )
        )
    return PersonList(total=result.total, page=result.page, pages=result.pages, persons=persons)


@router.get("/persons/{person_id}", response_model=PersonDetail)
def get_person_detail(db: DbSession, caller: ReadCaller, person_id: RowId) -> PersonDetail:
    """Return one person's case: requests, reports, official and assessed status.

    A partner gets only the requests and reports relatives agreed to share with it, and a
    person every asking relative kept from it is not found.
    """
    viewer, partner = caller.viewer, caller.partner
    case = dossier(db, viewer, person_id)
    shared: set[int] | None = None
    if partner is not None:
        cut = partner_case(db, case, partner.consent_scope)
        if not cut.shared:
            raise NotFound(f"no person {person_id} among the cases you may see")
        case = cut.case
        shared = {r.report.id for r in case.reports}
    log_case(db, viewer, case.person.id, "view", "api_token" if partner else "api")
    p = case.person
    birth = birth_of(p)
    o = case.official_now
    history = [_assessed(a, shared) for a in case.assessments]
    return PersonDetail(
        id=p.id,
        surname=p.surname,
        given_name=p.given_name,
        patronymic=p.patronymic,
        birth_date=birth.iso() if birth else None,
        region=p.region.name if p.region else "",
        unit=p.unit,
        requests=len(case.requests),
        sex=p.sex,
        rank=p.rank,
        personal_number=p.personal_number,
        official=StatusOut(status=o.status, since=o.since, authority=o.authority) if o else None,
        assessed=_assessed(case.assessment, shared) if case.assessment else None,
        requests_list=[
            RequestOut(
                id=r.request.id,
                filed_on=r.request.filed_on,
                relationship=r.relationship,
                inquirer=r.inquirer_name,
                channel=r.request.channel,
            )
            for r in case.requests
        ],
        reports=[
            ReportOut(
                id=r.report.id,
                observed_on=r.report.observed_on,
                source_type=r.report.source.type,
                source=r.source_name,
                grade=r.grade,
                claim=r.report.claim,
                place=r.report.place,
                text=r.report.text,
                retracts=r.report.retracts_id,
                retracted_by=r.retracted_by,
            )
            for r in case.reports
        ],
        assessment_history=history,
        official_history=[
            StatusOut(status=x.status, since=x.since, authority=x.authority) for x in case.official
        ],
        authority_requests=[
            AuthorityRequestOut(
                id=r.id,
                kind=r.kind,
                authority=r.authority,
                sent_on=r.sent_on,
                due_on=r.due_on,
                replied_on=r.replied_on,
                reply=r.reply,
            )
            for r in case.authority_requests
        ],
    )


@router.get("/stats", response_model=Figures)
def get_figures(db: DbSession, viewer: CurrentViewer) -> Figures:
    """Return the public figures (no personal data; hidden counts are "x")."""
    f = public_figures(db)
    return Figures(
        persons=f.persons,
        requests=f.requests,
        reports=f.reports,
        by_status={c.key: c.text for c in f.by_status},
        by_region={c.key: c.text for c in f.by_region},
    )


InstanceDep = Annotated[Instance, Depends(get_instance)]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain_text(value: str) -> str:
    """Refuse control characters (NUL cannot be stored by PostgreSQL); keep tabs and newlines."""
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]


class ReportIn(BaseModel):
    """A partner's report on one person: what it claims, when and where, and who told it.

    ``source_type`` and ``source_name`` say where the partner had it from (kept in the
    report's text); the report's source is the partner's own, graded by analysts.
    ``credibility`` is the partner's judgement of this one report, 1 (confirmed) to 6
    (cannot be judged).
    """

    model_config = ConfigDict(extra="forbid")

    claim: Status
    observed_on: date
    source_type: SourceType
    source_name: Annotated[PlainText, Field(max_length=200)] = ""
    credibility: Annotated[int, Field(ge=1, le=6)] = 6
    text: Annotated[PlainText, Field(max_length=5000)] = ""
    place: Annotated[PlainText, Field(max_length=300)] = ""


class ReportCreated(BaseModel):
    """The report as recorded, and the person's assessed status after it."""

    id: int
    person_id: int
    source: str
    grade: str
    claim: str
    observed_on: date
    status: str
    confidence: float


@router.post(
    "/persons/{person_id}/reports",
    response_model=ReportCreated,
    status_code=201,
    responses={409: {"model": ApiError, "description": "The report clashes with stored ones"}},
)
def post_report(
    db: DbSession,
    partner: ReportWriter,
    instance: InstanceDep,
    person_id: RowId,
    body: ReportIn,
) -> ReportCreated:
    """Record what a partner says about a person (token scope ``write_reports``).

    The report's source is the partner's own (``partner: NAME``, one per source type),
    reliability F until analysts grade it; the assessed status is recomputed at once. A
    person the partner may not read is not found.
    """
    person = get_person(db, partner.viewer, person_id)
    shared = db.scalar(
        select(Person.id).where(Person.id == person.id, consented_persons(partner.consent_scope))
    )
    if shared is None:
        raise NotFound(f"no person {person_id} among the cases you may see")
    details = ReportDetails(
        claim=body.claim.value,
        observed_on=body.observed_on,
        credibility=body.credibility,
        text=body.text.strip(),
        place=body.place.strip(),
    )
    said_by = SourceDetails(body.source_name.strip() or body.source_type.value, body.source_type)
    report = partner_report(db, partner, person=person, said_by=said_by, details=details)
    log_case(db, partner.viewer, person.id, "change", "api_report")
    result = recompute_person(
        db, person.id, today=date.today(), settings=instance.settings, reason="partner report"
    )
    source = db.get(Source, report.source_id)
    return ReportCreated(
        id=report.id,
        person_id=person.id,
        source=source.name if source else "",
        grade=f"{report.reliability}{report.credibility}",
        claim=report.claim,
        observed_on=report.observed_on,
        status=result.status.value,
        confidence=result.confidence,
    )


class ListOut(BaseModel):
    """What a list upload did, or would do (``dry_run``).

    ``held_by`` names the list that holds the same content already (then nothing is written
    and every count is 0); ``automatic`` rows were linked to a person (each a report when
    the list's kind claims something), ``review`` rows wait for an analyst, ``unmatched``
    link to nobody; ``statuses_changed`` persons got a new assessed status.
    """

    dry_run: bool
    list: str
    held_by: str | None
    rows: int
    source: str | None
    published: date | None
    automatic: int
    review: int
    duplicates: int
    unmatched: int
    reports: int
    statuses_changed: int


@router.post(
    "/lists",
    response_model=ListOut,
    responses={409: {"model": ApiError, "description": "A list of that name exists already"}},
)
async def post_list(
    db: DbSession,
    partner: ListUploader,
    instance: InstanceDep,
    file: Annotated[UploadFile, File(description="The list: a .csv or .xlsx file")],
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(pattern="^(" + "|".join(sorted(KIND_LABELS)) + ")$")],
    source: Annotated[str, Form(max_length=300)] = "",
    published: Annotated[str, Form(pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")] = "",
    columns: Annotated[str, Form(max_length=2000)] = "",
    preview: Annotated[bool, Form()] = False,
) -> ListOut:
    """Import and link a list (token scope ``upload_lists``), or only preview it.

    The same service as ``kintrace import`` then ``kintrace link --list``: with
    ``preview=true`` nothing is written (as ``--dry-run``). A file whose content was
    imported before adds nothing and names the list that holds it.
    """
    form = _checked(name, kind, source, published, columns)
    original = _file_name(file.filename or "")
    data = await read_upload(file, limit=max_upload_bytes(instance.settings.max_upload_mb))
    digest = hashlib.sha256(data).hexdigest()
    holding = list_holding(db, digest)
    if holding is not None:
        return ListOut(
            dry_run=preview,
            list=form.name,
            held_by=holding.name,
            rows=0,
            source=form.source,
            published=form.published_on,
            **dict.fromkeys(_COUNTS, 0),
        )
    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / original
        path.write_bytes(data)
        column_map, _saved = columns_for(db, path, form.columns, form.source)
        records = read_list(path, column_map)
        arguments: dict[str, Any] = {
            "path": path,
            "name": form.name,
            "kind": form.kind,
            "records": records,
            "source": form.source,
            "published_on": form.published_on,
            "column_map": column_map,
            "sha256": digest,
        }
        if preview:
            seen = preview_import(
                db, **arguments, as_persons=False, settings=instance.settings, today=today
            )
            result, run = seen.result, seen.run
        else:
            result = import_list(db, **arguments, as_persons=False, actor_id=None)
            run = link_list(
                db, list_name=result.name, status_settings=instance.settings, today=today
            )
    return ListOut(
        dry_run=preview,
        list=result.name,
        held_by=None,
        rows=result.rows,
        source=result.source,
        published=result.published_on,
        automatic=run.automatic,
        review=run.review,
        duplicates=run.duplicates,
        unmatched=run.unmatched,
        reports=run.reports,
        statuses_changed=run.statuses_changed,
    )


_COUNTS = ("automatic", "review", "duplicates", "unmatched", "reports", "statuses_changed")
