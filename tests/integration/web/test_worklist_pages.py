"""The worklist page: the whole count, a range, pages, orders, filters and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from kintrace.web.routes import pages

Client = Callable[[str | None], TestClient]


def test_the_page_says_which_cases_of_how_many(client_for: Client) -> None:
    analyst = client_for("analyst")
    page = analyst.get("/worklist", params={"sort": "name"})
    assert page.status_code == 200
    export = analyst.get("/worklist.csv", params={"sort": "name"})
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert rows, "the demo has cases that need work"
    assert f"1–{min(50, len(rows))} of {len(rows)}" in page.text
    assert [r["surname"] for r in rows] == sorted(r["surname"] for r in rows)
    for row in rows[:50]:
        assert f'href="/persons/{row["person_id"]}"' in page.text


def test_a_second_page_and_filters_keep_the_query(client_for: Client) -> None:
    analyst = client_for("analyst")
    rows = list(csv.DictReader(io.StringIO(analyst.get("/worklist.csv").text)))
    flagged = [r for r in rows if "overdue" in r["flags"].split()]
    export = analyst.get("/worklist.csv", params={"flag": "overdue"})
    assert len(list(csv.DictReader(io.StringIO(export.text)))) == len(flagged)
    far = analyst.get("/worklist", params={"page": 99})
    assert far.status_code == 200
    assert "Nothing needs work here now." in far.text


def test_bad_orders_and_filters_are_refused(client_for: Client) -> None:
    analyst = client_for("analyst")
    for params in ({"sort": "nonsense"}, {"status": "nonsense"}, {"flag": "stale"}):
        assert analyst.get("/worklist", params=params).status_code == 422
        assert analyst.get("/worklist.csv", params=params).status_code == 422


def test_a_relative_gets_no_export(client_for: Client) -> None:
    assert client_for("relative").get("/worklist.csv").status_code == 403
    assert client_for(None).get("/worklist.csv").status_code in (303, 401)


def test_past_the_counted_bound_the_pages_say_more_and_go_on(
    client_for: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyst = client_for("analyst")
    rows = list(csv.DictReader(io.StringIO(analyst.get("/worklist.csv").text)))
    assert len(rows) > 3, "the demo has more cases that need work than the bound below"
    monkeypatch.setattr(pages, "WORKLIST_COUNTED", 2)
    monkeypatch.setattr(pages, "SEARCH_COUNTED", 2)
    worklist = analyst.get("/worklist", params={"sort": "name"})
    assert worklist.status_code == 200
    assert "more than 2" in worklist.text
    assert f"1–{min(50, len(rows))} of more than 2" in worklist.text
    cases = analyst.get("/cases")
    assert cases.status_code == 200
    assert "more than 2" in cases.text
    assert "More than 2 cases answer." not in cases.text  # no words: the whole list's order
    search = analyst.get("/cases", params={"q": "a"})  # a letter: more than two answer
    assert search.status_code == 200
    assert "More than 2 cases answer." in search.text
    assert search.text.count('class="case" data-person') == 2
    russian = analyst.get("/worklist", headers={"Accept-Language": "ru"})
    assert "более 2" in russian.text
