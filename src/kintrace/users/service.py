"""Users: create them, check their passwords (scrypt), turn them into viewers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import ROLE_DESCRIPTIONS, Role, Viewer
from kintrace.errors import Conflict, Forbidden
from kintrace.storage.tables import Role as RoleRow
from kintrace.storage.tables import User

_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~16 MiB and a few ms per check


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Hash a password with scrypt and a random salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Say whether a password matches its stored hash (in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(computed.hex(), digest)


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


def authenticate(session: Session, username: str, password: str) -> User:
    """Return the user when the password is right; Forbidden otherwise (same message)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password(password, user.password_hash):
        raise Forbidden("wrong username or password")
    return user


def viewer_of(user: User) -> Viewer:
    """Return how the services see this user."""
    return Viewer(user.id, Role(user.role), user.region_id, user.display_name)
