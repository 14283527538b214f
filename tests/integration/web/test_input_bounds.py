"""Bad input is a 4xx page or JSON error with the security headers, never a 500."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from kintrace.instance import Instance
from kintrace.web.app import create_app

Client = Callable[[str | None], TestClient]
HUGE = "99999999999999999999"
PG_OVERFLOW = str(2**31)  # one past PostgreSQL's Integer


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def first_person(client: TestClient) -> int:
    return int(min(p["id"] for p in client.get("/api/persons?per_page=200").json()["persons"]))


def assert_clean_refusal(response, codes=(404, 422)) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in codes, (response.status_code, response.text[:300])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    "path",
    [
        f"/persons/{HUGE}",
        f"/persons/{PG_OVERFLOW}",
        "/persons/0",
        f"/api/persons/{HUGE}",
        f"/cases?page={HUGE}",
        "/cases?region=①",
        f"/cases?region={HUGE}",
        "/cases?status=nonsense",
        "/cases?flag=%25",
        f"/api/persons?page={HUGE}",
        f"/api/persons?region={HUGE}",
        "/api/persons?status=%25",
        f"/worklist?region={HUGE}",
        "/worklist?region=①",
        f"/identifications/{HUGE}/report.pdf",
    ],
)
def test_out_of_range_ids_and_words_are_refused_cleanly(client_for: Client, path: str) -> None:
    client = client_for("admin")
    assert_clean_refusal(client.get(path))


def test_bad_form_values_are_refused_cleanly(client_for: Client) -> None:
    analyst = client_for("analyst")
    pid = first_person(analyst)
    token = csrf(analyst, f"/persons/{pid}")
    report = {"csrf": token, "source_type": "comrade", "claim": "retraction", "credibility": "3",
              "observed_on": date.today().isoformat(), "text": "wrong man"}  # fmt: skip
    for retracts in ["abc", HUGE, "①", "-1", "0"]:
        response = analyst.post(f"/persons/{pid}/reports", data={**report, "retracts": retracts})
        assert_clean_refusal(response, (422,))
    for credibility in ["9", "x", HUGE]:
        bad = {**report, "claim": "missing", "credibility": credibility}
        assert_clean_refusal(analyst.post(f"/persons/{pid}/reports", data=bad), (422,))
    for sent_on in ["9999-12-31", "0001-01-01", (date.today() + timedelta(days=3)).isoformat()]:
        ask = {"csrf": token, "kind": "dna_test", "authority": "Ministry", "sent_on": sent_on}
        response = analyst.post(f"/persons/{pid}/authority-requests", data=ask)
        assert_clean_refusal(response, (422,))
    for since in ["0001-01-01", "9999-12-31"]:
        official = {"csrf": token, "status": "missing", "since": since, "authority": "Ministry"}
        assert_clean_refusal(analyst.post(f"/persons/{pid}/official", data=official), (422,))
    grade = {"csrf": token, "reliability": "A"}
    assert_clean_refusal(analyst.post(f"/sources/{HUGE}/reliability", data=grade))
    merge = {"csrf": token, "duplicate": HUGE, "reason": "same man"}
    assert_clean_refusal(analyst.post(f"/persons/{pid}/merge", data=merge))
    assert_clean_refusal(analyst.post(f"/links/{HUGE}", data={"csrf": token, "decision": "x"}))


def test_impossible_dates_are_not_stored(client_for: Client) -> None:
    analyst = client_for("analyst")
    pid = first_person(analyst)
    token = csrf(analyst, f"/persons/{pid}")
    report = {"csrf": token, "source_type": "comrade", "claim": "wounded", "credibility": "3",
              "observed_on": "0001-01-01"}  # fmt: skip
    assert analyst.post(f"/persons/{pid}/reports", data=report).status_code == 422
    sent = (date.today() - timedelta(days=10)).isoformat()
    ask = {"csrf": token, "kind": "dna_test", "authority": "Ministry", "sent_on": sent}
    assert analyst.post(f"/persons/{pid}/authority-requests", data=ask).status_code == 303
    ids = re.findall(r'data-authority-request="(\d+)"', analyst.get(f"/persons/{pid}").text)
    newest = max(int(i) for i in ids)
    early = {"csrf": token, "replied_on": "2000-01-01", "reply": "no"}
    assert analyst.post(f"/authority-requests/{newest}/reply", data=early).status_code == 422
    case = analyst.get(f"/api/persons/{pid}").json()
    assert all(r["observed_on"] >= "1900-01-01" for r in case["reports"])
    assert all(s["since"] is None or s["since"] >= "1900" for s in case["official_history"])


def test_search_wildcards_match_themselves(client_for: Client) -> None:
    analyst = client_for("analyst")
    everyone = analyst.get("/api/persons?per_page=200").json()["total"]
    assert everyone > 0
    for text in ["%", "_", "%%", "_%_"]:
        found = analyst.get("/api/persons", params={"q": text}).json()
        assert found["total"] == 0, text  # no surname, number or unit holds % or _
        assert analyst.get("/cases", params={"q": text}).status_code == 200


def test_no_answer_tells_whether_a_person_exists(client_for: Client) -> None:
    relative = client_for("relative")
    (mine,) = {p["id"] for p in relative.get("/api/persons").json()["persons"]}
    other = min(
        p["id"]
        for p in client_for("analyst").get("/api/persons?per_page=200").json()["persons"]
        if p["id"] != mine
    )
    for path in ["/api/persons/{}", "/persons/{}"]:
        hidden = relative.get(path.format(other))
        missing = relative.get(path.format(2**31 - 1))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.text.replace(str(other), "N") == missing.text.replace(str(2**31 - 1), "N")


def test_an_unexpected_error_is_a_500_page_with_the_security_headers(
    demo_instance: Instance,
) -> None:
    app = create_app(demo_instance)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("Петров Александр: secret detail")

    @app.get("/api/boom")
    def api_boom() -> None:
        raise RuntimeError("Петров Александр: secret detail")

    with TestClient(app) as client:
        page = client.get("/boom")
        api = client.get("/api/boom")
    for response in (page, api):
        assert response.status_code == 500
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Петров" not in response.text and "secret" not in response.text
    assert "text/html" in page.headers["content-type"]
    assert api.json()["error"] == "ServerError"


@pytest.fixture
def small_uploads(demo_instance: Instance) -> TestClient:
    """A client of the demo instance with a 1 MiB upload limit, signed in as the lab."""
    settings = demo_instance.settings.model_copy(update={"max_upload_mb": 1})
    client = TestClient(create_app(dataclasses.replace(demo_instance, settings=settings)),
                        follow_redirects=False)  # fmt: skip
    assert client.post("/login", data={"username": "lab", "password": "demo"}).status_code == 303
    return client


def test_an_upload_over_the_limit_is_a_413(small_uploads: TestClient) -> None:
    token = csrf(small_uploads, "/lab")
    big = json.dumps({"identifications": [], "pad": "x" * (2 * 1024 * 1024)})
    response = small_uploads.post(
        "/lab/dvi", data={"csrf": token}, files={"result": ("big.json", big, "application/json")}
    )
    assert_clean_refusal(response, (413,))
    assert "1 MiB" in response.text
    small = json.dumps({"identifications": []})
    ok = small_uploads.post(
        "/lab/dvi", data={"csrf": token}, files={"result": ("ok.json", small, "application/json")}
    )
    assert ok.status_code == 303


def test_a_body_without_its_length_is_cut_off_at_the_limit(small_uploads: TestClient) -> None:
    token = csrf(small_uploads, "/lab")

    def chunks():  # type: ignore[no-untyped-def]
        boundary = b"--b\r\n"
        yield boundary + b'Content-Disposition: form-data; name="csrf"\r\n\r\n' + token.encode()
        yield b'\r\n--b\r\nContent-Disposition: form-data; name="result"; filename="a.json"\r\n\r\n'
        for _ in range(40):
            yield b"x" * 65536
        yield b"\r\n--b--\r\n"

    response = small_uploads.post(
        "/lab/dvi", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert_clean_refusal(response, (413,))


@pytest.mark.parametrize(
    ("lr", "conclusion"),
    [("nan", "probable"), ("inf", "probable"), ("-5", "probable"), ("0.5", "probable"),
     ("1e400", "undisputed"), ("1e200", "undisputed"), ("5e7", "certain beyond doubt")],
)  # fmt: skip
def test_a_hand_made_proposal_needs_a_sensible_lr_and_conclusion(
    client_for: Client, lr: str, conclusion: str
) -> None:
    lab = client_for("lab")
    page = lab.get("/lab").text
    case = re.findall(r'data-case="(M-[A-Z0-9]{7})"', page)[0]
    token = csrf(lab, "/lab")
    assert (
        lab.post("/lab/remains", data={"csrf": token, "collected_on": "2026-01-10"}).status_code
        == 303
    )
    remains = re.findall(r'data-remains="(S-[A-Z0-9]{7})"', lab.get("/lab").text)[0]
    proposal = {
        "csrf": token,
        "remains": remains,
        "missing": case,
        "lr": lr,
        "conclusion": conclusion,
    }
    assert_clean_refusal(lab.post("/lab/proposals", data=proposal), (422,))
