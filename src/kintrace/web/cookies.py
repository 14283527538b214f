"""Signed session cookies and CSRF tokens (HMAC-SHA256 with the instance's secret key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

COOKIE = "kintrace_session"
MAX_AGE = 12 * 3600


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def make_cookie(secret: str, user_id: int, *, now: float | None = None) -> str:
    """Return a cookie value that names the user and expires in twelve hours."""
    issued = int(now if now is not None else time.time())
    # no "=" padding: a cookie value with "=" gets quoted by some clients
    payload = base64.urlsafe_b64encode(json.dumps({"u": user_id, "t": issued}).encode()).rstrip(
        b"="
    )
    return f"{payload.decode()}.{_sign(secret, payload)}"


def read_cookie(secret: str, value: str | None, *, now: float | None = None) -> int | None:
    """Return the user id of a valid, unexpired cookie, or None."""
    if not value or "." not in value:
        return None
    payload, signature = value.rsplit(".", 1)
    if not hmac.compare_digest(_sign(secret, payload.encode()), signature):
        return None
    try:
        padded = payload + "=" * (-len(payload) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        user_id, issued = int(data["u"]), int(data["t"])
    except (ValueError, KeyError, TypeError):
        return None
    if (now if now is not None else time.time()) - issued > MAX_AGE:
        return None
    return user_id


def csrf_token(secret: str, cookie: str | None) -> str:
    """Return the CSRF token bound to a session cookie."""
    return _sign(secret, f"csrf:{cookie or ''}".encode())[:32]


def check_csrf(secret: str, cookie: str | None, token: str | None) -> bool:
    """Say whether a form's CSRF token belongs to this session."""
    return bool(token) and hmac.compare_digest(csrf_token(secret, cookie), token or "")
