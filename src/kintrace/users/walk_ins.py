"""A walk-in relative's requests, taken over by their own account.

A desk files the tracing request of a relative who came in person: the request's relative
(``inquirers``) has no account (``user_id`` empty), so only the desk sees and changes it.
When that relative has an account later, the requests become theirs exactly as if they had
filed them (the account sees the case, changes the consent, is told the news), in two ways:

- by a **confirmed e-mail**: once an account's address is confirmed (the sign-up link, or the
  desk's link to set a first password), every walk-in request whose relative's e-mail is that
  address becomes the account's (:func:`claim_walk_ins`); also when a desk files a request
  with the address of an account confirmed already. An unconfirmed address claims nothing,
  and an address that the desk wrote for two different relatives (two names) claims neither:
  a desk then links them by hand;
- by the **desk's invitation** (:func:`kintrace.users.invitations.invite_walk_in`): a desk
  opens an account for the relative of one request (a link to choose a password goes to the
  address), or links the request to the relative's account that address has already.

A request linked to an account is never moved to another. Each link is a change of
``inquirers.user_id`` in the change log: who linked it, when, and why.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.access import Role
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import Inquirer, TracingRequest, User

CLAIMED = "walk-in request linked to the relative's account: their e-mail is confirmed"
INVITED = "walk-in request linked to the relative's account: the desk's invitation"
"""The reasons the change log gives for a link."""


def relative_key(full_name: str) -> str:
    """Return what tells two relatives apart: the name, case and spacing aside.

    >>> relative_key("  Марія   СТАСІВ ") == relative_key("марія стасів")
    True
    """
    return " ".join(full_name.casefold().split())


def walk_ins_of(session: Session, address: str) -> list[Inquirer]:
    """Return the relatives of requests without an account that give this e-mail address."""
    return list(
        session.scalars(
            select(Inquirer)
            .where(Inquirer.user_id.is_(None), func.lower(func.trim(Inquirer.email)) == address)
            .order_by(Inquirer.id)
        )
    )


def _desk_names(session: Session, user: User, address: str) -> set[str]:
    """Return the relatives a desk wrote down with this address and linked to the account."""
    own = select(TracingRequest.inquirer_id).where(TracingRequest.created_by == user.id)
    names = session.scalars(
        select(Inquirer.full_name).where(
            Inquirer.user_id == user.id,
            func.lower(func.trim(Inquirer.email)) == address,
            Inquirer.id.not_in(own),
        )
    )
    return {relative_key(name) for name in names}


def link_requests(
    session: Session, inquirers: Sequence[Inquirer], user: User, *, actor_id: int | None, why: str
) -> None:
    """Make the requests the account's, the change log saying who and why."""
    if not inquirers:
        return
    session.flush()  # what came before is logged with its own reason
    before = (session.info.get("actor_id"), session.info.get("reason"))
    set_actor(session, actor_id=actor_id, reason=why)
    for inquirer in inquirers:
        inquirer.user_id = user.id
    session.flush()
    set_actor(session, actor_id=before[0], reason=str(before[1] or why))


def claim_walk_ins(session: Session, user: User) -> list[Inquirer]:
    """Give a relative's account the walk-in requests of its confirmed address; return them.

    Nothing for an address that is not confirmed, for an account that is not a relative's
    or is disabled, and for an address a desk gave for two different relatives.
    """
    if (
        user.email is None
        or user.email_confirmed_at is None
        or user.role != Role.RELATIVE.value
        or not user.active
    ):
        return []
    found = walk_ins_of(session, user.email)
    if not found:
        return []
    names = {relative_key(i.full_name) for i in found} | _desk_names(session, user, user.email)
    if len(names) != 1:
        return []  # two relatives behind one address: the desk decides
    link_requests(session, found, user, actor_id=user.id, why=CLAIMED)
    return found


def claim_for_address(session: Session, email: str) -> list[Inquirer]:
    """Give the walk-in requests of an address to the confirmed account it has, if any."""
    address = email.strip().lower()
    if not address:
        return []
    user = session.scalar(select(User).where(User.email == address))
    return claim_walk_ins(session, user) if user is not None else []


__all__ = ["claim_for_address", "claim_walk_ins", "link_requests", "walk_ins_of"]
