"""Partner API tokens on the web (administrators): ``/admin/tokens``.

The same service as ``kintrace token`` (:mod:`kintrace.partners.tokens`): issue a token (its
secret is shown once, on the answer to the form, never in a link or a later page), list every
token with its state and last use, revoke one. Access is checked here for every route; every
form carries the CSRF token; issuing and revoking are in the change log with who and why.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.consent import PARTNER_SCOPES
from kintrace.cases.model import ConsentScope
from kintrace.errors import Forbidden, InvalidInput
from kintrace.partners.tokens import (
    TokenScope,
    issue_token,
    list_tokens,
    parse_token_scopes,
    revoke_token,
    token_state,
)
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import Region
from kintrace.web.deps import DbSession, SignedIn
from kintrace.web.i18n import N_
from kintrace.web.limits import RowId
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)

SCOPE_LABELS = {
    TokenScope.READ_PERSONS.value: N_("read persons (consented data only)"),
    TokenScope.WRITE_REPORTS.value: N_("write reports"),
    TokenScope.UPLOAD_LISTS.value: N_("upload lists"),
}
STATE_LABELS = {"active": N_("active"), "revoked": N_("revoked"), "expired": N_("expired")}
PARTNER_LABELS = {
    ConsentScope.RED_CROSS.value: N_("the Red Cross"),
    ConsentScope.AUTHORITIES.value: N_("the authorities"),
    ConsentScope.DNA_LABORATORY.value: N_("the DNA laboratory"),
}
MESSAGES = (N_("the tokens page is for administrators"),)
"""Texts of this page for the catalogues."""


def _admin(viewer: Viewer, db: Session, why: str) -> None:
    if viewer.role is not Role.ADMINISTRATOR:
        raise Forbidden("the tokens page is for administrators")
    set_actor(db, actor_id=viewer.user_id, reason=why)


def _page(request: Request, db: Session, viewer: Viewer, **context: Any) -> HTMLResponse:
    regions = list(db.scalars(select(Region).order_by(Region.name)))
    names = {r.id: r.name for r in regions}
    today = date.today()
    rows = [
        {"token": t, "state": token_state(t, today), "region": names.get(t.region_id or 0, "")}
        for t in list_tokens(db)
    ]
    return page(
        request,
        "admin_tokens.html",
        viewer,
        rows=rows,
        regions=regions,
        scopes=SCOPE_LABELS,
        states=STATE_LABELS,
        partners=PARTNER_LABELS,
        **{"secret": None, **context},
    )


@router.get("/admin/tokens")
def tokens_page(request: Request, db: DbSession, viewer: SignedIn) -> HTMLResponse:
    """Every partner token: scopes, partner, region, state, last use; the form to issue one."""
    _admin(viewer, db, "GET /admin/tokens")
    return _page(request, db, viewer)


@router.post("/admin/tokens")
def issue(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    csrf: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    scope: Annotated[list[str] | None, Form()] = None,
    partner: Annotated[str, Form()] = ConsentScope.RED_CROSS.value,
    region: Annotated[str, Form()] = "",
    expires: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Issue a token; the answer shows its secret once."""
    require_csrf(request, csrf)
    _admin(viewer, db, f"POST /admin/tokens {name[:60]}")
    if partner not in {s.value for s in PARTNER_SCOPES}:
        raise InvalidInput(f"field 'partner': {partner[:40]!r} is not a partner")
    last_day = None
    if expires.strip():
        try:
            last_day = date.fromisoformat(expires.strip())
        except ValueError:
            raise InvalidInput(f"field 'expires': {expires[:40]!r} is not a date") from None
    issued = issue_token(
        db,
        name=name[:200],
        scopes=parse_token_scopes([s[:40] for s in (scope or [])[:10]]),
        partner=ConsentScope(partner),
        region=region.strip()[:200] or None,
        expires_on=last_day,
        created_by=viewer.user_id,
        now=datetime.now(),
    )
    return _page(request, db, viewer, secret=issued.secret, issued=issued.row)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    token_id: RowId,
    csrf: Annotated[str, Form()],
) -> RedirectResponse:
    """Revoke a token at once."""
    require_csrf(request, csrf)
    _admin(viewer, db, f"POST /admin/tokens/{token_id}/revoke")
    revoke_token(db, token_id, by=viewer.user_id, now=datetime.now())
    return RedirectResponse("/admin/tokens", status_code=303)
