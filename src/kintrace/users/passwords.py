"""Password hashes: argon2id for new ones; the scrypt hashes of earlier versions still verify.

A scrypt hash (or an argon2 hash with weaker parameters than today's) is replaced by a fresh
argon2 hash at the next successful sign-in (:func:`needs_rehash`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kintrace.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile: 64 MiB, t=3, p=4


def hash_password(password: str) -> str:
    """Hash a password with argon2id and a random salt."""
    return _HASHER.hash(password)


def _check_scrypt(password: str, stored: str) -> bool:
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


def check_password(password: str, stored: str) -> bool:
    """Say whether a password matches its stored hash (argon2, or scrypt of old)."""
    if stored.startswith("scrypt$"):
        return _check_scrypt(password, stored)
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Say whether a stored hash should be replaced by a fresh argon2 hash."""
    if not stored.startswith("$argon2"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def waste_a_check(password: str) -> None:
    """Do the work of one password check for a user name that does not exist.

    Without it an unknown name answers at once and a known one after the hash: the time of
    the answer would tell whether a name exists.
    """
    check_password(password, _dummy_hash())


def check_new_password(password: str, *, email: str | None, username: str) -> None:
    """Refuse a password shorter than 10 characters, or one that is the e-mail or the name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"field 'password': use at least {MIN_PASSWORD_LENGTH} characters")
    same = password.strip().casefold()
    if same in {(email or "").casefold(), username.casefold()}:
        raise InvalidInput("field 'password': the password may not be the e-mail or the name")
