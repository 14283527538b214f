"""Who calls the JSON API: a partner system by its bearer token, or a browser by its session.

``Authorization: Bearer <token>`` (:mod:`kintrace.partners.tokens`) is checked on every
request: a header that is there but not a valid token is refused with 401, whatever cookie
comes with it (a partner's mistake is never covered by someone's session). Without the
header the session cookie decides, as for the pages. Read endpoints take either; the write
endpoints take a token only, so that no cross-site form can write with a browser's session.
Both schemes are declared in the OpenAPI schema (``bearer`` and ``cookie``), and each
operation lists the ones it accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from kintrace.access import Role, Viewer
from kintrace.partners.tokens import Partner, TokenRefused, TokenScope, authenticate
from kintrace.storage.audit import set_actor
from kintrace.web.cookies import COOKIE
from kintrace.web.deps import DbSession, NotSignedIn, viewer_for

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A partner's API token, issued by an administrator (`kintrace token issue`).",
)
cookie_scheme = APIKeyCookie(
    name=COOKIE,
    auto_error=False,
    scheme_name="cookie",
    description="The session cookie of a browser signed in at /login.",
)


@dataclass(frozen=True, slots=True)
class ApiCaller:
    """The caller of an API route: the viewer it reads as, and its token if it is a partner."""

    viewer: Viewer
    partner: Partner | None = None


def _partner(request: Request, db: DbSession) -> Partner | None:
    """Return the partner of the request's bearer token; None without the header."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    kind, _, token = header.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise NotSignedIn("the Authorization header must be 'Bearer <token>'")
    try:
        partner = authenticate(db, token.strip(), now=datetime.now())
    except TokenRefused as error:
        raise NotSignedIn(str(error)) from error
    set_actor(
        db, actor_id=None, reason=f"token {partner.token_id}: {request.method} {request.url.path}"
    )
    return partner


def read_caller(
    request: Request,
    db: DbSession,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    _cookie: Annotated[str | None, Security(cookie_scheme)],
) -> ApiCaller:
    """A caller who reads persons: a token with ``read_persons``, or a signed-in user."""
    partner = _partner(request, db)
    if partner is not None:
        partner.require(TokenScope.READ_PERSONS)
        return ApiCaller(partner.viewer, partner)
    viewer = viewer_for(request, db)
    if viewer.role is Role.PUBLIC:
        raise NotSignedIn("sign in, or send a partner's API token")
    return ApiCaller(viewer)


def _token_only(request: Request, db: DbSession, scope: TokenScope) -> Partner:
    partner = _partner(request, db)
    if partner is None:
        raise NotSignedIn("this endpoint takes a partner's API token (Authorization: Bearer)")
    partner.require(scope)
    return partner


def report_writer(
    request: Request,
    db: DbSession,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> Partner:
    """A partner whose token carries ``write_reports``."""
    return _token_only(request, db, TokenScope.WRITE_REPORTS)


def list_uploader(
    request: Request,
    db: DbSession,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> Partner:
    """A partner whose token carries ``upload_lists``."""
    return _token_only(request, db, TokenScope.UPLOAD_LISTS)


ReadCaller = Annotated[ApiCaller, Depends(read_caller)]
ReportWriter = Annotated[Partner, Depends(report_writer)]
ListUploader = Annotated[Partner, Depends(list_uploader)]
