"""An analyst grades a relative's report on the person page; nobody else may (issue 15)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def any_csrf(client: TestClient, pid: int) -> str:
    """The session's CSRF token, from the first page of this role that carries a form."""
    for path in (f"/persons/{pid}", "/reviews", "/sources", "/account"):
        found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
        if found:
            return found.group(1)
    raise AssertionError("no page with a form")


def own_person(relative: TestClient) -> int:
    (person,) = relative.get("/api/persons").json()["persons"]
    return int(person["id"])


def relatives_report(relative: TestClient, analyst: TestClient, pid: int) -> dict:
    form = {"csrf": csrf(relative, f"/persons/{pid}"), "observed_on": date.today().isoformat(),
            "claim": "returned", "text": "He called me: he is home."}  # fmt: skip
    assert relative.post(f"/persons/{pid}/reports", data=form).status_code == 303
    return max(analyst.get(f"/api/persons/{pid}").json()["reports"], key=lambda r: r["id"])


def grade(client: TestClient, pid: int, report_id: int, **fields: str) -> int:
    form = {"csrf": csrf(client, f"/persons/{pid}"), **fields}
    return client.post(f"/reports/{report_id}/grade", data=form).status_code


def test_an_analyst_grades_a_relatives_report_and_the_page_keeps_the_history(
    client_for: Client,
) -> None:
    relative, analyst = client_for("relative"), client_for("analyst")
    pid = own_person(relative)
    kept = relatives_report(relative, analyst, pid)
    assert kept["grade"] == "F6"
    action = f'action="/reports/{kept["id"]}/grade"'
    assert action in analyst.get(f"/persons/{pid}").text
    assert action not in relative.get(f"/persons/{pid}").text

    assert grade(analyst, pid, kept["id"], credibility="2", reason=" ") == 422
    assert grade(analyst, pid, kept["id"], credibility="①", reason="seen") == 422
    form = {"csrf": "forged", "credibility": "2", "reason": "seen"}
    assert analyst.post(f"/reports/{kept['id']}/grade", data=form).status_code == 403

    response = analyst.post(
        f"/reports/{kept['id']}/grade",
        data={
            "csrf": csrf(analyst, f"/persons/{pid}"),
            "credibility": "2",
            "reason": "His unit confirmed the exchange.",
        },  # fmt: skip
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/persons/{pid}#reports"
    detail = analyst.get(f"/api/persons/{pid}").json()
    graded = next(r for r in detail["reports"] if r["id"] == kept["id"])
    assert graded["grade"] == "F2"
    # recomputed in the same request: F2 is credible, so the report takes a side now
    assessed = detail["assessed"]
    assert kept["id"] in assessed["supporting"] + assessed.get("contradicting", [])

    staff_page = analyst.get(f"/persons/{pid}").text
    history = staff_page.split(f'data-grades="{kept["id"]}"')[1].split("</details>")[0]
    assert "6 → 2 (probably true)" in history
    assert "His unit confirmed the exchange." in history
    family_page = relative.get(f"/persons/{pid}").text
    family_history = family_page.split(f'data-grades="{kept["id"]}"')[1].split("</details>")[0]
    assert "an analyst: 6 → 2" in family_history
    assert "His unit confirmed the exchange." in family_history


def test_a_relative_a_desk_and_a_reviewer_may_not_grade(client_for: Client) -> None:
    relative, analyst = client_for("relative"), client_for("analyst")
    pid = own_person(relative)
    kept = relatives_report(relative, analyst, pid)
    fields = {"credibility": "1", "reason": "I know it is true"}
    assert grade(relative, pid, kept["id"], **fields) == 403  # not even their own report
    for name in ("desk", "reviewer"):
        other = client_for(name)
        token = any_csrf(other, pid)
        answer = other.post(f"/reports/{kept['id']}/grade", data={"csrf": token, **fields})
        assert answer.status_code in (403, 404)
    after = analyst.get(f"/api/persons/{pid}").json()
    assert next(r for r in after["reports"] if r["id"] == kept["id"])["grade"] == "F6"
    assert f'data-grades="{kept["id"]}"' not in analyst.get(f"/persons/{pid}").text
