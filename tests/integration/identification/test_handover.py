"""The remains brought home: each step of the handover and the status it ends in, both engines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report, a_request
from kintrace.access import Role, Viewer
from kintrace.cases.model import Relationship
from kintrace.cases.service import get_or_create_region
from kintrace.config import Settings
from kintrace.errors import Conflict, Forbidden, InvalidInput, NotFound
from kintrace.identification.handover import (
    HandoverStep,
    Stage,
    handovers_of,
    record_step,
)
from kintrace.identification.service import (
    case_of,
    decide,
    propose,
    register_sample,
)
from kintrace.reconciliation.service import recompute_person
from kintrace.storage.tables import Assessment, Person, Report
from kintrace.users.service import create_user, ensure_roles

TODAY = date(2026, 11, 20)
SETTINGS = Settings()


def user(db: Session, name: str, role: Role, region_id: int | None = None) -> Viewer:
    ensure_roles(db)
    row = create_user(db, username=name, password="a long password", role=role, region_id=region_id)
    return Viewer(row.id, role, region_id)


@dataclass
class World:
    desk: Viewer
    lab: Viewer
    reviewer: Viewer
    relative: Viewer
    person: Person


def current_status(db: Session, person: Person) -> str:
    return db.scalars(
        select(Assessment.status).where(
            Assessment.person_id == person.id, Assessment.is_current.is_(True)
        )
    ).one()


def identify(db: Session, world: World) -> None:
    remains = register_sample(db, kind="remains", collected_on=date(2026, 9, 1), actor_id=None)
    proposal = propose(
        db, world.lab, remains_code=remains.code, case_code=case_of(db, world.person.id).code,
        lr=2.5e7, posterior=0.9999, conclusion="undisputed", method="test",
    )  # fmt: skip
    decide(db, world.reviewer, proposal.id, confirm=True, note="", settings=SETTINGS, today=TODAY)


@pytest.fixture
def world(db: Session) -> World:
    person = a_person(db)
    relative = user(db, "mother1", Role.RELATIVE)
    a_request(db, person, Relationship.MOTHER, user_id=relative.user_id)
    a_report(db, person, "dead_unrecovered")
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="test")
    register_sample(
        db, kind="reference", collected_on=date(2026, 3, 1), actor_id=None, person=person,
        relationship=Relationship.MOTHER,
    )  # fmt: skip
    return World(
        desk=user(db, "desk1", Role.OPERATOR, person.region_id),
        lab=user(db, "lab1", Role.DNA_LAB),
        reviewer=user(db, "rev1", Role.REVIEWER),
        relative=relative,
        person=person,
    )


HANDED = HandoverStep(
    Stage.HANDED_OVER,
    date(2026, 11, 10),
    place="Морг, Курск",
    handed_by="Ст. лейтенант Орлов",
    received_by="Петрова Анна Ивановна (мать)",
    documents="Акт передачи № 17",
)


def test_no_handover_before_a_confirmed_identification(db: Session, world: World) -> None:
    with pytest.raises(Conflict, match="confirmed identification"):
        record_step(db, world.desk, world.person.id, HANDED, settings=SETTINGS, today=TODAY)
    assert handovers_of(db, world.person.id) == []


def test_the_handover_moves_the_status_to_remains_returned_and_the_burial_ends_it(
    db: Session, world: World
) -> None:
    identify(db, world)
    assert current_status(db, world.person) == "identified"
    agreed = HandoverStep(Stage.AGREED, date(2026, 11, 1), place="Курск")
    record_step(db, world.desk, world.person.id, agreed, settings=SETTINGS, today=TODAY)
    assert current_status(db, world.person) == "identified"

    row = record_step(db, world.desk, world.person.id, HANDED, settings=SETTINGS, today=TODAY)

    assert current_status(db, world.person) == "remains_returned"
    report = db.get(Report, row.report_id)
    assert report is not None
    assert (report.claim, report.reliability, report.credibility) == ("remains_returned", "A", 1)
    assert report.observed_on == date(2026, 11, 10)
    buried = HandoverStep(Stage.BURIED, date(2026, 11, 14), burial_place="Курск, кладбище № 3")
    record_step(db, world.desk, world.person.id, buried, settings=SETTINGS, today=TODAY)
    steps = handovers_of(db, world.person.id)
    assert [s.stage for s in steps] == ["agreed", "handed_over", "buried"]
    assert steps[1].received_by == "Петрова Анна Ивановна (мать)"
    # a correction of the handover is a later row; it records no second report
    again = record_step(db, world.desk, world.person.id, HANDED, settings=SETTINGS, today=TODAY)
    assert again.report_id is None
    assert db.scalars(
        select(Report.id).where(
            Report.person_id == world.person.id, Report.claim == "remains_returned"
        )
    ).all() == [row.report_id]


def test_no_burial_before_the_handover(db: Session, world: World) -> None:
    identify(db, world)
    buried = HandoverStep(Stage.BURIED, date(2026, 11, 14), burial_place="Курск")
    with pytest.raises(Conflict, match="before the burial"):
        record_step(db, world.desk, world.person.id, buried, settings=SETTINGS, today=TODAY)
    assert handovers_of(db, world.person.id) == []


@pytest.mark.parametrize(
    ("step", "field"),
    [
        (HandoverStep(Stage.HANDED_OVER, date(2026, 11, 10), handed_by="Орлов"), "received_by"),
        (HandoverStep(Stage.AGREED, date(2027, 1, 1)), "happened_on"),
        (HandoverStep(Stage.AGREED, date(2026, 11, 1), place="x" * 301), "place"),
        (HandoverStep(Stage.AGREED, date(2026, 11, 1), note="a\x1b[2J"), "note"),
    ],
)
def test_a_bad_step_names_its_field_and_writes_nothing(
    db: Session, world: World, step: HandoverStep, field: str
) -> None:
    identify(db, world)
    with pytest.raises(InvalidInput, match=field):
        record_step(db, world.desk, world.person.id, step, settings=SETTINGS, today=TODAY)
    assert handovers_of(db, world.person.id) == []


def test_only_desks_of_his_region_analysts_and_administrators_record_it(
    db: Session, world: World
) -> None:
    identify(db, world)
    with pytest.raises(Forbidden):
        record_step(db, world.relative, world.person.id, HANDED, settings=SETTINGS, today=TODAY)
    with pytest.raises(Forbidden):
        record_step(db, world.lab, world.person.id, HANDED, settings=SETTINGS, today=TODAY)
    elsewhere = get_or_create_region(db, "Белгородская область")
    other_desk = user(db, "desk2", Role.OPERATOR, elsewhere.id)
    with pytest.raises(NotFound):
        record_step(db, other_desk, world.person.id, HANDED, settings=SETTINGS, today=TODAY)
    assert handovers_of(db, world.person.id) == []
