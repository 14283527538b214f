"""The kept persons of many persons at once (after merges), on SQLite and PostgreSQL: the
same answer as one by one, with a query per 5,000 ids and per step along a chain of merges
instead of a query per person (a list of 100,000 rows links some 50,000)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from db_builders import a_person
from kintrace.lists.evidence import kept_person, kept_persons
from kintrace.storage.tables import Person


def test_kept_persons_follow_merges_with_a_few_queries(db: Session) -> None:
    a, b, c, d, e = (a_person(db, name) for name in ("А", "Б", "В", "Г", "Д"))
    db.flush()
    a.merged_into_id, b.merged_into_id, c.merged_into_id = c.id, c.id, d.id  # a, b -> c -> d
    db.flush()
    first = db.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) or 0
    now = datetime.now()
    db.execute(
        insert(Person),
        [
            {"surname": f"Н{i}", "sex": "male", "script": "cyrillic", "created_at": now}
            for i in range(12_000)
        ],
    )
    many = list(range(first + 1, first + 12_001))
    asked = [a.id, b.id, c.id, e.id, 10**9, *many]  # 10**9: no such person, kept as he is
    expected = {kept_person(db, pid) for pid in asked}
    assert {d.id, e.id, 10**9} <= expected
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    connection = db.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        assert kept_persons(db, iter(asked)) == expected
    finally:
        event.remove(connection, "before_cursor_execute", count)
    # 12,005 ids: 3 chunks, then c's and d's steps along the chain
    assert len(statements) <= 5, len(statements)
