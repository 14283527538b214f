"""Users: create them, check their passwords, turn them into viewers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kintrace.access import ROLE_DESCRIPTIONS, Role, Viewer
from kintrace.errors import Conflict, Forbidden, NotFound
from kintrace.storage.tables import Role as RoleRow
from kintrace.storage.tables import User
from kintrace.users import throttle
from kintrace.users.passwords import (
    check_new_password,
    check_password,
    hash_password,
    needs_rehash,
    waste_a_check,
)
from kintrace.users.sessions import end_user_sessions

__all__ = ["check_password", "hash_password"]


def ensure_roles(session: Session) -> None:
    """Create the role rows that do not exist yet."""
    existing = set(session.scalars(select(RoleRow.name)))
    for role, description in ROLE_DESCRIPTIONS.items():
        if role.value not in existing:
            session.add(RoleRow(name=role.value, description=description))
    session.flush()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    region_id: int | None = None,
) -> User:
    """Create a user; operators need a region."""
    ensure_roles(session)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} exists already")
    if role is Role.OPERATOR and region_id is None:
        raise Conflict("an operator works at a regional desk: give a region")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role.value,
        region_id=region_id,
        password_hash=hash_password(password),
        active=True,
        created_at=datetime.now(),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    secret: str,
    address: str,
    now: datetime | None = None,
    policy: throttle.ThrottlePolicy | None = None,
) -> User:
    """Return the user when the password is right; Forbidden otherwise (same message).

    A name with ``@`` is also looked up as an e-mail address. An account whose address is not
    confirmed yet is refused once the password is right. Throttled per name and per client
    address (TooManyAttempts while a wait runs or the account is locked). An unknown name costs
    the same hashing work as a known one. A hash of an older kind is replaced by a fresh argon2
    hash on success.
    """
    now = now or datetime.now()
    policy = policy or throttle.ThrottlePolicy()
    counted = {"secret": secret, "username": username, "address": address}
    throttle.refuse_if_throttled(session, now=now, policy=policy, **counted)
    user = session.scalar(select(User).where(User.username == username))
    if user is None and "@" in username:
        user = session.scalar(select(User).where(User.email == username.strip().lower()))
    if user is None:
        waste_a_check(password)
        right = False
    else:
        right = check_password(password, user.password_hash) and user.active
    if user is None or not right:
        throttle.record_failure(session, now=now, policy=policy, **counted)
        raise Forbidden("wrong username or password")
    throttle.record_success(session, secret=secret, username=username)
    if user.email is not None and user.email_confirmed_at is None:
        raise Forbidden("confirm your e-mail address first: open the link we sent you")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    # bookkeeping, not a change for the history: a Core update the change log does not see
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(last_signed_in_at=now)
        .execution_options(synchronize_session=False)
    )
    return user


def get_user(session: Session, username: str) -> User:
    """Return the user of a name; NotFound otherwise."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def set_password(session: Session, user: User, password: str, *, now: datetime) -> int:
    """Give a user a new password and end all their sessions; return how many ended."""
    check_new_password(password, email=user.email, username=user.username)
    user.password_hash = hash_password(password)
    session.flush()
    return end_user_sessions(session, user.id, reason="password changed", now=now)


def viewer_of(user: User) -> Viewer:
    """Return how the services see this user."""
    return Viewer(user.id, Role(user.role), user.region_id, user.display_name)
