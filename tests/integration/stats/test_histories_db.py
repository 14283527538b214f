"""Capture histories read from linked lists (both engines)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session
from tests.integration.stats.builders import a_list, a_person, a_region

from kintrace.errors import InvalidInput
from kintrace.stats.histories import Strata, available_lists, capture_histories


def _histories(table_counts: list[int]) -> dict[str, int]:
    """Name each history code of two or three lists by its 0/1 pattern."""
    k = 2 if len(table_counts) == 3 else 3
    return {
        "".join(str(code >> j & 1) for j in range(k)): n
        for code, n in enumerate(table_counts, start=1)
        if n
    }


def test_each_persons_set_of_lists_is_counted_once(db: Session) -> None:
    north, south = a_region(db, "N", "North"), a_region(db, "S", "South")
    p = [
        a_person(db, f"P{i}", region=north if i < 4 else south, last_information=day)
        for i, day in enumerate(
            [date(2023, 1, 5), date(2023, 1, 20), date(2023, 2, 1), None, date(2023, 4, 2)]
        )
    ]
    loose = a_person(db, "P5")  # on list A only through a pending link: not counted
    a = a_list(
        db, "A", [(p[0], "automatic"), (p[1], "confirmed"), (p[2], "automatic"), (loose, "pending")]
    )
    b = a_list(db, "B", [(p[0], "confirmed"), (p[3], "automatic"), (p[4], "rejected")])
    c = a_list(db, "C", [(p[0], "automatic"), (p[1], "automatic"), (p[4], "automatic")])

    lists, tables = capture_histories(db, [a.id, b.id, c.id])
    assert lists == ("A", "B", "C")
    assert list(tables) == [""]
    # p0 on A, B, C; p1 on A, C; p2 on A; p3 on B; p4 on C (B rejected)
    assert _histories(tables[""].counts.tolist()) == {
        "111": 1,
        "101": 1,
        "100": 1,
        "010": 1,
        "001": 1,
    }

    _, by_region = capture_histories(db, [a.id, c.id], Strata.REGION)
    assert {k: _histories(t.counts.tolist()) for k, t in by_region.items()} == {
        "North": {"11": 2, "10": 1},
        "South": {"01": 1},
    }
    _, by_month = capture_histories(db, [a.id, b.id], Strata.MONTH)
    assert {k: t.n_observed for k, t in by_month.items()} == {
        "2023-01": 2,
        "2023-02": 1,
        "unknown": 1,
    }
    _, by_quarter = capture_histories(db, [b.id, c.id], Strata.QUARTER)
    assert {k: t.n_observed for k, t in by_quarter.items()} == {
        "2023-Q1": 2,
        "2023-Q2": 1,
        "unknown": 1,
    }
    offered = {choice.name: choice.persons for choice in available_lists(db)}
    assert (offered["A"], offered["B"], offered["C"]) == (3, 2, 3)


def test_a_merged_persons_records_count_for_the_person_kept(db: Session) -> None:
    kept, duplicate, other = a_person(db, "K"), a_person(db, "D"), a_person(db, "O")
    a = a_list(db, "MA", [(kept, "automatic"), (other, "automatic")])
    b = a_list(db, "MB", [(duplicate, "confirmed")])
    _, before = capture_histories(db, [a.id, b.id])
    assert _histories(before[""].counts.tolist()) == {"10": 2, "01": 1}
    duplicate.merged_into_id = kept.id
    db.flush()
    _, after = capture_histories(db, [a.id, b.id])
    assert _histories(after[""].counts.tolist()) == {"11": 1, "10": 1}


def test_the_choice_of_lists_is_checked(db: Session) -> None:
    person = a_person(db, "Q")
    a = a_list(db, "QA", [(person, "automatic")])
    with pytest.raises(InvalidInput, match="from 2 to 5"):
        capture_histories(db, [a.id])
    with pytest.raises(InvalidInput, match="twice"):
        capture_histories(db, [a.id, a.id])
    with pytest.raises(InvalidInput, match="does not exist"):
        capture_histories(db, [a.id, a.id + 1000])
