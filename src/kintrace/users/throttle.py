"""Sign-in throttling: growing waits after failures, per account name and per client address.

The counters live in the database (``sign_in_throttles``), so every process that serves the
instance sees them. Names and addresses are kept as HMACs under the instance's secret key:
a typo'd password in the name field or a relative's address never lands in clear. A name
that does not exist is counted like one that does, so that neither the waits nor the lockout
tell which names exist.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kintrace.errors import TooManyAttempts
from kintrace.storage.tables import SignInThrottle

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """How many failures are free, how long the waits grow, when an account locks."""

    account_free: int = 3
    """Failures of one account before the waits start (1 s, 2 s, 4 s, ...)."""
    account_max_wait_s: int = 300
    lockout_failures: int = 10
    """Failures in a row that lock the account until an administrator unlocks it."""
    account_forget: timedelta = timedelta(hours=24)
    """An account's failures older than this (and no lock) are forgotten."""
    address_free: int = 20
    """Failures from one address (any names) before its waits start."""
    address_max_wait_s: int = 900
    address_forget: timedelta = timedelta(hours=1)


def wait_after(failures: int, free: int, cap_s: int) -> int:
    """Seconds to wait after ``failures`` failures: none for the free ones, then doubling.

    >>> [wait_after(n, 3, 300) for n in (0, 2, 3, 4, 5, 12, 40)]
    [0, 0, 1, 2, 4, 300, 300]
    """
    if failures < free:
        return 0
    wait: int = 2 ** min(failures - free, 30)
    return min(wait, cap_s)


def key_of(secret: str, kind: str, value: str) -> str:
    """Return the keyed hash a name or address is counted under."""
    text = value.casefold() if kind == ACCOUNT else value
    return hmac.new(secret.encode(), f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


def _row(session: Session, kind: str, key: str) -> SignInThrottle | None:
    return session.scalar(
        select(SignInThrottle).where(SignInThrottle.kind == kind, SignInThrottle.key_hash == key)
    )


def _live_failures(row: SignInThrottle | None, forget: timedelta, now: datetime) -> int:
    if row is None:
        return 0
    if row.locked_at is None and now - row.last_failed_at > forget:
        return 0
    return row.failures


def refuse_if_throttled(
    session: Session,
    *,
    secret: str,
    username: str,
    address: str,
    now: datetime,
    policy: ThrottlePolicy,
) -> None:
    """Raise TooManyAttempts while the account is locked or a wait has not passed."""
    account = _row(session, ACCOUNT, key_of(secret, ACCOUNT, username))
    if account is not None and account.locked_at is not None:
        raise TooManyAttempts(
            "too many failed sign-ins: this account is locked; ask an administrator to unlock it"
        )
    address_row = _row(session, ADDRESS, key_of(secret, ADDRESS, address))
    waits = [
        (
            account,
            wait_after(
                _live_failures(account, policy.account_forget, now),
                policy.account_free,
                policy.account_max_wait_s,
            ),
        ),
        (
            address_row,
            wait_after(
                _live_failures(address_row, policy.address_forget, now),
                policy.address_free,
                policy.address_max_wait_s,
            ),
        ),
    ]
    left = 0.0
    for row, wait in waits:
        if row is not None and wait:
            left = max(left, wait - (now - row.last_failed_at).total_seconds())
    if left > 0:
        seconds = math.ceil(left)
        raise TooManyAttempts(f"too many attempts, try again in {seconds} s", seconds)


def _count(session: Session, kind: str, key: str, forget: timedelta, now: datetime) -> int:
    row = _row(session, kind, key)
    if row is None:
        try:
            with session.begin_nested():
                row = SignInThrottle(kind=kind, key_hash=key, failures=1, last_failed_at=now)
                session.add(row)
            return 1
        except IntegrityError:  # another process counted the first failure at the same time
            row = _row(session, kind, key)
            assert row is not None
    row.failures = _live_failures(row, forget, now) + 1
    row.last_failed_at = now
    session.flush()
    return row.failures


def record_failure(
    session: Session,
    *,
    secret: str,
    username: str,
    address: str,
    now: datetime,
    policy: ThrottlePolicy,
) -> None:
    """Count a failed sign-in against the name and the address; lock the name at the limit."""
    key = key_of(secret, ACCOUNT, username)
    failures = _count(session, ACCOUNT, key, policy.account_forget, now)
    _count(session, ADDRESS, key_of(secret, ADDRESS, address), policy.address_forget, now)
    if failures >= policy.lockout_failures:
        row = _row(session, ACCOUNT, key)
        assert row is not None
        row.locked_at = row.locked_at or now
        session.flush()


def record_success(session: Session, *, secret: str, username: str) -> None:
    """Forget the account's failures (the address's stay: they count every name tried)."""
    unlock(session, secret=secret, username=username)


def unlock(session: Session, *, secret: str, username: str) -> bool:
    """Lift an account's lock and forget its failures; say whether there was anything."""
    result = session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.kind == ACCOUNT,
            SignInThrottle.key_hash == key_of(secret, ACCOUNT, username),
        )
    )
    return bool(getattr(result, "rowcount", 0))


def is_locked(session: Session, *, secret: str, username: str) -> bool:
    """Say whether an account name is locked."""
    row = _row(session, ACCOUNT, key_of(secret, ACCOUNT, username))
    return row is not None and row.locked_at is not None
