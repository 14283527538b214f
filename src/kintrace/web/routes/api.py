"""The JSON API under /api (documented at /api/docs)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from kintrace.cases.dossier import Dossier, dossier
from kintrace.cases.service import FLAG_WORDS, STATUS_WORDS, birth_of, search_persons
from kintrace.cases.views import log_case
from kintrace.errors import Forbidden
from kintrace.stats.service import public_figures
from kintrace.web.deps import CurrentViewer, DbSession, SignedIn
from kintrace.web.limits import MAX_ROW_ID, RowId


class ApiError(BaseModel):
    """Every error the API answers: the kind of error and what was wrong, one line each."""

    error: str
    detail: list[str]


ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ApiError, "description": "Not signed in"},
    403: {"model": ApiError, "description": "The caller's role may not do this"},
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


def _assessment(case: Dossier) -> AssessmentOut | None:
    a = case.assessment
    if a is None:
        return None
    return AssessmentOut(
        status=a.status,
        confidence=a.confidence,
        flags=a.flags,
        supporting=a.supporting,
        contradicting=a.contradicting,
        court_date=a.court_date,
        explanation=a.explanation,
    )


def _one_of(words: Iterable[str]) -> str:
    """A pattern that admits the empty string or one of the words (the schema lists them)."""
    return "^(" + "|".join(["", *sorted(re.escape(w) for w in words)]) + ")$"


@router.get("/persons", response_model=PersonList)
def list_persons(
    db: DbSession,
    viewer: SignedIn,
    q: str = "",
    status: Annotated[str, Query(pattern=_one_of(STATUS_WORDS))] = "",
    flag: Annotated[str, Query(pattern=_one_of(FLAG_WORDS))] = "",
    region: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    page: Annotated[int, Query(ge=1, le=MAX_ROW_ID)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PersonList:
    """Search the persons the caller may see."""
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
                assessed=AssessmentOut(
                    status=a.status,
                    confidence=a.confidence,
                    flags=a.flags,
                    supporting=a.supporting,
                    contradicting=a.contradicting,
                    court_date=a.court_date,
                    explanation=a.explanation,
                )
                if a
                else None,
            )
        )
    return PersonList(total=result.total, page=result.page, pages=result.pages, persons=persons)


@router.get("/persons/{person_id}", response_model=PersonDetail)
def get_person_detail(db: DbSession, viewer: SignedIn, person_id: RowId) -> PersonDetail:
    """Return one person's case: requests, reports, official and assessed status."""
    case = dossier(db, viewer, person_id)
    log_case(db, viewer, case.person.id, "view", "api")
    p = case.person
    birth = birth_of(p)
    o = case.official_now
    history = []
    for a in case.assessments:
        history.append(
            AssessmentOut(
                status=a.status,
                confidence=a.confidence,
                flags=a.flags,
                supporting=a.supporting,
                contradicting=a.contradicting,
                court_date=a.court_date,
                explanation=a.explanation,
            )
        )
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
        assessed=_assessment(case),
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
