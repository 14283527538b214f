"""/admin/tokens: an administrator issues a token (shown once), sees it listed, revokes it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def test_an_administrator_issues_lists_and_revokes_a_token(client_for: Client) -> None:
    admin = client_for("admin")
    token = csrf(admin, "/admin/tokens")
    made = admin.post(
        "/admin/tokens",
        data={
            "csrf": token,
            "name": "Web ICRC",
            "scope": ["read_persons", "write_reports"],
            "partner": "red_cross",
            "expires": "2099-12-31",
        },  # fmt: skip
    )
    assert made.status_code == 200, made.text[:500]
    secret = re.search(r"<code data-secret>([A-Za-z0-9_\-]+)</code>", made.text)
    assert secret is not None
    assert made.headers["cache-control"] == "no-store"
    page = admin.get("/admin/tokens").text
    assert "Web ICRC" in page and secret.group(1) not in page  # shown once only
    api = client_for(None)
    api.headers["Authorization"] = f"Bearer {secret.group(1)}"
    assert api.get("/api/persons").status_code == 200
    row = re.search(r'data-token="(\d+)">\s*<td>Web ICRC', page)
    assert row is not None
    revoked = admin.post(f"/admin/tokens/{row.group(1)}/revoke", data={"csrf": token})
    assert revoked.status_code == 303
    assert api.get("/api/persons").status_code == 401
    bad = admin.post("/admin/tokens", data={"csrf": token, "name": "x", "scope": "everything"})
    assert bad.status_code == 422


def test_only_administrators_reach_the_tokens_page(client_for: Client) -> None:
    for role in ("relative", "desk", "analyst", "lab", "reviewer"):
        assert client_for(role).get("/admin/tokens").status_code == 403, role
    assert client_for(None).get("/admin/tokens").status_code == 303  # sign in first


def test_the_page_speaks_russian(client_for: Client) -> None:
    admin = client_for("admin")
    admin.cookies.set("kintrace_lang", "ru")
    page = admin.get("/admin/tokens", headers={"Accept-Language": "ru"}).text
    assert "Токены API для партнёров" in page
