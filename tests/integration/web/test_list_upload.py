"""Analysts upload lists on the web (issue 18): preview first (nothing written), then import."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from db_builders import person_details
from kintrace.cases.service import add_person
from kintrace.instance import Instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import Assessment, ImportedList, Report, Source

Client = Callable[[str | None], TestClient]

ROWS = (
    "id,surname,given_name,patronymic,sex,birth_date,region,unit,rank,personal_number\n"
    "w1,Загоруйко,Остап,Миронович,m,03.05.1998,Курская область,в/ч 12345,рядовой,ЯЯ-987654\n"
)


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def lists_count(instance: Instance) -> int:
    with instance.sessions() as session:
        return session.scalar(select(func.count()).select_from(ImportedList)) or 0


def test_an_analyst_previews_then_imports_a_prisoner_list(
    client_for: Client, demo_instance: Instance
) -> None:
    with transaction(demo_instance.sessions) as session:
        session.info["reason"] = "test"
        details = person_details("Загоруйко", "Остап", patronymic="Миронович",
                                 personal_number="ЯЯ-987654")  # fmt: skip
        person_id = add_person(session, details, region=None, actor_id=None).id
    analyst = client_for("analyst")
    assert analyst.get("/lists").status_code == 200
    fields = {"name": "web-pow", "kind": "prisoner_list", "source": "Web publisher",
              "published": "2026-10-01"}  # fmt: skip
    token = csrf(analyst, "/lists")
    before = lists_count(demo_instance)
    preview = analyst.post(
        "/lists",
        data={"csrf": token, **fields, "action": "preview"},
        files={"file": ("pow.csv", ROWS.encode(), "text/csv")},
    )
    assert preview.status_code == 200, preview.text[:500]
    assert "data-preview" in preview.text
    assert lists_count(demo_instance) == before  # nothing written
    stored = re.search(r'name="stored" value="([0-9a-f]{64})"', preview.text)
    assert stored is not None
    done = analyst.post(
        "/lists",
        data={
            "csrf": token,
            **fields,
            "action": "import",
            "stored": stored.group(1),
            "filename": "pow.csv",
        },  # fmt: skip
    )
    assert done.status_code == 303, done.text[:500]
    assert lists_count(demo_instance) == before + 1
    with demo_instance.sessions() as session:
        claims = session.execute(
            select(Report.claim, Source.name)
            .join(Source, Source.id == Report.source_id)
            .where(Report.person_id == person_id)
        ).all()
        status = session.scalar(
            select(Assessment.status).where(
                Assessment.person_id == person_id, Assessment.is_current
            )
        )
    assert [tuple(c) for c in claims] == [("captured_reported", "Web publisher")]
    assert status == "captured_reported"
    again = analyst.post(
        "/lists",
        data={"csrf": token, **fields, "name": "web-pow-2", "action": "preview"},
        files={"file": ("copy.csv", ROWS.encode(), "text/csv")},
    )
    assert again.status_code == 200 and "data-held-by" in again.text and "web-pow" in again.text
    assert lists_count(demo_instance) == before + 1


def test_a_relative_or_desk_cannot_upload_and_bad_fields_are_refused(
    client_for: Client,
) -> None:
    for role in ("relative", "desk"):
        client = client_for(role)
        token = csrf(client, "/account")
        refused = client.post(
            "/lists",
            data={"csrf": token, "name": "x", "kind": "prisoner_list"},
            files={"file": ("pow.csv", ROWS.encode(), "text/csv")},
        )
        assert refused.status_code == 403, role
    analyst = client_for("analyst")
    token = csrf(analyst, "/lists")
    for fields, word in (
        ({"name": "x", "kind": "nonsense"}, "kind"),
        ({"name": "x", "kind": "prisoner_list", "published": "01.10.2026"}, "published"),
        ({"name": "x", "kind": "prisoner_list"}, "file"),
    ):
        response = analyst.post("/lists", data={"csrf": token, **fields})
        assert response.status_code == 422 and word in response.text, fields
    exe = analyst.post(
        "/lists",
        data={"csrf": token, "name": "x", "kind": "other"},
        files={"file": ("run.exe", b"MZ", "application/octet-stream")},
    )
    assert exe.status_code == 422
    assert analyst.post("/lists", data={"csrf": "forged", "name": "x"}).status_code == 403


def imported_through_the_web(analyst: TestClient, rows: str, name: str) -> None:
    token = csrf(analyst, "/lists")
    fields = {"csrf": token, "name": name, "kind": "prisoner_list", "source": "Web publisher",
              "published": "2026-10-01"}  # fmt: skip
    preview = analyst.post(
        "/lists", data={**fields, "action": "preview"},
        files={"file": (f"{name}.csv", rows.encode(), "text/csv")},
    )  # fmt: skip
    stored = re.search(r'name="stored" value="([0-9a-f]{64})"', preview.text)
    assert stored is not None, preview.text[:500]
    done = analyst.post(
        "/lists",
        data={**fields, "action": "import", "stored": stored.group(1), "filename": f"{name}.csv"},
    )
    assert done.status_code == 303, done.text[:500]


def test_a_row_linked_to_nobody_opens_a_case_and_a_link_is_undone_with_a_reason(
    client_for: Client, demo_instance: Instance
) -> None:
    analyst = client_for("analyst")
    stranger = (
        "id,surname,given_name,patronymic,sex,birth_date\n"
        "s1,Щербаковський,Ярополк,Всеволодович,m,1961\n"
    )
    imported_through_the_web(analyst, stranger, "web-strangers")
    page = analyst.get("/lists").text
    waiting = re.search(r'data-waiting="(\d+)"', page)
    assert waiting is not None
    token = csrf(analyst, "/lists")
    opened = analyst.post(f"/list-records/{waiting.group(1)}/case", data={"csrf": token})
    assert opened.status_code == 303
    person_page = analyst.get(opened.headers["location"])
    assert "Щербаковський" in person_page.text
    link = re.search(r'data-list-link="(\d+)"', person_page.text)
    assert link is not None
    person_id = int(opened.headers["location"].rsplit("/", 1)[1])
    with demo_instance.sessions() as session:
        status = session.scalar(
            select(Assessment.status).where(
                Assessment.person_id == person_id, Assessment.is_current
            )
        )
    assert status == "captured_reported"
    no_reason = analyst.post(f"/links/{link.group(1)}/undo", data={"csrf": token, "reason": " "})
    assert no_reason.status_code == 422
    undone = analyst.post(
        f"/links/{link.group(1)}/undo", data={"csrf": token, "reason": "a namesake"}
    )
    assert undone.status_code == 303
    with demo_instance.sessions() as session:
        claims = list(
            session.scalars(
                select(Report.claim).where(Report.person_id == person_id).order_by(Report.id)
            )
        )
        status = session.scalar(
            select(Assessment.status).where(
                Assessment.person_id == person_id, Assessment.is_current
            )
        )
    assert claims == ["captured_reported", "retraction"]
    assert status == "missing"
