"""The optional second factor: time-based one-time codes (TOTP, RFC 6238) with pyotp.

A user enrols by scanning the key into an authenticator app and confirming one code; from
then on sign-in asks for a code after the password. A code is accepted within one 30-second
step either side of the server's clock, and never twice.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

from kintrace.access import Role
from kintrace.errors import Conflict, InvalidInput
from kintrace.storage.tables import User

ISSUER = "kintrace"
STAFF = frozenset({Role.ADMINISTRATOR, Role.REVIEWER, Role.DNA_LAB})
"""The roles that KINTRACE_REQUIRE_TOTP_FOR_STAFF obliges to enrol."""


def has_second_factor(user: User) -> bool:
    """Say whether the user's sign-in asks for a code."""
    return user.totp_secret is not None and user.totp_confirmed_at is not None


def must_enrol(user: User, *, required_for_staff: bool) -> bool:
    """Say whether the user must enrol a second factor before doing anything else."""
    return required_for_staff and Role(user.role) in STAFF and not has_second_factor(user)


def begin_enrolment(user: User) -> str:
    """Give the user a new, unconfirmed key (replacing an unconfirmed one); return it."""
    if has_second_factor(user):
        raise Conflict("a second factor is enrolled already; remove it first")
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = None
    user.totp_last_step = None
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """Return the otpauth:// URI an authenticator app reads (as a QR code or typed)."""
    if user.totp_secret is None:
        raise Conflict("no second factor is being enrolled")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _accept(user: User, code: str, now: datetime) -> bool:
    if user.totp_secret is None:
        return False
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue  # this code (or an earlier one) was used already
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(user: User, code: str, *, now: datetime) -> None:
    """Turn the second factor on once the user typed a right code from their app."""
    if user.totp_secret is None or has_second_factor(user):
        raise Conflict("no second factor is being enrolled")
    if not _accept(user, code, now):
        raise InvalidInput("field 'code': the code is wrong or expired; type the current one")
    user.totp_confirmed_at = now


def verify_code(user: User, code: str, *, now: datetime) -> bool:
    """Say whether a sign-in code is right (and note it as used)."""
    return has_second_factor(user) and _accept(user, code, now)


def remove_second_factor(user: User) -> None:
    """Turn the second factor off (an administrator does this for a lost phone)."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
