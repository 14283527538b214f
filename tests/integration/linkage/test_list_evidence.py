"""A linked list row is a report; undoing the link retracts it; an unlinked row opens a case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report
from kintrace.access import Role, Viewer
from kintrace.config import Settings
from kintrace.errors import Conflict, Forbidden, InvalidInput
from kintrace.importers.persons import parse_persons
from kintrace.importers.tabular import read_table
from kintrace.linkage.service import decide_candidate, link_list
from kintrace.lists.decisions import open_case, undo_link, unmatched_records
from kintrace.lists.service import ListKind, import_list
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import RETRACTION
from kintrace.storage.tables import Assessment, LinkCandidate, ListRecord, Person, Report
from kintrace.users.service import create_user

TODAY = date.today()
SETTINGS = Settings()

# Петров as the builders store him; a stranger nobody knows
PRISONERS = (
    "id,surname,given_name,patronymic,sex,birth_date,region,unit,rank,personal_number\n"
    "a1,Петров,Александр,Иванович,m,03.05.1998,Курская область,в/ч 12345,рядовой,АВ-123456\n"
    "a2,Гончаренко,Виталий,Олегович,m,1979,,,,\n"
)


@pytest.fixture
def analyst(db: Session) -> Viewer:
    user = create_user(db, username="analyst-k", password="a long password 1", role=Role.ANALYST)
    return Viewer(user.id, Role.ANALYST, display_name="analyst-k")


def a_prisoner_list(db: Session, tmp_path: Path, name: str = "pow-k") -> str:
    path = tmp_path / f"{name}.csv"
    path.write_text(PRISONERS, encoding="utf-8")
    records = parse_persons(read_table(path, {}, required=("id",)))
    import_list(
        db, path=path, name=name, kind=ListKind.PRISONER_LIST, records=records,
        as_persons=False, actor_id=None, source="Other side's ministry",
        published_on=date(2026, 10, 1),
    )  # fmt: skip
    return name


def status_of(db: Session, person: Person) -> str:
    current = db.scalar(
        select(Assessment.status).where(Assessment.person_id == person.id, Assessment.is_current)
    )
    return current or ""


def missing_since_2022(db: Session) -> Person:
    petrov = a_person(db, "Петров")
    a_report(db, petrov, "missing", on=date(2022, 9, 18))
    recompute_person(db, petrov.id, today=TODAY, settings=SETTINGS, reason="test")
    assert status_of(db, petrov) == "missing"
    return petrov


def reports_on(db: Session, person: Person) -> list[Report]:
    return list(db.scalars(select(Report).where(Report.person_id == person.id).order_by(Report.id)))


def test_undoing_an_automatic_link_retracts_its_report_and_the_status_goes_back(
    db: Session, tmp_path: Path, analyst: Viewer
) -> None:
    petrov = missing_since_2022(db)
    run = link_list(db, list_name=a_prisoner_list(db, tmp_path), today=TODAY)
    assert (run.automatic, run.reports, run.statuses_changed) == (1, 1, 1)
    assert status_of(db, petrov) == "captured_reported"
    link = db.scalar(select(LinkCandidate).where(LinkCandidate.state == "automatic"))
    assert link is not None and link.report_id is not None
    made = db.get(Report, link.report_id)
    assert made is not None
    assert (made.claim, made.observed_on, made.source.name) == (
        "captured_reported",
        date(2026, 10, 1),
        "Other side's ministry",
    )
    with pytest.raises(InvalidInput):
        undo_link(db, analyst, link.id, reason=" ", settings=SETTINGS, today=TODAY)
    with pytest.raises(Forbidden):
        undo_link(db, Viewer(None, Role.RELATIVE), link.id, reason="x", settings=SETTINGS,
                  today=TODAY)  # fmt: skip
    undo_link(db, analyst, link.id, reason="another Petrov: unit differs", settings=SETTINGS,
              today=TODAY)  # fmt: skip
    retraction = reports_on(db, petrov)[-1]
    assert retraction.claim == RETRACTION and retraction.retracts_id == made.id
    assert retraction.created_by == analyst.user_id
    assert "another Petrov" in retraction.text
    assert status_of(db, petrov) == "missing"
    assert link.state == "rejected"
    with pytest.raises(Conflict):
        undo_link(db, analyst, link.id, reason="again", settings=SETTINGS, today=TODAY)
    again = link_list(db, list_name="pow-k", today=TODAY)
    assert again.reports == 0  # the rejected pair is not linked again


def test_rejecting_an_automatic_link_in_the_queue_retracts_its_report(
    db: Session, tmp_path: Path, analyst: Viewer
) -> None:
    petrov = missing_since_2022(db)
    link_list(db, list_name=a_prisoner_list(db, tmp_path), today=TODAY)
    link = db.scalar(select(LinkCandidate).where(LinkCandidate.state == "automatic"))
    assert link is not None
    decide_candidate(db, analyst, link.id, confirm=False, note="not him", settings=SETTINGS,
                     today=TODAY)  # fmt: skip
    assert [r.claim for r in reports_on(db, petrov)] == ["missing", "captured_reported", RETRACTION]
    assert status_of(db, petrov) == "missing"


def test_confirming_a_pending_row_makes_its_report_once(
    db: Session, tmp_path: Path, analyst: Viewer
) -> None:
    petrov = missing_since_2022(db)
    a_prisoner_list(db, tmp_path)
    record = db.scalar(select(ListRecord).where(ListRecord.record_id == "a1"))
    assert record is not None
    pending = LinkCandidate(
        person_id=petrov.id, list_record_id=record.id, probability=0.8, evidence={},
        state="pending", run="test", created_at=TODAY,
    )  # fmt: skip
    db.add(pending)
    db.flush()
    decide_candidate(db, analyst, pending.id, confirm=True, note="same unit and number",
                     settings=SETTINGS, today=TODAY)  # fmt: skip
    made = reports_on(db, petrov)[-1]
    assert (made.claim, made.created_by, pending.report_id) == (
        "captured_reported",
        analyst.user_id,
        made.id,
    )
    assert status_of(db, petrov) == "captured_reported"
    undo_link(db, analyst, pending.id, reason="wrong man", settings=SETTINGS, today=TODAY)
    assert status_of(db, petrov) == "missing"


def test_a_row_linked_to_nobody_waits_until_an_analyst_opens_a_case(
    db: Session, tmp_path: Path, analyst: Viewer
) -> None:
    missing_since_2022(db)
    name = a_prisoner_list(db, tmp_path)
    link_list(db, list_name=name, today=TODAY)
    waiting = unmatched_records(db, list_name=name)
    assert [r.surname for r, _ in waiting] == ["Гончаренко"]
    link = open_case(db, analyst, waiting[0][0].id, note="not among ours: a new case",
                     settings=SETTINGS, today=TODAY)  # fmt: skip
    person = db.get(Person, link.person_id)
    assert person is not None and person.surname == "Гончаренко"
    assert link.state == "confirmed" and link.report_id is not None
    assert status_of(db, person) == "captured_reported"
    assert unmatched_records(db, list_name=name) == []
    with pytest.raises(Conflict):
        open_case(db, analyst, waiting[0][0].id, note="", settings=SETTINGS, today=TODAY)
