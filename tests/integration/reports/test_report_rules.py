"""The rules of reports in the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session
from tests.db_builders import a_person, a_report, a_request

from kintrace.access import Role, Viewer
from kintrace.cases.service import get_or_create_region, get_person
from kintrace.errors import Forbidden, InvalidInput, NotFound
from kintrace.reports.model import (
    OfficialStatusDetails,
    ReportDetails,
    SourceDetails,
    SourceType,
    Status,
)
from kintrace.reports.service import file_report, record_official_status, record_report
from kintrace.users.service import create_user, ensure_roles


def a_user(db: Session, name: str, role: Role) -> Viewer:
    ensure_roles(db)
    region = get_or_create_region(db, "Курская область").id if role is Role.OPERATOR else None
    row = create_user(db, username=name, password="a long password", role=role,
                      display_name=name.title(), region_id=region)  # fmt: skip
    return Viewer(row.id, role, region, row.display_name)


def retraction(target: int, text: str = "wrong man") -> ReportDetails:
    return ReportDetails("retraction", date(2023, 1, 1), 3, text, "", str(target))


def test_only_the_author_or_an_analyst_withdraws_a_report(db: Session) -> None:
    person = a_person(db)
    desk = a_user(db, "desk1", Role.OPERATOR)
    analyst = a_user(db, "ana1", Role.ANALYST)
    dna = a_report(db, person, "identified", source=SourceType.DNA_LABORATORY, credibility=1)
    said = SourceDetails("unit", SourceType.UNIT_COMMANDER)
    with pytest.raises(Forbidden):
        file_report(db, desk, person=person, said_by=said, details=retraction(dna.id))
    with pytest.raises(Forbidden):  # a user's retraction needs the user
        record_report(db, person=person, source=dna.source, details=retraction(dna.id),
                      actor_id=desk.user_id)  # fmt: skip
    with pytest.raises(InvalidInput, match="why"):
        file_report(db, analyst, person=person, said_by=said, details=retraction(dna.id, " "))
    done = file_report(db, analyst, person=person, said_by=said, details=retraction(dna.id))
    assert done.retracts_id == dna.id


def test_a_relatives_report_is_their_own_and_ungraded(db: Session) -> None:
    person = a_person(db)
    relative = a_user(db, "mother1", Role.RELATIVE)
    a_request(db, person, user_id=relative.user_id)
    get_person(db, relative, person.id)
    said = SourceDetails("Ministry of Defence", SourceType.OFFICIAL_NOTIFICATION)
    details = ReportDetails("returned", date(2023, 2, 1), 1, "home", "")
    with pytest.raises(InvalidInput, match="credibility"):
        file_report(db, relative, person=person, said_by=said, details=details)
    ungraded = ReportDetails("returned", date(2023, 2, 1), 6, "home", "")
    row = file_report(db, relative, person=person, said_by=said, details=ungraded)
    assert (row.source.type, row.reliability, row.credibility) == ("relative", "F", 6)
    assert row.source.reliability == "F" and "Ministry of Defence" in row.text


def test_a_person_one_may_not_see_is_not_found(db: Session) -> None:
    person = a_person(db)
    relative = a_user(db, "wife1", Role.RELATIVE)
    with pytest.raises(NotFound) as hidden:
        get_person(db, relative, person.id)
    with pytest.raises(NotFound) as missing:
        get_person(db, relative, 2**31 - 1)
    assert str(hidden.value).replace(str(person.id), "N") == str(missing.value).replace(
        str(2**31 - 1), "N"
    )


def test_impossible_official_dates_are_refused(db: Session) -> None:
    person = a_person(db)
    for since in (date(1, 1, 1), date(2999, 1, 1)):
        with pytest.raises(InvalidInput, match="since"):
            details = OfficialStatusDetails(Status.MISSING, since, "MoD")
            record_official_status(db, person=person, actor_id=None, details=details)
