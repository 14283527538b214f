"""Small readable builders of domain objects for tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import (
    Channel,
    ConsentScope,
    InquirerDetails,
    PersonDetails,
    Relationship,
    RequestDetails,
)
from kintrace.cases.service import add_person, file_request, get_or_create_region
from kintrace.reports.model import ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.tables import Person, Report


def person_details(
    surname: str = "Петров", given: str = "Александр", **kw: object
) -> PersonDetails:
    """Return the details of a missing soldier."""
    return PersonDetails(
        surname=surname,
        given_name=given,
        patronymic=str(kw.get("patronymic", "Иванович")),
        birth=PartialDate(1998, 5, 3, Precision.DAY),
        home_region=str(kw.get("home_region", "Курская область")),
        unit=str(kw.get("unit", "в/ч 12345")),
        rank=str(kw.get("rank", "рядовой")),
        personal_number=str(kw.get("personal_number", "АВ-123456")),
    )


def a_person(db: Session, surname: str = "Петров", region: str = "Курская область") -> Person:
    """Store a missing person at the desk of a region."""
    return add_person(
        db, person_details(surname), region=get_or_create_region(db, region), actor_id=None
    )


def a_request(
    db: Session,
    person: Person,
    relationship: Relationship = Relationship.MOTHER,
    user_id: int | None = None,
) -> None:
    """Store a relative's tracing request for a person."""
    file_request(
        db,
        person=person,
        inquirer=InquirerDetails(
            "Петрова Мария Ивановна",
            relationship,
            "+7 555 010-20-30",
            "",
            frozenset({ConsentScope.RED_CROSS}),
        ),
        request=RequestDetails(date(2023, 1, 5), Channel.WALK_IN, "", "last call on 12 March"),
        actor_id=None,
        user_id=user_id,
    )


def a_report(
    db: Session,
    person: Person,
    claim: str = "missing",
    on: date = date(2022, 9, 18),
    source: SourceType = SourceType.UNIT_COMMANDER,
    credibility: int = 3,
    retracts: int | None = None,
) -> Report:
    """Store a report about a person from a source of the given type."""
    src = get_or_create_source(db, SourceDetails(f"a {source.value}", source))
    return record_report(
        db,
        person=person,
        source=src,
        details=ReportDetails(
            claim, on, credibility, "text", "", str(retracts) if retracts else None
        ),
        actor_id=None,
    )
