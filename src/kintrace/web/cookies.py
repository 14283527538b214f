"""The session cookie (a random token; the session itself is kept on the server) and CSRF tokens.

The cookie carries nothing but the token of a row in ``web_sessions``: no user id, nothing to
forge. A form's CSRF token is an HMAC of the session token under the instance's secret key,
so it is worth nothing in another session and changes at every sign-in.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.responses import Response

from kintrace.config import Settings

COOKIE = "kintrace_session"


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def csrf_token(secret: str, session_token: str | None) -> str:
    """Return the CSRF token bound to a session token."""
    return _sign(secret, f"csrf:{session_token or ''}".encode())[:32]


def check_csrf(secret: str, session_token: str | None, token: str | None) -> bool:
    """Say whether a form's CSRF token belongs to this session."""
    return bool(token) and hmac.compare_digest(csrf_token(secret, session_token), token or "")


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """Give the browser its session token: not readable by scripts, Secure over TLS."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.session_max_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.https,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Tell the browser to forget its session token."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=settings.https)
