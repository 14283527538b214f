"""Relatives' consent in the database: in force, changed (history kept), enforced.

The consent given with a request is ``inquirers.consent``; each later change is a new row of
``consent_changes`` (never updated), and the newest one is in force. The rules of what may be
shared are pure (:mod:`kintrace.cases.consent`); this module gathers what they need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.access import MAY_RECORD_OFFICIAL, Role, Viewer
from kintrace.cases.consent import format_scopes, parse_scopes
from kintrace.cases.model import ConsentScope, Relationship
from kintrace.cases.service import get_person, merged_group
from kintrace.errors import Conflict, InvalidInput, NotFound
from kintrace.ids import id_list
from kintrace.storage.tables import (
    ConsentChange,
    Inquirer,
    Person,
    Report,
    TracingRequest,
    User,
)

_WALK_IN_SOURCE = re.compile(r"\(request ([0-9]{1,10})\)$")
"""The source name a desk's record of a walk-in relative's statement ends with."""


def consent_in_force(
    session: Session, inquirer_ids: Sequence[int]
) -> dict[int, frozenset[ConsentScope]]:
    """Return the consent in force of each inquirer: the newest change, else as filed."""
    if not inquirer_ids:
        return {}
    ids = id_list(inquirer_ids)
    result = {
        i: parse_scopes(text)
        for i, text in session.execute(
            select(Inquirer.id, Inquirer.consent).where(Inquirer.id.in_(ids))
        )
    }
    newest = (
        select(func.max(ConsentChange.id))
        .where(ConsentChange.inquirer_id.in_(ids))
        .group_by(ConsentChange.inquirer_id)
    )
    for inquirer, text in session.execute(
        select(ConsentChange.inquirer_id, ConsentChange.scopes).where(ConsentChange.id.in_(newest))
    ):
        result[inquirer] = parse_scopes(text)
    return result


def consents_of(
    session: Session, person_ids: Sequence[int]
) -> dict[int, dict[int, frozenset[ConsentScope]]]:
    """Return, for each person, the consent in force of every relative who asked for him."""
    result: dict[int, dict[int, frozenset[ConsentScope]]] = {p: {} for p in person_ids}
    if not person_ids:
        return result
    pairs = session.execute(
        select(TracingRequest.person_id, TracingRequest.inquirer_id).where(
            TracingRequest.person_id.in_(id_list(person_ids))
        )
    ).all()
    scopes = consent_in_force(session, [i for _, i in pairs])
    for person, inquirer in pairs:
        result[person][inquirer] = scopes.get(inquirer, frozenset())
    return result


def givers_of(session: Session, reports: Sequence[Report]) -> dict[int, int | None]:
    """Return the inquirer who gave each report, or None where no relative gave it.

    A relative's own report (a source of type ``relative`` entered by a relative's account)
    is that relative's request on the report's person; a desk's record of what a walk-in
    relative said names the request in its source (``... (request N)``).
    """
    result: dict[int, int | None] = {r.id: None for r in reports}
    relatives = [r for r in reports if r.source.type == "relative"]
    if not relatives:
        return result
    persons = {r.person_id for r in relatives}
    rows = session.execute(
        select(TracingRequest.id, TracingRequest.person_id, Inquirer.id, Inquirer.user_id)
        .join(Inquirer, Inquirer.id == TracingRequest.inquirer_id)
        .where(TracingRequest.person_id.in_(id_list(sorted(persons))))
    ).all()
    by_request = {request: inquirer for request, _, inquirer, _ in rows}
    by_user = {(person, user): inquirer for _, person, inquirer, user in rows if user}
    for r in relatives:
        named = _WALK_IN_SOURCE.search(r.source.name)
        if named and int(named.group(1)) in by_request:
            result[r.id] = by_request[int(named.group(1))]
        elif r.created_by is not None:
            result[r.id] = by_user.get((r.person_id, r.created_by))
    return result


def may_change_consent(session: Session, viewer: Viewer, inquirer: Inquirer) -> bool:
    """Say whether this viewer may change this relative's consent.

    The relative themselves, for their own requests; a desk, analyst or administrator for a
    relative who works through the desk (no account), on a person the desk may see.
    """
    if viewer.user_id is not None and inquirer.user_id == viewer.user_id:
        return True
    if inquirer.user_id is not None or viewer.role not in MAY_RECORD_OFFICIAL:
        return False
    person_ids = session.scalars(
        select(TracingRequest.person_id).where(TracingRequest.inquirer_id == inquirer.id)
    )
    for person_id in person_ids:
        try:
            get_person(session, viewer, person_id)
        except NotFound:
            continue
        return True
    return False


def change_consent(
    session: Session, viewer: Viewer, inquirer_id: int, scopes: frozenset[ConsentScope]
) -> ConsentChange | None:
    """Record a relative's new consent as a new row; None when it is what is in force."""
    inquirer = session.get(Inquirer, inquirer_id)
    if inquirer is None or not may_change_consent(session, viewer, inquirer):
        raise NotFound(f"no relative's request {inquirer_id} among yours")
    if consent_in_force(session, [inquirer_id]).get(inquirer_id) == scopes:
        return None
    row = ConsentChange(
        inquirer_id=inquirer_id,
        scopes=format_scopes(scopes),
        changed_at=datetime.now(),
        changed_by=viewer.user_id,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class ConsentStep:
    """One state of a relative's consent: from when, which scopes, set by whom (a role)."""

    at: datetime
    scopes: frozenset[ConsentScope]
    by_role: str


@dataclass(frozen=True, slots=True)
class RelativeConsent:
    """A relative's request on one person, the consent in force and its history, newest first."""

    inquirer: Inquirer
    person: Person
    scopes: frozenset[ConsentScope]
    history: list[ConsentStep]


def consent_history(session: Session, inquirer: Inquirer) -> list[ConsentStep]:
    """Return every state of a relative's consent, newest first (the first as filed)."""
    rows = session.execute(
        select(ConsentChange, User.role)
        .outerjoin(User, User.id == ConsentChange.changed_by)
        .where(ConsentChange.inquirer_id == inquirer.id)
        .order_by(ConsentChange.id.desc())
    ).all()
    steps = [ConsentStep(c.changed_at, parse_scopes(c.scopes), role or "") for c, role in rows]
    steps.append(ConsentStep(inquirer.created_at, parse_scopes(inquirer.consent), "filed"))
    return steps


def consents_for(
    session: Session, viewer: Viewer, person_id: int | None = None
) -> list[RelativeConsent]:
    """Return the requests whose consent this viewer may change (a relative: their own).

    With ``person_id``: only that person's (the case page); staff see the requests of
    relatives without an account there; without it (the account page) a relative's own.
    """
    query = (
        select(Inquirer, Person)
        .join(TracingRequest, TracingRequest.inquirer_id == Inquirer.id)
        .join(Person, Person.id == TracingRequest.person_id)
        .order_by(Inquirer.id)
    )
    if person_id is not None:
        query = query.where(TracingRequest.person_id == person_id)
    if viewer.role is Role.RELATIVE or person_id is None:
        query = query.where(Inquirer.user_id == viewer.user_id)
    elif viewer.role in MAY_RECORD_OFFICIAL:
        query = query.where(Inquirer.user_id.is_(None))
    else:
        return []
    found = session.execute(query).all()
    scopes = consent_in_force(session, [i.id for i, _ in found])
    return [
        RelativeConsent(i, p, scopes.get(i.id, frozenset()), consent_history(session, i))
        for i, p in found
    ]


NO_CONSENT = {
    ConsentScope.DNA_LABORATORY: "the relative has not agreed to share with the DNA laboratory: "
    "record their consent first",
    ConsentScope.AUTHORITIES: "the relative has not agreed to share with the authorities",
    ConsentScope.RED_CROSS: "the relative has not agreed to share with the Red Cross",
    ConsentScope.OTHER_RELATIVES: "the relative has not agreed to share with other relatives",
}
"""The refusal for each scope a relative did not agree to (kintrace.web.messages)."""


def require_consent(session: Session, inquirer_id: int, scope: ConsentScope) -> None:
    """Conflict unless the relative's consent in force names ``scope``."""
    if scope not in consent_in_force(session, [inquirer_id]).get(inquirer_id, frozenset()):
        raise Conflict(NO_CONSENT[scope])


def shared_inquirers(session: Session, viewer: Viewer, person_id: int) -> set[int]:
    """Return the inquirers of a person whose requests and reports this relative may see:
    their own, and those of relatives who consented to share with other relatives."""
    consents: dict[int, frozenset[ConsentScope]] = {}
    for found in consents_of(session, merged_group(session, person_id)).values():
        consents.update(found)  # his own requests and those of duplicates merged into him
    own = set(
        session.scalars(
            select(Inquirer.id).where(
                Inquirer.id.in_(id_list(list(consents) or [0])), Inquirer.user_id == viewer.user_id
            )
        )
    )
    return own | {i for i, s in consents.items() if ConsentScope.OTHER_RELATIVES in s}


def sample_giver(
    session: Session, person_id: int, relationship: Relationship, inquirer_id: int | None
) -> int:
    """Return the relative (inquirer) who gives a reference sample for a person.

    ``inquirer_id`` names one of the relatives who asked for him; without it, the relative
    of that relationship who agreed to share with the DNA laboratory (or, when none did, one
    of them, so that the refusal names the missing consent). A relative who asked for
    nobody has no consent on record: Conflict, until their request (with consent) is filed.
    """
    rows = session.execute(
        select(Inquirer.id, Inquirer.relationship_)
        .join(TracingRequest, TracingRequest.inquirer_id == Inquirer.id)
        .where(TracingRequest.person_id.in_(merged_group(session, person_id)))
        .order_by(Inquirer.id)
    ).all()
    if inquirer_id is not None:
        if inquirer_id not in {i for i, _ in rows}:
            raise InvalidInput(f"field 'inquirer': {inquirer_id} did not ask for this person")
        return inquirer_id
    kin = [i for i, r in rows if r == relationship.value]
    if not kin:
        raise Conflict(
            "no relative of this relationship asked for him: record their tracing request, "
            "with their consent to the DNA laboratory, first"
        )
    scopes = consent_in_force(session, kin)
    agreed = [i for i in kin if ConsentScope.DNA_LABORATORY in scopes.get(i, frozenset())]
    return (agreed or kin)[0]
