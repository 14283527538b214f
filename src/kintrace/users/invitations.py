"""A desk invites a walk-in relative to follow their requests with an account of their own.

See :mod:`kintrace.users.walk_ins` for how a walk-in relative's requests become an account's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import MAY_RECORD_OFFICIAL, Role, Viewer
from kintrace.cases.service import get_person
from kintrace.errors import Conflict, InvalidInput, NotFound
from kintrace.storage.tables import Inquirer, Person, TracingRequest, User
from kintrace.users.accounts import (
    LANGUAGES,
    PHONE,
    SET_PASSWORD,
    Outgoing,
    issue_token,
    normal_email,
    user_by_email,
)
from kintrace.users.service import ensure_roles
from kintrace.users.walk_ins import INVITED, claim_walk_ins, link_requests


def _sees(session: Session, viewer: Viewer, inquirer: Inquirer) -> bool:
    """Say whether the viewer may see a person this relative asked for."""
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


def _region_of(session: Session, viewer: Viewer, inquirer: Inquirer) -> int | None:
    if viewer.role is Role.OPERATOR:
        return viewer.region_id
    return session.scalar(
        select(Person.region_id)
        .join(TracingRequest, TracingRequest.person_id == Person.id)
        .where(TracingRequest.inquirer_id == inquirer.id)
        .order_by(TracingRequest.id)
        .limit(1)
    )


def invite_walk_in(
    session: Session,
    viewer: Viewer,
    inquirer_id: int,
    *,
    email: str,
    language: str | None = None,
    now: datetime,
) -> tuple[User, Outgoing | None]:
    """Link a walk-in relative's request to their account, opening one when there is none.

    ``email`` is the relative's address (empty: the one the request gives). A new account
    gets a link to choose a password (what to send is returned); an existing relative's
    account of that address gets the request at once. The desk must see the request's
    person; a request linked to an account already, or an address of a staff member's or
    a disabled account, is refused.
    """
    viewer.require(MAY_RECORD_OFFICIAL, "invite relatives")
    inquirer = session.get(Inquirer, inquirer_id) if 0 < inquirer_id < 2**31 else None
    if inquirer is None or not _sees(session, viewer, inquirer):
        raise NotFound(f"no relative's request {inquirer_id} among yours")
    if inquirer.user_id is not None:
        raise Conflict("this relative's request is linked to an account already")
    if not (email.strip() or inquirer.email.strip()):
        raise InvalidInput("field 'email': give the relative's e-mail address")
    address = normal_email(email if email.strip() else inquirer.email)
    user = user_by_email(session, address)
    outgoing = None
    if user is None:
        ensure_roles(session)
        phone = inquirer.phone.strip()
        user = User(
            username=address,
            display_name=inquirer.full_name.strip()[:200],
            role=Role.RELATIVE.value,
            region_id=_region_of(session, viewer, inquirer),
            password_hash="",  # no password until the relative chooses one from the link
            active=True,
            created_at=now,
            email=address,
            phone=phone if PHONE.match(phone) else None,
            language=language if language in LANGUAGES else None,
        )
        session.add(user)
        session.flush()
        outgoing = Outgoing(user, "welcome", issue_token(session, user, SET_PASSWORD, now=now))
    elif user.role != Role.RELATIVE.value or user.email != address:
        raise Conflict("this e-mail address belongs to a staff member's account")
    elif not user.active:
        raise Conflict("this e-mail address belongs to a disabled account")
    if not inquirer.email.strip():
        inquirer.email = address
    link_requests(session, [inquirer], user, actor_id=viewer.user_id, why=INVITED)
    claim_walk_ins(session, user)  # the relative's other walk-in requests, once confirmed
    return user, outgoing
