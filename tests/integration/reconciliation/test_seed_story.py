"""The seed story on both engines: a death notice, then a call from the other side.

Recorded by a desk as the call it is (``other_side_call``, F3), it flags the case at once and
brings it to the worklist without moving the status. Told by the mother herself, it is her
report (F6, ungraded): no flag until an analyst grades what she relays as possibly true.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.db_builders import a_person, a_report, a_request

from kintrace.access import Role, Viewer
from kintrace.cases.worklist import worklist
from kintrace.config import Settings
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import Reliability, ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import (
    file_report,
    get_or_create_source,
    grade_report,
    set_source_reliability,
)
from kintrace.storage.tables import Assessment, Person, Source
from kintrace.users.service import create_user, ensure_roles

TODAY = date(2022, 12, 1)
ANALYST = Viewer(None, Role.ANALYST)


def current(db: Session, person: Person) -> Assessment:
    recompute_person(db, person.id, today=TODAY, settings=Settings(), reason="test")
    return db.scalars(
        select(Assessment).where(Assessment.person_id == person.id, Assessment.is_current)
    ).one()


def burned_in_a_vehicle(db: Session) -> Person:
    person = a_person(db, "Стасів")
    a_report(db, person, "dead_unrecovered", on=date(2022, 10, 10),
             source=SourceType.OFFICIAL_NOTIFICATION, credibility=2)  # fmt: skip
    return person


def test_a_desk_records_the_call_as_f3_and_the_case_is_flagged(db: Session) -> None:
    person = burned_in_a_vehicle(db)
    assert "contradiction" not in current(db, person).flags
    source = get_or_create_source(db, SourceDetails("a soldier of the other side",
                                                    SourceType.OTHER_SIDE_CALL))  # fmt: skip
    set_source_reliability(db, source.id, reliability=Reliability.F)
    file_report(
        db,
        ANALYST,
        person=person,
        said_by=SourceDetails("a soldier of the other side", SourceType.OTHER_SIDE_CALL),
        details=ReportDetails("captured_reported", date(2022, 11, 2), 3, "alive in a hospital", ""),
    )
    assessment = current(db, person)
    assert assessment.status == "dead_unrecovered"
    assert "contradiction" in assessment.flags
    listed = worklist(db, ANALYST, today=TODAY, flag="contradiction")
    assert person.id in {item.person.id for item in listed.items}


def test_the_mother_relays_the_call_f6_and_an_analyst_grades_it(db: Session) -> None:
    person = burned_in_a_vehicle(db)
    ensure_roles(db)
    row = create_user(db, username="mother", password="a long password", role=Role.RELATIVE,
                      display_name="Mother", region_id=None)  # fmt: skip
    mother = Viewer(row.id, Role.RELATIVE, None, "Mother")
    a_request(db, person, user_id=row.id)
    report = file_report(
        db,
        mother,
        person=person,
        said_by=SourceDetails("a soldier of the other side", SourceType.OTHER_SIDE_CALL),
        details=ReportDetails("captured_reported", date(2022, 11, 2), 6, "alive in a hospital", ""),
    )
    own = db.get(Source, report.source_id)
    assert own is not None and own.type == SourceType.RELATIVE.value  # her report, F6
    assessment = current(db, person)
    assert assessment.status == "dead_unrecovered"
    assert "contradiction" not in assessment.flags  # 6: nobody has judged it yet
    staff = create_user(db, username="analyst1", password="a long password", role=Role.ANALYST,
                        display_name="Analyst", region_id=None)  # fmt: skip
    analyst = Viewer(staff.id, Role.ANALYST, None, "Analyst")
    grade_report(db, analyst, report.id, credibility=3, reason="the call details fit")
    assessment = current(db, person)
    assert assessment.status == "dead_unrecovered"
    assert "contradiction" in assessment.flags  # F3 now: possibly true, from an unjudged source
