"""The JSON API against its own OpenAPI schema (schemathesis): as every role and with a partner's
token of each scope, no server error, and every answer matches the schema it documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from kintrace.cases.model import ConsentScope
from kintrace.instance import Instance
from kintrace.partners.reads import consented_persons
from kintrace.partners.tokens import TokenScope, issue_token
from kintrace.storage.db import transaction
from kintrace.storage.tables import Person
from kintrace.web.app import create_app

ROLES = [None, "relative", "desk", "analyst", "lab", "reviewer", "admin"]


@pytest.fixture(scope="module")
def api_app(demo_instance: Instance) -> FastAPI:
    return create_app(demo_instance)


@pytest.fixture(scope="module")
def api_schema(api_app: FastAPI) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api_app)
    # each run sends its own credentials (a session or a token): none generated, so that no
    # case is "negative" only by a credential the run then replaces with a valid one
    schema.config.generation.update(with_security_parameters=False)
    return schema


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


@pytest.fixture(scope="module")
def token_of(demo_instance: Instance) -> dict[TokenScope, str]:
    """A partner's token of each scope (the Red Cross's consent)."""
    secrets: dict[TokenScope, str] = {}
    with transaction(demo_instance.sessions) as db:
        db.info["reason"] = "test"
        for scope in TokenScope:
            secrets[scope] = issue_token(
                db,
                name=f"schema {scope.value}",
                scopes=frozenset({scope}),
                partner=ConsentScope.RED_CROSS,
                region=None,
                expires_on=None,
                created_by=None,
                now=datetime.now(),
            ).secret
    return secrets


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "signed-out")
def test_the_api_answers_every_role_within_its_schema(
    api_schema: schemathesis.BaseSchema,
    cookies_of: dict[str | None, dict[str, str]],
    role: str | None,
) -> None:
    answers_within_the_schema(api_schema, cookies=cookies_of[role], headers={})


SUCCEEDS = {
    TokenScope.READ_PERSONS: frozenset(
        {("GET", "/api/persons"), ("GET", "/api/persons/{person_id}")}
    ),
    TokenScope.WRITE_REPORTS: frozenset({("POST", "/api/persons/{person_id}/reports")}),
    # a generated multipart body is never a valid list: an upload is tested in test_partner_api
    TokenScope.UPLOAD_LISTS: frozenset(),
}


@pytest.mark.parametrize("scope", list(TokenScope), ids=str)
def test_the_api_answers_every_token_within_its_schema(
    api_schema: schemathesis.BaseSchema,
    token_of: dict[TokenScope, str],
    demo_instance: Instance,
    scope: TokenScope,
) -> None:
    bearer = {"Authorization": f"Bearer {token_of[scope]}"}
    with demo_instance.sessions() as db:
        shared = list(
            db.scalars(select(Person.id).where(consented_persons(ConsentScope.RED_CROSS)))
        )
    assert shared
    answers_within_the_schema(
        api_schema,
        cookies={},
        headers=bearer,
        person_ids=shared,
        must_succeed=SUCCEEDS[scope],
        writes=scope is not TokenScope.READ_PERSONS,
    )


def answers_within_the_schema(
    api_schema: schemathesis.BaseSchema,
    *,
    cookies: dict[str, str],
    headers: dict[str, str],
    person_ids: list[int] | None = None,
    must_succeed: frozenset[tuple[str, str]] = frozenset(),
    writes: bool = False,
) -> None:
    """Call every operation with generated cases; ``person_ids``: map generated ids onto
    these; ``must_succeed``: operations that must do their work at least once. With
    ``writes``, a schema-valid request may still be refused (422, 409): the write endpoints
    check what no schema can say (a date from 1900 to today, a file that is a list, a list
    name not taken)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/persons",
        "/api/persons/{person_id}",
        "/api/persons/{person_id}/reports",
        "/api/lists",
    }
    for operation in operations:
        seen: list[int] = []  # the status codes of this operation's cases

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def one_case(case: schemathesis.Case) -> None:
            generated = (case.path_parameters or {}).get("person_id")
            if person_ids and isinstance(generated, int) and generated >= 1:
                # a valid id becomes a person the caller may see, so that the work itself is
                # exercised (an invalid one, of a negative case, is left as it is)
                case.path_parameters["person_id"] = person_ids[generated % len(person_ids)]
            response = case.call_and_validate(
                cookies=cookies,
                headers=headers,
                excluded_checks=[positive_data_acceptance] if writes else [],
                additional_checks=[
                    response_schema_conformance,
                    status_code_conformance,
                    content_type_conformance,
                ],
            )
            seen.append(response.status_code)  # noqa: B023 (called before the next operation)

        one_case()
        if (operation.method.upper(), operation.path) in must_succeed:
            assert any(code < 300 for code in seen), (operation.path, seen)
