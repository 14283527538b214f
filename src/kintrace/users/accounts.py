"""Accounts: self sign-up with a confirmed e-mail, password reset, walk-in relatives, admin.

E-mailed links carry a random single-use token; ``account_tokens`` keeps only its SHA-256,
its purpose and its expiry (confirm an address: 48 h; reset a password: 1 h; the first
password of an account a desk opened: 48 h). A token works once, for its purpose only.

Sign-up and reset answer the same whether an address is registered or not: the services
return what to send (or nothing), never whether the address was known, and the routes show
one page for both.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.errors import Conflict, Forbidden, InvalidInput, NotFound
from kintrace.storage.tables import AccountToken, Region, User
from kintrace.users.passwords import check_new_password, hash_password, waste_a_check
from kintrace.users.service import ensure_roles
from kintrace.users.sessions import end_user_sessions
from kintrace.users.walk_ins import claim_walk_ins

CONFIRM = "confirm"
RESET = "reset"
SET_PASSWORD = "set_password"
LIFETIMES = {
    CONFIRM: timedelta(hours=48),
    RESET: timedelta(hours=1),
    SET_PASSWORD: timedelta(hours=48),
}
BAD_LINK = "this link is not valid: it was used already, has run out or was mistyped"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{5,40}$")
LANGUAGES = ("ru", "uk", "en")


def normal_email(email: str, field: str = "email") -> str:
    """Return an address in the form it is kept (trimmed, lower case); InvalidInput if bad."""
    address = email.strip().lower()
    if len(address) > 100 or not EMAIL.match(address):
        raise InvalidInput(f"field '{field}': not an e-mail address")
    return address


def token_hash(token: str) -> str:
    """Return what the table keeps of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, purpose: str, *, now: datetime) -> str:
    """Make a single-use token for a link; earlier unused tokens of the purpose stop working."""
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            token_hash=token_hash(token),
            user_id=user.id,
            purpose=purpose,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    session.flush()
    return token


def _take_token(session: Session, token: str, purposes: set[str], *, now: datetime) -> User:
    """Use a token once: the user it was made for, or Forbidden (one message for every fault)."""
    if not token or len(token) > 200:
        raise Forbidden(BAD_LINK)
    row = session.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token)))
    if row is None or row.purpose not in purposes or row.used_at is not None:
        raise Forbidden(BAD_LINK)
    if now >= row.expires_at:
        raise Forbidden(BAD_LINK)
    # single use even when two requests race: only one update finds the row still unused
    taken = session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(taken, "rowcount", 0):
        raise Forbidden(BAD_LINK)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise Forbidden(BAD_LINK)
    return user


def token_is_usable(session: Session, token: str, purposes: set[str], *, now: datetime) -> bool:
    """Say whether a link would still work (the form to set a password is shown only then)."""
    if not token or len(token) > 200:
        return False
    row = session.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token)))
    return (
        row is not None and row.purpose in purposes and row.used_at is None and now < row.expires_at
    )


def user_by_email(session: Session, email: str) -> User | None:
    """Return the user of an address (or of a sign-in name equal to it)."""
    return session.scalar(
        select(User).where(or_(User.email == email, func.lower(User.username) == email))
    )


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A link to e-mail: to whom, in which language, which mail, the token for the link."""

    user: User
    kind: str
    """``confirm``, ``already_registered``, ``reset`` or ``welcome``."""
    token: str


def sign_up(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    language: str | None,
    now: datetime,
) -> Outgoing | None:
    """Register a relative whose account works once the address is confirmed.

    An address that has an account already gets a mail saying so (with a reset link) instead;
    the caller answers the same in both cases. Returns what to send (None: nothing).
    """
    address = normal_email(email)
    name = display_name.strip()
    if not name:
        raise InvalidInput("field 'display_name': say how we should address you")
    check_new_password(password, email=address, username=address)
    existing = user_by_email(session, address)
    if existing is not None:
        waste_a_check(password)  # the hashing work of a new account: the same answer time
        if not existing.active or existing.email is None:
            return None
        return Outgoing(
            existing, "already_registered", issue_token(session, existing, RESET, now=now)
        )
    ensure_roles(session)
    user = User(
        username=address,
        display_name=name,
        role=Role.RELATIVE.value,
        region_id=None,
        password_hash=hash_password(password),
        active=True,
        created_at=now,
        email=address,
        language=language if language in LANGUAGES else None,
    )
    try:
        with session.begin_nested():  # the same address signing up twice at once: one wins
            session.add(user)
    except IntegrityError:
        return None
    return Outgoing(user, "confirm", issue_token(session, user, CONFIRM, now=now))


def confirm_email(session: Session, token: str, *, now: datetime) -> User:
    """Confirm the address a confirmation link was sent to; the account works from now on.

    The walk-in requests a desk filed for that address become the account's
    (:func:`kintrace.users.walk_ins.claim_walk_ins`).
    """
    user = _take_token(session, token, {CONFIRM}, now=now)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        session.flush()
    claim_walk_ins(session, user)
    return user


def request_reset(session: Session, *, email: str, now: datetime) -> Outgoing | None:
    """Return the reset link to send to an address, or None when it has no usable account."""
    try:
        address = normal_email(email)
    except InvalidInput:
        return None
    user = session.scalar(select(User).where(User.email == address))
    if user is None or not user.active:
        return None
    return Outgoing(user, "reset", issue_token(session, user, RESET, now=now))


def reset_password(session: Session, token: str, password: str, *, now: datetime) -> User:
    """Set the password a reset (or first-password) link allows; every session ends.

    Following the link proves the address, so it counts as confirmed from then on, and the
    walk-in requests a desk filed for it become the account's.
    """
    if not token_is_usable(session, token, {RESET, SET_PASSWORD}, now=now):
        raise Forbidden(BAD_LINK)
    row = session.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token)))
    assert row is not None
    owner = session.get(User, row.user_id)
    assert owner is not None
    check_new_password(password, email=owner.email, username=owner.username)
    user = _take_token(session, token, {RESET, SET_PASSWORD}, now=now)
    user.password_hash = hash_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    session.flush()
    end_user_sessions(session, user.id, reason="password reset", now=now)
    claim_walk_ins(session, user)
    return user


def _free_username(session: Session, stem: str) -> str:
    while True:
        name = f"{stem}-{secrets.token_hex(3)}"
        if session.scalar(select(User.id).where(User.username == name)) is None:
            return name


def register_walk_in(
    session: Session,
    viewer: Viewer,
    *,
    display_name: str,
    email: str = "",
    phone: str = "",
    region_id: int | None = None,
    language: str | None = None,
    now: datetime,
) -> tuple[User, Outgoing | None]:
    """A desk opens an account for a relative who came in person.

    An operator registers relatives of their own region only; an administrator names the
    region. With an e-mail the relative gets a link to choose a password; without one the
    account has no password at all and the relative works through the desk.
    """
    if viewer.role is Role.OPERATOR:
        if viewer.region_id is None or region_id not in (None, viewer.region_id):
            raise Forbidden("a desk registers relatives of its own region only")
        region_id = viewer.region_id
    elif viewer.role is not Role.ADMINISTRATOR:
        raise Forbidden(f"a {viewer.role.value} may not register relatives")
    if region_id is None or session.get(Region, region_id) is None:
        raise InvalidInput("field 'region': choose the desk's region")
    name = display_name.strip()
    if not name:
        raise InvalidInput("field 'display_name': give the relative's name")
    address = normal_email(email) if email.strip() else None
    number = phone.strip() or None
    if number is not None and not PHONE.match(number):
        raise InvalidInput("field 'phone': write the number in digits (+, spaces, dashes allowed)")
    if address is not None and user_by_email(session, address) is not None:
        raise Conflict("this e-mail address has an account already")
    ensure_roles(session)
    user = User(
        username=address or _free_username(session, "walk-in"),
        display_name=name,
        role=Role.RELATIVE.value,
        region_id=region_id,
        password_hash="",  # no password: nobody signs in until the relative chooses one
        active=True,
        created_at=now,
        email=address,
        phone=number,
        language=language if language in LANGUAGES else None,
    )
    session.add(user)
    session.flush()
    if address is None:
        return user, None
    return user, Outgoing(user, "welcome", issue_token(session, user, SET_PASSWORD, now=now))


# Administration: each change goes through the ORM, so the change log keeps before and after.


def user_by_id(session: Session, user_id: int) -> User:
    """Return a user; NotFound otherwise."""
    user = session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def all_users(session: Session) -> list[User]:
    """Every user, by sign-in name."""
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, user: User, active: bool, *, now: datetime) -> None:
    """Disable (every session ends) or enable an account."""
    if user.active != active:
        user.active = active
        session.flush()
    if not active:
        end_user_sessions(session, user.id, reason="account disabled", now=now)


def set_role(session: Session, user: User, role: Role, *, now: datetime) -> None:
    """Give a user another role; their sessions end (what they may see has changed)."""
    if role is Role.PUBLIC:
        raise InvalidInput("field 'role': public is what signed-out visitors are")
    if role is Role.OPERATOR and user.region_id is None:
        raise Conflict("an operator works at a regional desk: give a region first")
    ensure_roles(session)
    if user.role != role.value:
        user.role = role.value
        session.flush()
        end_user_sessions(session, user.id, reason="role changed", now=now)


def set_region(session: Session, user: User, region_id: int | None, *, now: datetime) -> None:
    """Move a user to another region's desk (None: no region); their sessions end."""
    if region_id is not None and session.get(Region, region_id) is None:
        raise NotFound(f"no region {region_id}")
    if region_id is None and user.role == Role.OPERATOR.value:
        raise Conflict("an operator works at a regional desk: give a region")
    if user.region_id != region_id:
        user.region_id = region_id
        session.flush()
        end_user_sessions(session, user.id, reason="region changed", now=now)


def region_by_code(session: Session, code: str) -> Region:
    """Return a region by its code; NotFound otherwise."""
    region = session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise NotFound(f"no region {code!r}")
    return region
