"""The worklist: every case a page at a time, with the whole count, orders, filters and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy.orm import Session
from tests.db_builders import person_details

from kintrace.access import Role, Viewer
from kintrace.cases.service import add_person, get_or_create_region
from kintrace.cases.worklist import PER_PAGE, all_work, worklist, worklist_csv
from kintrace.config import Settings
from kintrace.errors import InvalidInput
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.service import send_authority_request
from kintrace.storage.tables import Person

ANALYST = Viewer(None, Role.ANALYST)
TODAY = date(2024, 6, 1)
SETTINGS = Settings(secret_key="x")


def overdue_case(db: Session, surname: str, sent: date, region: str = "Курская область") -> Person:
    person = add_person(
        db, person_details(surname), region=get_or_create_region(db, region), actor_id=None
    )
    send_authority_request(
        db,
        person=person,
        kind="status_change",
        authority="Ministry",
        sent_on=sent,
        due_on=date(sent.year, sent.month, 28),
    )
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="test")
    return person


@pytest.fixture
def many(db: Session) -> list[Person]:
    """More cases than the old list's silent cap of 200 would have shown... in small: 2 pages."""
    return [
        overdue_case(db, f"Surname{i:03d}", date(2023, 1 + i % 12, 1)) for i in range(PER_PAGE + 7)
    ]


def test_pages_hold_every_case_once_with_the_whole_count(db: Session, many: list[Person]) -> None:
    first = worklist(db, ANALYST, today=TODAY)
    second = worklist(db, ANALYST, today=TODAY, page=2)
    assert first.total == second.total == len(many)
    assert (first.first, first.last, first.pages) == (1, PER_PAGE, 2)
    assert (second.first, second.last) == (PER_PAGE + 1, len(many))
    shown = [i.person.id for i in (*first.items, *second.items)]
    assert sorted(shown) == sorted(p.id for p in many)
    assert worklist(db, ANALYST, today=TODAY, page=3).items == []


def test_a_list_larger_than_two_hundred_is_counted_whole(db: Session) -> None:
    people = [overdue_case(db, f"N{i}", date(2023, 3, 1)) for i in range(205)]
    result = worklist(db, ANALYST, today=TODAY, per_page=500)
    assert result.total == len(result.items) == len(people)
    assert len(list(all_work(db, ANALYST, today=TODAY, batch=60))) == len(people)


def test_orders(db: Session, many: list[Person]) -> None:
    silent = [i.person.id for i in all_work(db, ANALYST, today=TODAY)]
    recent = [i.person.id for i in all_work(db, ANALYST, today=TODAY, sort="recent")]
    by_name = [i.person.surname for i in all_work(db, ANALYST, today=TODAY, sort="name")]
    assert by_name == sorted(by_name)
    days = [i.days_silent for i in all_work(db, ANALYST, today=TODAY)]
    assert days == sorted(days, key=lambda d: -1 if d is None else -d)  # longest silence first
    assert set(silent) == set(recent)
    with pytest.raises(InvalidInput, match="sort"):
        worklist(db, ANALYST, today=TODAY, sort="; drop table persons")


def test_filters_by_region_and_status(db: Session, many: list[Person]) -> None:
    elsewhere = overdue_case(db, "Стасів", date(2023, 5, 1), region="Львівська")
    region = get_or_create_region(db, "Львівська")
    only = worklist(db, ANALYST, today=TODAY, region_id=region.id)
    assert [i.person.id for i in only.items] == [elsewhere.id] and only.total == 1
    status = only.items[0].assessment.status
    assert worklist(db, ANALYST, today=TODAY, status=status).total == len(many) + 1
    assert worklist(db, ANALYST, today=TODAY, status="identified").total == 0
    assert worklist(db, ANALYST, today=TODAY, flag="contradiction").total == 0
    with pytest.raises(InvalidInput, match="status"):
        worklist(db, ANALYST, today=TODAY, status="nonsense")


def test_the_csv_holds_every_case_and_no_formula(db: Session, many: list[Person]) -> None:
    overdue_case(db, '=HYPERLINK("http://x")', date(2023, 2, 1))
    text = worklist_csv(all_work(db, ANALYST, today=TODAY))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(many) + 1
    assert all(r["flags"] == "overdue" and r["overdue_requests"] == "1" for r in rows)
    (evil,) = [r for r in rows if "HYPERLINK" in r["surname"]]
    assert evil["surname"].startswith("'=")


def test_a_bounded_count_stops_one_past_the_bound_and_the_pages_go_on(
    db: Session, many: list[Person]
) -> None:
    pages = -(-len(many) // 10)
    bounded = [
        worklist(db, ANALYST, today=TODAY, page=n, per_page=10, count_up_to=15)
        for n in range(1, pages + 2)
    ]
    assert [(p.total, p.more) for p in bounded] == [(16, True)] * (pages + 1)
    assert bounded[-1].items == [] and len(bounded[-2].items) == len(many) - 10 * (pages - 1)
    shown = [i.person.id for p in bounded for i in p.items]
    assert sorted(shown) == sorted(p.id for p in many)  # every case, past the count
    exact = worklist(db, ANALYST, today=TODAY, count_up_to=len(many))
    assert (exact.total, exact.more) == (len(many), False)
