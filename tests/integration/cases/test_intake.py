"""A guided tracing request on both engines: who may be him, and filing joins or opens a case."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.intake import (
    Intake,
    LastContact,
    birth_from_age,
    file_intake,
    likely_persons,
    score,
)
from kintrace.cases.model import (
    Channel,
    InquirerDetails,
    PersonDetails,
    Relationship,
    RequestDetails,
)
from kintrace.cases.service import add_person, get_or_create_region
from kintrace.errors import Forbidden, InvalidInput, NotFound
from kintrace.storage.tables import Inquirer, Person, Report, TracingRequest
from kintrace.users.service import create_user, ensure_roles

ANALYST = Viewer(None, Role.ANALYST)
BORN = PartialDate(1998, 5, 3, Precision.DAY)


def recorded(db: Session, surname: str = "Стасів", given: str = "Микола", **kw: object) -> Person:
    number = str(kw.get("number", "АВ-123456"))
    details = PersonDetails(
        surname, given, "Іванович", birth=BORN, unit="в/ч А0224", personal_number=number
    )
    return add_person(db, details, region=get_or_create_region(db, "Львівська"), actor_id=None)


def intake(sought: PersonDetails, name: str = "Марія", relation: str = "mother") -> Intake:
    return Intake(
        sought,
        InquirerDetails(name, Relationship(relation)),
        RequestDetails(date(2024, 3, 1), Channel.WALK_IN),
        LastContact(date(2024, 2, 20), "a call", "we are moving"),
    )


@pytest.mark.parametrize(
    "sought",
    [
        PersonDetails("STASIV", "Mykola"),
        PersonDetails("стасів", "Коля"),  # a nickname
        PersonDetails("Stasiv", birth=birth_from_age(25, date(2023, 6, 1))),
        PersonDetails("Стасева", "Микола", personal_number="ab 123456"),  # a typo, the number
    ],
)
def test_the_recorded_person_is_likely_however_the_family_writes_him(
    db: Session, sought: PersonDetails
) -> None:
    person = recorded(db)
    recorded(db, "Коваленко", "Петро", number="")
    found = likely_persons(db, ANALYST, sought)
    assert [likely.person.id for likely in found][:1] == [person.id]


def test_a_different_personal_number_or_birth_year_counts_against(db: Session) -> None:
    person = recorded(db)
    same, _ = score(
        PersonDetails("Stasiv", "Mykola", birth=BORN), PersonDetails("Стасів", "Микола", birth=BORN)
    )
    other, _ = score(
        PersonDetails("Stasiv", "Mykola", birth=PartialDate(1971), personal_number="XY999"),
        PersonDetails("Стасів", "Микола", birth=BORN, personal_number="АВ-123456"),
    )
    assert other < same
    sought = PersonDetails("Stasiv", "Mykola", birth=PartialDate(1971), personal_number="XY999")
    assert person.id not in {likely.person.id for likely in likely_persons(db, ANALYST, sought)}


def test_several_relatives_each_file_their_own_request_for_one_person(db: Session) -> None:
    person = recorded(db)
    desk = Viewer(None, Role.OPERATOR, person.region_id)
    sought = PersonDetails("Stasiv", "Mykola")
    file_intake(db, desk, intake(sought, "Марія", "mother"), person_id=person.id)
    file_intake(db, desk, intake(sought, "Олена", "wife"), person_id=person.id)
    requests = db.scalars(select(TracingRequest).where(TracingRequest.person_id == person.id))
    inquirers = {db.get(Inquirer, r.inquirer_id).full_name for r in requests}  # type: ignore[union-attr]
    assert inquirers == {"Марія", "Олена"}
    reports = list(db.scalars(select(Report).where(Report.person_id == person.id)))
    assert len(reports) == 2 and {r.credibility for r in reports} == {6}


def test_a_desk_opens_a_new_case_in_its_own_region(db: Session) -> None:
    region = get_or_create_region(db, "Одеська")
    desk = Viewer(None, Role.OPERATOR, region.id)
    person, tracing = file_intake(db, desk, intake(PersonDetails("Новий", "Іван")), person_id=None)
    assert person.region_id == region.id == tracing.region_id
    assert " novii " in person.search_key or " novi " in person.search_key


def test_a_desk_joins_no_case_of_another_region_and_needs_a_surname(db: Session) -> None:
    person = recorded(db)
    elsewhere = Viewer(None, Role.OPERATOR, get_or_create_region(db, "Одеська").id)
    assert likely_persons(db, elsewhere, PersonDetails("Stasiv", "Mykola")) == []
    with pytest.raises(NotFound):
        file_intake(db, elsewhere, intake(PersonDetails("Stasiv")), person_id=person.id)
    with pytest.raises(InvalidInput, match="surname"):
        file_intake(db, elsewhere, intake(PersonDetails("")), person_id=None)


def test_a_relative_sees_and_joins_only_her_own_cases(db: Session) -> None:
    person = recorded(db)
    ensure_roles(db)
    row = create_user(db, username="olena", password="a long password", role=Role.RELATIVE,
                      display_name="Олена", region_id=None)  # fmt: skip
    relative = Viewer(row.id, Role.RELATIVE, None, "Олена")
    assert likely_persons(db, relative, PersonDetails("Stasiv", "Mykola")) == []
    with pytest.raises(NotFound):
        file_intake(db, relative, intake(PersonDetails("Stasiv")), person_id=person.id)
    mine, _ = file_intake(db, relative, intake(PersonDetails("Стасів", "Микола")), person_id=None)
    assert [
        likely.person.id
        for likely in likely_persons(db, relative, PersonDetails("Stasiv", "Mykola"))
    ] == [mine.id]


def test_the_lab_and_reviewers_file_no_request(db: Session) -> None:
    for role in (Role.DNA_LAB, Role.REVIEWER):
        with pytest.raises(Forbidden):
            file_intake(db, Viewer(None, role), intake(PersonDetails("Stasiv")), person_id=None)


def test_an_age_outside_reason_is_refused() -> None:
    with pytest.raises(InvalidInput, match="age"):
        birth_from_age(3, date(2024, 1, 1))
