"""DNA pages: the laboratory's coded work list, the reviewers' queue, samples on a case."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kintrace.cases.consent_service import sample_giver
from kintrace.cases.model import Relationship
from kintrace.cases.service import get_person
from kintrace.cases.views import log_case
from kintrace.errors import InvalidInput, NotFound
from kintrace.identification.service import (
    MAY_DECIDE,
    MAY_PROPOSE,
    MAY_REGISTER_SAMPLES,
    decide,
    lab_cases,
    pending_reviews,
    propose,
    propose_from_dvi,
    register_sample,
    remains_samples,
)
from kintrace.instance import Instance
from kintrace.reporting.identification import recorded_report
from kintrace.reporting.pdf import render_pdf
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.limits import RowId, max_upload_bytes, parse_row_id, read_upload
from kintrace.web.routes.pages import confirms, page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]


@router.get("/lab")
def lab_page(request: Request, db: DbSession, viewer: SignedIn) -> HTMLResponse:
    """The laboratory's cases: codes, reference relationships and identifications, no names."""
    viewer.require(MAY_PROPOSE, "work in the DNA laboratory")
    return page(request, "lab.html", viewer, cases=lab_cases(db), remains=remains_samples(db)[:50])


@router.post("/lab/remains")
def add_remains(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    csrf: Annotated[str, Form()],
    collected_on: Annotated[date, Form()],
) -> RedirectResponse:
    """Register recovered remains under a new sample code."""
    require_csrf(request, csrf)
    viewer.require(MAY_PROPOSE, "register remains")
    register_sample(db, kind="remains", collected_on=collected_on, actor_id=viewer.user_id)
    return RedirectResponse("/lab#remains", status_code=303)


@router.post("/lab/proposals")
def add_proposal(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    csrf: Annotated[str, Form()],
    remains: Annotated[str, Form()],
    missing: Annotated[str, Form()],
    lr: Annotated[float, Form()],
    conclusion: Annotated[str, Form()] = "probable",
    posterior: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Propose one identification by hand (codes only)."""
    require_csrf(request, csrf)
    try:
        post = float(posterior) if posterior.strip() else None
    except ValueError as error:
        raise InvalidInput(f"field 'posterior': {posterior!r} is not a number") from error
    propose(
        db,
        viewer,
        remains_code=remains.strip().upper(),
        case_code=missing.strip().upper(),
        lr=lr,
        posterior=post,
        conclusion=conclusion,
        method="entered by the laboratory",
    )
    return RedirectResponse("/lab", status_code=303)


@router.post("/lab/dvi")
async def upload_dvi(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    result: Annotated[UploadFile, File()],
) -> RedirectResponse:
    """Propose the undisputed and probable identifications of a ``kintrace dvi`` JSON result."""
    require_csrf(request, csrf)
    viewer.require(MAY_PROPOSE, "propose identifications")
    name = result.filename or "upload"
    try:
        raw = await read_upload(result, limit=max_upload_bytes(instance.settings.max_upload_mb))
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{name}: not a JSON file ({error})") from error
    propose_from_dvi(db, viewer, data, source=name)
    return RedirectResponse("/lab", status_code=303)


@router.get("/reviews")
def reviews_page(request: Request, db: DbSession, viewer: SignedIn) -> HTMLResponse:
    """Identifications waiting for a second reviewer."""
    viewer.require(MAY_DECIDE, "review identifications")
    return page(request, "reviews.html", viewer, pending=pending_reviews(db))


@router.post("/reviews/{identification_id}")
def decide_review(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    identification_id: RowId,
    csrf: Annotated[str, Form()],
    decision: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Confirm or reject an identification (never the proposer's own)."""
    require_csrf(request, csrf)
    decide(
        db,
        viewer,
        identification_id,
        confirm=confirms(decision),
        note=note,
        settings=instance.settings,
        today=date.today(),
    )
    return RedirectResponse("/reviews", status_code=303)


@router.get("/identifications/{identification_id}/report.pdf")
def identification_report(db: DbSession, viewer: SignedIn, identification_id: RowId) -> Response:
    """Download the PDF report of one identification (codes only, for the lab and reviewers)."""
    viewer.require(MAY_PROPOSE | MAY_DECIDE, "read identification reports")
    found = next(
        (
            (c.code, i)
            for c in lab_cases(db)
            for i in c.identifications
            if i.id == identification_id
        ),
        None,
    )
    if found is None:
        raise NotFound(f"identification {identification_id} does not exist")
    code, ident = found
    report = recorded_report(
        case_code=code,
        remains_code=ident.remains_code,
        lr=ident.lr,
        posterior=ident.posterior,
        conclusion=ident.conclusion,
        method=ident.method,
        state=ident.state,
        made_on=date.today(),
    )
    name = f"identification-{code}-{ident.remains_code}.pdf"
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/persons/{person_id}/samples")
def add_reference_sample(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    person_id: RowId,
    csrf: Annotated[str, Form()],
    relationship: Annotated[str, Form()],
    collected_on: Annotated[date, Form()],
    inquirer: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Register a relative's reference sample for a missing person.

    The relative is one who asked for him (``inquirer``; else the one of that relationship)
    and must have agreed to share with the DNA laboratory: otherwise 409, nothing written.
    """
    require_csrf(request, csrf)
    viewer.require(MAY_REGISTER_SAMPLES, "register reference samples")
    person = get_person(db, viewer, person_id)
    try:
        kin = Relationship(relationship)
    except ValueError as error:
        raise InvalidInput(
            f"field 'relationship': unknown relationship {relationship!r}"
        ) from error
    register_sample(
        db,
        kind="reference",
        collected_on=collected_on,
        actor_id=viewer.user_id,
        person=person,
        relationship=kin,
        inquirer_id=sample_giver(db, person.id, kin, parse_row_id(inquirer, "inquirer")),
    )
    log_case(db, viewer, person.id, "change", "sample")
    return RedirectResponse(f"/persons/{person.id}#dna", status_code=303)
