"""Letters on the web: the family, its desk and analysts write them; "mark as sent" keeps the
request with its due date; a person the viewer may not see is a 404."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.db_builders import person_details
from tests.pdf_pages import pdf_text

from kintrace.cases.model import Channel, InquirerDetails, Relationship, RequestDetails, Sex
from kintrace.cases.service import add_person, file_request
from kintrace.instance import Instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import AuthorityRequest, CaseView, Person, Region, User

Client = Callable[[str | None], TestClient]


@pytest.fixture(scope="module")
def ivanov(demo_instance: Instance) -> int:
    """Иванов Сергей Петрович at the desk's region, sought by the demo's relative."""
    with transaction(demo_instance.sessions) as db:
        desk = db.scalar(select(User).where(User.username == "desk"))
        relative = db.scalar(select(User).where(User.username == "relative"))
        assert desk is not None and relative is not None
        region = db.get(Region, desk.region_id)
        details = replace(person_details("Иванов", "Сергей", patronymic="Петрович"), sex=Sex.MALE)
        person = add_person(db, details, region=region, actor_id=None)
        file_request(
            db,
            person=person,
            inquirer=InquirerDetails("Иванова Анна Петровна", Relationship.MOTHER),
            request=RequestDetails(date(2023, 1, 5), Channel.WEB),
            actor_id=relative.id,
            user_id=relative.id,
        )
        return person.id


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


@pytest.mark.parametrize("role", ["relative", "desk", "analyst"])
def test_the_letters_page_names_the_person_in_the_genitive(
    client_for: Client, ivanov: int, role: str
) -> None:
    client = client_for(role)
    page = client.get(f"/persons/{ivanov}/letters", params={"kind": "status_change", "lang": "ru"})
    assert page.status_code == 200
    assert "Заявление о розыске Иванова Сергея Петровича" in page.text
    assert "Иванова Анна Петровна" in page.text  # the mother signs
    person = client.get(f"/persons/{ivanov}")
    assert f'href="/persons/{ivanov}/letters"' in person.text


def test_the_pdf_is_the_chosen_letter_in_the_chosen_language(
    client_for: Client, ivanov: int
) -> None:
    relative = client_for("relative")
    response = relative.get(
        f"/persons/{ivanov}/letters.pdf",
        params={"kind": "pow_list_inclusion", "lang": "uk", "addressee": "ombudsman"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Заява про включення Иванова Сергея Петровича до списків" in text
    assert "Прошу включити Иванова Сергея Петровича" in text
    assert "Уповноважений з прав людини" in text


def test_mark_as_sent_records_the_request_with_its_due_date(
    client_for: Client, demo_instance: Instance, ivanov: int
) -> None:
    relative = client_for("relative")
    page = relative.get(f"/persons/{ivanov}/letters", params={"kind": "dna_test", "lang": "en"})
    sent_on = date.today() - timedelta(days=3)
    answer = relative.post(
        f"/persons/{ivanov}/letters/sent",
        data={
            "csrf": csrf_of(page.text),
            "kind": "dna_test",
            "addressee": "forensics",
            "lang": "en",
            "sent_on": sent_on.isoformat(),
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/persons/{ivanov}#authorities"
    with demo_instance.sessions() as db:
        rows = db.scalars(
            select(AuthorityRequest).where(
                AuthorityRequest.person_id == ivanov, AuthorityRequest.kind == "dna_test"
            )
        ).all()
        assert [(r.authority, r.sent_on, r.due_on) for r in rows] == [
            (
                "Bureau of forensic medical examination",
                sent_on,
                sent_on + timedelta(days=demo_instance.settings.authority_reply_days),
            )
        ]
        logged = db.scalars(
            select(CaseView.what).where(CaseView.person_id == ivanov, CaseView.action == "letter")
        ).all()
        assert "letter_sent:dna_test" in logged  # the family sees who wrote to whom


def test_mark_as_sent_needs_the_form_token(client_for: Client, ivanov: int) -> None:
    relative = client_for("relative")
    refused = relative.post(
        f"/persons/{ivanov}/letters/sent",
        data={"csrf": "forged", "kind": "dna_test", "sent_on": date.today().isoformat()},
    )
    assert refused.status_code == 403


def test_a_person_the_viewer_may_not_see_is_not_found(
    client_for: Client, demo_instance: Instance, ivanov: int
) -> None:
    relative = client_for("relative")
    own = {p["id"] for p in relative.get("/api/persons?per_page=200").json()["persons"]}
    with demo_instance.sessions() as db:
        other = db.scalar(select(Person.id).where(Person.id.not_in(own)).order_by(Person.id))
    assert other is not None
    for path in (f"/persons/{other}/letters", f"/persons/{other}/letters.pdf"):
        assert relative.get(path, params={"lang": "ru"}).status_code == 404
    assert client_for("lab").get(f"/persons/{ivanov}/letters").status_code == 403
    assert client_for("reviewer").get(f"/persons/{ivanov}/letters").status_code == 403


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"kind": "pension"}, "KIND"),
        ({"lang": "de"}, "lang"),
        ({"addressee": "court"}, "addressee"),
    ],
)
def test_a_bad_choice_is_a_clear_422(
    client_for: Client, ivanov: int, params: dict[str, str], named: str
) -> None:
    answer = client_for("desk").get(f"/persons/{ivanov}/letters.pdf", params=params)
    assert answer.status_code == 422
    assert named in answer.text
