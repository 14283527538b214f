"""Every form field, query parameter and path parameter of every page, fed hostile values
(hypothesis), as every signed-in role with a valid CSRF token: never a server error, and every
refusal carries the security headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kintrace.instance import Instance
from kintrace.web.app import create_app

ROLES = ("relative", "desk", "analyst", "lab", "reviewer", "admin")

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
    "①",
    "²",
    "١٢",
    "abc",
    "1e309",
    "nan",
    "inf",
    "-inf",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-10-01",
    "01.10.2026",
    "%",
    "_",
    "%_%",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\x00",
    "\u202e",
    "A" * 5000,
    "confirm",
    "reject",
    "missing",
    "returned",
    "retraction",
    "relative",
    "B",
    "default",
    "probable",
    "mother",
    "/\\evil.example",
]

values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
path_values = st.one_of(
    st.sampled_from(["1", "2", "0", "-1", "2147483648", "99999999999999999999", "①", "abc"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def page_routes(app: FastAPI) -> Iterator[APIRoute]:
    def walk(routes: list[Any]) -> Iterator[APIRoute]:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                yield from walk(inner.routes)
            elif isinstance(route, APIRoute):
                yield route

    yield from walk(app.routes)


@pytest.fixture(scope="module")
def app(demo_instance: Instance) -> FastAPI:
    return create_app(demo_instance)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[str, tuple[TestClient, str]]]:
    """A signed-in client and its CSRF token for every role."""
    made: dict[str, tuple[TestClient, str]] = {}
    for role in ROLES:
        client = TestClient(app, follow_redirects=False)
        response = client.post("/login", data={"username": role, "password": "demo"})
        assert response.status_code == 303, response.text
        token = ""
        for path in ("/persons/1", "/lab", "/reviews", "/links", "/sources", "/cases"):
            found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
            if found:
                token = found.group(1)
                break
        made[role] = (client, token)
    yield made
    for client, _ in made.values():
        client.close()


ROUTE_NAMES = [
    "GET /",
    "GET /login",
    "GET /cases",
    "GET /persons/{person_id}",
    "POST /persons/{person_id}/reports",
    "POST /reports/{report_id}/grade",
    "GET /attachments/{sha256}",
    "GET /attachments/{sha256}/thumbnail",
    "POST /requests/{tracing_id}/attachments",
    "GET /persons/{person_id}/views",
    "POST /consent/{inquirer_id}",
    "POST /relatives/{inquirer_id}/invite",
    "POST /account/show-name",
    "GET /worklist",
    "GET /worklist.csv",
    "GET /requests/new",
    "POST /requests/new",
    "GET /persons/{person_id}/edit",
    "POST /persons/{person_id}/edit",
    "GET /stats",
    "GET /stats/estimates",
    "GET /stats/report.pdf",
    "POST /stats/estimates/publish",
    "POST /stats/estimates/{estimate_id}/withdraw",
    "POST /language",
    "POST /persons/{person_id}/official",
    "POST /persons/{person_id}/authority-requests",
    "GET /persons/{person_id}/letters",
    "GET /persons/{person_id}/letters.pdf",
    "POST /persons/{person_id}/letters/sent",
    "GET /persons/{person_id}/dossier",
    "GET /persons/{person_id}/dossier.pdf",
    "POST /dossier/verify",
    "POST /authority-requests/{request_id}/reply",
    "GET /sources",
    "POST /sources/{source_id}/reliability",
    "GET /lab",
    "POST /lab/remains",
    "POST /lab/proposals",
    "POST /lab/dvi",
    "GET /reviews",
    "POST /reviews/{identification_id}",
    "GET /identifications/{identification_id}/report.pdf",
    "POST /persons/{person_id}/samples",
    "GET /persons/{person_id}/handover",
    "POST /persons/{person_id}/handover",
    "GET /notifications",
    "POST /notifications/read",
    "POST /account/notifications",
    "GET /links",
    "POST /links/{candidate_id}",
    "POST /lists",
    "POST /exchange/pfif",
    "POST /exchange/pfif.xml",
    "POST /links/{candidate_id}/undo",
    "GET /chats",
    "POST /chats/{mention_id}",
    "POST /list-records/{record_id}/case",
    "POST /persons/{person_id}/merge",
    "POST /merges/{merge_id}/undo",
    "GET /api/persons",
    "GET /api/persons/{person_id}",
    "GET /api/stats",
    "POST /api/persons/{person_id}/reports",  # with tokens: test_api_schema.py
    "POST /api/lists",
    "POST /admin/tokens",
    "POST /admin/tokens/{token_id}/revoke",
    "GET /login/code",
    "POST /login/code",
    "GET /account",
    "POST /account/password",
    "POST /account/second-factor",
    "POST /account/second-factor/confirm",
    "POST /signup",
    "GET /signup/confirm",
    "POST /reset",
    "GET /reset/password",
    "POST /reset/password",
    "POST /admin/users",
    "POST /admin/users/{user_id}/active",
    "POST /admin/users/{user_id}/role",
    "POST /admin/users/{user_id}/region",
    "POST /admin/users/{user_id}/sessions/end",
    "POST /admin/users/{user_id}/unlock",
    "POST /desk/relatives",
]
UPLOADS = ("/requests/{tracing_id}/attachments", "/persons/{person_id}/reports", "/requests/new")
"""Routes that take files: fuzzed with random bytes too."""

NOT_FUZZED = {
    "POST /login": "sign-in has tests of its own (throttling would lock the roles out)",
    "POST /account/sessions/end": "it ends the fuzzing client's own session",
}


def test_the_fuzzed_routes_are_every_route_with_parameters(app: FastAPI) -> None:
    named = {
        f"{method} {route.path}"
        for route in page_routes(app)
        for method in route.methods
        if method != "HEAD"
    }
    fuzzed = set(ROUTE_NAMES)
    with_parameters = {
        f"{method} {route.path}"
        for route in page_routes(app)
        for method in route.methods
        if route.dependant.path_params
        or route.dependant.query_params
        or route.dependant.body_params
    }
    assert fuzzed <= named
    assert with_parameters - fuzzed <= set(NOT_FUZZED), "a route with parameters is not fuzzed"


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_no_hostile_value_makes_a_server_error(
    app: FastAPI, clients: dict[str, tuple[TestClient, str]], name: str
) -> None:
    method, path = name.split(" ", 1)
    (route,) = [r for r in page_routes(app) if r.path == path and method in r.methods]
    path_names = [p.name for p in route.dependant.path_params]
    query_names = [p.alias for p in route.dependant.query_params]
    form_names = [p.alias for p in route.dependant.body_params if p.alias != "csrf"]

    @given(
        role=st.sampled_from(ROLES),
        path_args=st.fixed_dictionaries({n: path_values for n in path_names}),
        query=st.dictionaries(st.sampled_from(query_names or ["_"]), values, max_size=4),
        form=st.dictionaries(st.sampled_from(form_names or ["_"]), values, max_size=8),
        upload=st.binary(max_size=200),
    )
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    def never_a_server_error(
        role: str,
        path_args: dict[str, str],
        query: dict[str, str],
        form: dict[str, str],
        upload: bytes,
    ) -> None:
        client, token = clients[role]
        url = path.format(**path_args)
        if method == "GET":
            response = client.get(url, params=query)
        else:
            files = {"result": ("x.json", upload, "application/json")}
            if path in UPLOADS:  # any bytes, under a name and type that claim an image
                files = {"files": ("photo.jpg", upload, "image/jpeg")}
            response = client.post(
                url,
                params=query,
                data={"csrf": token, **form},
                files=files if path == "/lab/dvi" or path in UPLOADS else None,
            )
        assert response.status_code < 500, (role, url, query, form, response.text[:500])
        assert response.headers.get("x-content-type-options") == "nosniff", (role, url)

    never_a_server_error()
