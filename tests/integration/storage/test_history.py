"""History is append-only: reports never change, other changes are logged with who and why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db_builders import a_person, a_report
from kintrace.errors import Conflict
from kintrace.storage.audit import set_actor
from kintrace.storage.db import AuditedSession
from kintrace.storage.tables import ChangeLog


def test_a_report_cannot_be_edited(db: AuditedSession) -> None:
    report = a_report(db, a_person(db))
    report.claim = "dead_unrecovered"
    with pytest.raises(Conflict, match="never changed"):
        db.flush()


def test_a_report_cannot_be_deleted(db: AuditedSession) -> None:
    report = a_report(db, a_person(db))
    db.delete(report)
    with pytest.raises(Conflict, match="never deleted"):
        db.flush()


def test_a_person_change_keeps_what_it_was_who_and_why(db: AuditedSession) -> None:
    person = a_person(db, "Петров")
    set_actor(db, actor_id=None, reason="spelling corrected from the unit's list")
    person.surname = "Петренко"
    db.flush()
    log = db.scalars(select(ChangeLog).where(ChangeLog.table_name == "persons")).one()
    assert log.action == "update"
    assert log.before == {"surname": "Петров"}
    assert log.after == {"surname": "Петренко"}
    assert log.reason == "spelling corrected from the unit's list"
    assert log.row_key == str(person.id)


def test_a_change_without_a_reason_is_refused(db: AuditedSession) -> None:
    person = a_person(db)
    db.info["reason"] = ""
    person.rank = "сержант"
    with pytest.raises(Conflict, match="needs a reason"):
        db.flush()


def test_a_deletion_keeps_the_whole_row(db: AuditedSession) -> None:
    person = a_person(db, "Сидоров")
    set_actor(db, actor_id=None, reason="entered twice by mistake")
    db.delete(person)
    db.flush()
    log = db.scalars(select(ChangeLog).where(ChangeLog.action == "delete")).one()
    assert log.before["surname"] == "Сидоров"
    assert log.after is None
