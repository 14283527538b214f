"""The clocks: calendar months, the court date, overdue answers."""

from __future__ import annotations

from datetime import date

import pytest

from kintrace.reconciliation.clocks import ClockPolicy, add_months, is_overdue, run_clocks
from kintrace.reconciliation.model import AuthorityRequest
from kintrace.reports.model import Status


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2022, 9, 18), 6, date(2023, 3, 18)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 12, 1), 1, date(2023, 1, 1)),
        (date(2022, 1, 15), 24, date(2024, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_no_court_date_for_a_confirmed_prisoner_or_an_identified_man():
    last = date(2022, 11, 30)
    for status in (Status.CAPTURED_CONFIRMED, Status.IDENTIFIED, Status.RETURNED):
        assert run_clocks(last, status, (), date(2023, 9, 1), ClockPolicy()).court_date is None


def test_an_answer_is_overdue_only_while_it_is_missing_past_its_due_date():
    request = AuthorityRequest("q1", "ministry", date(2023, 1, 1), date(2023, 2, 1))

    assert not is_overdue(request, date(2023, 2, 1))
    assert is_overdue(request, date(2023, 2, 2))
    answered = AuthorityRequest(
        "q1", "ministry", date(2023, 1, 1), date(2023, 2, 1), date(2023, 3, 1)
    )
    assert not is_overdue(answered, date(2023, 4, 1))
