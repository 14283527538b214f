"""The stored work flags follow the current assessments through every change.

``work_flags`` (migration 0018) is what the worklist reads; each test changes assessments in
one of the ways the application does and checks the table against the current assessments.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import fresh_pg_database
from tests.db_builders import a_person, a_report

from kintrace.access import Role, Viewer
from kintrace.cases.worklist import WORK_FLAGS, WorkItem, all_work, worklist
from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import open_instance
from kintrace.linkage.service import merge_persons
from kintrace.reconciliation.bulk import recompute_all
from kintrace.reconciliation.daily import recompute_clocks
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import RETRACTION, Reliability, ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import (
    file_report,
    get_or_create_source,
    record_reply,
    send_authority_request,
    set_source_reliability,
)
from kintrace.storage.backup import backup, restore
from kintrace.storage.db import AuditedSession, make_engine, migrate, transaction
from kintrace.storage.tables import Assessment, Person
from kintrace.storage.worklist_tables import NO_COURT, NO_NEWS, WORK_FLAG_NAMES, WorkFlags

SETTINGS = Settings(secret_key="x")
ANALYST = Viewer(None, Role.ANALYST)
TODAY = date(2022, 12, 1)

Row = tuple[tuple[str, ...], str, date, date, int | None]


def stored(session: Session) -> dict[int, Row]:
    """The work_flags table: person → (flags, status, silent key, court key)."""
    session.flush()
    return {
        w.person_id: (
            tuple(f for f in WORK_FLAG_NAMES if getattr(w, f)),
            w.status,
            w.silent_key,
            w.court_key,
            w.region_id,
        )
        for w in session.scalars(select(WorkFlags))
    }


def expected(session: Session) -> dict[int, Row]:
    """What work_flags must hold, read from the current assessments in Python."""
    session.flush()
    out: dict[int, Row] = {}
    current = select(Assessment, Person.region_id).join(Person, Person.id == Assessment.person_id)
    for a, region_id in session.execute(current.where(Assessment.is_current)):
        work = tuple(f for f in WORK_FLAG_NAMES if f in a.flags)
        if work:
            out[a.person_id] = (
                work,
                a.status,
                a.last_information_on or NO_NEWS,
                a.court_date or NO_COURT,
                region_id,
            )
    return out


def in_step(session: Session) -> dict[int, Row]:
    rows = stored(session)
    assert rows == expected(session)
    return rows


def test_the_stored_flags_are_the_worklists(db: Session) -> None:
    assert WORK_FLAGS == WORK_FLAG_NAMES


def test_a_request_made_late_then_answered(db: Session) -> None:
    person = a_person(db, "Стасів")
    request = send_authority_request(
        db,
        person=person,
        kind="status_change",
        authority="MoD",
        sent_on=date(2022, 9, 1),
        due_on=date(2022, 10, 1),
    )
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="t")
    assert "overdue" in in_step(db)[person.id][0]
    assert [i.person.id for i in worklist(db, ANALYST, today=TODAY, flag="overdue").items] == [
        person.id
    ]
    record_reply(db, request.id, replied_on=date(2022, 11, 20), reply="looking")
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="t")
    assert person.id not in in_step(db)
    assert worklist(db, ANALYST, today=TODAY, flag="overdue").total == 0


def test_a_contradicting_report_then_its_retraction(db: Session) -> None:
    person = a_person(db, "Тихий")
    a_report(db, person, "dead_unrecovered", on=date(2022, 10, 10),
             source=SourceType.OFFICIAL_NOTIFICATION, credibility=2)  # fmt: skip
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="t")
    assert person.id not in in_step(db)
    said_by = SourceDetails("a soldier of the other side", SourceType.OTHER_SIDE_CALL)
    set_source_reliability(db, get_or_create_source(db, said_by).id, reliability=Reliability.F)
    call = file_report(
        db,
        ANALYST,
        person=person,
        said_by=said_by,
        details=ReportDetails("captured_reported", date(2022, 11, 2), 3, "alive", ""),
    )
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="t")
    assert in_step(db)[person.id][:2] == (("contradiction",), "dead_unrecovered")
    file_report(
        db,
        ANALYST,
        person=person,
        said_by=said_by,
        details=ReportDetails(RETRACTION, date(2022, 11, 20), 3, "a mistake", "", str(call.id)),
    )
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="t")
    assert person.id not in in_step(db)


def late(db: Session, surname: str, region: str) -> Person:
    person = a_person(db, surname, region=region)
    send_authority_request(
        db,
        person=person,
        kind="status_change",
        authority="MoD",
        sent_on=date(2022, 9, 1),
        due_on=date(2022, 10, 1),
    )
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="t")
    return person


def test_each_viewer_is_counted_what_it_is_shown(db: Session) -> None:
    kept, other = late(db, "Стасів", "Курская область"), late(db, "Тихий", "Курская область")
    duplicate = late(db, "Stasiv", "Курская область")
    far = late(db, "Далекий", "Белгородская область")
    merge_persons(db, ANALYST, kept_id=kept.id, merged_id=duplicate.id, reason="same man",
                  settings=SETTINGS, today=TODAY)  # fmt: skip
    in_step(db)
    assert kept.region_id is not None
    desk = Viewer(None, Role.OPERATOR, region_id=kept.region_id)
    for viewer, shown in (
        (ANALYST, {kept.id, other.id, far.id}),
        (desk, {kept.id, other.id}),
        (Viewer(None, Role.RELATIVE), set()),
    ):
        for flag, region in (("", None), ("overdue", None), ("", far.region_id)):
            page = worklist(db, viewer, today=TODAY, flag=flag, region_id=region)
            expected_ids = shown if region is None else shown & {far.id}
            assert {i.person.id for i in page.items} == expected_ids, (viewer.role, flag, region)
            assert page.total == len(expected_ids)
        for sort in ("silent", "recent", "court", "name"):
            ordered = [i.person.id for i in worklist(db, viewer, today=TODAY, sort=sort).items]
            assert sorted(ordered) == sorted(shown)


def quiet_persons(db: Session, count: int) -> list[Person]:
    persons = [a_person(db, f"Тихий{i}") for i in range(count)]
    for i, person in enumerate(persons):
        a_report(db, person, "captured_reported", on=date(2022, 1 + i, 10),
                 source=SourceType.COMRADE)  # fmt: skip
    return persons


def test_a_bulk_recompute(db: Session) -> None:
    persons = quiet_persons(db, 5)
    recompute_all(db, today=date(2022, 2, 1), settings=SETTINGS, reason="t", batch=2)
    assert in_step(db) == {}
    # years later every one of them is past his court date
    recompute_all(db, today=date(2026, 1, 1), settings=SETTINGS, reason="t", batch=2)
    rows = in_step(db)
    assert {p.id for p in persons} <= set(rows)
    assert all("court_date_passed" in rows[p.id][0] for p in persons)


def test_the_clock_job(db: Session) -> None:
    persons = quiet_persons(db, 4)
    for person in persons:
        recompute_person(db, person.id, today=date(2022, 5, 1), settings=SETTINGS, reason="t")
    before = in_step(db)
    # bound to the test's connection: each batch's commit releases a savepoint
    sessions = sessionmaker(
        bind=db.connection(), class_=AuditedSession, join_transaction_mode="create_savepoint"
    )
    seen, changed = recompute_clocks(sessions, today=date(2030, 1, 1), settings=SETTINGS, batch=3)
    assert changed > 0
    db.expire_all()
    after = in_step(db)
    assert after != before and {p.id for p in persons} <= set(after)


def _counts(engine: Engine) -> dict[int, Any]:
    with Session(engine) as session:
        return stored(session)


def test_a_backup_restores_the_stored_flags(tmp_path: Path) -> None:
    with open_instance(Settings(database_url="", data_dir=tmp_path / "a")) as source:
        with transaction(source.sessions) as session:
            load_demo(session, persons=20, seed=4)
            recompute_all(session, today=date(2031, 1, 1), settings=SETTINGS, reason="t")
        with source.sessions() as session:
            flags = in_step(session)
        assert flags
        archive = tmp_path / "a.tar.gz"
        backup(source.engine, source.files, archive, progress=lambda _n: None)
    with open_instance(Settings(database_url="", data_dir=tmp_path / "b")) as target:
        restore(target.engine, target.files, archive, progress=lambda _n: None)
        with target.sessions() as session:
            assert in_step(session) == flags
            assert worklist(session, ANALYST, today=date(2031, 1, 1)).total == len(flags)


def _fill_at_0017(engine: Engine) -> None:
    migrate(engine, "0017")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO regions (code, name) VALUES ('R', 'Region')"))
        for pid in (1, 2, 3):
            connection.execute(
                text(
                    "INSERT INTO persons (id, surname, given_name, patronymic, script, sex, "
                    "birth_precision, home_region, unit, rank, personal_number, search_key, "
                    "region_id, created_at) VALUES (:id, 'S', 'G', '', 'cyrillic', 'male', "
                    "'unknown', '', '', '', '', 's', 1, '2024-01-01 00:00:00')"
                ),
                {"id": pid},
            )
        rows = [  # person, flags, court date, last information, current
            (1, '["overdue", "court_date_passed"]', "2024-02-01", None, True),
            (1, '["contradiction"]', None, "2023-05-01", False),
            (2, '["stale"]', None, "2023-06-01", True),
            (3, '["contradiction"]', None, "2023-07-01", True),
        ]
        for pid, flags, court, news, current in rows:
            connection.execute(
                text(
                    "INSERT INTO assessments (person_id, computed_at, status, confidence, "
                    "flags, supporting, contradicting, court_date, last_information_on, "
                    "explanation, reason, is_current) VALUES (:p, '2024-01-01 00:00:00', "
                    "'missing', 0.5, :f, '[]', '[]', :c, :n, '', 'r', :cur)"
                ),
                {"p": pid, "f": flags, "c": court, "n": news, "cur": current},
            )


def _check_upgrade(engine: Engine) -> None:
    _fill_at_0017(engine)
    migrate(engine)
    assert _counts(engine) == {
        1: (("overdue", "court_date_passed"), "missing", NO_NEWS, date(2024, 2, 1), 1),
        3: (("contradiction",), "missing", date(2023, 7, 1), NO_COURT, 1),
    }


def test_the_migration_fills_the_table_from_current_assessments(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        _check_upgrade(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_migration_fills_the_table_on_postgresql() -> None:
    for url in fresh_pg_database("kintrace_test_0018"):
        engine = make_engine(url)
        try:
            _check_upgrade(engine)
        finally:
            engine.dispose()


def test_the_orders_are_those_of_the_assessments_dates(db: Session) -> None:
    persons = [*quiet_persons(db, 4), late(db, "Стасів", "Курская область")]
    a_report(db, persons[1], "captured_reported", on=date(2022, 1, 10), source=SourceType.COMRADE)
    for person in persons:
        recompute_person(db, person.id, today=date(2026, 1, 1), settings=SETTINGS, reason="t")
    items = list(all_work(db, ANALYST, today=date(2026, 1, 1)))
    assert len(items) == len(persons)
    assert any(i.assessment.last_information_on is None for i in items)
    assert any(i.assessment.court_date is None for i in items)

    def news(i: WorkItem) -> date | None:
        return i.assessment.last_information_on

    def court(i: WorkItem) -> date | None:
        return i.assessment.court_date

    expected = {  # nulls first when silent, last when recent and by court date; ties by id
        "silent": sorted(
            items, key=lambda i: (news(i) is not None, news(i) or NO_NEWS, i.person.id)
        ),
        "recent": sorted(
            items, key=lambda i: (news(i) is None, -(news(i) or NO_NEWS).toordinal(), i.person.id)
        ),
        "court": sorted(items, key=lambda i: (court(i) is None, court(i) or NO_NEWS, i.person.id)),
    }
    for sort, wanted in expected.items():
        shown = [i.person.id for i in all_work(db, ANALYST, today=date(2026, 1, 1), sort=sort)]
        assert shown == [i.person.id for i in wanted], sort
