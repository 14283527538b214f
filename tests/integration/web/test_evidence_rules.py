"""Who may withdraw a report, how a relative's report is graded, when a family sees a DNA result."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from kintrace.identification.service import case_of
from kintrace.instance import Instance
from kintrace.storage.db import transaction

Client = Callable[[str | None], TestClient]


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def own_person(relative: TestClient) -> int:
    (person,) = relative.get("/api/persons").json()["persons"]
    return int(person["id"])


def report(client: TestClient, pid: int, **fields: str) -> int:
    """Post a report; return the status code."""
    form = {"csrf": csrf(client, f"/persons/{pid}"), "observed_on": date.today().isoformat()}
    return client.post(f"/persons/{pid}/reports", data={**form, **fields}).status_code


def newest_report(client: TestClient, pid: int) -> dict:
    return max(client.get(f"/api/persons/{pid}").json()["reports"], key=lambda r: r["id"])


def test_a_relative_may_not_withdraw_an_a1_dna_identification(client_for: Client) -> None:
    relative, analyst = client_for("relative"), client_for("analyst")
    pid = own_person(relative)
    dna = {"source_type": "dna_laboratory", "source_name": "Central DNA laboratory",
           "claim": "identified", "credibility": "1", "text": "DNA identification"}  # fmt: skip
    assert report(analyst, pid, **dna) == 303
    target = newest_report(analyst, pid)
    assert target["grade"] == "A1"
    before = analyst.get(f"/api/persons/{pid}").json()["assessed"]["status"]
    withdraw = {"claim": "retraction", "retracts": str(target["id"]), "text": "not him"}
    assert report(relative, pid, **withdraw) == 403
    after = analyst.get(f"/api/persons/{pid}").json()
    assert after["assessed"]["status"] == before == "identified"
    assert all(r["retracts"] != target["id"] for r in after["reports"])


def test_a_retraction_needs_its_author_or_an_analyst_and_a_reason(client_for: Client) -> None:
    relative, desk, analyst = client_for("relative"), client_for("desk"), client_for("analyst")
    pid = own_person(relative)
    assert report(relative, pid, claim="wounded", text="a comrade called") == 303
    own = newest_report(relative, pid)["id"]
    no_reason = {"claim": "retraction", "retracts": str(own)}
    assert report(relative, pid, **no_reason) == 422
    assert report(relative, pid, **no_reason, text="I misheard") == 303
    assert newest_report(relative, pid)["retracts"] == own
    assert report(relative, pid, claim="wounded", text="again") == 303
    second = newest_report(relative, pid)["id"]
    staff = {"claim": "retraction", "source_type": "unit_commander", "credibility": "2"}
    if pid in {p["id"] for p in desk.get("/api/persons?per_page=200").json()["persons"]}:
        assert report(desk, pid, **staff, retracts=str(second), text="x") == 403
    assert report(analyst, pid, **staff, retracts=str(second), text="checked") == 303


def test_a_relative_does_not_grade_their_own_report(client_for: Client) -> None:
    relative, analyst = client_for("relative"), client_for("analyst")
    pid = own_person(relative)
    page = relative.get(f"/persons/{pid}").text
    assert 'name="credibility"' not in page and "confirmed by other sources" not in page
    claimed = {"claim": "returned", "source_type": "official_notification",
               "source_name": "Ministry of Defence", "text": "He is home."}  # fmt: skip
    assert report(relative, pid, **claimed, credibility="1") == 422  # a grade is refused
    before = analyst.get(f"/api/persons/{pid}").json()["assessed"]["status"]
    assert report(relative, pid, **claimed) == 303
    kept = newest_report(analyst, pid)
    assert kept["claim"] == "returned"
    assert kept["source_type"] == "relative" and kept["grade"] == "F6"
    assert kept["source"].startswith("relative: ")
    assert "Ministry of Defence" in kept["text"] and "official notification" in kept["text"]
    after = analyst.get(f"/api/persons/{pid}").json()["assessed"]
    assert after["status"] == before != "returned"  # kept and shown, but it moves nothing
    assert f'data-report="{kept["id"]}"' in relative.get(f"/persons/{pid}").text


def test_an_analyst_grades_the_relative_as_a_source(client_for: Client) -> None:
    relative, analyst = client_for("relative"), client_for("analyst")
    pid = own_person(relative)
    assert report(relative, pid, claim="captured_reported", text="seen on a video") == 303
    kept = newest_report(analyst, pid)
    rows = re.findall(r'data-source="(\d+)">\s*<td>([^<]*)</td>', analyst.get("/sources").text)
    (source_id,) = [i for i, name in rows if html.unescape(name) == kept["source"]]
    form = {"csrf": csrf(analyst, "/sources"), "reliability": "B"}
    assert analyst.post(f"/sources/{source_id}/reliability", data=form).status_code == 303
    row = analyst.get("/sources").text.split(f'data-source="{source_id}"')[1][:1500]
    assert 'value="B" selected' in row


def test_a_family_sees_an_identification_only_once_a_reviewer_confirmed_it(
    client_for: Client, demo_instance: Instance
) -> None:
    relative, lab, reviewer = client_for("relative"), client_for("lab"), client_for("reviewer")
    pid = own_person(relative)
    with transaction(demo_instance.sessions) as session:
        code = case_of(session, pid).code
    new_remains = {"csrf": csrf(lab, "/lab"), "collected_on": "2026-01-10"}
    assert lab.post("/lab/remains", data=new_remains).status_code == 303
    remains = re.findall(r'data-remains="(S-[A-Z0-9]{7})"', lab.get("/lab").text)[0]
    proposal = {"csrf": csrf(lab, "/lab"), "remains": remains, "missing": code,
                "lr": "2.5e9", "conclusion": "undisputed"}  # fmt: skip
    assert lab.post("/lab/proposals", data=proposal).status_code == 303
    page = relative.get(f"/persons/{pid}").text
    assert remains not in page and "2.5e+09" not in page
    assert remains in client_for("analyst").get(f"/persons/{pid}").text  # staff see it
    ident = max(int(i) for i in re.findall(r'data-identification="(\d+)"',
                                           reviewer.get("/reviews").text))  # fmt: skip
    token = csrf(reviewer, "/reviews")
    assert (
        reviewer.post(f"/reviews/{ident}", data={"csrf": token, "decision": "confirm"}).status_code
        == 303
    )
    assert remains in relative.get(f"/persons/{pid}").text
