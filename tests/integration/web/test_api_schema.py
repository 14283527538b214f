"""The JSON API against its own OpenAPI schema (schemathesis): as every role, no server error,
and every answer matches the schema it documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kintrace.instance import Instance
from kintrace.web.app import create_app

ROLES = [None, "relative", "desk", "analyst", "lab", "reviewer", "admin"]


@pytest.fixture(scope="module")
def api_app(demo_instance: Instance) -> FastAPI:
    return create_app(demo_instance)


@pytest.fixture(scope="module")
def api_schema(api_app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/openapi.json", api_app)


@pytest.fixture(scope="module")
def cookies_of(api_app: FastAPI) -> Iterator[dict[str | None, dict[str, str]]]:
    """The session cookies of each demo role, signed in once (None: signed out)."""
    jars: dict[str | None, dict[str, str]] = {None: {}}
    with TestClient(api_app, follow_redirects=False) as client:
        for role in ROLES[1:]:
            client.cookies.clear()
            response = client.post("/login", data={"username": role, "password": "demo"})
            assert response.status_code == 303, response.text
            jars[role] = dict(client.cookies)
    yield jars


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "signed-out")
def test_the_api_answers_every_role_within_its_schema(
    api_schema: schemathesis.BaseSchema,
    cookies_of: dict[str | None, dict[str, str]],
    role: str | None,
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/persons", "/api/persons/{person_id}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers_within_the_schema(case: schemathesis.Case) -> None:
            case.call_and_validate(
                cookies=cookies_of[role],
                additional_checks=[
                    response_schema_conformance,
                    status_code_conformance,
                    content_type_conformance,
                ],
            )

        answers_within_the_schema()
