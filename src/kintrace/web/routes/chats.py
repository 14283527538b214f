"""Moderation of chat mentions: soldiers named in relatives' chat groups, accepted or rejected.

A mention imported with ``kintrace chat import`` counts for nothing until an analyst accepts
it here (it then becomes a report on the person its row is linked to) or rejects it with a
reason (it never counts). See :mod:`kintrace.chats.service`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kintrace.chats.service import MAY_MODERATE, accept_mention, pending_mentions, reject_mention
from kintrace.errors import InvalidInput
from kintrace.instance import Instance
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.limits import RowId
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]


@router.get("/chats")
def chats_page(request: Request, db: DbSession, viewer: SignedIn) -> HTMLResponse:
    """The mentions waiting for an analyst, each with its message and the person it links to."""
    viewer.require(MAY_MODERATE, "moderate chat mentions")
    return page(request, "chats.html", viewer, pending=pending_mentions(db, limit=200))


@router.post("/chats/{mention_id}")
def decide_mention(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    mention_id: RowId,
    csrf: Annotated[str, Form()],
    decision: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """Accept a mention (a report on its person) or reject it with a reason."""
    require_csrf(request, csrf)
    viewer.require(MAY_MODERATE, "moderate chat mentions")
    if decision == "accept":
        accept_mention(db, viewer, mention_id, settings=instance.settings, today=date.today())
    elif decision == "reject":
        reject_mention(db, viewer, mention_id, reason=reason)
    else:
        raise InvalidInput(f"field 'decision': {decision[:20]!r} is not accept or reject")
    return RedirectResponse("/chats", status_code=303)
