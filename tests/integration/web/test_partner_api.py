"""The partner API (issue 18): scoped tokens on both engines, consent on reads, reports and
lists written through the API, every refusal as JSON with the security headers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from conftest import fresh_pg_database
from db_builders import person_details
from kintrace.access import Role
from kintrace.cases.consent import consented_view
from kintrace.cases.consent_service import consents_of
from kintrace.cases.model import (
    Channel,
    ConsentScope,
    InquirerDetails,
    Relationship,
    RequestDetails,
)
from kintrace.cases.service import add_person, file_request, get_or_create_region
from kintrace.config import Settings
from kintrace.instance import Instance, open_instance
from kintrace.partners.reads import consented_persons
from kintrace.partners.tokens import TokenScope, issue_token, revoke_token
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.db import transaction
from kintrace.storage.tables import Assessment, ImportedList, Person, Report, Source
from kintrace.storage.token_tables import ApiToken
from kintrace.users.service import create_user
from kintrace.web.app import create_app

PASSWORD = "a long test password"
ROWS = (
    "id,surname,given_name,patronymic,sex,birth_date,region,unit,rank,personal_number\n"
    "p1,Загоруйко,Остап,Миронович,m,03.05.1998,Курская область,в/ч 12345,рядовой,ЯЯ-987654\n"
)


@dataclass
class World:
    instance: Instance
    shared: int  # asked for by a relative who agreed to the Red Cross (and one who did not)
    withheld: int  # asked for only by a relative who agreed to nothing
    free: int  # nobody asked for him: known from lists
    listed: int  # the person the uploaded list names
    other_region: int
    kept_report: int  # a unit commander's report on ``shared``
    hidden_report: int  # the refusing relative's statement on ``shared``


def _request(db: object, person: Person, name: str, consent: frozenset[ConsentScope]) -> int:
    row = file_request(
        db,  # type: ignore[arg-type]
        person=person,
        inquirer=InquirerDetails(name, Relationship.MOTHER, "+7 555 010-20-30", "", consent),
        request=RequestDetails(date(2023, 1, 5), Channel.WALK_IN, "", "last call"),
        actor_id=None,
    )
    return row.id


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    database_url = ""
    maker = None
    if request.param == "postgresql":
        maker = fresh_pg_database("kintrace_partner_api")
        database_url = next(maker)
    settings = Settings(data_dir=tmp_path, database_url=database_url, secret_key="test-secret")
    with open_instance(settings) as instance:
        with transaction(instance.sessions) as db:
            db.info["reason"] = "test"
            kursk = get_or_create_region(db, "Курская область")
            other = get_or_create_region(db, "Белгородская область")
            create_user(db, username="ana", password=PASSWORD, role=Role.ANALYST)

            def person(surname: str, region: object = kursk, **kw: str) -> Person:
                return add_person(
                    db,
                    person_details(surname, **kw),
                    region=region,  # type: ignore[arg-type]
                    actor_id=None,
                )

            shared = person("Петров", personal_number="АВ-000001")
            withheld = person("Сидоров", personal_number="АВ-000002")
            free = person("Кузнецов", personal_number="АВ-000003")
            listed = person(
                "Загоруйко", given="Остап", patronymic="Миронович", personal_number="ЯЯ-987654"
            )
            far = person("Орлов", other, personal_number="АВ-000005")
            _request(db, shared, "Петрова Мария", frozenset({ConsentScope.RED_CROSS}))
            refusing = _request(db, shared, "Петрова Анна", frozenset())
            _request(db, withheld, "Сидорова Ольга", frozenset({ConsentScope.AUTHORITIES}))
            commander = get_or_create_source(
                db, SourceDetails("commander", SourceType.UNIT_COMMANDER)
            )
            said = get_or_create_source(
                db,
                SourceDetails(f"relative: Петрова Анна (request {refusing})", SourceType.RELATIVE),
            )
            kept = record_report(
                db,
                person=shared,
                source=commander,
                details=ReportDetails("missing", date(2024, 3, 1), 3, "lost contact"),
                actor_id=None,
            )
            hidden = record_report(
                db,
                person=shared,
                source=said,
                details=ReportDetails("alive_serving", date(2024, 4, 1), 6, "he called me"),
                actor_id=None,
            )
            recompute_person(db, shared.id, today=date.today(), settings=settings, reason="test")
            ids = (shared.id, withheld.id, free.id, listed.id, far.id, kept.id, hidden.id)
        yield World(instance, *ids)
        instance.engine.dispose()
    if maker is not None:
        for _ in maker:
            pass


def token(
    world: World,
    *scopes: TokenScope,
    partner: ConsentScope = ConsentScope.RED_CROSS,
    region: str | None = None,
) -> str:
    with transaction(world.instance.sessions) as db:
        db.info["reason"] = "test"
        issued = issue_token(
            db,
            name="Red Cross tracing",
            scopes=frozenset(scopes),
            partner=partner,
            region=region,
            expires_on=None,
            created_by=None,
            now=datetime.now(),
        )
        return issued.secret


@pytest.fixture
def api(world: World) -> Iterator[Callable[[str | None], TestClient]]:
    made: list[TestClient] = []

    def make(secret: str | None) -> TestClient:
        client = TestClient(create_app(world.instance), follow_redirects=False)
        if secret is not None:
            client.headers["Authorization"] = f"Bearer {secret}"
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


Api = Callable[[str | None], TestClient]


def refused(response: object, code: int) -> None:
    assert response.status_code == code, response.text  # type: ignore[attr-defined]
    assert response.json()["detail"], response.text  # type: ignore[attr-defined]
    assert response.headers["x-content-type-options"] == "nosniff"  # type: ignore[attr-defined]
    assert response.headers["cache-control"] == "no-store"  # type: ignore[attr-defined]


def test_a_token_reads_only_what_relatives_agreed_to_share_with_its_partner(
    world: World, api: Api
) -> None:
    client = api(token(world, TokenScope.READ_PERSONS))
    listed = client.get("/api/persons", params={"per_page": 200})
    assert listed.status_code == 200, listed.text
    ids = {p["id"] for p in listed.json()["persons"]}
    assert {world.shared, world.free, world.listed, world.other_region} <= ids
    assert world.withheld not in ids
    assert listed.json()["total"] == len(ids)
    refused(client.get(f"/api/persons/{world.withheld}"), 404)
    case = client.get(f"/api/persons/{world.shared}")
    assert case.status_code == 200, case.text
    body = case.json()
    assert [r["id"] for r in body["reports"]] == [world.kept_report]
    assert [r["inquirer"] for r in body["requests_list"]] == ["Петрова Мария"]
    assert body["requests"] == 1
    assert body["assessed"]["explanation"] == ""
    assert world.hidden_report not in body["assessed"]["supporting"]
    # the authorities' token: the other way round for the relatives who agreed to them
    authorities = api(token(world, TokenScope.READ_PERSONS, partner=ConsentScope.AUTHORITIES))
    ids = {p["id"] for p in authorities.get("/api/persons").json()["persons"]}
    assert world.withheld in ids and world.shared not in ids
    # an analyst's browser session sees everything, the refusing relative's report too
    browser = api(None)
    assert browser.post("/login", data={"username": "ana", "password": PASSWORD}).is_redirect
    every = browser.get(f"/api/persons/{world.shared}").json()
    assert {r["id"] for r in every["reports"]} == {world.kept_report, world.hidden_report}
    assert every["assessed"]["explanation"]


def test_the_sql_rule_agrees_with_consented_view_on_every_person(world: World) -> None:
    with world.instance.sessions() as db:
        ids = list(db.scalars(select(Person.id)))
        consents = consents_of(db, ids)
        for scope in (ConsentScope.RED_CROSS, ConsentScope.AUTHORITIES):
            by_sql = set(db.scalars(select(Person.id).where(consented_persons(scope))))
            by_rule = {
                p
                for p in ids
                if consented_view(
                    (), given_by=lambda _: None, consents=consents[p], scope=scope
                ).person
            }
            assert by_sql == by_rule, scope


def test_unknown_revoked_expired_and_wrong_scope_tokens_are_refused(world: World, api: Api) -> None:
    reader = token(world, TokenScope.READ_PERSONS)
    unknown = api("x" * 43).get("/api/persons")
    refused(unknown, 401)
    assert unknown.headers["www-authenticate"].startswith("Bearer")
    refused(api("not a token!").get("/api/persons"), 401)
    basic = api(None)
    basic.headers["Authorization"] = "Basic YTpi"
    refused(basic.get("/api/persons"), 401)
    refused(api(None).get("/api/persons"), 401)
    writer = token(world, TokenScope.WRITE_REPORTS)
    refused(api(writer).get("/api/persons"), 403)
    refused(
        api(reader).post(
            f"/api/persons/{world.free}/reports",
            json={"claim": "wounded", "observed_on": "2026-10-01", "source_type": "red_cross"},
        ),
        403,
    )
    refused(
        api(reader).post(
            "/api/lists",
            data={"name": "x", "kind": "prisoner_list"},
            files={"file": ("l.csv", ROWS.encode(), "text/csv")},
        ),
        403,
    )
    assert api(reader).get("/api/persons").status_code == 200
    with transaction(world.instance.sessions) as db:
        db.info["reason"] = "test"
        row = db.scalar(select(ApiToken).order_by(ApiToken.id).limit(1))
        assert row is not None and row.last_used_at is not None  # its use was noted
        revoke_token(db, row.id, by=None, now=datetime.now())
    refused(api(reader).get("/api/persons"), 401)
    with transaction(world.instance.sessions) as db:
        db.info["reason"] = "test"
        late = db.scalar(select(ApiToken).order_by(ApiToken.id.desc()).limit(1))
        assert late is not None
        late.expires_on = date.today() - timedelta(days=1)
    refused(api(writer).get("/api/persons"), 401)


def test_issuing_checks_every_field(world: World) -> None:
    with transaction(world.instance.sessions) as db:
        db.info["reason"] = "test"
        with pytest.raises(Exception) as caught:
            issue_token(
                db,
                name="",
                scopes=frozenset({TokenScope.UPLOAD_LISTS}),
                partner=ConsentScope.OTHER_RELATIVES,
                region="nowhere",
                expires_on=date.today() - timedelta(days=1),
                created_by=None,
                now=datetime.now(),
            )
        problems = " ".join(caught.value.problems)  # type: ignore[attr-defined]
        for word in ("NAME", "--partner", "--region: no region", "upload_lists", "--expires"):
            assert word in problems, word
        issued = issue_token(
            db,
            name="ICRC",
            scopes=frozenset({TokenScope.READ_PERSONS}),
            partner=ConsentScope.RED_CROSS,
            region=None,
            expires_on=None,
            created_by=None,
            now=datetime.now(),
        )
        assert issued.row.token_hash != issued.secret and len(issued.row.token_hash) == 64
        assert issued.secret not in str(db.scalars(select(ApiToken.token_hash)).all())


def test_a_region_token_reads_that_region_only(world: World, api: Api) -> None:
    client = api(token(world, TokenScope.READ_PERSONS, region="Курская область"))
    ids = {p["id"] for p in client.get("/api/persons").json()["persons"]}
    assert world.shared in ids and world.other_region not in ids
    refused(client.get(f"/api/persons/{world.other_region}"), 404)


def current_status(world: World, person_id: int) -> str | None:
    with world.instance.sessions() as db:
        return db.scalar(
            select(Assessment.status).where(
                Assessment.person_id == person_id, Assessment.is_current
            )
        )


def test_a_report_written_through_the_api_moves_the_status(world: World, api: Api) -> None:
    client = api(token(world, TokenScope.WRITE_REPORTS))
    before = current_status(world, world.free)
    body = {
        "claim": "captured_confirmed",
        "observed_on": "2026-10-01",
        "source_type": "red_cross",
        "source_name": "ICRC visit",
        "credibility": 2,
        "text": "visited in a camp",
        "place": "camp 3",
    }
    made = client.post(f"/api/persons/{world.free}/reports", json=body)
    assert made.status_code == 201, made.text
    answer = made.json()
    assert answer["source"] == "partner: Red Cross tracing"
    assert answer["grade"] == "F2"  # ungraded source: never above what analysts gave it
    assert answer["status"] == current_status(world, world.free) != before
    with world.instance.sessions() as db:
        report = db.get(Report, answer["id"])
        assert report is not None and "ICRC visit" in report.text and report.created_by is None
    # a browser session cannot write through the API, nor a retraction, nor a hidden person
    browser = api(None)
    assert browser.post("/login", data={"username": "ana", "password": PASSWORD}).is_redirect
    refused(browser.post(f"/api/persons/{world.free}/reports", json=body), 401)
    refused(
        client.post(f"/api/persons/{world.free}/reports", json={**body, "claim": "retraction"}), 422
    )
    refused(client.post(f"/api/persons/{world.withheld}/reports", json=body), 404)
    refused(client.post(f"/api/persons/{world.free}/reports", json={**body, "text": "a\x00b"}), 422)
    refused(client.post("/api/persons/99999/reports", json=body), 404)


def lists(world: World) -> int:
    with world.instance.sessions() as db:
        return db.scalar(select(func.count()).select_from(ImportedList)) or 0


def test_a_list_uploaded_through_the_api_imports_and_links(world: World, api: Api) -> None:
    client = api(token(world, TokenScope.UPLOAD_LISTS))
    fields = {
        "name": "api-pow",
        "kind": "prisoner_list",
        "source": "Other side ministry",
        "published": "2026-10-01",
    }
    upload = {"file": ("pow.csv", ROWS.encode(), "text/csv")}
    seen = client.post("/api/lists", data={**fields, "preview": "true"}, files=upload)
    assert seen.status_code == 200, seen.text
    assert seen.json()["dry_run"] is True and seen.json()["automatic"] == 1
    assert lists(world) == 0  # a preview writes nothing
    done = client.post("/api/lists", data=fields, files=upload)
    assert done.status_code == 200, done.text
    figures = done.json()
    assert figures["dry_run"] is False and figures["rows"] == 1
    assert figures["automatic"] == 1 and figures["reports"] == 1
    assert lists(world) == 1
    assert current_status(world, world.listed) == "captured_reported"
    with world.instance.sessions() as db:
        claims = db.execute(
            select(Report.claim, Source.name)
            .join(Source, Source.id == Report.source_id)
            .where(Report.person_id == world.listed)
        ).all()
    assert [tuple(c) for c in claims] == [("captured_reported", "Other side ministry")]
    again = client.post("/api/lists", data={**fields, "name": "api-pow-2"}, files=upload)
    assert again.status_code == 200 and again.json()["held_by"] == "api-pow"
    assert lists(world) == 1
    refused(
        client.post("/api/lists", data={**fields, "name": "z", "kind": "nonsense"}, files=upload),
        422,
    )
    refused(
        client.post(
            "/api/lists",
            data={**fields, "name": "api-pow"},
            files={"file": ("b.csv", "id,surname\nx,Иванов\n".encode(), "text/csv")},
        ),
        409,
    )
