"""The relative's side of a case: who looked at it, with whom it may be shared.

- ``GET /persons/{id}/views``: who looked at and changed the case, newest first, a page at a
  time (relatives for their own cases, staff for the cases they may see; never the lab).
- ``POST /consent/{inquirer_id}``: a relative changes their consent (a desk or analyst for a
  relative who works through the desk); each change is a new row, the history kept.
- ``POST /account/show-name``: whether relatives see this user's name in those logs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from kintrace.cases.consent_service import change_consent
from kintrace.cases.model import ConsentScope
from kintrace.cases.service import get_person
from kintrace.cases.views import case_views, log_case
from kintrace.errors import InvalidInput
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import TracingRequest, User
from kintrace.web.deps import DbSession, SignedIn
from kintrace.web.limits import PageNo, RowId
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)

SCOPE_CHOICES = [s.value for s in ConsentScope]


@router.get("/persons/{person_id}/views")
def views_page(
    request: Request, db: DbSession, viewer: SignedIn, person_id: RowId, page_no: PageNo = 1
) -> HTMLResponse:
    """Show who looked at and changed a person's case, and when."""
    found = case_views(db, viewer, person_id, page=page_no)
    person = get_person(db, viewer, person_id)
    return page(request, "case_views.html", viewer, p=person, result=found)


@router.post("/consent/{inquirer_id}")
def change_consent_form(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    inquirer_id: RowId,
    csrf: Annotated[str, Form()],
    consent: Annotated[list[str] | None, Form()] = None,
    back: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Record a relative's new choice of with whom their request may be shared."""
    require_csrf(request, csrf)
    try:
        scopes = frozenset(ConsentScope(c) for c in consent or [])
    except ValueError as error:
        raise InvalidInput("field 'consent': not one of the choices") from error
    set_actor(db, actor_id=viewer.user_id, reason="consent changed")
    change_consent(db, viewer, inquirer_id, scopes)
    person_ids = list(
        db.scalars(
            select(TracingRequest.person_id)
            .where(TracingRequest.inquirer_id == inquirer_id)
            .order_by(TracingRequest.id)
        )
    )
    for pid in person_ids:
        log_case(db, viewer, pid, "change", "consent")
    if back == "person" and person_ids:
        return RedirectResponse(f"/persons/{person_ids[0]}#consent", status_code=303)
    return RedirectResponse("/account#consent", status_code=303)


@router.post("/account/show-name")
def show_name(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    csrf: Annotated[str, Form()],
    shows: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Say whether relatives see this user's name (not only role and desk) in case logs."""
    require_csrf(request, csrf)
    if shows not in ("", "yes"):
        raise InvalidInput("field 'shows': yes or nothing")
    user = db.get(User, viewer.user_id)
    assert user is not None
    set_actor(db, actor_id=viewer.user_id, reason="name shown to relatives changed")
    user.shows_name = shows == "yes"
    return RedirectResponse("/account#show-name", status_code=303)
