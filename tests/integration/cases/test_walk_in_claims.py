"""A walk-in relative's requests become their own account's (issue 16), on both engines.

A desk files the request of a relative who came in person; when that relative's account has
the same address confirmed (signing up, or the desk's link to set a first password), or the
desk invites them, the account sees the case, changes the consent and is told the news as if
it had filed the request. Never an unconfirmed address, never two relatives behind one
address, never a request linked to another account.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.consent_service import change_consent, consents_for
from kintrace.cases.intake import Intake, file_intake
from kintrace.cases.model import (
    Channel,
    ConsentScope,
    InquirerDetails,
    PersonDetails,
    Relationship,
    RequestDetails,
)
from kintrace.cases.service import get_or_create_region, visible_persons
from kintrace.errors import Conflict, InvalidInput, NotFound
from kintrace.notify.service import subscribers
from kintrace.storage.tables import AccountToken, ChangeLog, Inquirer, Person, TracingRequest, User
from kintrace.users.accounts import (
    SET_PASSWORD,
    confirm_email,
    register_walk_in,
    reset_password,
    sign_up,
    token_hash,
)
from kintrace.users.invitations import invite_walk_in
from kintrace.users.service import create_user, ensure_roles, viewer_of
from kintrace.users.walk_ins import CLAIMED, INVITED, claim_walk_ins

NOW = datetime(2024, 3, 1, 12, 0)
PASSWORD = "a long enough secret"


@pytest.fixture
def desk(db: Session) -> Viewer:
    ensure_roles(db)
    region = get_or_create_region(db, "Львівська")
    user = create_user(db, username="desk", password=PASSWORD, role=Role.OPERATOR,
                       region_id=region.id)  # fmt: skip
    return viewer_of(user)


def walk_in(
    db: Session, desk: Viewer, name: str = "Марія Стасів", email: str = "Maria@Example.org "
) -> tuple[Person, Inquirer]:
    """A desk files a walk-in relative's request for a new person."""
    intake = Intake(
        PersonDetails("Стасів", "Микола"),
        InquirerDetails(name, Relationship.MOTHER, "", email, frozenset({ConsentScope.RED_CROSS})),
        RequestDetails(date(2024, 3, 1), Channel.WALK_IN),
    )
    person, tracing = file_intake(db, desk, intake, person_id=None)
    inquirer = db.get(Inquirer, tracing.inquirer_id)
    assert inquirer is not None
    return person, inquirer


def signed_up(db: Session, email: str = "maria@example.org") -> tuple[User, str]:
    """A relative signs up herself; return the account and its confirmation token."""
    outgoing = sign_up(db, email=email, password=PASSWORD, display_name="Марія", language="uk",
                       now=NOW)  # fmt: skip
    assert outgoing is not None and outgoing.kind == "confirm"
    return outgoing.user, outgoing.token


def sees(db: Session, user: User) -> set[int]:
    return set(db.scalars(visible_persons(viewer_of(user)).with_only_columns(Person.id)))


def test_signing_up_with_the_address_and_confirming_it_claims_the_walk_in_request(
    db: Session, desk: Viewer
) -> None:
    person, inquirer = walk_in(db, desk)
    user, token = signed_up(db)
    assert sees(db, user) == set() and inquirer.user_id is None  # not while unconfirmed
    confirm_email(db, token, now=NOW)
    assert inquirer.user_id == user.id
    assert sees(db, user) == {person.id}
    relative = viewer_of(user)
    assert [c.inquirer.id for c in consents_for(db, relative)] == [inquirer.id]
    change_consent(db, relative, inquirer.id, frozenset({ConsentScope.AUTHORITIES}))
    with pytest.raises(NotFound):  # her consent is hers now, not the desk's
        change_consent(db, desk, inquirer.id, frozenset())
    assert [u.id for u in subscribers(db, [person.id])[person.id]] == [user.id]
    (logged,) = db.scalars(
        select(ChangeLog).where(
            ChangeLog.table_name == "inquirers", ChangeLog.row_key == str(inquirer.id)
        )
    )
    assert (logged.user_id, logged.reason) == (user.id, CLAIMED)
    assert (logged.before["user_id"], logged.after["user_id"]) == (None, user.id)


def test_a_different_address_claims_nothing(db: Session, desk: Viewer) -> None:
    walk_in(db, desk)
    user, token = signed_up(db, "someone.else@example.org")
    confirm_email(db, token, now=NOW)
    assert sees(db, user) == set()


def test_an_address_given_for_two_relatives_claims_neither_until_the_desk_links_one(
    db: Session, desk: Viewer
) -> None:
    mother, maria = walk_in(db, desk, "Марія Стасів")
    _, olena = walk_in(db, desk, "Олена Стасів")
    user, token = signed_up(db)
    confirm_email(db, token, now=NOW)
    assert (maria.user_id, olena.user_id) == (None, None)
    assert sees(db, user) == set()
    linked, outgoing = invite_walk_in(db, desk, maria.id, email="", now=NOW)
    assert linked.id == user.id and outgoing is None  # her account exists: linked at once
    assert (maria.user_id, olena.user_id) == (user.id, None)
    assert sees(db, user) == {mother.id}
    logged = db.scalar(
        select(ChangeLog).where(
            ChangeLog.table_name == "inquirers", ChangeLog.row_key == str(maria.id)
        )
    )
    assert logged is not None and (logged.user_id, logged.reason) == (desk.user_id, INVITED)


def test_the_same_relatives_requests_are_claimed_together_whatever_the_case_or_spacing(
    db: Session, desk: Viewer
) -> None:
    first, a = walk_in(db, desk, "Марія Стасів")
    second, b = walk_in(db, desk, " марія  СТАСІВ", "MARIA@example.org")
    user, token = signed_up(db)
    confirm_email(db, token, now=NOW)
    assert (a.user_id, b.user_id) == (user.id, user.id)
    assert sees(db, user) == {first.id, second.id}


def test_a_confirmed_account_gets_a_request_the_desk_files_later(db: Session, desk: Viewer) -> None:
    user, token = signed_up(db)
    confirm_email(db, token, now=NOW)
    person, inquirer = walk_in(db, desk)
    assert inquirer.user_id == user.id and sees(db, user) == {person.id}


def test_an_unconfirmed_account_gets_no_request_the_desk_files(db: Session, desk: Viewer) -> None:
    user, _ = signed_up(db)
    _, inquirer = walk_in(db, desk)
    assert inquirer.user_id is None and claim_walk_ins(db, user) == []


def test_the_desks_link_to_set_a_password_claims_the_request(db: Session, desk: Viewer) -> None:
    person, inquirer = walk_in(db, desk)
    user, outgoing = register_walk_in(
        db, desk, display_name="Марія", email="maria@example.org", now=NOW
    )
    assert outgoing is not None
    assert inquirer.user_id is None  # an account without a password proves no address
    reset_password(db, outgoing.token, "maria chose this one", now=NOW)
    assert inquirer.user_id == user.id and sees(db, user) == {person.id}


def test_the_desk_invites_a_walk_in_relative_who_has_no_account(db: Session, desk: Viewer) -> None:
    person, inquirer = walk_in(db, desk, email="")
    with pytest.raises(InvalidInput, match="email"):
        invite_walk_in(db, desk, inquirer.id, email="", now=NOW)
    user, outgoing = invite_walk_in(db, desk, inquirer.id, email="Maria@Example.org", now=NOW)
    assert outgoing is not None and outgoing.kind == "welcome"
    token = db.scalar(
        select(AccountToken).where(AccountToken.token_hash == token_hash(outgoing.token))
    )
    assert token is not None and token.purpose == SET_PASSWORD
    assert (user.email, user.role, user.region_id, user.password_hash) == (
        "maria@example.org", "relative", desk.region_id, ""
    )  # fmt: skip
    assert inquirer.user_id == user.id and inquirer.email == "maria@example.org"
    with pytest.raises(Conflict):  # linked once, never moved
        invite_walk_in(db, desk, inquirer.id, email="other@example.org", now=NOW)
    reset_password(db, outgoing.token, "maria chose this one", now=NOW)
    assert sees(db, user) == {person.id}


def test_an_invitation_is_refused_for_staff_addresses_and_other_regions(
    db: Session, desk: Viewer
) -> None:
    _, inquirer = walk_in(db, desk)
    staff = create_user(db, username="ana", password=PASSWORD, role=Role.ANALYST)
    staff.email = "ana@example.org"
    db.flush()
    with pytest.raises(Conflict, match="staff"):
        invite_walk_in(db, desk, inquirer.id, email="ana@example.org", now=NOW)
    elsewhere = Viewer(desk.user_id, Role.OPERATOR, get_or_create_region(db, "Одеська").id)
    with pytest.raises(NotFound):
        invite_walk_in(db, elsewhere, inquirer.id, email="maria@example.org", now=NOW)
    relative, token = signed_up(db, "olena@example.org")
    confirm_email(db, token, now=NOW)
    with pytest.raises(Exception, match="may not invite"):
        invite_walk_in(db, viewer_of(relative), inquirer.id, email="x@example.org", now=NOW)
    assert inquirer.user_id is None
    requests = db.scalars(select(TracingRequest).where(TracingRequest.inquirer_id == inquirer.id))
    assert len(list(requests)) == 1
