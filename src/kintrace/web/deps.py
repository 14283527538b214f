"""Dependencies of every route: the instance, one transaction per request, the viewer."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from kintrace.access import Role, Viewer
from kintrace.errors import Forbidden
from kintrace.instance import Instance
from kintrace.storage.audit import set_actor
from kintrace.storage.db import AuditedSession, pool_capacity, transaction
from kintrace.storage.tables import User, WebSession
from kintrace.users.second_factor import must_enrol
from kintrace.users.service import viewer_of
from kintrace.users.sessions import SIGNED_IN, SessionPolicy, find_session_and_user
from kintrace.web.cookies import COOKIE


class NotSignedIn(Forbidden):
    """The request needs a signed-in user (pages redirect to the sign-in form)."""


class SecondFactorRequired(Forbidden):
    """The user must enrol a second factor first (pages redirect to the account page)."""


ENROL_PATHS = ("/account", "/login", "/logout")
"""Where a user who must enrol a second factor may still go."""


def get_instance(request: Request) -> Instance:
    """Return the instance the app serves."""
    instance: Instance = request.app.state.instance
    return instance


_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)
"""Per event loop: the requests that may hold a database connection at once."""


async def db_slot(request: Request) -> AsyncIterator[None]:
    """Wait, without holding a worker thread, until the request may take a connection.

    Routes run in a pool of threads (40) and keep their connection until the answer; with
    more requests in flight than the database pool lends (15), threads that waited for a
    connection held every thread while the requests holding the connections waited for one,
    until the pool's 30-second timeout: under 100 users nearly every request failed. Here the
    waiting is done on the event loop, before any thread or connection is taken.
    """
    capacity = pool_capacity(get_instance(request).engine)
    if capacity is None:
        yield
        return
    loop = asyncio.get_running_loop()
    slots = _SLOTS.get(loop)
    if slots is None:
        slots = _SLOTS[loop] = asyncio.Semaphore(capacity)
    async with slots:
        yield


def get_db(
    request: Request,
    instance: Annotated[Instance, Depends(get_instance)],
    _slot: Annotated[None, Depends(db_slot)],
) -> Iterator[AuditedSession]:
    """Open one transaction for the request: committed on success, rolled back on error.

    The cookie's session and user are read here too, in the same trip to a worker thread
    (see :func:`get_viewer`).
    """
    with transaction(instance.sessions) as session:
        request.state.signed_in = current_session_and_user(request, session)
        yield session


DbSession = Annotated[AuditedSession, Depends(get_db, scope="function")]
"""Committed before the answer goes out (FastAPI's default scope commits after it is sent, so a
browser that follows a redirect at once could find the new session or row not there yet)."""

PUBLIC_VIEWER = Viewer(user_id=None, role=Role.PUBLIC, display_name="public")


def current_session(request: Request, db: AuditedSession) -> WebSession | None:
    """Return the live server-side session of the request's cookie, or None."""
    return current_session_and_user(request, db)[0]


def current_session_and_user(
    request: Request, db: AuditedSession
) -> tuple[WebSession, User] | tuple[None, None]:
    """Return the live server-side session of the request's cookie with its user."""
    settings = get_instance(request).settings
    return find_session_and_user(
        db,
        request.cookies.get(COOKIE),
        policy=SessionPolicy.of(settings),
        now=datetime.now(),
    )


def viewer_for(request: Request, db: AuditedSession) -> Viewer:
    """Return the signed-in user of the request's cookie, or the public viewer."""
    found = getattr(request.state, "signed_in", None)
    if found is None:  # a transaction not opened by get_db (a test's own, say)
        found = current_session_and_user(request, db)
    return _viewer_of(request, db, found)


async def get_viewer(request: Request, db: DbSession) -> Viewer:
    """Return the signed-in user, or the public viewer.

    Run on the event loop: :func:`get_db` read the cookie's session and user in its own
    thread. Every trip to the routes' threads waits for a thread and then for the
    interpreter behind the other requests' Python; under 100 users each page made five
    (the transaction's start and end, this, :func:`require_user` and the route), now three.
    """
    return viewer_for(request, db)


def _viewer_of(
    request: Request,
    db: AuditedSession,
    found: tuple[WebSession, User] | tuple[None, None],
) -> Viewer:
    row, user = found
    if row is None or row.stage != SIGNED_IN:
        return PUBLIC_VIEWER
    if user is None or not user.active:
        return PUBLIC_VIEWER
    request.state.language = user.language  # the pages speak the user's chosen language
    settings = get_instance(request).settings
    if must_enrol(user, required_for_staff=settings.require_totp_for_staff) and not (
        request.url.path.startswith(ENROL_PATHS)
    ):
        raise SecondFactorRequired("enrol a second factor before anything else")
    viewer = viewer_of(user)
    set_actor(db, actor_id=user.id, reason=f"{request.method} {request.url.path}")
    return viewer


async def require_user(viewer: Annotated[Viewer, Depends(get_viewer)]) -> Viewer:
    """Return the signed-in user; NotSignedIn for the public."""
    if viewer.role is Role.PUBLIC:
        raise NotSignedIn("sign in to see this page")
    return viewer


CurrentViewer = Annotated[Viewer, Depends(get_viewer)]
SignedIn = Annotated[Viewer, Depends(require_user)]
