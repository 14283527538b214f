"""PFIF 1.4 in the web app (issue 18), on SQLite and PostgreSQL: an analyst previews an
uploaded file (nothing written), then imports it; broken files, an XML bomb and a file over
the upload limit give one clear error and write nothing; a relative or a desk cannot reach
the page; the download is valid under the PFIF schema, carries only consented data and is
logged on every exported case."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from conftest import fresh_pg_database
from db_builders import a_person, a_report, a_request
from kintrace.access import Role
from kintrace.cases.model import Channel, InquirerDetails, Relationship, RequestDetails
from kintrace.cases.service import file_request, get_or_create_region
from kintrace.config import Settings
from kintrace.exchange.pfif import parse_pfif
from kintrace.exchange.service import instance_domain
from kintrace.instance import Instance, open_instance
from kintrace.storage.audit import set_actor
from kintrace.storage.db import transaction
from kintrace.storage.tables import CaseView, ImportedList, Person, Report
from kintrace.users.service import create_user
from kintrace.web.app import create_app
from pfif_schema import schema_problems

PASSWORD = "a long test password"
NS = "http://zesty.ca/pfif/1.4"


@dataclass
class World:
    instance: Instance
    consented: int  # his mother agreed to share with the Red Cross
    refused: int  # his mother agreed to nothing
    domain: str


def _pfif(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="{NS}">\n{body}\n</pfif:pfif>\n'.encode()  # noqa: E501


def _person(record_id: str, name: str, notes: str = "") -> str:
    return (
        f"<pfif:person><pfif:person_record_id>{record_id}</pfif:person_record_id>"
        "<pfif:source_date>2023-01-01T00:00:00Z</pfif:source_date>"
        f"<pfif:full_name>{name}</pfif:full_name>{notes}</pfif:person>"
    )


def _note(note_id: str, person_id: str, status: str, on: str = "2023-02-01") -> str:
    return (
        f"<pfif:note><pfif:note_record_id>{note_id}</pfif:note_record_id>"
        f"<pfif:person_record_id>{person_id}</pfif:person_record_id>"
        "<pfif:author_name>Anna</pfif:author_name>"
        f"<pfif:source_date>{on}T00:00:00Z</pfif:source_date>"
        + (f"<pfif:status>{status}</pfif:status>" if status else "")
        + "<pfif:text>heard of him</pfif:text></pfif:note>"
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    database_url = ""
    maker = None
    if request.param == "postgresql":
        maker = fresh_pg_database("kintrace_pfif_web")
        database_url = next(maker)
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, secret_key="test-secret", max_upload_mb=1
    )
    with open_instance(settings) as instance:
        with transaction(instance.sessions) as db:
            set_actor(db, actor_id=None, reason="test")
            kursk = get_or_create_region(db, "Курская область")
            for username, role in (
                ("ana", Role.ANALYST),
                ("adm", Role.ADMINISTRATOR),
                ("rel", Role.RELATIVE),
                ("desk", Role.OPERATOR),
                ("rev", Role.REVIEWER),
            ):
                create_user(
                    db,
                    username=username,
                    password=PASSWORD,
                    role=role,
                    region_id=kursk.id if role is Role.OPERATOR else None,
                )
            consented = a_person(db, "Петров")
            a_request(db, consented)
            a_report(db, consented, "captured_reported", date(2022, 10, 2))
            refused = a_person(db, "Коваленко")
            file_request(
                db,
                person=refused,
                inquirer=InquirerDetails("Коваленко Ольга", Relationship.MOTHER, "+380 1", ""),
                request=RequestDetails(date(2023, 2, 1), Channel.PHONE),
                actor_id=None,
            )
            ids = (consented.id, refused.id)
        yield World(instance, *ids, domain=instance_domain(settings))
    if maker is not None:
        for _ in maker:
            pass


def signed_in(world: World, username: str) -> TestClient:
    client = TestClient(create_app(world.instance), follow_redirects=False)
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


def csrf(client: TestClient, path: str = "/cases") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def counts(world: World) -> tuple[int, int, int, int]:
    with world.instance.sessions() as db:
        return tuple(  # type: ignore[return-value]
            db.scalar(select(func.count()).select_from(t)) or 0
            for t in (ImportedList, Person, Report, CaseView)
        )


def stored_files(world: World) -> list[Path]:
    return [p for p in world.instance.files.root.rglob("*") if p.is_file()]


def test_an_analyst_previews_then_imports_a_pfif_file(world: World) -> None:
    own = f"{world.domain}/person.{world.consented}"
    data = _pfif(
        _person("p.org/1", "Иванов Сергей Петрович", _note("p.org/n1", "p.org/1", "believed_alive"))
        + _note("p.org/n2", own, "believed_dead")
        + _note("p.org/n3", own, "")  # claims nothing
    )
    analyst = signed_in(world, "ana")
    page = analyst.get("/exchange/pfif")
    assert page.status_code == 200
    assert 'action="/exchange/pfif"' in page.text and 'action="/exchange/pfif.xml"' in page.text
    assert page.text.count('name="csrf"') >= 3  # the language form, the upload and the download
    token = csrf(analyst, "/exchange/pfif")
    before = counts(world)
    preview = analyst.post(
        "/exchange/pfif",
        data={"csrf": token, "action": "preview", "name": "web pfif"},
        files={"file": ("partner.xml", data, "application/xml")},
    )
    assert preview.status_code == 200, preview.text[:800]
    assert "data-preview" in preview.text and "data-refused" not in preview.text
    assert "Persons created: 1" in preview.text
    assert "Persons found again (updated): 1" in preview.text
    assert "Notes recorded as reports: 2" in preview.text  # the alive and the dead note
    assert "notes claiming nothing: 1" in preview.text
    assert counts(world) == before  # nothing written
    stored = re.search(r'name="stored" value="([0-9a-f]{64})"', preview.text)
    assert stored is not None
    done = analyst.post(
        "/exchange/pfif",
        data={
            "csrf": token,
            "action": "import",
            "name": "web pfif",
            "stored": stored.group(1),
            "filename": "partner.xml",
        },
    )
    assert done.status_code == 200, done.text[:800]
    assert "data-imported" in done.text
    lists, persons, reports, views = counts(world)
    assert (lists, persons, reports) == (before[0] + 1, before[1] + 1, before[2] + 2)
    with world.instance.sessions() as db:
        assert db.scalar(select(ImportedList.name)) == "web pfif"
        new = db.scalars(select(Person.id).where(Person.surname == "Иванов")).one()
        logged = set(
            db.execute(
                select(CaseView.person_id, CaseView.action, CaseView.what, CaseView.role)
            ).all()
        )
    assert logged == {
        (world.consented, "change", "pfif_import", "analyst"),
        (new, "change", "pfif_import", "analyst"),
    }
    again = analyst.post(
        "/exchange/pfif",
        data={"csrf": token, "action": "preview"},
        files={"file": ("again.xml", data, "application/xml")},
    )
    assert again.status_code == 200 and "data-held-by" in again.text
    assert "web pfif" in again.text
    assert counts(world) == (lists, persons, reports, views)


BROKEN = {
    "not_xml": b"<pfif xmlns='http://zesty.ca/pfif/1.4'><person>",
    "xml_bomb": (
        b'<?xml version="1.0"?>\n<!DOCTYPE pfif [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
        b"<pfif xmlns='http://zesty.ca/pfif/1.4'>&c;</pfif>"
    ),
    "external_entity": (
        b'<?xml version="1.0"?>\n<!DOCTYPE pfif SYSTEM "file:///etc/passwd">\n<pfif/>'
    ),
    "not_pfif_1_4": b"<pfif xmlns='http://zesty.ca/pfif/1.3'/>",
    "over_the_limit_streamed": b"<!--" + b"x" * (1024 * 1024 + 10) + b"-->",  # under the body room
    "over_the_limit": b"<!--" + b"x" * (3 * 1024 * 1024) + b"-->",  # refused from its length
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_file_is_one_clear_error_and_writes_nothing(world: World, kind: str) -> None:
    analyst = signed_in(world, "ana")
    token = csrf(analyst, "/exchange/pfif")
    before = counts(world)
    response = analyst.post(
        "/exchange/pfif",
        data={"csrf": token, "action": "preview"},
        files={"file": ("broken.xml", BROKEN[kind], "application/xml")},
    )
    expected = 413 if kind.startswith("over") else 422
    assert response.status_code == expected, response.text[:800]
    problems = re.findall(r"<li[^>]*>(.*?)</li>", response.text.split("<main", 1)[1], re.S)
    assert len(problems) == 1, problems  # one clear error
    if expected == 422:
        assert "broken.xml" in problems[0]
    else:
        assert "MiB" in problems[0]
    assert counts(world) == before
    assert stored_files(world) == []


def test_a_refused_record_is_shown_with_its_reason_and_nothing_is_kept(world: World) -> None:
    data = _pfif(
        _person("p.org/1", "Иванов Сергей", _note("p.org/n1", "p.org/1", "believed_alive"))
        + _note("p.org/n2", "p.org/1", "believed_dead", on="2099-01-01")
        + _note("p.org/n3", "q.org/9", "believed_dead")
    )
    analyst = signed_in(world, "adm")  # administrators may too
    token = csrf(analyst, "/exchange/pfif")
    before = counts(world)
    preview = analyst.post(
        "/exchange/pfif",
        data={"csrf": token, "action": "preview"},
        files={"file": ("partner.xml", data, "application/xml")},
    )
    assert preview.status_code == 422
    assert "data-refused" in preview.text
    assert "p.org/n2" in preview.text and "source_date" in preview.text
    assert "q.org/9" in preview.text and "neither in this file nor imported before" in preview.text
    assert 'value="import"' not in preview.text  # all or nothing: no import offered
    assert counts(world) == before
    assert stored_files(world) == []


@pytest.mark.parametrize("username", ["rel", "desk", "rev"])
def test_a_relative_a_desk_or_a_reviewer_cannot_reach_it(world: World, username: str) -> None:
    client = signed_in(world, username)
    token = csrf(client)
    before = counts(world)
    assert client.get("/exchange/pfif").status_code == 403
    upload = client.post(
        "/exchange/pfif",
        data={"csrf": token, "action": "preview"},
        files={"file": ("p.xml", _pfif(_person("p.org/1", "Иванов")), "application/xml")},
    )
    assert upload.status_code == 403
    download = client.post("/exchange/pfif.xml", data={"csrf": token})
    assert download.status_code == 403 and "<pfif" not in download.text
    assert counts(world) == before
    assert 'href="/exchange/pfif"' not in client.get("/links").text


def test_forms_without_the_csrf_token_are_refused(world: World) -> None:
    analyst = signed_in(world, "ana")
    before = counts(world)
    response = analyst.post(
        "/exchange/pfif",
        data={"csrf": "forged", "action": "preview"},
        files={"file": ("p.xml", _pfif(_person("p.org/1", "Иванов")), "application/xml")},
    )
    assert response.status_code == 403
    assert analyst.post("/exchange/pfif.xml", data={"csrf": "forged"}).status_code == 403
    assert counts(world) == before


def test_the_download_is_valid_pfif_of_consented_data_and_is_logged(world: World) -> None:
    analyst = signed_in(world, "ana")
    assert 'href="/exchange/pfif"' in analyst.get("/links").text
    token = csrf(analyst, "/exchange/pfif")
    response = analyst.post("/exchange/pfif.xml", data={"csrf": token})
    assert response.status_code == 200, response.text[:800]
    assert response.headers["content-type"].startswith("application/xml")
    assert "attachment" in response.headers["content-disposition"]
    assert schema_problems(response.content) == []
    document = parse_pfif(response.content, "download.xml")
    assert [p.get("family_name") for p in document.persons] == ["Петров"]  # not Коваленко
    request = next(n for n in document.all_notes() if n.get("status") == "information_sought")
    assert request.get("author_name") == "Петрова Мария Ивановна"
    with world.instance.sessions() as db:
        logged = db.execute(select(CaseView.person_id, CaseView.action, CaseView.what)).all()
    assert logged == [(world.consented, "export", "pfif_export_red_cross")]
    future = analyst.post("/exchange/pfif.xml", data={"csrf": token, "since": "2999-01-01"})
    assert future.status_code == 422
    assert (
        analyst.post("/exchange/pfif.xml", data={"csrf": token, "scope": "everyone"}).status_code
        == 422
    )
    old = analyst.post("/exchange/pfif.xml", data={"csrf": token, "since": "2000-01-01"})
    assert old.status_code == 200
    assert [p.get("family_name") for p in parse_pfif(old.content, "o.xml").persons] == ["Петров"]
    other = analyst.post("/exchange/pfif.xml", data={"csrf": token, "scope": "authorities"})
    assert other.status_code == 200  # his mother agreed to the Red Cross only
    assert schema_problems(other.content) == []
    assert parse_pfif(other.content, "a.xml").persons == ()
