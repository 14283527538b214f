"""Small linked lists written straight into the tables, for the statistics tests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from kintrace.storage.tables import (
    Assessment,
    ImportedList,
    LinkCandidate,
    ListRecord,
    Person,
    Region,
)

NOW = datetime(2026, 1, 5, 12, 0)


def a_region(db: Session, code: str, name: str) -> Region:
    region = Region(code=code, name=name)
    db.add(region)
    db.flush()
    return region


def a_person(
    db: Session,
    surname: str,
    *,
    region: Region | None = None,
    last_information: date | None = None,
) -> Person:
    person = Person(
        surname=surname,
        script="latin",
        sex="male",
        created_at=NOW,
        region_id=None if region is None else region.id,
    )
    db.add(person)
    db.flush()
    if last_information is not None:
        db.add(
            Assessment(
                person_id=person.id,
                computed_at=NOW,
                status="missing",
                confidence=0.5,
                flags=[],
                supporting=[],
                contradicting=[],
                last_information_on=last_information,
                explanation="",
                reason="test",
                is_current=True,
            )
        )
        db.flush()
    return person


def a_list(db: Session, name: str, linked: list[tuple[Person, str]]) -> ImportedList:
    """Import a list whose rows are linked to the persons, each in the given link state."""
    imported = ImportedList(
        name=name,
        kind="prisoners",
        filename=f"{name}.csv",
        sha256=name.encode().hex()[:64].ljust(64, "0"),
        row_count=len(linked),
        imported_at=NOW,
    )
    db.add(imported)
    db.flush()
    for line, (person, state) in enumerate(linked, start=2):
        record = ListRecord(list_id=imported.id, record_id=str(line), line=line, sex="male")
        db.add(record)
        db.flush()
        db.add(
            LinkCandidate(
                person_id=person.id,
                list_record_id=record.id,
                probability=0.99,
                state=state,
                created_at=NOW,
            )
        )
    db.flush()
    return imported
