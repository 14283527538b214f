"""Search finds a person in any script and case, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from tests.db_builders import person_details

from kintrace.access import Role, Viewer
from kintrace.cases.service import (
    add_person,
    edit_person,
    edits_of,
    get_or_create_region,
    search_persons,
)
from kintrace.config import Settings
from kintrace.errors import Forbidden, InvalidInput, NotFound
from kintrace.linkage.service import merge_persons, undo_merge
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.service import send_authority_request
from kintrace.storage.db import make_engine, migrate
from kintrace.storage.tables import Person

ANALYST = Viewer(None, Role.ANALYST)


def found(db: Session, query: str) -> set[int]:
    return {row.person.id for row in search_persons(db, ANALYST, text=query, per_page=100).rows}


def stasiv(db: Session) -> Person:
    details = person_details("Стасів", "Микола")
    return add_person(db, details, region=get_or_create_region(db, "Львівська"), actor_id=None)


@pytest.mark.parametrize("query", ["стасів", "Стасів", "STASIV", "Stasiv", "СТАСІВ", "стас"])
def test_a_cyrillic_surname_in_any_case_and_script(db: Session, query: str) -> None:
    person = stasiv(db)
    assert person.id in found(db, query)


@pytest.mark.parametrize("query", ["Микола", "микола", "Mykola", "MYKOLA", "Стасів Микола"])
def test_a_given_name_in_any_case_and_script(db: Session, query: str) -> None:
    person = stasiv(db)
    assert person.id in found(db, query)


@pytest.mark.parametrize("query", ["ав-123456", "AB123456", "АВ123456", "ab-123", "12345"])
def test_a_personal_number_and_unit_however_written(db: Session, query: str) -> None:
    person = stasiv(db)  # personal number АВ-123456 (Cyrillic letters), unit в/ч 12345
    assert person.id in found(db, query)


def test_other_persons_are_not_found(db: Session) -> None:
    person = stasiv(db)
    other = add_person(db, person_details("Коваленко", "Петро"), region=None, actor_id=None)
    assert person.id not in found(db, "Коваленко")
    assert other.id not in found(db, "Stasiv")
    assert found(db, "Stasiv Петро") == set()


@pytest.mark.parametrize("query", ["%", "_", "%%", "_%_"])
def test_wildcards_still_match_themselves(db: Session, query: str) -> None:
    stasiv(db)
    assert found(db, query) == set()


def test_a_merged_duplicate_spelling_finds_the_kept_person(db: Session) -> None:
    kept = stasiv(db)
    duplicate = add_person(db, person_details("Stasiw", "Nikolai"), region=None, actor_id=None)
    merge = merge_persons(
        db,
        ANALYST,
        kept_id=kept.id,
        merged_id=duplicate.id,
        reason="same man",
        settings=Settings(secret_key="x"),
        today=date(2024, 1, 1),
    )
    assert found(db, "Stasiw") == {kept.id}
    undo_merge(db, ANALYST, merge.id, settings=Settings(secret_key="x"), today=date(2024, 1, 1))
    assert duplicate.id in found(db, "Stasiw")


def test_the_migration_fills_the_key_of_persons_recorded_before(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate(engine, "0008")
    with engine.begin() as connection:
        connection.execute(
            text(
                "insert into persons (surname, given_name, patronymic, script, sex, home_region,"
                " unit, rank, personal_number, created_at) values ('Стасів', 'Микола', '',"
                " 'cyrillic', 'male', '', 'в/ч А0224', '', 'АВ-1', :now)"
            ),
            {"now": datetime(2024, 1, 1)},
        )
    migrate(engine)
    with engine.connect() as connection:
        key = connection.execute(text("select search_key from persons")).scalar_one()
    engine.dispose()
    assert " stasiv " in key and " mikola " in key and " ab1 " in key and " a0224 " in key


def test_an_edited_name_is_found_by_its_new_spelling_and_the_old_is_kept(db: Session) -> None:
    person = stasiv(db)
    desk = Viewer(None, Role.OPERATOR, person.region_id)
    fixed = person_details("Коваленко", "Микола")
    edit_person(db, desk, person.id, fixed, reason="the mother corrected it")
    assert person.id in found(db, "KOVALENKO")
    assert person.id not in found(db, "Stasiv")
    (edit,) = edits_of(db, person.id)
    assert edit.reason == "the mother corrected it"
    assert ("surname", "Стасів", "Коваленко") in edit.changes


def test_an_edit_needs_a_reason_and_a_desk_of_his_region(db: Session) -> None:
    person = stasiv(db)
    elsewhere = Viewer(None, Role.OPERATOR, get_or_create_region(db, "Одеська").id)
    with pytest.raises(NotFound):
        edit_person(db, elsewhere, person.id, person_details("X"), reason="why")
    with pytest.raises(InvalidInput, match="reason"):
        edit_person(db, ANALYST, person.id, person_details("X"), reason=" ")
    with pytest.raises(Forbidden):
        edit_person(db, Viewer(None, Role.REVIEWER), person.id, person_details("X"), reason="r")


def test_postgresql_keeps_the_key_in_a_trigram_index(db: Session) -> None:
    if db.connection().dialect.name != "postgresql":
        pytest.skip("a trigram index is PostgreSQL's")
    definition = db.scalar(
        text("select indexdef from pg_indexes where indexname = 'ix_persons_search_key'")
    )
    assert definition is not None and "gin" in definition and "gin_trgm_ops" in definition


def test_a_work_flag_finds_the_cases_carrying_it_and_the_count_holds_past_the_last_page(
    db: Session,
) -> None:
    region = get_or_create_region(db, "Львівська")
    late, quiet = [], []
    for i in range(7):
        person = add_person(db, person_details(f"Пізній{i}"), region=region, actor_id=None)
        if i % 2 == 0:  # a request unanswered past its date: the "overdue" flag
            send_authority_request(
                db,
                person=person,
                kind="status_change",
                authority="Ministry",
                sent_on=date(2024, 1, 1),
                due_on=date(2024, 1, 28),
            )
            late.append(person.id)
        else:
            quiet.append(person.id)
        recompute_person(
            db, person.id, today=date(2024, 6, 1), settings=Settings(secret_key="x"), reason="t"
        )
    pages = [search_persons(db, ANALYST, flag="overdue", page=n, per_page=3) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [4, 4, 4]
    assert {row.person.id for p in pages for row in p.rows} == set(late)
    assert search_persons(db, ANALYST, text="Пізній", flag="overdue").total == 4
    assert search_persons(db, ANALYST, text="Пізній", flag="contradiction").total == 0
    by_status = search_persons(db, ANALYST, text="Пізній", status="missing", per_page=100)
    assert {row.person.id for row in by_status.rows} <= set(late) | set(quiet)
    assert by_status.total == len(by_status.rows)
    search = search_persons(db, ANALYST, text="Пізній", page=9, per_page=3)
    assert (search.total, search.rows) == (7, [])


def test_a_bounded_search_reads_one_past_the_bound_and_pages_those_by_name(db: Session) -> None:
    region = get_or_create_region(db, "Львівська")
    names = ["Коваль", "Бойко", "Андрієнко", "Гнатюк", "Данилюк", "Євтух", "Жук"]
    people = {
        add_person(db, person_details(s, "Тарас"), region=region, actor_id=None).id: s
        for s in names
    }
    exact = search_persons(db, ANALYST, text="Тарас", per_page=3, count_up_to=10)
    assert (exact.total, exact.more, exact.pages) == (7, False, 3)
    pages = [
        search_persons(db, ANALYST, text="Тарас", page=n, per_page=2, count_up_to=4)
        for n in (1, 2, 3, 4)
    ]
    # five read (the bound and one more): more answer than were read; the bound's four
    # shown on two pages, by surname, and nothing past them
    assert [(p.total, p.more, p.pages) for p in pages] == [(5, True, 2)] * 4
    assert [len(p.rows) for p in pages] == [2, 2, 0, 0]
    read = [row.person.id for p in pages for row in p.rows]
    assert len(read) == len(set(read)) == 4
    assert set(read) <= set(people)
    assert [people[i] for i in read] == sorted(people[i] for i in read)  # by surname
    assert search_persons(db, ANALYST, text="Тарас", count_up_to=7).more is False
    assert search_persons(db, ANALYST, text="Тарас", count_up_to=6).more is True
    # without words the count stops at the bound as well; the page is the whole list's
    listed = search_persons(db, ANALYST, per_page=3, count_up_to=4)
    assert (listed.total, listed.more) == (5, True)
    assert [row.person.surname for row in listed.rows] == sorted(names)[:3]
    assert search_persons(db, ANALYST, text="Нікого", count_up_to=4).total == 0
