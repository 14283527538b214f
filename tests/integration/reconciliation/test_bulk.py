"""Bulk recomputation against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report
from kintrace.config import Settings
from kintrace.reconciliation.bulk import reader_url, recompute_all
from kintrace.reports.model import SourceType
from kintrace.storage.tables import Assessment

TODAY = date(2023, 6, 1)


def _current(db: Session) -> dict[int, Assessment]:
    rows = db.scalars(select(Assessment).where(Assessment.is_current))
    return {a.person_id: a for a in rows}


def test_bulk_recompute_stores_what_the_engine_says_on_both_engines(db: Session) -> None:
    captured = a_person(db, "Иванов")
    r1 = a_report(db, captured, "missing", date(2022, 9, 18))
    r2 = a_report(db, captured, "captured_confirmed", date(2022, 11, 30), SourceType.RED_CROSS, 1)
    quiet = a_person(db, "Сидоров")
    seen, changed = recompute_all(db, today=TODAY, settings=Settings(), reason="bulk", batch=1)
    assert (seen, changed) == (2, 2)
    current = _current(db)
    assert current[captured.id].status == "captured_confirmed"
    assert current[captured.id].supporting == [r2.id]
    assert r1.id not in current[captured.id].contradicting
    assert current[captured.id].reason == "bulk"
    assert f"report #{r2.id}" in current[captured.id].explanation
    assert current[quiet.id].status == "missing"
    assert current[quiet.id].flags == []


def test_a_second_run_adds_nothing_and_a_new_report_adds_one_row(db: Session) -> None:
    person = a_person(db)
    a_report(db, person, "missing", date(2022, 9, 18))
    recompute_all(db, today=TODAY, settings=Settings(), reason="first")
    assert recompute_all(db, today=TODAY, settings=Settings(), reason="again") == (1, 0)
    a_report(db, person, "dead_unrecovered", date(2022, 10, 1), SourceType.COMRADE, 2)
    assert recompute_all(db, today=TODAY, settings=Settings(), reason="news") == (1, 1)
    history = db.scalars(
        select(Assessment).where(Assessment.person_id == person.id).order_by(Assessment.id)
    ).all()
    assert [(a.reason, a.is_current) for a in history] == [("first", False), ("news", True)]
    assert history[-1].status == "dead_unrecovered"


def test_each_batch_finds_its_assessments_by_person_or_id_not_by_scanning(
    sqlite_engine: Engine,
) -> None:
    """SQLite must look assessments up by person or by id: a scan makes bulk runs quadratic."""
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        if "assessments" in sql and not sql.lstrip().upper().startswith("INSERT"):
            statements.append((sql, params))

    connection = sqlite_engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        persons = [a_person(session, f"Петров{n}") for n in range(20)]
        for person in persons:
            a_report(session, person, "missing", date(2022, 9, 18))
        recompute_all(session, today=TODAY, settings=Settings(), reason="first")
        for person in persons:
            a_report(session, person, "wounded", date(2022, 10, 1), SourceType.HOSPITAL_RECORD, 2)
        event.listen(connection, "before_cursor_execute", keep)
        recompute_all(session, today=TODAY, settings=Settings(), reason="news")
        event.remove(connection, "before_cursor_execute", keep)
        assert statements, "no statement on assessments was seen"
        for sql, params in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
            details = " ".join(str(row[-1]) for row in plan if "assessments" in str(row[-1]))
            assert "person_id=?" in details or "rowid=?" in details, (sql, details)
    finally:
        session.close()
        outer.rollback()
        connection.close()


def test_workers_can_read_a_database_file_but_not_one_in_memory(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as on_file:
        assert reader_url(on_file) == sqlite_engine.url.render_as_string(hide_password=False)
    with Session(create_engine("sqlite://")) as in_memory:
        assert reader_url(in_memory) is None
