"""Coded samples, proposals from `kintrace dvi`, and the four-eyes review, on both engines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report, a_request
from kintrace.access import Role, Viewer
from kintrace.cases.model import Relationship
from kintrace.config import Settings
from kintrace.errors import Conflict, Forbidden, InvalidInput
from kintrace.identification.service import (
    case_of,
    decide,
    lab_cases,
    notifications_for,
    pending_reviews,
    propose,
    propose_from_dvi,
    register_sample,
)
from kintrace.reconciliation.service import recompute_person
from kintrace.storage.tables import Assessment, DnaCase, Person, Report, Sample, User
from kintrace.users.service import create_user, ensure_roles

TODAY = date(2026, 11, 20)


def user(db: Session, name: str, role: Role) -> Viewer:
    ensure_roles(db)
    row = create_user(db, username=name, password="a long password", role=role)
    return Viewer(row.id, role)


@dataclass
class World:
    lab: Viewer
    reviewer: Viewer
    person: Person
    relative: Viewer
    mother: Sample
    remains: Sample
    case: DnaCase


@pytest.fixture
def world(db: Session) -> World:
    lab = user(db, "lab1", Role.DNA_LAB)
    reviewer = user(db, "rev1", Role.REVIEWER)
    person = a_person(db)
    relative_user = user(db, "mother1", Role.RELATIVE)
    a_request(db, person, Relationship.MOTHER, user_id=relative_user.user_id)
    a_report(db, person, "missing")
    recompute_person(db, person.id, today=TODAY, settings=Settings(), reason="test")
    mother = register_sample(
        db, kind="reference", collected_on=date(2026, 3, 1), actor_id=None, person=person,
        relationship=Relationship.MOTHER,
    )  # fmt: skip
    remains = register_sample(db, kind="remains", collected_on=date(2026, 9, 1), actor_id=None)
    return World(lab, reviewer, person, relative_user, mother, remains, case_of(db, person.id))


def test_the_laboratory_sees_codes_and_relationships_but_no_names(
    db: Session, world: World
) -> None:
    (case,) = lab_cases(db)
    assert case.code.startswith("M-") and len(case.code) == 9
    assert [(r[1]) for r in case.references] == ["mother"]
    assert "Петров" not in repr(case)


def test_a_confirmed_identification_becomes_an_a1_report_and_tells_the_family(
    db: Session, world: World
) -> None:
    lab, reviewer = world.lab, world.reviewer
    proposal = propose(
        db, lab, remains_code=world.remains.code,
        case_code=world.case.code,
        lr=2.5e7, posterior=0.9999, conclusion="undisputed", method="test",
    )  # fmt: skip
    assert [i.id for i, _ in pending_reviews(db)] == [proposal.id]
    done = decide(
        db, reviewer, proposal.id, confirm=True, note="", settings=Settings(), today=TODAY
    )
    assert done.state == "confirmed" and done.decided_by == reviewer.user_id
    report = db.get(Report, done.report_id)
    assert report is not None
    assert (report.claim, report.reliability, report.credibility) == ("identified", "A", 1)
    current = db.scalar(
        select(Assessment).where(Assessment.person_id == report.person_id, Assessment.is_current)
    )
    assert current is not None and current.status == "identified"
    relative = world.relative
    assert relative.user_id is not None
    (note,) = notifications_for(db, relative.user_id)
    assert "confirmed" in note.text
    assert pending_reviews(db) == []


def test_four_eyes_the_proposer_may_not_confirm(db: Session, world: World) -> None:
    admin = user(db, "boss", Role.ADMINISTRATOR)
    proposal = propose(
        db, admin, remains_code=world.remains.code,
        case_code=world.case.code,
        lr=1e6, posterior=None, conclusion="probable", method="test",
    )  # fmt: skip
    with pytest.raises(Forbidden, match="four eyes"):
        decide(db, admin, proposal.id, confirm=True, note="", settings=Settings(), today=TODAY)


def test_the_laboratory_may_not_decide_and_a_rejection_needs_a_reason(
    db: Session, world: World
) -> None:
    lab, reviewer = world.lab, world.reviewer
    proposal = propose(
        db, lab, remains_code=world.remains.code,
        case_code=world.case.code,
        lr=3e4, posterior=0.97, conclusion="probable", method="test",
    )  # fmt: skip
    with pytest.raises(Forbidden):
        decide(db, lab, proposal.id, confirm=True, note="", settings=Settings(), today=TODAY)
    with pytest.raises(InvalidInput, match="note"):
        decide(db, reviewer, proposal.id, confirm=False, note=" ", settings=Settings(), today=TODAY)
    decide(db, reviewer, proposal.id, confirm=False, note="sex mismatch in the anthropology",
           settings=Settings(), today=TODAY)  # fmt: skip
    with pytest.raises(Conflict):
        decide(db, reviewer, proposal.id, confirm=True, note="", settings=Settings(), today=TODAY)
    assert db.scalar(select(Report).where(Report.claim == "identified")) is None


def test_proposals_from_a_dvi_result_take_only_identifications_worth_reviewing(
    db: Session, world: World
) -> None:
    lab = world.lab
    remains, case = world.remains.code, world.case.code
    result = {
        "pairwise_lr": {"remains": [remains], "missing": [case], "lr": [[1e6]]},
        "undisputed": [],
        "joint": [{"assignment": {remains: case}, "loglik": -1.0, "lr": 1e6, "posterior": 0.99}],
        "identifications": [
            {"family": "F1", "missing": case, "remains": remains, "lr": 1e6,
             "conclusion": "probable"},
            {"family": "F2", "missing": "M-OTHER", "remains": None, "lr": None,
             "conclusion": "no match"},
        ],
    }  # fmt: skip
    (made,) = propose_from_dvi(db, lab, result, source="out.json")
    assert (made.conclusion, made.posterior) == ("probable", pytest.approx(0.99))
    with pytest.raises(InvalidInput, match="identification 0"):
        propose_from_dvi(db, lab, result, source="out.json")  # already proposed


def test_unknown_codes_are_errors_naming_the_field(db: Session, world: World) -> None:
    lab = world.lab
    with pytest.raises(InvalidInput, match="'remains'"):
        propose(
            db,
            lab,
            remains_code="S-NOPE",
            case_code=world.case.code,
            lr=10.0,
            posterior=None,
            conclusion="probable",
            method="x",
        )
    with pytest.raises(InvalidInput, match="'missing'"):
        propose(
            db,
            lab,
            remains_code=world.remains.code,
            case_code="M-NOPE",
            lr=10.0,
            posterior=None,
            conclusion="probable",
            method="x",
        )


def test_remains_are_registered_without_a_name(db: Session, world: World) -> None:
    with pytest.raises(InvalidInput, match="without a name"):
        register_sample(
            db, kind="remains", collected_on=TODAY, actor_id=None,
            person=world.person,
        )  # fmt: skip
    assert db.scalar(select(User).where(User.username == "lab1")) is not None
