"""Storing assessments against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report
from kintrace.config import Settings
from kintrace.reconciliation.bulk import recompute_all
from kintrace.reconciliation.service import (
    assess_rows,
    changes_of,
    gather_rows,
    policy_of,
    recompute_person,
    write_changes,
)
from kintrace.storage.tables import Assessment

TODAY = date(2023, 6, 1)


def _current(db: Session) -> dict[int, Assessment]:
    rows = db.scalars(select(Assessment).where(Assessment.is_current))
    return {a.person_id: a for a in rows}


def test_an_assessment_replaced_meanwhile_is_not_replaced_twice(db: Session) -> None:
    """A worker read the current assessment; another transaction replaced it before the write."""
    person = a_person(db)
    a_report(db, person, "missing", date(2022, 9, 18))
    recompute_all(db, today=TODAY, settings=Settings(), reason="first")
    first = _current(db)[person.id]
    policy = policy_of(Settings())
    later = assess_rows(gather_rows(db, [person.id]), date(2024, 1, 1), policy, "worker")
    found = changes_of(db, later)
    assert found.replaced == {person.id: first.id}
    recompute_person(db, person.id, today=date(2025, 1, 1), settings=Settings(), reason="other")
    assert write_changes(db, found) == {person.id}
    history = db.scalars(select(Assessment).where(Assessment.person_id == person.id)).all()
    assert sorted((a.reason, a.is_current) for a in history) == [
        ("first", False),
        ("other", True),
    ]
