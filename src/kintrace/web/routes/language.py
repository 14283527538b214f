"""The language switcher: a cookie for everybody, kept in the account of a signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from kintrace.errors import InvalidInput
from kintrace.instance import Instance
from kintrace.storage.tables import User
from kintrace.web.deps import CurrentViewer, DbSession, get_instance
from kintrace.web.i18n import LANGUAGE_COOKIE, LANGUAGES
from kintrace.web.routes.account import safe_target
from kintrace.web.routes.pages import require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]

LANGUAGE_COOKIE_DAYS = 365


@router.post("/language")
def choose_language(
    request: Request,
    db: DbSession,
    viewer: CurrentViewer,
    instance: InstanceDep,
    language: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> RedirectResponse:
    """Switch the pages' language and go back to the page the switcher was on.

    A signed-in user's choice is kept in their account (their next session speaks it too) and
    needs the form's CSRF token; a signed-out visitor's choice is only a cookie of this browser.
    """
    if language not in LANGUAGES:
        raise InvalidInput(f"field 'language': {language[:20]!r} is not one of ru, uk, en")
    if viewer.user_id is not None:
        require_csrf(request, csrf)
        user = db.get(User, viewer.user_id)
        if user is not None and user.language != language:
            user.language = language
    response = RedirectResponse(safe_target(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=instance.settings.https,
    )
    return response
