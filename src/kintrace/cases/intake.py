"""A guided tracing request: who is missing, who asks, his last contact, what they were told.

A relative (for themselves) or a desk (for a walk-in relative) files one request. Before a new
person is recorded, :func:`likely_persons` shows the persons already recorded who may be him
(the search key finds them in any script; the linkage module's comparison columns score them),
so that the request joins an existing case instead of making a duplicate. Each relative files
their own request; several relatives' requests join one person.

Each statement becomes a report, recorded as the relative's and ungraded (credibility 6, see
:func:`kintrace.reports.service.file_report`): his last contact (he was alive and serving that
day) and what the family was told, by whom and when. Analysts grade them later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import or_
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import InquirerDetails, PersonDetails, RequestDetails
from kintrace.cases.search import search_forms
from kintrace.cases.service import (
    LIKE_ESCAPE,
    add_person,
    birth_of,
    escape_like,
    file_request,
    get_or_create_region,
    get_person,
    visible_persons,
)
from kintrace.errors import Forbidden, InvalidInput
from kintrace.linkage.names import surname_key
from kintrace.linkage.normalise import PersonFeatures, person_features
from kintrace.reports.model import (
    UNGRADED_CREDIBILITY,
    UNGRADED_RELIABILITY,
    ReportDetails,
    SourceDetails,
    SourceType,
    Status,
)
from kintrace.reports.service import file_report
from kintrace.storage.tables import Person, Region, Report, TracingRequest
from kintrace.users.walk_ins import claim_for_address

MAY_FILE_REQUESTS = frozenset({Role.RELATIVE, Role.OPERATOR, Role.ANALYST, Role.ADMINISTRATOR})
"""Who files a tracing request: relatives for themselves, desks and analysts for walk-ins."""

MAX_CANDIDATES = 200
"""Recorded persons read for scoring at most (the search key narrows them first)."""


@dataclass(frozen=True, slots=True)
class Statement:
    """What the family was told: the claim, by whom, when, in their words."""

    claim: Status
    told_on: date
    said_by: SourceDetails
    text: str = ""


@dataclass(frozen=True, slots=True)
class LastContact:
    """The family's last contact with him: when, how (a call, a message...), what he said."""

    on: date
    how: str = ""
    said: str = ""


@dataclass(frozen=True, slots=True)
class Intake:
    """A whole tracing request as the form gives it."""

    person: PersonDetails
    inquirer: InquirerDetails
    request: RequestDetails
    last_contact: LastContact | None = None
    statements: tuple[Statement, ...] = ()


@dataclass(frozen=True, slots=True)
class Likely:
    """A recorded person who may be the one sought, with the score and what agrees."""

    person: Person
    score: int
    agrees: tuple[str, ...]


def birth_from_age(age: int, today: date) -> PartialDate:
    """Return the birth of a man of this age today (the year, or the one before).

    >>> birth_from_age(24, date(2024, 6, 1))
    PartialDate(year=2000, month=None, day=None, precision=<Precision.AGE: 'age'>)
    """
    if not 14 <= age <= 100:
        raise InvalidInput("field 'age': give an age between 14 and 100")
    return PartialDate(today.year - age, None, None, Precision.AGE)


def _birth_years(birth: PartialDate | None) -> set[int]:
    if birth is None:
        return set()
    if birth.precision is Precision.AGE:
        return {birth.year, birth.year - 1}
    return {birth.year}


def _details_of(person: Person) -> PersonDetails:
    return PersonDetails(
        surname=person.surname,
        given_name=person.given_name,
        patronymic=person.patronymic,
        birth=birth_of(person),
        home_region=person.home_region,
        unit=person.unit,
        rank=person.rank,
        personal_number=person.personal_number,
    )


def score(sought: PersonDetails, recorded: PersonDetails) -> tuple[int, tuple[str, ...]]:
    """Score how well a recorded person agrees with the one sought, and say on what.

    Compared on the linkage module's columns (one spelling for every script and
    transliteration, nicknames resolved): surname 3, given name 2, patronymic 1, birth year 2,
    unit 1, personal number 4. A personal number or a birth year that differs takes off what
    it would give.

    >>> score(PersonDetails("Стасів", "Микола"), PersonDetails("Stasiv", "Mykola"))
    (5, ('surname', 'given_name'))
    """
    a, b = person_features(sought), person_features(recorded)
    points = 0
    agrees: list[str] = []

    def compare(name: str, left: object, right: object, weight: int, *, against: bool) -> None:
        nonlocal points
        if not left or not right:
            return
        if left == right:
            points += weight
            agrees.append(name)
        elif against:
            points -= weight

    compare("surname", a.surname_key, b.surname_key, 3, against=False)
    compare("given_name", _given(a), _given(b), 2, against=False)
    compare("patronymic", a.patronymic_canonical, b.patronymic_canonical, 1, against=False)
    years_a, years_b = _birth_years(sought.birth), _birth_years(recorded.birth)
    if years_a and years_b:
        if years_a & years_b:
            points += 2
            agrees.append("birth")
        else:
            points -= 2
    compare("unit", a.unit, b.unit, 1, against=False)
    compare("personal_number", a.personal_number, b.personal_number, 4, against=True)
    return points, tuple(agrees)


def _given(features: PersonFeatures) -> str:
    return features.given_canonical or features.given_key


def likely_persons(
    session: Session, viewer: Viewer, sought: PersonDetails, *, limit: int = 5, floor: int = 4
) -> list[Likely]:
    """Return the recorded persons this viewer may see who may be the one sought, best first.

    A relative is shown only the persons they may see already: joining a case gives access
    to it, so a relative cannot join a case of another family by typing a name (a desk joins
    them after checking). A person scoring below ``floor`` is left out.
    """
    key = surname_key(sought.surname) if sought.surname.strip() else ""
    number = search_forms(sought.personal_number) if sought.personal_number.strip() else ()
    found = []
    if key:
        found.append(Person.search_key.like(f"% {escape_like(key)}%", escape=LIKE_ESCAPE))
    for form in number:
        found.append(Person.search_key.like(f"% {escape_like(form)} %", escape=LIKE_ESCAPE))
    if not found:
        return []
    rows = session.scalars(
        visible_persons(viewer).where(or_(*found)).order_by(Person.id).limit(MAX_CANDIDATES)
    )
    scored = []
    for person in rows:
        points, agrees = score(sought, _details_of(person))
        if points >= floor:
            scored.append(Likely(person, points, agrees))
    scored.sort(key=lambda likely: (-likely.score, likely.person.id))
    return scored[:limit]


def _region_for(session: Session, viewer: Viewer, intake: Intake) -> Region | None:
    if viewer.role is Role.OPERATOR:
        return session.get(Region, viewer.region_id) if viewer.region_id else None
    name = intake.request.region.strip() or intake.person.home_region.strip()
    return get_or_create_region(session, name) if name else None


def _statement_reports(
    session: Session, viewer: Viewer, person: Person, tracing: TracingRequest, intake: Intake
) -> list[Report]:
    """Record the relative's statements as ungraded reports of the relative's own."""
    told: list[tuple[SourceDetails, ReportDetails]] = []
    contact = intake.last_contact
    if contact is not None:
        words = "; ".join(
            part
            for part in (
                f"last contact: {contact.how.strip()}" if contact.how.strip() else "last contact",
                contact.said.strip(),
            )
            if part
        )
        told.append(
            (
                SourceDetails("", SourceType.RELATIVE),
                ReportDetails("alive_serving", contact.on, UNGRADED_CREDIBILITY, words, ""),
            )
        )
    for statement in intake.statements:
        told.append(
            (
                statement.said_by,
                ReportDetails(
                    statement.claim.value,
                    statement.told_on,
                    UNGRADED_CREDIBILITY,
                    statement.text.strip(),
                    "",
                ),
            )
        )
    reports = []
    for said_by, details in told:
        if viewer.role is Role.RELATIVE:
            reports.append(
                file_report(session, viewer, person=person, said_by=said_by, details=details)
            )
            continue
        # a desk writes down what a walk-in relative says: the relative's report, ungraded
        who = f"relative: {intake.inquirer.full_name.strip()} (request {tracing.id})"
        heard = "" if said_by.type is SourceType.RELATIVE else _heard(said_by)
        text = " ".join(t for t in (heard, details.text) if t)
        reports.append(
            file_report(
                session,
                viewer,
                person=person,
                said_by=SourceDetails(who[:300], SourceType.RELATIVE, UNGRADED_RELIABILITY),
                details=replace(details, text=text),
            )
        )
    return reports


def _heard(said_by: SourceDetails) -> str:
    kind = said_by.type.value.replace("_", " ")
    name = said_by.name.strip()
    return f"The relative says it came from: {kind}" + (f" ({name})." if name else ".")


def file_intake(
    session: Session, viewer: Viewer, intake: Intake, *, person_id: int | None
) -> tuple[Person, TracingRequest]:
    """File a guided tracing request: join the chosen person, or record a new one.

    ``person_id`` is a person the viewer may see (shown by :func:`likely_persons`), or None
    for a new person. The caller recomputes the person's status in the same transaction.
    A desk's request for a walk-in relative whose e-mail is the confirmed address of a
    relative's account becomes that account's (:mod:`kintrace.users.walk_ins`).
    """
    viewer.require(MAY_FILE_REQUESTS, "file tracing requests")
    if viewer.role is Role.OPERATOR and viewer.region_id is None:
        raise Forbidden("a desk without a region may not file requests")
    if person_id is not None:
        person = get_person(session, viewer, person_id)
    else:
        if not intake.person.surname.strip():
            raise InvalidInput("field 'surname': write his surname as the family writes it")
        person = add_person(
            session,
            intake.person,
            region=_region_for(session, viewer, intake),
            actor_id=viewer.user_id,
        )
    tracing = file_request(
        session,
        person=person,
        inquirer=intake.inquirer,
        request=intake.request,
        actor_id=viewer.user_id,
        user_id=viewer.user_id if viewer.role is Role.RELATIVE else None,
    )
    _statement_reports(session, viewer, person, tracing, intake)
    session.flush()
    if viewer.role is not Role.RELATIVE and intake.inquirer.email.strip():
        claim_for_address(session, intake.inquirer.email)
    return person, tracing
