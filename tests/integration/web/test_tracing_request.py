"""The guided tracing request: it looks for him first, then files the request and its reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]


def token(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/requests/new").text)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def form(client: TestClient, **values: str) -> dict[str, Any]:
    return {
        "csrf": token(client),
        "relationship": "mother",
        "inquirer_name": "Марія Стасів",
        "last_contact_on": "2024-02-20",
        "last_contact_how": "a telephone call",
        "last_contact_said": "we are moving to the front",
        "told_claim": "dead_unrecovered",
        "told_on": "2024-03-01",
        "told_by_type": "official_notification",
        "told_by_name": "the enlistment office",
        "told_text": "burned in a vehicle",
        **values,
    }


def test_a_desk_finds_the_recorded_person_across_scripts_and_joins_his_case(
    client_for: Client,
) -> None:
    desk = client_for("desk")
    recorded = desk.get("/api/persons", params={"per_page": 1}).json()["persons"][0]
    pid = recorded["id"]
    before = desk.get(f"/api/persons/{pid}").json()
    latin = recorded["surname"].upper()  # as a family might type it, in capitals
    page = desk.post("/requests/new", data=form(desk, surname=latin,
                                                 given_name=recorded["given_name"]))  # fmt: skip
    assert page.status_code == 200, page.text[:500]
    assert f'data-person="{pid}"' in page.text
    assert 'name="person" value="new"' in page.text
    filed = desk.post(
        "/requests/new",
        data=form(desk, surname=latin, given_name=recorded["given_name"], person=str(pid)),
    )
    assert filed.status_code == 303, filed.text[:500]
    assert filed.headers["location"] == f"/persons/{pid}"
    after = desk.get(f"/api/persons/{pid}").json()
    assert after["requests"] == before["requests"] + 1
    new_reports = [
        r for r in after["reports"] if r["id"] not in {b["id"] for b in before["reports"]}
    ]
    assert {r["claim"] for r in new_reports} == {"alive_serving", "dead_unrecovered"}
    assert all(r["grade"] == "F6" for r in new_reports)  # the relative's, ungraded
    assert all(r["source_type"] == "relative" for r in new_reports)


def test_a_relative_opens_a_new_case_and_sees_no_other_familys_case(client_for: Client) -> None:
    relative = client_for("relative")
    analyst = client_for("analyst")
    mine = {p["id"] for p in relative.get("/api/persons").json()["persons"]}
    others = [
        p for p in analyst.get("/api/persons", params={"per_page": 200}).json()["persons"]
        if p["id"] not in mine
    ]  # fmt: skip
    stranger = others[0]
    asked = form(relative, surname=stranger["surname"], given_name=stranger["given_name"])
    page = relative.post("/requests/new", data=asked)
    assert page.status_code == 200
    assert f'data-person="{stranger["id"]}"' not in page.text  # joining would open his case
    new = form(relative, surname="Стасів", given_name="Микола", person="new")
    filed = relative.post("/requests/new", data=new)
    assert filed.status_code == 303, filed.text[:500]
    new_id = int(filed.headers["location"].rsplit("/", 1)[1])
    assert new_id not in mine
    case = relative.get(f"/api/persons/{new_id}").json()
    assert case["surname"] == "Стасів"
    assert {r["claim"] for r in case["reports"]} == {"alive_serving", "dead_unrecovered"}
    assert all(r["grade"] == "F6" and r["source_type"] == "relative" for r in case["reports"])
    found = analyst.get("/api/persons", params={"q": "STASIV"}).json()["persons"]
    assert new_id in {p["id"] for p in found}
    # a second relative request for him finds him now: her own case
    again = relative.post("/requests/new", data=form(relative, surname="Stasiv",
                                                      given_name="Mykola"))  # fmt: skip
    assert f'data-person="{new_id}"' in again.text


def test_the_form_refuses_what_it_cannot_read(client_for: Client) -> None:
    desk = client_for("desk")
    no_name = desk.post("/requests/new", data=form(desk, surname=""))
    assert no_name.status_code == 422
    bad_age = desk.post("/requests/new", data=form(desk, surname="Petrov", age="7"))
    assert bad_age.status_code == 422
    future = desk.post("/requests/new", data=form(desk, surname="Petrov", told_on="2999-01-01"))
    assert future.status_code == 422
    bad_choice = desk.post("/requests/new", data=form(desk, surname="Petrov", told_claim="x"))
    assert bad_choice.status_code == 422


def test_the_lab_and_reviewers_file_no_requests(client_for: Client) -> None:
    for user in ("lab", "reviewer"):
        assert client_for(user).get("/requests/new").status_code == 403


def test_a_desk_corrects_a_name_the_history_keeps_it_and_search_follows(
    client_for: Client,
) -> None:
    desk = client_for("desk")
    pid = desk.get("/api/persons", params={"per_page": 1}).json()["persons"][0]["id"]
    page = desk.get(f"/persons/{pid}/edit")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    old = desk.get(f"/api/persons/{pid}").json()
    fixed = desk.post(
        f"/persons/{pid}/edit",
        data={
            "csrf": found.group(1),
            "surname": "Стасів",
            "given_name": old["given_name"],
            "patronymic": old["patronymic"],
            "birth": "1998",
            "reason": "his mother corrected the spelling",
        },
    )
    assert fixed.status_code == 303, fixed.text[:300]
    assert desk.get(f"/api/persons/{pid}").json()["surname"] == "Стасів"
    history = desk.get(f"/persons/{pid}/edit").text
    assert "his mother corrected the spelling" in history
    assert f"{old['surname']} → Стасів" in history
    found_again = desk.get("/api/persons", params={"q": "stasiv"}).json()["persons"]
    assert pid in {p["id"] for p in found_again}
    missing_reason = desk.post(
        f"/persons/{pid}/edit", data={"csrf": found.group(1), "surname": "X", "reason": ""}
    )
    assert missing_reason.status_code == 422


def test_a_relative_corrects_nothing(client_for: Client) -> None:
    relative = client_for("relative")
    mine = min(p["id"] for p in relative.get("/api/persons").json()["persons"])
    assert relative.get(f"/persons/{mine}/edit").status_code == 403
