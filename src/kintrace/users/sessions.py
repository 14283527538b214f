"""Sessions kept on the server: the browser holds a random token, the table its SHA-256.

A session ends when its user signs out, changes their password, is disabled or has their
sessions ended by an administrator, after ``idle`` without a request, and ``max_age`` after
sign-in in any case. An ended session is refused even when someone kept a copy of its cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kintrace.config import Settings
from kintrace.storage.tables import User, WebSession

SIGNED_IN = "signed_in"
SECOND_FACTOR = "second_factor"
"""The password was right; the session waits for the second factor's code."""
SECOND_FACTOR_TIME = timedelta(minutes=5)
TOUCH_EVERY = timedelta(seconds=60)
"""last_seen_at is written at most this often (one write per minute, not per request)."""


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a session lives unused, and at most."""

    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=12)

    @classmethod
    def of(cls, settings: Settings) -> SessionPolicy:
        """Return the policy the settings ask for."""
        return cls(
            idle=timedelta(minutes=settings.session_idle_minutes),
            max_age=timedelta(hours=settings.session_max_hours),
        )


def token_hash(token: str) -> str:
    """Return what the table keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user_id: int, *, stage: str, now: datetime) -> str:
    """Open a session for a user and return its token (for the cookie only)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user_id,
            stage=stage,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def find_session(
    session: Session, token: str | None, *, policy: SessionPolicy, now: datetime
) -> WebSession | None:
    """Return the live session of a token (noting that it was used), or None.

    A session found past its idle time or its age is ended on the way.
    """
    return find_session_and_user(session, token, policy=policy, now=now)[0]


def find_session_and_user(
    session: Session, token: str | None, *, policy: SessionPolicy, now: datetime
) -> tuple[WebSession, User] | tuple[None, None]:
    """:func:`find_session`, with the session's user read in the same statement (every page
    asks for both)."""
    if not token:
        return None, None
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == token_hash(token))
    ).first()
    if found is None:
        return None, None
    row, user = found
    if row.ended_at is not None:
        return None, None
    idle = SECOND_FACTOR_TIME if row.stage == SECOND_FACTOR else policy.idle
    if now - row.created_at > policy.max_age:
        _end(row, "expired", now)
        return None, None
    if now - row.last_seen_at > idle:
        _end(row, "idle", now)
        return None, None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    session.flush()
    return row, user


def _end(row: WebSession, reason: str, now: datetime) -> None:
    row.ended_at = now
    row.end_reason = reason


def end_session(session: Session, token: str | None, *, reason: str, now: datetime) -> bool:
    """End the session of a token; say whether a live one was ended."""
    if not token:
        return False
    result = session.execute(
        update(WebSession)
        .where(WebSession.token_hash == token_hash(token), WebSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def end_user_sessions(session: Session, user_id: int, *, reason: str, now: datetime) -> int:
    """End every live session of a user; return how many were ended."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return int(getattr(result, "rowcount", 0))


def live_sessions(session: Session, user_id: int, *, policy: SessionPolicy, now: datetime) -> int:
    """Count a user's sessions that have not ended nor timed out."""
    rows = session.scalars(
        select(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
    )
    return sum(
        1
        for r in rows
        if now - r.created_at <= policy.max_age and now - r.last_seen_at <= policy.idle
    )
