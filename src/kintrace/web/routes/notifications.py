"""The news of a relative's cases: every notification in the reader's language, and how it comes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kintrace.errors import NotFound
from kintrace.notify.service import MODES, mark_read, news_for, set_mode
from kintrace.storage.tables import User
from kintrace.web.deps import DbSession, SignedIn
from kintrace.web.i18n import language_of
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
Text = Annotated[str, Form()]


def _user(db: DbSession, user_id: int | None) -> User:
    user = db.get(User, user_id) if user_id is not None else None
    if user is None:
        raise NotFound("no such user")
    return user


@router.get("/notifications")
def notifications_page(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    """Show the signed-in user's news, newest first, with how it comes by e-mail."""
    user = _user(db, viewer.user_id)
    news = news_for(
        db,
        user,
        limit=PAGE_SIZE + 1,
        offset=(page_no - 1) * PAGE_SIZE,
        language=language_of(request),
    )
    return page(
        request,
        "notifications.html",
        viewer,
        news=news[:PAGE_SIZE],
        more=len(news) > PAGE_SIZE,
        page_no=page_no,
        mode=user.notify_mode,
        modes=MODES,
        has_email=user.email is not None,
    )


@router.post("/notifications/read")
def read_notifications(
    request: Request, db: DbSession, viewer: SignedIn, csrf: Text
) -> RedirectResponse:
    """Mark every notification of the signed-in user as read."""
    require_csrf(request, csrf)
    mark_read(db, _user(db, viewer.user_id).id, now=datetime.now())
    return RedirectResponse("/notifications", status_code=303)


@router.post("/account/notifications")
def choose_mode(
    request: Request, db: DbSession, viewer: SignedIn, csrf: Text, mode: Text = ""
) -> RedirectResponse:
    """Choose how news comes by e-mail: at once, once a day, or not at all."""
    require_csrf(request, csrf)
    set_mode(db, _user(db, viewer.user_id), mode)
    return RedirectResponse("/notifications", status_code=303)
