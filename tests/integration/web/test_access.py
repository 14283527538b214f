"""Access is checked on the server for every page and API route, per role."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from kintrace.web.cookies import COOKIE, csrf_token

Client = Callable[[str | None], TestClient]


def person_ids(client: TestClient) -> set[int]:
    response = client.get("/api/persons", params={"per_page": 200})
    assert response.status_code == 200, response.text
    return {p["id"] for p in response.json()["persons"]}


@pytest.mark.parametrize("path", ["/cases", "/worklist", "/persons/1"])
def test_signed_out_visitors_are_sent_to_the_sign_in_page(client_for: Client, path: str) -> None:
    response = client_for(None).get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_signed_out_api_calls_get_a_json_error(client_for: Client) -> None:
    response = client_for(None).get("/api/persons")
    assert response.status_code == 401
    assert "error" in response.json()


def test_a_wrong_password_is_refused(client_for: Client) -> None:
    client = client_for(None)
    response = client.post("/login", data={"username": "analyst", "password": "wrong"})
    assert response.status_code == 401
    assert COOKIE not in response.cookies


def test_an_analyst_sees_every_case_and_a_desk_only_its_region(client_for: Client) -> None:
    everyone = person_ids(client_for("analyst"))
    desk = client_for("desk")
    own = person_ids(desk)
    assert len(everyone) == 40
    assert own and own < everyone
    regions = {p["region"] for p in desk.get("/api/persons?per_page=200").json()["persons"]}
    assert len(regions) == 1
    stranger = min(everyone - own)
    assert desk.get(f"/api/persons/{stranger}").status_code == 404
    assert desk.get(f"/persons/{stranger}").status_code == 404


def test_a_relative_sees_only_the_persons_they_asked_about(client_for: Client) -> None:
    relative = client_for("relative")
    own = person_ids(relative)
    assert len(own) == 1
    (mine,) = own
    assert relative.get(f"/api/persons/{mine}").status_code == 200
    other = min(person_ids(client_for("analyst")) - own)
    response = relative.get(f"/api/persons/{other}")
    assert response.status_code == 404
    assert "surname" not in response.text


def test_the_dna_lab_sees_no_names(client_for: Client) -> None:
    lab = client_for("lab")
    assert lab.get("/api/persons").status_code == 403
    assert lab.get("/cases").status_code == 403
    assert lab.get("/persons/1").status_code == 403


def test_a_missing_person_is_a_404_in_json_and_html(client_for: Client) -> None:
    analyst = client_for("analyst")
    api = analyst.get("/api/persons/999999")
    assert api.status_code == 404
    assert api.json()["error"]
    page = analyst.get("/persons/999999")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]


def test_public_figures_hide_small_counts(client_for: Client) -> None:
    figures = client_for(None).get("/api/stats").json()
    assert figures["persons"] == "40"
    counts = list(figures["by_region"].values()) + list(figures["by_status"].values())
    assert all(c == "x" or int(c) == 0 or int(c) >= 5 for c in counts)


def test_the_case_list_searches_across_scripts(client_for: Client) -> None:
    analyst = client_for("analyst")
    first = analyst.get("/api/persons?per_page=1").json()["persons"][0]
    found = analyst.get("/api/persons", params={"q": first["surname"].upper()}).json()
    assert first["id"] in {p["id"] for p in found["persons"]}
    page = analyst.get("/cases", params={"q": first["surname"]})
    assert page.status_code == 200
    assert first["surname"] in page.text


def test_a_new_report_is_kept_and_recomputes_the_status(client_for: Client) -> None:
    analyst = client_for("analyst")
    pid = min(person_ids(analyst))
    before = analyst.get(f"/api/persons/{pid}").json()
    page = analyst.get(f"/persons/{pid}")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token, "the report form carries a CSRF token"
    form = {
        "csrf": token.group(1),
        "source_type": "dna_laboratory",
        "source_name": "Central DNA laboratory",
        "claim": "identified",
        "observed_on": "2026-11-02",
        "credibility": "1",
        "text": "DNA identification confirmed",
    }
    response = analyst.post(f"/persons/{pid}/reports", data=form)
    assert response.status_code == 303, response.text
    after = analyst.get(f"/api/persons/{pid}").json()
    assert len(after["reports"]) == len(before["reports"]) + 1
    assert after["assessed"]["status"] == "identified"
    kept = {r["id"] for r in after["reports"]}
    assert {r["id"] for r in before["reports"]} <= kept


def test_a_form_without_its_csrf_token_is_refused(client_for: Client) -> None:
    analyst = client_for("analyst")
    pid = min(person_ids(analyst))
    form = {
        "csrf": "forged",
        "source_type": "comrade",
        "source_name": "x",
        "claim": "alive_serving",
        "observed_on": "2026-11-02",
        "credibility": "3",
    }
    assert analyst.post(f"/persons/{pid}/reports", data=form).status_code == 403


def test_a_reviewer_may_not_record_reports(client_for: Client) -> None:
    reviewer = client_for("reviewer")
    pid = min(person_ids(reviewer))
    page = reviewer.get(f"/persons/{pid}").text
    assert f'action="/persons/{pid}/reports"' not in page  # no form is offered
    assert 'name="claim"' not in page
    cookie = reviewer.cookies.get(COOKIE)
    form = {
        "csrf": csrf_token("test-secret", cookie),  # a valid token: the role alone is refused
        "source_type": "comrade",
        "source_name": "x",
        "claim": "alive_serving",
        "observed_on": "2026-11-02",
        "credibility": "3",
    }
    assert reviewer.post(f"/persons/{pid}/reports", data=form).status_code == 403


@pytest.mark.parametrize("user", ["analyst", "desk", "relative", "reviewer", "admin"])
def test_every_page_renders_for_every_role_that_may_see_it(client_for: Client, user: str) -> None:
    client = client_for(user)
    pid = min(person_ids(client))
    for path in ["/cases", f"/persons/{pid}", "/stats"]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert "<html" in response.text


@pytest.mark.parametrize("user", ["analyst", "desk", "reviewer", "admin"])
def test_the_worklist_renders_and_filters(client_for: Client, user: str) -> None:
    client = client_for(user)
    assert client.get("/worklist").status_code == 200
    filtered = client.get("/worklist", params={"flag": "official_disagrees", "region": ""})
    assert filtered.status_code == 200
    assert client.get("/worklist", params={"flag": "nonsense"}).status_code == 422


def test_a_relative_has_no_worklist(client_for: Client) -> None:
    assert client_for("relative").get("/worklist").status_code == 403


def test_a_malformed_query_is_a_page_not_raw_json(client_for: Client) -> None:
    response = client_for("analyst").get("/cases", params={"page": "zero"})
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert "page" in response.text


def test_the_api_reference_is_served_locally(client_for: Client) -> None:
    client = client_for(None)
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/persons" in page.text and "PersonDetail" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/api/openapi.json").json()["paths"]
