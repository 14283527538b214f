"""Attachments, "who looked at my case" and consent, through the web app (issue 16)."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from datetime import date, datetime

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from kintrace.access import Role
from kintrace.cases.model import (
    Channel,
    ConsentScope,
    InquirerDetails,
    Relationship,
    RequestDetails,
)
from kintrace.cases.service import file_request
from kintrace.instance import Instance
from kintrace.storage.audit import set_actor
from kintrace.storage.db import transaction
from kintrace.storage.tables import (
    CaseView,
    ConsentChange,
    Inquirer,
    Person,
    Sample,
    TracingRequest,
    User,
)
from kintrace.users.service import create_user, set_password
from kintrace.web.app import create_app

Client = Callable[[str | None], TestClient]
_NUMBERS = itertools.count(1)


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, path
    return found.group(1)


def _photo() -> bytes:
    image = Image.new("RGB", (600, 300), (10, 200, 10))
    exif = Image.Exif()
    exif[0x8825] = {2: (55.0, 45.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _own_person(instance: Instance) -> int:
    with transaction(instance.sessions) as db:
        pid = db.scalar(
            select(TracingRequest.person_id)
            .join(Inquirer, Inquirer.id == TracingRequest.inquirer_id)
            .join(User, User.id == Inquirer.user_id)
            .where(User.username == "relative")
            .order_by(TracingRequest.id)
        )
        assert pid is not None
        return pid


def _second_relative(instance: Instance, person_id: int, consent: frozenset[ConsentScope]) -> int:
    """Another relative of the same person, with an account and a request of their own."""
    with transaction(instance.sessions) as db:
        user = create_user(
            db,
            username=f"wife{person_id}-{next(_NUMBERS)}",
            password="",
            role=Role.RELATIVE,
            display_name="Жена",
        )
        set_actor(db, actor_id=None, reason="test: a second relative")
        set_password(db, user, "second relative pw", now=datetime.now())
        person = db.get(Person, person_id)
        assert person is not None
        tracing = file_request(
            db,
            person=person,
            inquirer=InquirerDetails("Жена", Relationship.WIFE, "", "", consent),
            request=RequestDetails(date(2026, 3, 1), Channel.WEB),
            actor_id=user.id,
            user_id=user.id,
        )
        return tracing.inquirer_id


def _sign_in(instance: Instance, username: str, password: str) -> TestClient:
    client = TestClient(create_app(instance), follow_redirects=False)
    got = client.post("/login", data={"username": username, "password": password})
    assert got.status_code == 303
    return client


def test_a_photo_with_a_report_is_kept_once_with_a_clean_thumbnail_for_who_may_see_it(
    client_for: Client, demo_instance: Instance
) -> None:
    relative = client_for("relative")
    pid = _own_person(demo_instance)
    form = {
        "csrf": csrf(relative, f"/persons/{pid}"),
        "claim": "captured_reported",
        "observed_on": "2026-10-01",
        "text": "a photo from the hospital",
        "links": "https://t.me/c/1/2\n",
    }
    photo = _photo()
    sent = relative.post(
        f"/persons/{pid}/reports",
        data=form,
        files=[("files", ("../фото.exe", photo, "application/x-msdownload"))],
    )
    assert sent.status_code == 303, sent.text
    page = relative.get(f"/persons/{pid}").text
    digest = re.search(r'href="/attachments/([0-9a-f]{64})"><img', page)
    assert digest and 'href="https://t.me/c/1/2"' in page
    served = relative.get(f"/attachments/{digest.group(1)}")
    assert served.content == photo and served.headers["content-type"] == "image/jpeg"
    assert served.headers["content-disposition"].startswith("inline;")
    assert served.headers["x-content-type-options"] == "nosniff"
    small = relative.get(f"/attachments/{digest.group(1)}/thumbnail")
    with Image.open(io.BytesIO(small.content)) as image:
        assert max(image.size) <= 320 and len(image.getexif()) == 0
    # the same photo again is the same stored file
    again = relative.post(
        f"/persons/{pid}/reports", data=form, files=[("files", ("copy.jpg", photo, "image/jpeg"))]
    )
    assert again.status_code == 303
    assert (
        len(
            set(
                re.findall(
                    r'href="/attachments/([0-9a-f]{64})"><img', relative.get(f"/persons/{pid}").text
                )
            )
        )
        == 1
    )
    # the lab never, another relative who did not ask for him: not found
    assert client_for("lab").get(f"/attachments/{digest.group(1)}").status_code == 403
    assert client_for("analyst").get(f"/attachments/{digest.group(1)}").status_code == 200


def test_a_program_is_refused_and_nothing_is_written(
    client_for: Client, demo_instance: Instance
) -> None:
    relative = client_for("relative")
    pid = _own_person(demo_instance)
    before = relative.get(f"/persons/{pid}").text.count('data-report="')
    form = {
        "csrf": csrf(relative, f"/persons/{pid}"),
        "claim": "captured_reported",
        "observed_on": "2026-10-01",
    }
    sent = relative.post(
        f"/persons/{pid}/reports",
        data=form,
        files=[("files", ("photo.jpg", b"MZ\x90\x00" + bytes(80), "image/jpeg"))],
    )
    assert sent.status_code == 422 and "photo.jpg" in sent.text
    assert relative.get(f"/persons/{pid}").text.count('data-report="') == before
    bad_link = {**form, "links": "javascript:alert(1)"}
    assert relative.post(f"/persons/{pid}/reports", data=bad_link).status_code == 422


def test_files_added_to_a_request_later_and_a_document_is_a_download(
    client_for: Client, demo_instance: Instance
) -> None:
    relative = client_for("relative")
    pid = _own_person(demo_instance)
    page = relative.get(f"/persons/{pid}").text
    tracing = re.search(r'data-request-files="([0-9]+)"', page)
    assert tracing
    sent = relative.post(
        f"/requests/{tracing.group(1)}/attachments",
        data={"csrf": csrf(relative, f"/persons/{pid}")},
        files=[("files", ('письмо "1".pdf', b"%PDF-1.4 letter", "text/html"))],
    )
    assert sent.status_code == 303
    digest = re.search(
        r'href="/attachments/([0-9a-f]{64})">📎 письмо', relative.get(f"/persons/{pid}").text
    )
    assert digest
    served = relative.get(f"/attachments/{digest.group(1)}")
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D0%BF" in served.headers["content-disposition"]


def test_who_looked_is_logged_and_names_only_who_agreed(
    client_for: Client, demo_instance: Instance
) -> None:
    pid = _own_person(demo_instance)
    analyst = client_for("analyst")
    analyst.get(f"/persons/{pid}")
    analyst.get(f"/api/persons/{pid}")
    relative = client_for("relative")
    views = relative.get(f"/persons/{pid}/views").text
    assert "an analyst" in views and "the case through the API" in views
    with transaction(demo_instance.sessions) as db:
        name = db.scalar(select(User.display_name).where(User.username == "analyst"))
        kinds = set(db.scalars(select(CaseView.what).where(CaseView.person_id == pid)))
    assert name and name not in views
    assert {"person_page", "api"} <= kinds
    shown = analyst.post(
        "/account/show-name", data={"csrf": csrf(analyst, "/account"), "shows": "yes"}
    )
    assert shown.status_code == 303
    assert name in relative.get(f"/persons/{pid}/views").text
    assert client_for("lab").get(f"/persons/{pid}/views").status_code == 403


def test_consent_decides_what_another_relative_sees_and_keeps_its_history(
    client_for: Client, demo_instance: Instance
) -> None:
    pid = _own_person(demo_instance)
    wife = _second_relative(demo_instance, pid, frozenset())
    with transaction(demo_instance.sessions) as db:
        username = db.scalar(
            select(User.username)
            .join(Inquirer, Inquirer.user_id == User.id)
            .where(Inquirer.id == wife)
        )
    assert username
    other = _sign_in(demo_instance, username, "second relative pw")
    relative = client_for("relative")
    said = {
        "csrf": csrf(relative, f"/persons/{pid}"),
        "claim": "captured_reported",
        "observed_on": "2026-10-02",
        "text": "only-for-the-family-7731",
    }
    assert relative.post(f"/persons/{pid}/reports", data=said).status_code == 303
    mine = relative.get(f"/persons/{pid}").text
    own_inquirer = re.search(r'data-consent="([0-9]+)"', mine)
    assert own_inquirer and "only-for-the-family-7731" in mine
    token = csrf(relative, "/account")
    for scopes, shared in (([], False), (["other_relatives", "red_cross"], True), ([], False)):
        changed = relative.post(
            f"/consent/{own_inquirer.group(1)}", data={"csrf": token, "consent": scopes}
        )
        assert changed.status_code == 303
        seen = other.get(f"/persons/{pid}").text
        assert ("only-for-the-family-7731" in seen) is shared
    # the wife agreed to nothing: the first relative never sees her request, nor that she looked
    assert "<td>a relative</td>" not in relative.get(f"/persons/{pid}/views").text
    assert "<td>a relative</td>" in client_for("analyst").get(f"/persons/{pid}/views").text
    assert "Жена" not in relative.get(f"/persons/{pid}").text
    with transaction(demo_instance.sessions) as db:
        rows = list(
            db.scalars(
                select(ConsentChange)
                .where(ConsentChange.inquirer_id == int(own_inquirer.group(1)))
                .order_by(ConsentChange.id)
            )
        )
    assert [r.scopes for r in rows][-2:] == ["other_relatives,red_cross", ""]
    history = relative.get("/account").text
    assert history.count("the Red Cross") >= 2  # the choice and the earlier one kept
    # nobody changes another relative's consent
    assert (
        other.post(
            f"/consent/{own_inquirer.group(1)}", data={"csrf": csrf(other, "/account")}
        ).status_code
        == 404
    )


def test_the_sample_form_names_the_relative_and_their_consent_decides(
    client_for: Client, demo_instance: Instance
) -> None:
    pid = _own_person(demo_instance)
    wife = _second_relative(demo_instance, pid, frozenset({ConsentScope.DNA_LABORATORY}))
    refuser = _second_relative(demo_instance, pid, frozenset())
    analyst = client_for("analyst")
    page = analyst.get(f"/persons/{pid}").text
    assert f'<option value="{wife}">' in page
    form = {
        "csrf": csrf(analyst, f"/persons/{pid}"),
        "relationship": "wife",
        "collected_on": "2026-05-02",
    }
    refused = analyst.post(f"/persons/{pid}/samples", data={**form, "inquirer": str(refuser)})
    assert refused.status_code == 409
    assert (
        analyst.post(f"/persons/{pid}/samples", data={**form, "inquirer": "999999"}).status_code
        == 422
    )
    assert (
        analyst.post(f"/persons/{pid}/samples", data={**form, "inquirer": str(wife)}).status_code
        == 303
    )
    with transaction(demo_instance.sessions) as db:
        given = set(db.scalars(select(Sample.inquirer_id).where(Sample.person_id == pid)))
    assert wife in given and refuser not in given


def test_a_guided_request_keeps_its_photo_and_link(client_for: Client) -> None:
    relative = client_for("relative")
    form = {
        "csrf": csrf(relative, "/requests/new"),
        "surname": "Фотографов",
        "relationship": "mother",
        "person": "new",
        "links": "https://example.org/post/1",
    }
    photo = _photo()
    sent = relative.post(
        "/requests/new", data=form, files=[("files", ("son.jpg", photo, "image/jpeg"))]
    )
    assert sent.status_code == 303, sent.text
    page = relative.get(sent.headers["location"]).text
    digest = re.search(r'href="/attachments/([0-9a-f]{64})"><img', page)
    assert digest and 'href="https://example.org/post/1"' in page
    assert relative.get(f"/attachments/{digest.group(1)}").content == photo
    assert client_for("analyst").get(f"/attachments/{digest.group(1)}").status_code == 200
    assert client_for("lab").get(f"/attachments/{digest.group(1)}").status_code == 403
