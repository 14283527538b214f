"""The remains brought home: the handover page of one person, and the form that records a step."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kintrace.access import MAY_RECORD_OFFICIAL
from kintrace.cases.service import get_person
from kintrace.errors import InvalidInput
from kintrace.identification.handover import (
    ORDER,
    HandoverStep,
    Stage,
    confirmed_identification,
    handovers_of,
    record_step,
)
from kintrace.instance import Instance
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.limits import RowId
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]
Text = Annotated[str, Form()]


@router.get("/persons/{person_id}/handover")
def handover_page(request: Request, db: DbSession, viewer: SignedIn, person_id: RowId) -> Response:
    """Show where the handover of his remains stands, step by step (the family sees it too)."""
    person = get_person(db, viewer, person_id)
    steps = handovers_of(db, person.id)
    return page(
        request,
        "handover.html",
        viewer,
        p=person,
        steps=steps,
        stages=ORDER,
        identification=confirmed_identification(db, person.id),
        may_record=viewer.role in MAY_RECORD_OFFICIAL,
    )


@router.post("/persons/{person_id}/handover")
def record_handover(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    person_id: RowId,
    csrf: Text,
    stage: Text,
    happened_on: Text,
    place: Text = "",
    handed_by: Text = "",
    received_by: Text = "",
    burial_place: Text = "",
    documents: Text = "",
    note: Text = "",
) -> RedirectResponse:
    """Record one step of the handover (desks of his region, analysts, administrators)."""
    require_csrf(request, csrf)
    viewer.require(MAY_RECORD_OFFICIAL, "record the handover of remains")
    try:
        chosen = Stage(stage)
    except ValueError as error:
        raise InvalidInput(f"field 'stage': unknown step {stage!r}") from error
    try:
        day = date.fromisoformat(happened_on.strip())
    except ValueError as error:
        raise InvalidInput("field 'happened_on': a date such as 2026-11-10") from error
    step = HandoverStep(
        stage=chosen,
        happened_on=day,
        place=place,
        handed_by=handed_by,
        received_by=received_by,
        burial_place=burial_place,
        documents=documents,
        note=note,
    )
    record_step(db, viewer, person_id, step, settings=instance.settings, today=date.today())
    return RedirectResponse(f"/persons/{person_id}/handover", status_code=303)
