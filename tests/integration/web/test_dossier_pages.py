"""The dossier on the web: the page, the recorded PDF, the verification page, per role."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from pdf_pages import page_texts

Client = Callable[[str | None], TestClient]


def own_person(client: TestClient) -> dict[str, object]:
    persons = client.get("/api/persons", params={"per_page": 200}).json()["persons"]
    assert persons
    return dict(persons[0])


def csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/dossier/verify").text)
    assert found
    return found.group(1)


def verify(client: TestClient, data: bytes) -> str:
    response = client.post(
        "/dossier/verify",
        data={"csrf": csrf(client)},
        files={"file": ("dossier.pdf", data, "application/pdf")},
    )
    assert response.status_code == 200, response.text
    found = re.search(r'data-verdict="([a-z_]+)"', response.text)
    assert found
    return found.group(1)


def test_a_relative_gets_her_case_as_a_page_and_a_pdf_in_her_language(client_for: Client) -> None:
    relative = client_for("relative")
    person = own_person(relative)
    chosen = relative.post("/language", data={"language": "ru", "csrf": csrf(relative)})
    assert chosen.status_code == 303
    page = relative.get(f"/persons/{person['id']}/dossier")
    assert page.status_code == 200
    assert str(person["surname"]) in page.text and "Скачать досье (PDF)" in page.text
    pdf = relative.get(f"/persons/{person['id']}/dossier.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert re.search(r'filename="dossier-D-[A-Z0-9]{10}\.pdf"', pdf.headers["content-disposition"])
    first = page_texts(pdf.content)[0]
    assert str(person["surname"]) in first and "Досье" in first
    assert verify(relative, pdf.content) == "unaltered"
    changed = bytearray(pdf.content)
    changed[len(changed) // 2] ^= 0x01
    assert verify(relative, bytes(changed)) == "altered"
    assert verify(relative, b"%PDF-1.4 not ours") == "not_a_dossier"


def test_no_dossier_of_a_stranger_and_none_for_the_lab(client_for: Client) -> None:
    analyst = client_for("analyst")
    everyone = {p["id"] for p in analyst.get("/api/persons?per_page=200").json()["persons"]}
    relative = client_for("relative")
    stranger = min(everyone - {own_person(relative)["id"]})
    assert relative.get(f"/persons/{stranger}/dossier").status_code == 404
    assert relative.get(f"/persons/{stranger}/dossier.pdf").status_code == 404
    assert client_for("lab").get(f"/persons/{stranger}/dossier.pdf").status_code == 403
    assert analyst.get(f"/persons/{stranger}/dossier.pdf").status_code == 200


def test_what_changed_is_shown_only_to_who_may_see_the_case(client_for: Client) -> None:
    analyst = client_for("analyst")
    everyone = {p["id"] for p in analyst.get("/api/persons?per_page=200").json()["persons"]}
    relative = client_for("relative")
    stranger = min(everyone - {own_person(relative)["id"]})
    pdf = analyst.get(f"/persons/{stranger}/dossier.pdf").content
    seen = relative.post(
        "/dossier/verify",
        data={"csrf": csrf(relative)},
        files={"file": ("d.pdf", pdf, "application/pdf")},
    )
    assert 'data-verdict="unaltered"' in seen.text
    assert "What has changed in the case since" not in seen.text
