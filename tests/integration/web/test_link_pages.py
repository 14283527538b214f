"""The record-linkage review queue and merges on the web."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from fastapi.testclient import TestClient

from kintrace.instance import Instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import LinkCandidate

Client = Callable[[str | None], TestClient]


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def ids(client: TestClient) -> list[int]:
    return sorted(p["id"] for p in client.get("/api/persons?per_page=200").json()["persons"])


def a_pending_pair(
    instance: Instance, first: int, second: int, probability: float, evidence: dict[str, str]
) -> int:
    """Store two persons as a candidate duplicate waiting for review; return its id."""
    with transaction(instance.sessions) as session:
        candidate = LinkCandidate(
            person_id=first, other_person_id=second, probability=probability, evidence=evidence,
            state="pending", run="test", created_at=datetime.now(),
        )  # fmt: skip
        session.add(candidate)
        session.flush()
        return candidate.id


def test_a_duplicate_confirmed_in_the_queue_is_merged_and_can_be_undone(
    client_for: Client, demo_instance: Instance
) -> None:
    analyst = client_for("analyst")
    first, second = ids(analyst)[-2:]
    candidate_id = a_pending_pair(demo_instance, first, second, 0.8, {"surname": "exact"})
    queue = analyst.get("/links")
    assert queue.status_code == 200 and f'data-candidate="{candidate_id}"' in queue.text
    reports_before = len(analyst.get(f"/api/persons/{first}").json()["reports"])
    reports_other = len(analyst.get(f"/api/persons/{second}").json()["reports"])
    form = {"csrf": csrf(analyst, "/links"), "decision": "confirm"}
    assert analyst.post(f"/links/{candidate_id}", data=form).status_code == 303
    assert second not in ids(analyst)
    merged = analyst.get(f"/api/persons/{first}").json()
    assert len(merged["reports"]) == reports_before + reports_other
    assert analyst.get(f"/persons/{second}").headers["location"] == f"/persons/{first}"
    page = analyst.get(f"/persons/{first}").text
    merge_id = re.findall(r'data-merge="(\d+)"', page)[0]
    token = csrf(analyst, f"/persons/{first}")
    assert analyst.post(f"/merges/{merge_id}/undo", data={"csrf": token}).status_code == 303
    assert second in ids(analyst)
    assert len(analyst.get(f"/api/persons/{first}").json()["reports"]) == reports_before


def test_only_analysts_review_linkage(client_for: Client) -> None:
    for user in ["desk", "relative", "reviewer", "lab"]:
        assert client_for(user).get("/links").status_code == 403


def test_a_merge_needs_a_reason(client_for: Client) -> None:
    analyst = client_for("analyst")
    first, second = ids(analyst)[:2]
    form = {"csrf": csrf(analyst, f"/persons/{first}"), "duplicate": str(second), "reason": " "}
    response = analyst.post(f"/persons/{first}/merge", data=form)
    assert response.status_code == 422 and "reason" in response.text


def test_the_queue_shows_a_pair_s_probability_on_its_own_when_rivals_lowered_it(
    client_for: Client, demo_instance: Instance
) -> None:
    analyst = client_for("analyst")
    first, second = ids(analyst)[-2:]
    evidence = {"surname": "exact", "pairwise_probability": "0.6000"}
    candidate_id = a_pending_pair(demo_instance, first, second, 0.375, evidence)
    page = analyst.get("/links").text
    card = page[page.index(f'data-candidate="{candidate_id}"') :]
    card = card[: card.index("</li>")]
    assert "Match probability 37.5%" in card
    assert "60.0% on its own; less given the other candidates" in card
    assert "pairwise probability" not in card  # not shown as a field's level
    assert "surname: exact" in card
