"""Official statuses, requests to authorities and their answers, and source grades on the web."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient

from kintrace.web.cookies import COOKIE, csrf_token

Client = Callable[[str | None], TestClient]


def token(client: TestClient, page: str = "/sources") -> str:
    """The CSRF token a page's forms carry (the sources page, or the given page)."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(page).text)
    if found:
        return found.group(1)
    return csrf_token("test-secret", client.cookies.get(COOKIE))  # a page without forms


def first_person(client: TestClient) -> int:
    persons = client.get("/api/persons?per_page=200").json()["persons"]
    return int(min(p["id"] for p in persons))


def test_a_new_official_status_is_kept_beside_the_old_and_flags_disagreement(
    client_for: Client,
) -> None:
    desk = client_for("desk")
    pid = first_person(desk)
    before = desk.get(f"/api/persons/{pid}").json()
    form = {
        "csrf": token(desk, f"/persons/{pid}"),
        "status": "alive_serving",
        "since": date.today().isoformat(),
        "authority": "Ministry of Defence, letter 15/2231",
    }
    assert desk.post(f"/persons/{pid}/official", data=form).status_code == 303
    after = desk.get(f"/api/persons/{pid}").json()
    assert after["official"]["status"] == "alive_serving"
    assert len(after["official_history"]) == len(before["official_history"]) + 1
    if after["assessed"]["status"] != "alive_serving":
        assert "official_disagrees" in after["assessed"]["flags"]


def test_an_official_status_needs_an_authority_and_a_known_word(client_for: Client) -> None:
    desk = client_for("desk")
    pid = first_person(desk)
    base = {"csrf": token(desk, f"/persons/{pid}"), "since": "2026-01-01"}
    bad_word = desk.post(
        f"/persons/{pid}/official", data={**base, "status": "alive", "authority": "x"}
    )
    assert bad_word.status_code == 422 and "status" in bad_word.text
    no_authority = desk.post(
        f"/persons/{pid}/official", data={**base, "status": "missing", "authority": " "}
    )
    assert no_authority.status_code == 422 and "authority" in no_authority.text


def test_a_relative_may_not_record_an_official_status(client_for: Client) -> None:
    relative = client_for("relative")
    pid = first_person(relative)
    form = {"csrf": token(relative), "status": "missing", "since": "2026-01-01", "authority": "x"}
    assert relative.post(f"/persons/{pid}/official", data=form).status_code == 403


def test_a_late_answer_makes_the_case_overdue_until_it_comes(client_for: Client) -> None:
    analyst = client_for("analyst")
    pid = first_person(analyst)
    sent = date.today() - timedelta(days=60)
    form = {
        "csrf": token(analyst, f"/persons/{pid}"),
        "kind": "pow_list_inclusion",
        "authority": "Coordination headquarters",
        "sent_on": sent.isoformat(),
    }
    assert analyst.post(f"/persons/{pid}/authority-requests", data=form).status_code == 303
    case = analyst.get(f"/api/persons/{pid}").json()
    assert "overdue" in case["assessed"]["flags"]
    page = analyst.get(f"/persons/{pid}").text
    ids = re.findall(r'data-authority-request="(\d+)"', page)
    request_id = max(int(i) for i in ids)
    reply = {"csrf": token(analyst), "replied_on": date.today().isoformat(), "reply": "Added."}
    done = analyst.post(f"/authority-requests/{request_id}/reply", data=reply)
    assert done.status_code == 303
    again = analyst.post(f"/authority-requests/{request_id}/reply", data=reply)
    assert again.status_code == 422
    case = analyst.get(f"/api/persons/{pid}").json()
    late = [r for r in case["authority_requests"] if r["replied_on"] is None]
    assert all(date.fromisoformat(r["due_on"]) >= date.today() for r in late) or (
        "overdue" in case["assessed"]["flags"]
    )


def test_downgrading_a_source_recomputes_the_persons_it_reported_on(client_for: Client) -> None:
    analyst = client_for("analyst")
    page = analyst.get("/sources")
    assert page.status_code == 200
    source_id = int(re.findall(r'data-source="(\d+)"', page.text)[0])
    form = {"csrf": token(analyst), "reliability": "E"}
    assert analyst.post(f"/sources/{source_id}/reliability", data=form).status_code == 303
    assert 'value="E" selected' in analyst.get("/sources").text
    reset = {"csrf": token(analyst), "reliability": "default"}
    assert analyst.post(f"/sources/{source_id}/reliability", data=reset).status_code == 303
    assert 'value="default" selected' in analyst.get("/sources").text
    bad = {"csrf": token(analyst), "reliability": "Z"}
    assert analyst.post(f"/sources/{source_id}/reliability", data=bad).status_code == 422


def test_only_analysts_grade_sources(client_for: Client) -> None:
    for user in ["desk", "relative", "reviewer", "lab"]:
        assert client_for(user).get("/sources").status_code == 403
