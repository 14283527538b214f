"""The laboratory works on codes; a second reviewer confirms; the family sees the result."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def test_the_lab_page_shows_codes_and_no_names(client_for: Client) -> None:
    lab = client_for("lab")
    page = lab.get("/lab")
    assert page.status_code == 200
    assert re.search(r'data-case="M-[A-Z0-9]{7}"', page.text)
    names = [
        p["surname"]
        for p in client_for("analyst").get("/api/persons?per_page=200").json()["persons"]
    ]
    assert not any(name in page.text for name in names)
    assert lab.get("/api/persons").status_code == 403


def test_only_the_lab_and_administrators_open_the_lab(client_for: Client) -> None:
    for user in ["analyst", "desk", "relative", "reviewer"]:
        assert client_for(user).get("/lab").status_code == 403


def test_a_proposal_is_confirmed_by_a_reviewer_and_never_by_the_lab(client_for: Client) -> None:
    lab, reviewer = client_for("lab"), client_for("reviewer")
    lab_page = lab.get("/lab").text
    case = re.findall(r'data-case="(M-[A-Z0-9]{7})"', lab_page)[-1]
    remains_form = {"csrf": csrf(lab, "/lab"), "collected_on": "2026-10-01"}
    assert lab.post("/lab/remains", data=remains_form).status_code == 303
    remains = re.findall(r'data-remains="(S-[A-Z0-9]{7})"', lab.get("/lab").text)[0]
    result = {
        "pairwise_lr": {"remains": [remains], "missing": [case], "lr": [[5.0e7]]},
        "undisputed": [{"remains": remains, "missing": case, "family": "F", "lr": 5.0e7}],
        "joint": [{"assignment": {remains: case}, "loglik": -3.0, "lr": 5.0e7, "posterior": 1.0}],
        "identifications": [
            {"family": "F", "missing": case, "remains": remains, "lr": 5.0e7,
             "conclusion": "undisputed"}
        ],
    }  # fmt: skip
    upload = lab.post(
        "/lab/dvi",
        data={"csrf": csrf(lab, "/lab")},
        files={"result": ("out.json", json.dumps(result), "application/json")},
    )
    assert upload.status_code == 303, upload.text
    queue = reviewer.get("/reviews").text
    ident = re.findall(r'data-identification="(\d+)"', queue)
    assert ident
    target = max(int(i) for i in ident)
    assert (
        lab.post(
            f"/reviews/{target}", data={"csrf": csrf(lab, "/lab"), "decision": "confirm"}
        ).status_code
        == 403
    )
    token = csrf(reviewer, "/reviews")
    done = reviewer.post(f"/reviews/{target}", data={"csrf": token, "decision": "confirm"})
    assert done.status_code == 303
    assert f'data-identification="{target}"' not in reviewer.get("/reviews").text


def test_a_bad_upload_is_one_clear_error(client_for: Client) -> None:
    lab = client_for("lab")
    bad = lab.post(
        "/lab/dvi",
        data={"csrf": csrf(lab, "/lab")},
        files={"result": ("notes.json", "{oops", "application/json")},
    )
    assert bad.status_code == 422
    assert "notes.json" in bad.text


def test_the_family_sees_who_gave_samples_and_what_would_help(client_for: Client) -> None:
    analyst = client_for("analyst")
    persons = analyst.get("/api/persons?per_page=200").json()["persons"]
    pid = persons[0]["id"]
    form = {
        "csrf": csrf(analyst, f"/persons/{pid}"),
        "relationship": "sister",
        "collected_on": "2026-05-02",
    }
    # no sister asked for him: no consent to the DNA laboratory on record, nothing written
    refused = analyst.post(f"/persons/{pid}/samples", data=form)
    assert refused.status_code == 409 and "consent" in refused.text
    walk_in = {"csrf": form["csrf"], "surname": "x", "relationship": "sister",
               "inquirer_name": "Сестра", "consent": "dna_laboratory",
               "person": str(pid)}  # fmt: skip
    assert analyst.post("/requests/new", data=walk_in).status_code == 303
    assert analyst.post(f"/persons/{pid}/samples", data=form).status_code == 303
    page = analyst.get(f"/persons/{pid}").text
    assert "Reference samples given" in page and "sister" in page
    assert "would add most" in page or "strong reference" in page
    bad = {**form, "relationship": "neighbour"}
    assert analyst.post(f"/persons/{pid}/samples", data=bad).status_code == 422
