"""Every route of the app against every role, from one table.

The table is checked against the app's own route table: a new route without a row fails, and
so does a row whose route is gone. Each cell says what the role gets:

- ``y``: the route does its work (no refusal; a 409 or 422 about the form's content is fine);
- ``n``: refused (403, or 404 where the answer must not tell that a record exists);
- ``s``: sign in first (pages send to the sign-in form, the API answers 401);
- ``*``: any answer but a server error (sign-in and sign-out, tested on their own).

Roles, in column order: signed out, relative, desk, analyst, lab, reviewer, admin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import BaseRoute, Mount

from kintrace.access import Role
from kintrace.cases.model import ConsentScope
from kintrace.instance import Instance
from kintrace.partners.tokens import TokenScope, issue_token
from kintrace.reports.service import attach_file
from kintrace.storage.chat_tables import ChatMention
from kintrace.storage.db import transaction
from kintrace.storage.stats_tables import PublishedEstimate
from kintrace.storage.tables import (
    AuthorityRequest,
    Identification,
    ImportedList,
    Inquirer,
    LinkCandidate,
    ListRecord,
    Person,
    Report,
    Source,
    TracingRequest,
    User,
)
from kintrace.users.service import create_user
from kintrace.web.app import create_app

PNG = bytes.fromhex(  # a 2x2 PNG: the matrix's attachment has a thumbnail
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a7300000016494441"
    "54789c633cc1c5c5c0c0c0c4c0c0c0c0c000000b3800e011f4d5d60000000049454e44ae426082"
)

ROLES = ("signed-out", "relative", "desk", "analyst", "lab", "reviewer", "admin")

MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/api/openapi.json"): "yyyyyyy",
    ("GET", "/api/docs"): "yyyyyyy",
    ("GET", "/healthz"): "yyyyyyy",
    ("GET", "/"): "syyyyyy",
    ("GET", "/login"): "yyyyyyy",
    ("POST", "/login"): "*******",
    ("POST", "/logout"): "*******",
    ("GET", "/login/code"): "*******",
    ("POST", "/login/code"): "*******",
    ("GET", "/account"): "syyyyyy",
    ("POST", "/account/password"): "*******",
    ("POST", "/account/sessions/end"): "*******",
    ("POST", "/account/second-factor"): "syyyyyy",
    ("POST", "/account/second-factor/confirm"): "syyyyyy",
    ("POST", "/language"): "yyyyyyy",  # a cookie for everybody, kept in a user's account
    ("GET", "/signup"): "yyyyyyy",
    ("POST", "/signup"): "yyyyyyy",  # the same answer for every address (tests of its own)
    ("GET", "/signup/confirm"): "*******",  # a link's token decides (test_accounts.py)
    ("GET", "/reset"): "yyyyyyy",
    ("POST", "/reset"): "yyyyyyy",
    ("GET", "/reset/password"): "*******",  # a link's token decides (test_accounts.py)
    ("POST", "/reset/password"): "*******",
    ("GET", "/admin/users"): "snnnnny",
    ("POST", "/admin/users"): "snnnnny",
    ("GET", "/admin/tokens"): "snnnnny",
    ("POST", "/admin/tokens"): "snnnnny",
    ("POST", "/admin/tokens/{token_id}/revoke"): "snnnnny",
    ("POST", "/admin/users/{user_id}/active"): "snnnnny",
    ("POST", "/admin/users/{user_id}/role"): "snnnnny",
    ("POST", "/admin/users/{user_id}/region"): "snnnnny",
    ("POST", "/admin/users/{user_id}/sessions/end"): "snnnnny",
    ("POST", "/admin/users/{user_id}/unlock"): "snnnnny",
    ("GET", "/desk/relatives"): "snynnny",
    ("POST", "/desk/relatives"): "snynnny",
    ("GET", "/stats"): "yyyyyyy",
    ("GET", "/api/stats"): "yyyyyyy",
    ("GET", "/stats.csv"): "yyyyyyy",  # public figures and published estimates only
    ("GET", "/stats.json"): "yyyyyyy",
    ("GET", "/stats/report.pdf"): "yyyyyyy",
    ("GET", "/stats/estimates"): "snnynny",  # estimates from the lists: analysts, admins
    ("POST", "/stats/estimates/publish"): "snnynny",
    ("POST", "/stats/estimates/{estimate_id}/withdraw"): "snnynny",
    ("GET", "/cases"): "syyynyy",
    ("GET", "/worklist"): "snyynyy",
    ("GET", "/worklist.csv"): "snyynyy",
    ("GET", "/requests/new"): "syyynny",
    ("POST", "/requests/new"): "syyynny",
    ("GET", "/persons/{person_id}/edit"): "snyynny",
    ("POST", "/persons/{person_id}/edit"): "snyynny",
    ("GET", "/persons/{person_id}"): "syyynyy",
    ("GET", "/api/persons"): "syyynyy",
    ("GET", "/api/persons/{person_id}"): "syyynyy",
    # partners' writes take an API token only, never a session (test_partner_api.py)
    ("POST", "/api/persons/{person_id}/reports"): "sssssss",
    ("POST", "/api/lists"): "sssssss",
    ("POST", "/persons/{person_id}/reports"): "syyynny",
    ("POST", "/reports/{report_id}/grade"): "snnynny",  # never a relative, not even their own
    ("GET", "/attachments/{sha256}"): "syyynyy",
    ("GET", "/attachments/{sha256}/thumbnail"): "syyynyy",
    ("POST", "/requests/{tracing_id}/attachments"): "syyynny",  # its relative, or the case's staff
    ("GET", "/persons/{person_id}/views"): "syyynyy",  # who looked at the case
    ("POST", "/consent/{inquirer_id}"): "synnnnn",  # the relative's own (staff: walk-ins only)
    ("POST", "/relatives/{inquirer_id}/invite"): "snyynny",  # staff; a linked one is a 409
    ("POST", "/account/show-name"): "syyyyyy",
    ("POST", "/persons/{person_id}/official"): "snyynny",
    ("POST", "/persons/{person_id}/authority-requests"): "snyynny",
    ("GET", "/persons/{person_id}/letters"): "syyynny",  # the family, its desk, analysts
    ("GET", "/persons/{person_id}/letters.pdf"): "syyynny",
    ("POST", "/persons/{person_id}/letters/sent"): "syyynny",
    ("GET", "/persons/{person_id}/dossier"): "syyynny",  # the family, its desk, analysts
    ("GET", "/persons/{person_id}/dossier.pdf"): "syyynny",  # made and recorded
    ("GET", "/dossier/verify"): "syyyyyy",  # any signed-in user may verify a file
    ("POST", "/dossier/verify"): "syyyyyy",  # (what changed: only for who may see the case)
    ("POST", "/authority-requests/{request_id}/reply"): "snyynny",
    ("GET", "/sources"): "snnynny",
    ("POST", "/sources/{source_id}/reliability"): "snnynny",
    ("GET", "/lab"): "snnnyny",
    ("POST", "/lab/remains"): "snnnyny",
    ("POST", "/lab/proposals"): "snnnyny",
    ("POST", "/lab/dvi"): "snnnyny",
    ("POST", "/persons/{person_id}/samples"): "snyynny",  # the lab never names persons
    ("GET", "/persons/{person_id}/handover"): "syyynyy",
    ("POST", "/persons/{person_id}/handover"): "snyynny",
    ("GET", "/notifications"): "syyyyyy",  # one's own news (staff have none)
    ("POST", "/notifications/read"): "syyyyyy",
    ("POST", "/account/notifications"): "syyyyyy",
    ("GET", "/reviews"): "snnnnyy",
    ("POST", "/reviews/{identification_id}"): "snnnnyy",
    ("GET", "/identifications/{identification_id}/report.pdf"): "snnnyyy",
    ("GET", "/links"): "snnynny",
    ("POST", "/links/{candidate_id}"): "snnynny",
    ("GET", "/lists"): "snnynny",
    ("POST", "/lists"): "snnynny",  # list uploads with their preview: analysts, admins
    ("GET", "/exchange/pfif"): "snnynny",  # PFIF import (preview first) and export
    ("POST", "/exchange/pfif"): "snnynny",
    ("POST", "/exchange/pfif.xml"): "snnynny",  # the export's download: analysts, admins
    ("POST", "/links/{candidate_id}/undo"): "snnynny",
    ("POST", "/list-records/{record_id}/case"): "snnynny",
    ("POST", "/persons/{person_id}/merge"): "snnynny",
    ("POST", "/merges/{merge_id}/undo"): "snnynny",
    ("GET", "/chats"): "snnynny",  # chat mentions waiting for moderation: analysts, admins
    ("POST", "/chats/{mention_id}"): "snnynny",
}


def app_routes(routes: list[BaseRoute]) -> Iterator[tuple[str, str]]:
    """Every (method, path) the app answers, nested routers included (static files aside)."""
    for route in routes:
        inner = getattr(route, "original_router", None) or getattr(route, "routes", None)
        if isinstance(route, Mount):
            continue
        if inner is not None and not hasattr(route, "methods"):
            yield from app_routes(inner.routes if hasattr(inner, "routes") else inner)
            continue
        for method in sorted(getattr(route, "methods", None) or []):
            if method != "HEAD":
                yield method, getattr(route, "path", "")


@dataclass
class Objects:
    """The records the routes' path parameters name: each one the relative's own case."""

    person_id: int
    duplicate_id: int
    source_id: int
    request_id: int
    identification_id: int
    candidate_id: int
    sha256: str
    report_id: int
    user_id: int
    record_id: int
    tracing_id: int
    inquirer_id: int
    mention_id: int
    estimate_id: int
    token_id: int


@pytest.fixture(scope="module")
def app(demo_instance: Instance) -> FastAPI:
    return create_app(demo_instance)


@pytest.fixture(scope="module")
def objects(demo_instance: Instance) -> Objects:
    with transaction(demo_instance.sessions) as db:
        person = db.get(Person, 1)
        assert person is not None
        # a second person of the same desk: the merge's duplicate
        duplicate = db.scalar(
            select(Person.id)
            .where(Person.region_id == person.region_id, Person.id != person.id)
            .order_by(Person.id)
        )
        assert duplicate is not None
        source = db.scalar(select(Source.id).order_by(Source.id))
        identification = db.scalar(select(Identification.id).order_by(Identification.id))
        candidate = LinkCandidate(
            person_id=person.id,
            other_person_id=duplicate,
            probability=0.9,
            evidence={},
            state="pending",
            created_at=datetime(2026, 10, 1),
        )
        db.add(candidate)
        request = AuthorityRequest(
            person_id=person.id,
            kind="status_inquiry",
            authority="Military commissariat",
            sent_on=date(2026, 1, 10),
            due_on=date(2026, 2, 9),
            reply="",
            created_at=datetime(2026, 1, 10),
        )
        db.add(request)
        pow_list = ImportedList(
            name="matrix list", kind="prisoner_list", filename="m.csv", sha256="0" * 64,
            row_count=1, imported_at=datetime(2026, 10, 1),
        )  # fmt: skip
        db.add(pow_list)
        db.flush()
        record = ListRecord(list_id=pow_list.id, record_id="m1", line=2, surname="Матрица",
                            sex="male", extra={})  # fmt: skip
        db.add(record)
        db.flush()
        chat = ImportedList(
            name="matrix chat", kind="chat_export", filename="result.json", sha256="1" * 64,
            row_count=1, imported_at=datetime(2026, 10, 1),
        )  # fmt: skip
        db.add(chat)
        db.flush()
        chat_row = ListRecord(list_id=chat.id, record_id="1:1", line=1, surname="Чатов",
                              sex="male", extra={})  # fmt: skip
        db.add(chat_row)
        db.flush()
        mention = ChatMention(
            list_record_id=chat_row.id, message_id=1, posted_at=datetime(2026, 10, 1),
            text="Ищем Чатова Ивана", claim="missing", scam=False, scam_signals=[],
            state="pending", sender="", place="", reason="", created_at=datetime(2026, 10, 1),
        )  # fmt: skip
        db.add(mention)
        estimate = PublishedEstimate(
            action="publish", lists=["matrix list", "matrix chat"], strata="none",
            method="loglinear", model="Mt", observed=40, value=52.0, ci_low=45.0, ci_high=70.0,
            note="", published_at=datetime(2026, 10, 1),
        )  # fmt: skip
        db.add(estimate)
        db.flush()
        report = db.scalar(select(Report).where(Report.person_id == person.id).limit(1))
        assert report is not None
        link = attach_file(db, demo_instance.files, report=report, data=PNG, filename="m.png")
        tracing = db.scalar(
            select(TracingRequest)
            .join(Inquirer, Inquirer.id == TracingRequest.inquirer_id)
            .join(User, User.id == Inquirer.user_id)
            .where(TracingRequest.person_id == person.id, User.username == "relative")
        )
        assert tracing is not None, "the demo's relative asks for person 1"
        assert source and identification
        target = create_user(
            db, username="matrix-target", password="", role=Role.RELATIVE, display_name="T"
        )
        return Objects(
            person_id=person.id,
            duplicate_id=duplicate,
            source_id=source,
            request_id=request.id,
            identification_id=identification,
            candidate_id=candidate.id,
            sha256=link.sha256,
            report_id=report.id,
            user_id=target.id,
            record_id=record.id,
            tracing_id=tracing.id,
            inquirer_id=tracing.inquirer_id,
            mention_id=mention.id,
            estimate_id=estimate.id,
            token_id=issue_token(
                db,
                name="matrix partner",
                scopes=frozenset({TokenScope.READ_PERSONS}),
                partner=ConsentScope.RED_CROSS,
                region=None,
                expires_on=None,
                created_by=None,
                now=datetime.now(),
            ).row.id,
        )


def signed_in(app: FastAPI, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    if role != "signed-out":
        username = role
        response = client.post("/login", data={"username": username, "password": "demo"})
        assert response.status_code == 303, response.text
    return client


CSRF_PAGES = ("/persons/1", "/lab", "/reviews", "/links", "/sources", "/cases", "/stats")


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token, read from the first page of the role that carries a form."""
    for path in CSRF_PAGES:
        found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
        if found:
            return found.group(1)
    return ""


def form_for(path: str, o: Objects) -> dict[str, str]:
    """A well-formed form for each route, so that only access decides the answer."""
    today = date.today().isoformat()
    return {
        "source_type": "relative",
        "claim": "alive_reported",
        "observed_on": "2026-10-01",
        "credibility": "3",
        "source_name": "matrix test",
        "text": "heard from a comrade",
        "status": "missing",
        "since": "2026-01-01",
        "authority": "Ministry of Defence",
        "kind": "status_inquiry",
        "sent_on": "2026-10-01",
        "replied_on": today,
        "reply": "no information",
        "reliability": "B",
        "collected_on": "2026-10-01",
        "relationship": "mother",
        "decision": "reject",
        "note": "matrix test",
        "duplicate": str(o.duplicate_id),
        "reason": "same person",
        "remains": "R-0000",
        "missing": "M-0000",
        "lr": "1000",
        "conclusion": "probable",
        "language": "en",
        "email": "matrix@example.org",
        "password": "matrix password",
        "repeat": "matrix password",
        "display_name": "Matrix",
        "username": "matrix-user",
        "role": "relative",
        "active": "yes",
        "stage": "agreed",
        "happened_on": "2026-10-01",
        "mode": "daily",
    }


def url_of(path: str, o: Objects) -> str:
    return path.format(
        person_id=o.person_id,
        source_id=o.source_id,
        request_id=o.request_id,
        identification_id=o.identification_id,
        candidate_id=o.candidate_id,
        merge_id=1,
        sha256=o.sha256,
        report_id=o.report_id,
        user_id=o.user_id,
        record_id=o.record_id,
        tracing_id=o.tracing_id,
        inquirer_id=o.inquirer_id,
        mention_id=o.mention_id,
        estimate_id=o.estimate_id,
        token_id=o.token_id,
    )


def test_the_table_names_every_route_of_the_app(app: FastAPI) -> None:
    routes = set(app_routes(app.routes))
    assert routes - set(MATRIX) == set(), "routes without a row in MATRIX"
    assert set(MATRIX) - routes == set(), "rows of MATRIX for routes that are gone"
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


def outcome(response_status: int, location: str, api: bool) -> str:
    if response_status >= 500:
        return "500"
    if response_status == 401 or (response_status == 303 and location.startswith("/login")):
        return "s"
    if response_status in (403, 404):
        return "n"
    return "y"


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_every_role_gets_what_the_table_says_on_every_route(
    app: FastAPI, objects: Objects, role_index: int
) -> None:
    role = ROLES[role_index]
    client = signed_in(app, role)
    token = csrf_of(client)  # signed out: the token of a browser without a session
    wrong: list[str] = []
    for (method, path), row in sorted(MATRIX.items(), key=lambda item: item[0][0]):
        expected = row[role_index]
        url = url_of(path, objects)
        if method == "GET":
            response = client.get(url)
        elif path == "/lab/dvi":
            response = client.post(
                url, data={"csrf": token}, files={"result": ("r.json", b"{}", "application/json")}
            )
        elif expected == "*":
            continue  # sign-in and what ends sessions: each has tests of its own
        else:
            response = client.post(url, data={"csrf": token, **form_for(path, objects)})
        got = outcome(response.status_code, response.headers.get("location", ""), "/api" in path)
        if expected != "*" and got != expected:
            wrong.append(f"{method} {path}: expected {expected}, got {response.status_code}")
        elif got == "500":
            wrong.append(f"{method} {path}: server error")
    client.close()
    assert wrong == []
