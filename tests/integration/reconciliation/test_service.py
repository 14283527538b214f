"""Bulk recomputation against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report
from kintrace.config import Settings
from kintrace.reconciliation.service import recompute_all
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
