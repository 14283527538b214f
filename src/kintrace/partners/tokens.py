"""Scoped API tokens for partner systems (issue 18): issue, list, revoke, authenticate.

A token is a random secret (32 bytes, URL-safe) that a partner system sends as
``Authorization: Bearer <token>``. The table keeps only its SHA-256 (as for web sessions,
:mod:`kintrace.users.sessions`), so a copy of the database holds no usable token; the
secret is shown once, when it is issued. Each use is checked on the server: the token must
exist, not be revoked, not be past its last day, and carry the scope the endpoint needs.

A token acts as a *partner of a kind*: ``partner`` is the consent scope of
:class:`~kintrace.cases.model.ConsentScope` its reads are filtered by (the authorities, the
Red Cross, the DNA laboratory; :func:`kintrace.cases.consent.consented_view`), and
``region`` optionally limits it to one region's persons. As a :class:`~kintrace.access.Viewer`
a token is an analyst (every person) or, with a region, a regional desk of that region; its
``user_id`` is None, and its reports are recorded under the partner's own source
(:mod:`kintrace.partners.reports`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.consent import PARTNER_SCOPES
from kintrace.cases.model import ConsentScope
from kintrace.errors import Forbidden, InvalidInput, KintraceError, NotFound
from kintrace.storage.tables import Region
from kintrace.storage.token_tables import ApiToken


class TokenScope(StrEnum):
    """What a token may do.

    ``read_persons``: ``GET /api/persons`` and ``/api/persons/{id}`` (consented data only);
    ``write_reports``: ``POST /api/persons/{id}/reports``; ``upload_lists``: ``POST /api/lists``.
    """

    READ_PERSONS = "read_persons"
    WRITE_REPORTS = "write_reports"
    UPLOAD_LISTS = "upload_lists"


class TokenRefused(KintraceError):
    """No valid token: unknown, revoked or expired (the API answers 401)."""


TOUCH_EVERY = timedelta(seconds=60)
"""``last_used_at`` is written at most this often (one write per minute, not per request)."""
NAME = re.compile(r"[\w .,()'\-]{1,100}")
"""A token's name: who it is for, e.g. ``Red Cross tracing``."""
_BEARER = re.compile(r"[A-Za-z0-9_\-]{20,100}")


def token_hash(token: str) -> str:
    """Return what the table keeps of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def parse_token_scopes(words: list[str]) -> frozenset[TokenScope]:
    """Read scopes given as words (each may hold several, comma-separated)."""
    scopes: set[TokenScope] = set()
    for word in filter(None, (w.strip() for text in words for w in text.split(","))):
        try:
            scopes.add(TokenScope(word))
        except ValueError as error:
            names = ", ".join(s.value for s in TokenScope)
            raise InvalidInput(f"--scope: {word[:40]!r} is not one of {names}") from error
    return frozenset(scopes)


def format_token_scopes(scopes: frozenset[TokenScope]) -> str:
    """Write scopes as stored: sorted, comma-separated."""
    return ",".join(sorted(s.value for s in scopes))


def scopes_of(row: ApiToken) -> frozenset[TokenScope]:
    """Return the stored scopes of a token."""
    return frozenset(TokenScope(w) for w in row.scopes.split(",") if w)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just issued: its row and the secret, which is never shown again."""

    row: ApiToken
    secret: str


def issue_token(
    session: Session,
    *,
    name: str,
    scopes: frozenset[TokenScope],
    partner: ConsentScope,
    region: str | None,
    expires_on: date | None,
    created_by: int | None,
    now: datetime,
) -> IssuedToken:
    """Issue a token (an administrator's act); return it with its secret, shown once.

    Every problem is gathered before refusing: a name, at least one scope, a partner scope
    (not ``other_relatives``: those are inside kintrace), a known region, a last day not in
    the past. Lists concern every region, so ``upload_lists`` takes no region.
    """
    problems: list[str] = []
    name = name.strip()
    if not NAME.fullmatch(name):
        problems.append("NAME: 1 to 100 letters, digits, spaces or .,()'-")
    if not scopes:
        problems.append("--scope: give at least one of " + ", ".join(s.value for s in TokenScope))
    if partner not in PARTNER_SCOPES:
        problems.append(
            f"--partner: {partner.value} is not a partner; use one of "
            + ", ".join(s.value for s in PARTNER_SCOPES)
        )
    region_row = None
    if region is not None:
        region_row = session.scalar(
            select(Region).where((Region.name == region) | (Region.code == region))
        )
        if region_row is None:
            problems.append(f"--region: no region {region[:60]!r}")
        if TokenScope.UPLOAD_LISTS in scopes:
            problems.append("--region: a list concerns every region; upload_lists takes none")
    if expires_on is not None and expires_on < now.date():
        problems.append(f"--expires: {expires_on.isoformat()} is in the past")
    if problems:
        raise InvalidInput(problems[0], problems)
    secret = secrets.token_urlsafe(32)
    row = ApiToken(
        name=name,
        token_hash=token_hash(secret),
        scopes=format_token_scopes(scopes),
        partner=partner.value,
        region_id=region_row.id if region_row is not None else None,
        created_by=created_by,
        created_at=now,
        expires_on=expires_on,
    )
    session.add(row)
    session.flush()
    return IssuedToken(row, secret)


def list_tokens(session: Session) -> list[ApiToken]:
    """Return every token, newest first (revoked and expired ones too: they are history)."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, token_id: int, *, by: int | None, now: datetime) -> ApiToken:
    """Revoke a token from now on (kept, with who and when); NotFound for an unknown id."""
    row = session.get(ApiToken, token_id) if 1 <= token_id < 2**31 else None
    if row is None:
        raise NotFound(f"no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = now
        row.revoked_by = by
        session.flush()
    return row


def token_state(row: ApiToken, today: date) -> str:
    """Say whether a token works: ``active``, ``revoked`` or ``expired``."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_on is not None and today > row.expires_on:
        return "expired"
    return "active"


@dataclass(frozen=True, slots=True)
class Partner:
    """The caller behind a valid token: who, what it may do, and as which viewer it reads."""

    token_id: int
    name: str
    scopes: frozenset[TokenScope]
    consent_scope: ConsentScope
    viewer: Viewer

    def require(self, scope: TokenScope) -> None:
        """Raise Forbidden unless the token carries ``scope``."""
        if scope not in self.scopes:
            raise Forbidden(f"this token lacks the scope {scope.value}")


def viewer_of_token(row: ApiToken) -> Viewer:
    """Return the viewer a token acts as: an analyst, or a regional desk with a region."""
    role = Role.ANALYST if row.region_id is None else Role.OPERATOR
    return Viewer(
        user_id=None, role=role, region_id=row.region_id, display_name=f"partner: {row.name}"
    )


def authenticate(session: Session, token: str, *, now: datetime) -> Partner:
    """Return the partner of a bearer token, noting its use; TokenRefused when it is not valid.

    The same words for an unknown, revoked or expired token (the answer tells nothing of
    which tokens exist); the time a token was last used is written at most once a minute,
    outside the change log (bookkeeping).
    """
    row = (
        session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
        if _BEARER.fullmatch(token)
        else None
    )
    if row is None or token_state(row, now.date()) != "active":
        raise TokenRefused("the API token is unknown, revoked or expired")
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == row.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
    return Partner(
        token_id=row.id,
        name=row.name,
        scopes=scopes_of(row),
        consent_scope=ConsentScope(row.partner),
        viewer=viewer_of_token(row),
    )
