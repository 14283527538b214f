"""Chat mentions moderated on the web: listed with the message, accepted or rejected (CSRF)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import PersonDetails
from kintrace.cases.service import add_person
from kintrace.chats.service import import_chat
from kintrace.chats.telegram import read_export
from kintrace.instance import Instance
from kintrace.storage.audit import set_actor
from kintrace.storage.chat_tables import ChatMention
from kintrace.storage.db import transaction
from kintrace.storage.tables import Report

Client = Callable[[str | None], TestClient]
EXPORT = Path(__file__).parents[2] / "unit" / "chats" / "result.json"


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no form"
    return found.group(1)


def imported(instance: Instance, name: str) -> dict[int, int]:
    """Import the invented export with its Иванов on file; return mention ids by message id."""
    with transaction(instance.sessions) as db:
        set_actor(db, actor_id=None, reason="test")
        details = PersonDetails(
            surname="Иванов", given_name="Сергей", patronymic="Петрович",
            birth=PartialDate(1995, 7, 14, Precision.DAY), unit="в/ч 12345",
        )  # fmt: skip
        add_person(db, details, region=None, actor_id=None)
        import_chat(
            db, messages=read_export(EXPORT), list_name=name, filename="result.json",
            sha256="2" * 64, actor_id=None, settings=instance.settings, today=date.today(),
        )  # fmt: skip
        rows = db.scalars(select(ChatMention).order_by(ChatMention.id)).all()
        return {m.message_id: m.id for m in rows if m.list_record_id and m.state == "pending"}


def test_an_analyst_sees_the_messages_and_accepts_or_rejects(
    client_for: Client, demo_instance: Instance
) -> None:
    mentions = imported(demo_instance, "web chat")
    analyst = client_for("analyst")
    page = analyst.get("/chats")
    assert page.status_code == 200
    assert f'data-mention="{mentions[2]}"' in page.text
    assert "Ищем Иванова Сергея Петровича" in page.text  # the message itself
    assert page.text.count("data-scam") == 1
    token = csrf(analyst, "/chats")
    # no reason: a clear 422, nothing decided
    answer = analyst.post(f"/chats/{mentions[6]}", data={"csrf": token, "decision": "reject"})
    assert answer.status_code == 422
    answer = analyst.post(
        f"/chats/{mentions[6]}", data={"csrf": token, "decision": "reject", "reason": "scam"}
    )
    assert answer.status_code == 303
    answer = analyst.post(f"/chats/{mentions[2]}", data={"csrf": token, "decision": "accept"})
    assert answer.status_code == 303, answer.text
    page = analyst.get("/chats").text
    assert f'data-mention="{mentions[2]}"' not in page
    assert f'data-mention="{mentions[6]}"' not in page
    with transaction(demo_instance.sessions) as db:
        accepted = db.get(ChatMention, mentions[2])
        assert accepted is not None and accepted.state == "accepted"
        report = db.get(Report, accepted.report_id)
        assert report is not None and report.text.startswith("Ищем Иванова")


def test_a_forged_form_and_other_roles_are_refused(
    client_for: Client, demo_instance: Instance
) -> None:
    mentions = imported(demo_instance, "web chat 2")
    analyst = client_for("analyst")
    forged = analyst.post(f"/chats/{mentions[3]}", data={"csrf": "x", "decision": "accept"})
    assert forged.status_code == 403
    for role in ("relative", "desk", "lab"):
        assert client_for(role).get("/chats").status_code == 403
    bad = analyst.post(
        f"/chats/{mentions[3]}", data={"csrf": csrf(analyst, "/chats"), "decision": "maybe"}
    )
    assert bad.status_code == 422


def test_the_page_speaks_russian_and_ukrainian(client_for: Client, demo_instance: Instance) -> None:
    imported(demo_instance, "web chat 3")
    analyst = client_for("analyst")
    for lang, word in (("ru", "Отклонить"), ("uk", "Відхилити")):
        page = analyst.get("/chats", headers={"Accept-Language": lang})
        assert f'<html lang="{lang}">' in page.text and word in page.text


def test_a_message_is_shown_as_text_never_as_markup(
    client_for: Client, demo_instance: Instance, tmp_path: Path
) -> None:
    export = tmp_path / "result.json"
    export.write_text(
        '{"name": "x", "messages": [{"id": 1, "type": "message", "date": "2024-02-01T10:00:00",'
        ' "from": "<b>x</b>", "text": "Ищем Сидорова Павла, пропал <script>alert(1)</script>"}]}',
        encoding="utf-8",
    )
    with transaction(demo_instance.sessions) as db:
        set_actor(db, actor_id=None, reason="test")
        import_chat(
            db, messages=read_export(export), list_name="web chat markup", filename="result.json",
            sha256="3" * 64, actor_id=None, settings=demo_instance.settings, today=date.today(),
        )  # fmt: skip
    page = client_for("analyst").get("/chats").text
    assert "<script>alert(1)</script>" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
