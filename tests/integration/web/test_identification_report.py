"""The PDF report of one identification: codes only, for the laboratory and the reviewers."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from pdf_pages import pdf_text

Client = Callable[[str | None], TestClient]


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def proposed(lab: TestClient) -> tuple[int, str, str]:
    """Propose one identification by hand; return its id, case code and remains code."""
    form = {"csrf": csrf(lab, "/lab"), "collected_on": "2026-09-01"}
    assert lab.post("/lab/remains", data=form).status_code == 303
    page = lab.get("/lab").text
    remains = re.findall(r'data-remains="(S-[A-Z0-9]{7})"', page)[0]
    case = re.findall(r'data-case="(M-[A-Z0-9]{7})"', page)[0]
    proposal = {
        "csrf": csrf(lab, "/lab"), "remains": remains, "missing": case, "lr": "2.5e7",
        "posterior": "0.9991", "conclusion": "probable",
    }  # fmt: skip
    assert lab.post("/lab/proposals", data=proposal).status_code == 303
    row = re.search(rf'data-case="{case}">.*?</tr>', lab.get("/lab").text, re.S)
    assert row is not None
    ids = re.findall(r'data-report="(\d+)"', row.group(0))
    assert ids, "the lab page links the identification's report"
    return max(int(i) for i in ids), case, remains


def test_the_lab_downloads_a_coded_pdf_report(client_for: Client) -> None:
    lab = client_for("lab")
    ident, case, remains = proposed(lab)
    response = lab.get(f"/identifications/{ident}/report.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (
        f'filename="identification-{case}-{remains}.pdf"'
        in (response.headers["content-disposition"])
    )
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    for shown in (case, remains, "2.5e+07", "0.9991", "probable", "state of the identification"):
        assert shown in text, shown
    assert "mutation model not recorded" in text and "prior not recorded (entered by hand)" in text
    names = [
        p["surname"]
        for p in client_for("analyst").get("/api/persons?per_page=200").json()["persons"]
    ]
    assert not any(name in text for name in names)
    reviewer = client_for("reviewer")
    assert f'href="/identifications/{ident}/report.pdf"' in reviewer.get("/reviews").text
    assert reviewer.get(f"/identifications/{ident}/report.pdf").status_code == 200


def test_other_roles_and_the_public_get_no_report(client_for: Client) -> None:
    ident, _, _ = proposed(client_for("lab"))
    path = f"/identifications/{ident}/report.pdf"
    for user in ["analyst", "desk", "relative"]:
        response = client_for(user).get(path)
        assert response.status_code == 403, user
        assert not response.content.startswith(b"%PDF")
    public = client_for(None).get(path)
    assert public.status_code == 303
    assert public.headers["location"] == f"/login?next={path}"
    assert client_for("lab").get("/identifications/999999/report.pdf").status_code == 404
