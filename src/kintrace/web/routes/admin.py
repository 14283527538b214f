"""Administration of users (administrators) and walk-in relatives (regional desks).

Every change goes through the ORM inside the request's transaction, so the change log keeps
who changed which user, the values before and after, and why. Access is checked here, on the
server, for every route; every form carries the CSRF token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.errors import Conflict, Forbidden, InvalidInput
from kintrace.instance import Instance
from kintrace.notify.mail import send_account_link
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import Region, User
from kintrace.users import throttle
from kintrace.users.accounts import (
    SET_PASSWORD,
    Outgoing,
    all_users,
    issue_token,
    normal_email,
    register_walk_in,
    set_active,
    set_region,
    set_role,
    user_by_email,
    user_by_id,
)
from kintrace.users.passwords import check_new_password, hash_password
from kintrace.users.second_factor import has_second_factor
from kintrace.users.service import create_user
from kintrace.users.sessions import end_user_sessions
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.i18n import N_
from kintrace.web.limits import RowId
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]
SHORT = 200

MESSAGES = (
    N_("the users page is for administrators"),
    N_("registering walk-in relatives is for regional desks and administrators"),
    N_("a desk registers relatives of its own region only"),
    N_("choose the desk's region"),
    N_("give the relative's name"),
    N_("say how we should address you"),
    N_("not an e-mail address"),
    N_("write the number in digits (+, spaces, dashes allowed)"),
    N_("this e-mail address has an account already"),
    N_("the two passwords differ"),
    N_("use at least 10 characters"),
    N_("the password may not be the e-mail or the name"),
    N_("this link is not valid: it was used already, has run out or was mistyped"),
    N_("confirm your e-mail address first: open the link we sent you"),
    N_("an operator works at a regional desk: give a region"),
    N_("an operator works at a regional desk: give a region first"),
    N_("public is what signed-out visitors are"),
    N_("you may not disable your own account nor change your own role"),
    N_("give a password, an e-mail address for a link, or neither for a relative the desk serves"),
    N_("not a role"),
    N_("The account is open; a link to choose a password is on its way to the relative."),
    N_("The account is open; the relative works through the desk and cannot sign in."),
)
"""Texts the pages of this module (and the account services) show, for the catalogues."""

FIELDS = (
    N_("email"),
    N_("password"),
    N_("display_name"),
    N_("phone"),
    N_("region"),
    N_("role"),
    N_("username"),
    N_("active"),
)
"""Form fields of the account pages named in errors: each has a written name."""


def _admin(viewer: Viewer, db: Session, why: str) -> None:
    if viewer.role is not Role.ADMINISTRATOR:
        raise Forbidden("the users page is for administrators")
    set_actor(db, actor_id=viewer.user_id, reason=why)


def _not_self(viewer: Viewer, user: User) -> None:
    if user.id == viewer.user_id:
        raise Conflict("you may not disable your own account nor change your own role")


def _regions(db: Session) -> list[Region]:
    return list(db.scalars(select(Region).order_by(Region.name)))


def _region_id(value: str) -> int | None:
    if not value.strip():
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise InvalidInput("field 'region': choose the desk's region")
    return int(text)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput("field 'role': not a role") from None


@router.get("/admin/users")
def users_page(
    request: Request, db: DbSession, viewer: SignedIn, instance: InstanceDep
) -> HTMLResponse:
    """Every user: role, region, active, locked, second factor, last sign-in."""
    _admin(viewer, db, "GET /admin/users")
    secret = instance.settings.secret_key
    rows = [
        {
            "user": user,
            "locked": throttle.is_locked(db, secret=secret, username=user.username),
            "second_factor": has_second_factor(user),
        }
        for user in all_users(db)
    ]
    regions = _regions(db)
    return page(
        request,
        "admin_users.html",
        viewer,
        rows=rows,
        regions=regions,
        region_names={r.id: r.name for r in regions},
        roles=[r for r in Role if r is not Role.PUBLIC],
    )


def _back() -> RedirectResponse:
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users")
def add_user(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    username: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=32)],
    display_name: Annotated[str, Form(max_length=SHORT)] = "",
    region: Annotated[str, Form(max_length=12)] = "",
    email: Annotated[str, Form(max_length=SHORT)] = "",
    password: Annotated[str, Form(max_length=SHORT)] = "",
) -> RedirectResponse:
    """Create a user with a password, or with an e-mailed link to choose one."""
    require_csrf(request, csrf)
    _admin(viewer, db, "administrator created a user")
    now = datetime.now()
    chosen_role = _role(role)
    if chosen_role is Role.PUBLIC:
        raise InvalidInput("field 'role': public is what signed-out visitors are")
    name = username.strip()
    if not name:
        raise InvalidInput("field 'username': Field required")
    address = normal_email(email) if email.strip() else None
    if address is not None and user_by_email(db, address) is not None:
        raise Conflict("this e-mail address has an account already")
    region_id = _region_id(region)
    if region_id is not None and db.get(Region, region_id) is None:
        raise InvalidInput("field 'region': choose the desk's region")
    if password:
        check_new_password(password, email=address, username=name)
    elif address is None and chosen_role is not Role.RELATIVE:
        raise InvalidInput(
            "field 'password': give a password, an e-mail address for a link, or neither "
            "for a relative the desk serves"
        )
    user = create_user(
        db,
        username=name,
        password="",
        role=chosen_role,
        display_name=display_name.strip(),
        region_id=region_id,
    )
    user.password_hash = hash_password(password) if password else ""
    user.email = address
    user.email_confirmed_at = now if address is not None and password else None
    db.flush()
    if address is not None and not password:
        token = issue_token(db, user, SET_PASSWORD, now=now)
        send_account_link(instance.settings, Outgoing(user, "welcome", token))
    return _back()


@router.post("/admin/users/{user_id}/active")
def change_active(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    user_id: RowId,
    csrf: Annotated[str, Form()],
    active: Annotated[str, Form(max_length=8)],
) -> RedirectResponse:
    """Disable (every session ends) or enable an account."""
    require_csrf(request, csrf)
    _admin(
        viewer, db, "administrator " + ("enabled" if active == "yes" else "disabled") + " a user"
    )
    user = user_by_id(db, user_id)
    _not_self(viewer, user)
    if active not in ("yes", "no"):
        raise InvalidInput("field 'active': Field required")
    set_active(db, user, active == "yes", now=datetime.now())
    return _back()


@router.post("/admin/users/{user_id}/role")
def change_role(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    user_id: RowId,
    csrf: Annotated[str, Form()],
    role: Annotated[str, Form(max_length=32)],
) -> RedirectResponse:
    """Give a user another role (their sessions end)."""
    require_csrf(request, csrf)
    _admin(viewer, db, "administrator changed a user's role")
    user = user_by_id(db, user_id)
    _not_self(viewer, user)
    set_role(db, user, _role(role), now=datetime.now())
    return _back()


@router.post("/admin/users/{user_id}/region")
def change_region(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    user_id: RowId,
    csrf: Annotated[str, Form()],
    region: Annotated[str, Form(max_length=12)] = "",
) -> RedirectResponse:
    """Move a user to another region's desk (their sessions end)."""
    require_csrf(request, csrf)
    _admin(viewer, db, "administrator changed a user's region")
    user = user_by_id(db, user_id)
    set_region(db, user, _region_id(region), now=datetime.now())
    return _back()


@router.post("/admin/users/{user_id}/sessions/end")
def end_sessions(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    user_id: RowId,
    csrf: Annotated[str, Form()],
) -> RedirectResponse:
    """End every session of a user."""
    require_csrf(request, csrf)
    _admin(viewer, db, "administrator ended a user's sessions")
    user = user_by_id(db, user_id)
    end_user_sessions(db, user.id, reason="ended by administrator", now=datetime.now())
    return _back()


@router.post("/admin/users/{user_id}/unlock")
def unlock(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    user_id: RowId,
    csrf: Annotated[str, Form()],
) -> RedirectResponse:
    """Lift the lock that failed sign-ins put on an account."""
    require_csrf(request, csrf)
    _admin(viewer, db, "administrator unlocked a user")
    user = user_by_id(db, user_id)
    throttle.unlock(db, secret=instance.settings.secret_key, username=user.username)
    return _back()


def _desk(viewer: Viewer, db: Session) -> None:
    if viewer.role not in (Role.OPERATOR, Role.ADMINISTRATOR):
        raise Forbidden("registering walk-in relatives is for regional desks and administrators")
    set_actor(db, actor_id=viewer.user_id, reason="desk registered a walk-in relative")


def _desk_page(
    request: Request, db: Session, viewer: Viewer, *, message: str = "", error: str = ""
) -> HTMLResponse:
    mine = select(User).where(User.role == Role.RELATIVE.value).order_by(User.display_name)
    if viewer.role is Role.OPERATOR:
        mine = mine.where(User.region_id == viewer.region_id)
    regions = _regions(db)
    if viewer.role is Role.OPERATOR:
        regions = [r for r in regions if r.id == viewer.region_id]
    return page(
        request,
        "desk_relatives.html",
        viewer,
        relatives=list(db.scalars(mine.limit(500))),
        regions=regions,
        message=message,
        error=error,
    )


@router.get("/desk/relatives")
def desk_relatives(request: Request, db: DbSession, viewer: SignedIn) -> HTMLResponse:
    """The relatives a desk registered, and the form to register a walk-in relative."""
    _desk(viewer, db)
    return _desk_page(request, db, viewer)


@router.post("/desk/relatives")
def register_relative(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    display_name: Annotated[str, Form(max_length=SHORT)],
    email: Annotated[str, Form(max_length=SHORT)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    region: Annotated[str, Form(max_length=12)] = "",
    language: Annotated[str, Form(max_length=8)] = "",
) -> HTMLResponse:
    """Open an account for a relative who came to the desk (in the desk's own region)."""
    require_csrf(request, csrf)
    _desk(viewer, db)
    _user, outgoing = register_walk_in(
        db,
        viewer,
        display_name=display_name,
        email=email,
        phone=phone,
        region_id=_region_id(region),
        language=language or None,
        now=datetime.now(),
    )
    if outgoing is not None:
        send_account_link(instance.settings, outgoing)
        message = "The account is open; a link to choose a password is on its way to the relative."
    else:
        message = "The account is open; the relative works through the desk and cannot sign in."
    return _desk_page(request, db, viewer, message=message)
