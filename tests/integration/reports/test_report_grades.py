"""An analyst grades a report's credibility, on SQLite and PostgreSQL (issue 15).

A relative's report comes in at F6 and moves no status; an analyst's grade of the report
and of the relative's source make it count. Grades are new records, never edits.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.db_builders import a_person, a_report, a_request

from kintrace.access import Role, Viewer
from kintrace.cases.dossier import dossier
from kintrace.cases.service import get_or_create_region
from kintrace.config import Settings
from kintrace.errors import Forbidden, InvalidInput, NotFound
from kintrace.reconciliation.service import gather, recompute_person
from kintrace.reports.model import Reliability, ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import (
    file_report,
    grade_report,
    grades_of,
    set_source_reliability,
)
from kintrace.storage.tables import Assessment, Person, Report, ReportGrade
from kintrace.users.service import create_user, ensure_roles

TODAY = date(2023, 3, 1)


def a_user(db: Session, name: str, role: Role) -> Viewer:
    ensure_roles(db)
    region = get_or_create_region(db, "Курская область").id if role is Role.OPERATOR else None
    row = create_user(db, username=name, password="a long password", role=role,
                      display_name=name.title(), region_id=region)  # fmt: skip
    return Viewer(row.id, role, region, row.display_name)


def status_of(db: Session, person: Person) -> str:
    recompute_person(db, person.id, today=TODAY, settings=Settings(), reason="test")
    current = db.scalar(
        select(Assessment.status).where(Assessment.person_id == person.id, Assessment.is_current)
    )
    assert current is not None
    return current


def a_relatives_return(db: Session) -> tuple[Person, Viewer, Report]:
    """A man missing on a commander's word, and his mother's report that he is home (F6)."""
    person = a_person(db)
    a_report(db, person, "missing", on=date(2022, 9, 18), credibility=2)
    mother = a_user(db, "mother", Role.RELATIVE)
    a_request(db, person, user_id=mother.user_id)
    said = SourceDetails("he called me himself", SourceType.RELATIVE)
    details = ReportDetails("returned", date(2023, 2, 1), 6, "he is home", "")
    return person, mother, file_report(db, mother, person=person, said_by=said, details=details)


def confidence_of(db: Session, person: Person) -> float:
    current = db.scalar(
        select(Assessment.confidence).where(
            Assessment.person_id == person.id, Assessment.is_current
        )
    )
    assert current is not None
    return current


def test_a_graded_relatives_report_moves_the_status(db: Session) -> None:
    person, _, report = a_relatives_return(db)
    analyst = a_user(db, "analyst", Role.ANALYST)
    assert status_of(db, person) == "missing"  # F6 (0.12): kept and shown, but weighs nothing

    grade = grade_report(db, analyst, report.id, credibility=2, reason="he was seen at home")
    assert (grade.credibility, grade.graded_by) == (2, analyst.user_id)
    evidence = gather(db, [person.id])[person.id]
    graded = next(r for r in evidence.reports if r.key == str(report.id))
    assert str(graded.grade) == "F2"  # the reliability stays the source's: still F
    # F2 weighs 0.3 x 0.8 = 0.24, over the engine's credible bar of 0.2: the claim counts
    assert status_of(db, person) == "returned"
    as_f2 = confidence_of(db, person)

    set_source_reliability(db, report.source_id, reliability=Reliability.B)
    graded = next(r for r in gather(db, [person.id])[person.id].reports if r.key == str(report.id))
    assert str(graded.grade) == "B2"
    assert status_of(db, person) == "returned"
    assert confidence_of(db, person) > as_f2  # B2 (0.64) is surer than F2
    db.refresh(report)
    assert report.credibility == 6  # the report itself is never edited


def test_the_newest_grade_counts_and_every_grade_is_kept(db: Session) -> None:
    person, mother, report = a_relatives_return(db)
    analyst = a_user(db, "analyst", Role.ANALYST)
    admin = a_user(db, "admin", Role.ADMINISTRATOR)
    set_source_reliability(db, report.source_id, reliability=Reliability.B)
    grade_report(db, analyst, report.id, credibility=2, reason="seen at home")
    assert status_of(db, person) == "returned"
    grade_report(db, admin, report.id, credibility=5, reason="the call was a scam")
    assert status_of(db, person) == "missing"

    history = grades_of(db, [report.id])[report.id]
    assert [(g.credibility, g.reason) for g in history] == [
        (2, "seen at home"),
        (5, "the call was a scam"),
    ]
    staff_view = next(
        rv for rv in dossier(db, analyst, person.id).reports if rv.report.id == report.id
    )
    assert [(g.previous, g.credibility, g.graded_by) for g in staff_view.grades] == [
        (6, 2, "Analyst"),
        (2, 5, "Admin"),
    ]
    assert (staff_view.reliability, staff_view.credibility, staff_view.grade) == ("B", 5, "B5")
    assert staff_view.report.reliability == "F"  # as recorded; the source's grade weighs now
    own_view = next(
        rv for rv in dossier(db, mother, person.id).reports if rv.report.id == report.id
    )
    assert {g.graded_by for g in own_view.grades} == {"an analyst"}  # no staff names to families


def test_only_analysts_and_administrators_grade(db: Session) -> None:
    person, mother, report = a_relatives_return(db)
    desk = a_user(db, "desk", Role.OPERATOR)
    reviewer = a_user(db, "reviewer", Role.REVIEWER)
    lab = a_user(db, "lab", Role.DNA_LAB)
    for viewer in (mother, desk, reviewer, lab):  # the mother's own report included
        with pytest.raises(Forbidden):
            grade_report(db, viewer, report.id, credibility=1, reason="I know it is true")
    assert db.scalar(select(func.count()).select_from(ReportGrade)) == 0
    assert status_of(db, person) == "missing"


def test_a_report_one_may_not_see_is_not_found(db: Session) -> None:
    _, _, report = a_relatives_return(db)
    stranger = a_user(db, "wife", Role.RELATIVE)
    with pytest.raises(NotFound) as hidden:
        grade_report(db, stranger, report.id, credibility=2, reason="x")
    with pytest.raises(NotFound) as missing:
        grade_report(db, stranger, 2**31 - 1, credibility=2, reason="x")
    assert str(hidden.value).replace(str(report.id), "N") == str(missing.value).replace(
        str(2**31 - 1), "N"
    )
    analyst = a_user(db, "analyst", Role.ANALYST)
    for report_id in (0, 2**31 - 1, 2**40):
        with pytest.raises(NotFound):
            grade_report(db, analyst, report_id, credibility=2, reason="x")


def test_a_grade_needs_a_reason_and_a_credibility_from_1_to_6(db: Session) -> None:
    person, _, report = a_relatives_return(db)
    analyst = a_user(db, "analyst", Role.ANALYST)
    for reason in ("", "   "):
        with pytest.raises(InvalidInput, match="reason"):
            grade_report(db, analyst, report.id, credibility=2, reason=reason)
    with pytest.raises(InvalidInput, match="reason"):
        grade_report(db, analyst, report.id, credibility=2, reason="x" * 2001)
    for credibility in (0, 7, -1):
        with pytest.raises(InvalidInput, match="credibility"):
            grade_report(db, analyst, report.id, credibility=credibility, reason="why not")
    withdrawal = ReportDetails("retraction", date(2023, 2, 2), 6, "wrong man", "", str(report.id))
    said = SourceDetails("unit", SourceType.UNIT_COMMANDER)
    done = file_report(db, analyst, person=person, said_by=said, details=withdrawal)
    with pytest.raises(InvalidInput, match="withdrawal"):
        grade_report(db, analyst, done.id, credibility=2, reason="sure")
    assert db.scalar(select(func.count()).select_from(ReportGrade)) == 0


def test_a_system_viewer_without_a_user_may_not_grade(db: Session) -> None:
    _, _, report = a_relatives_return(db)
    with pytest.raises(Forbidden):
        grade_report(db, Viewer(None, Role.ADMINISTRATOR), report.id, credibility=2, reason="x")
