"""The handover page: the desk records the steps, the family follows them in its language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from kintrace.access import Role, Viewer
from kintrace.config import Settings
from kintrace.identification.service import case_of, decide, propose, register_sample
from kintrace.instance import Instance
from kintrace.storage.audit import set_actor
from kintrace.storage.db import transaction
from kintrace.storage.tables import User

Client = Callable[[str | None], TestClient]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def confirm_an_identification(instance: Instance, person_id: int) -> None:
    with transaction(instance.sessions) as db:
        set_actor(db, actor_id=None, reason="test: a confirmed identification")
        lab = db.scalars(select(User).where(User.username == "lab")).one()
        reviewer = db.scalars(select(User).where(User.username == "reviewer")).one()
        remains = register_sample(db, kind="remains", collected_on=date.today(), actor_id=lab.id)
        proposal = propose(
            db, Viewer(lab.id, Role.DNA_LAB), remains_code=remains.code,
            case_code=case_of(db, person_id).code, lr=3.0e9, posterior=0.99999,
            conclusion="undisputed", method="test",
        )  # fmt: skip
        decide(
            db, Viewer(reviewer.id, Role.REVIEWER), proposal.id, confirm=True, note="",
            settings=Settings(), today=date.today(),
        )  # fmt: skip


def test_the_family_follows_the_handover_that_the_desk_records(
    client_for: Client, demo_instance: Instance
) -> None:
    relative, desk = client_for("relative"), client_for("desk")
    before = relative.get("/persons/1/handover")
    assert before.status_code == 200
    assert "only after a confirmed identification" in before.text
    assert 'name="stage"' not in before.text

    confirm_an_identification(demo_instance, 1)
    assert "/persons/1/handover" in relative.get("/persons/1").text
    form = desk.get("/persons/1/handover")
    assert 'name="stage"' in form.text
    answer = desk.post(
        "/persons/1/handover",
        data={
            "csrf": csrf_of(form.text),
            "stage": "handed_over",
            "happened_on": date.today().isoformat(),
            "place": "Курск",
            "handed_by": "Ст. лейтенант Орлов",
            "received_by": "Петрова Анна Ивановна",
            "documents": "Акт № 17",
        },
    )
    assert answer.status_code == 303

    seen = relative.get("/persons/1/handover", headers={"Accept-Language": "ru"})
    assert "Переданы семье" in seen.text
    assert "Петрова Анна Ивановна" in seen.text and "Акт № 17" in seen.text
    assert 'name="stage"' not in seen.text  # the family reads; the desk records
    person = relative.get("/persons/1", headers={"Accept-Language": "uk"})
    assert "Останки передано" in person.text  # the assessed status: remains returned


def test_the_family_cannot_record_a_step_and_a_bad_step_is_refused(
    client_for: Client, demo_instance: Instance
) -> None:
    relative, desk = client_for("relative"), client_for("desk")
    page = relative.get("/persons/1/handover")
    refused = relative.post(
        "/persons/1/handover",
        data={"csrf": csrf_of(page.text), "stage": "buried", "happened_on": "2026-01-01"},
    )
    assert refused.status_code == 403
    form = desk.get("/persons/1/handover")
    unknown = desk.post(
        "/persons/1/handover",
        data={"csrf": csrf_of(form.text), "stage": "cremated", "happened_on": "2026-01-01"},
    )
    assert unknown.status_code == 422 and "stage" in unknown.text


def test_the_handovers_refusals_are_said_in_the_readers_language() -> None:
    from kintrace.web.i18n import translate_problem

    refusal = "the remains can be handed over only after a confirmed identification"
    assert translate_problem("ru", refusal).startswith("останки можно передать только")
    assert translate_problem("uk", refusal).startswith("останки можна передати лише")
    field = translate_problem("uk", "field 'received_by': say who handed them over to whom")
    assert "вкажіть, хто передав останки" in field
