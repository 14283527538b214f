"""Accounts (issue 16): self sign-up with a confirmation link from a real SMTP sink, password
reset, walk-in relatives registered by a desk, and the administration page.

Each test runs on SQLite and on PostgreSQL; the e-mails go through aiosmtpd on loopback.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from conftest import fresh_pg_database
from kintrace.access import Role
from kintrace.cases.service import get_or_create_region
from kintrace.config import Settings
from kintrace.instance import Instance, open_instance
from kintrace.notify.mail import Mail, send
from kintrace.storage.db import transaction
from kintrace.storage.tables import (
    AccountToken,
    ChangeLog,
    Region,
    TracingRequest,
    User,
    WebSession,
)
from kintrace.users import throttle
from kintrace.users.accounts import token_hash
from kintrace.users.service import create_user
from kintrace.web.app import create_app

KEY = "k" * 40
STAFF_PASSWORD = "correct horse battery"


class Sink:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = 0

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        self.messages.append(message_from_bytes(content, policy=default_policy))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def sink() -> Iterator[Sink]:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def instance(request: pytest.FixtureRequest, tmp_path: Path, sink: Sink) -> Iterator[Instance]:
    database_url = ""
    maker = None
    if request.param == "postgresql":
        maker = fresh_pg_database("kintrace_accounts")
        database_url = next(maker)
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key=KEY,
        smtp_host="127.0.0.1",
        smtp_port=sink.port,
        smtp_tls="none",
        smtp_from="desk@kintrace.test",
        public_url="https://kintrace.test",
    )
    with open_instance(settings) as made:
        with transaction(made.sessions) as db:
            north = get_or_create_region(db, "North")
            get_or_create_region(db, "South")
            create_user(db, username="boss", password=STAFF_PASSWORD, role=Role.ADMINISTRATOR)
            create_user(
                db,
                username="desk",
                password=STAFF_PASSWORD,
                role=Role.OPERATOR,
                region_id=north.id,
            )
            create_user(db, username="ana", password=STAFF_PASSWORD, role=Role.ANALYST)
        yield made
        made.engine.dispose()
    if maker is not None:
        for _ in maker:
            pass


def regions(instance: Instance) -> dict[str, int]:
    with transaction(instance.sessions) as db:
        return {r.name: r.id for r in db.scalars(select(Region))}


Client = Callable[..., TestClient]


@pytest.fixture
def client(instance: Instance) -> Iterator[Client]:
    made: list[TestClient] = []

    def make(username: str | None = None, password: str = STAFF_PASSWORD) -> TestClient:
        c = TestClient(create_app(instance), follow_redirects=False)
        made.append(c)
        if username is not None:
            answer = c.post("/login", data={"username": username, "password": password})
            assert answer.status_code == 303, answer.text
        return c

    yield make
    for c in made:
        c.close()


def csrf(c: TestClient, path: str = "/signup") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', c.get(path).text)
    assert found, path
    return found.group(1)


def link_of(message: Message, page: str) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    found = re.search(r"(https://kintrace\.test" + re.escape(page) + r"\?token=\S+)", text)
    assert found, text
    return found.group(1)


def token_of(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def sign_up(c: TestClient, email: str, password: str = "a long enough secret", **more: str):  # type: ignore[no-untyped-def]
    return c.post(
        "/signup",
        data={
            "csrf": csrf(c),
            "email": email,
            "password": password,
            "repeat": password,
            "display_name": more.get("name", "Olena"),
            "language": more.get("language", "en"),
        },
    )


def sign_in(c: TestClient, username: str, password: str):  # type: ignore[no-untyped-def]
    return c.post("/login", data={"username": username, "password": password})


def test_sign_up_confirm_by_the_e_mailed_link_then_sign_in(client: Client, sink: Sink) -> None:
    c = client()
    answer = sign_up(c, "Olena@Example.org", language="ru")
    assert answer.status_code == 200
    assert "confirmation link" in answer.text
    (mail,) = sink.to("olena@example.org")
    assert mail["From"] == "desk@kintrace.test"
    assert "Подтвердите" in mail["Subject"]  # in the language she chose
    link = link_of(mail, "/signup/confirm")
    # unconfirmed: the right password is refused, and says why
    refused = sign_in(c, "olena@example.org", "a long enough secret")
    assert refused.status_code == 401
    assert "подтвердите" in refused.text.lower() or "confirm" in refused.text.lower()
    assert c.get(urlparse(link).path + "?" + urlparse(link).query).status_code == 200
    assert sign_in(c, "olena@example.org", "a long enough secret").status_code == 303
    assert c.get("/account").status_code == 200
    # the link works once
    again = c.get(urlparse(link).path + "?" + urlparse(link).query)
    assert again.status_code == 403


def test_unconfirmed_account_cannot_sign_in(client: Client, sink: Sink) -> None:
    c = client()
    sign_up(c, "ivan@example.org")
    assert sign_in(c, "ivan@example.org", "a long enough secret").status_code == 401
    assert c.get("/account").status_code == 303  # still signed out


def test_the_same_answer_whether_or_not_the_address_is_registered(
    client: Client, sink: Sink, instance: Instance
) -> None:
    c = client()
    first = sign_up(c, "maria@example.org")
    second = sign_up(c, "maria@example.org", name="Someone else")
    fresh = sign_up(c, "nobody-yet@example.org")
    strip = lambda text: re.sub(r'value="[^"]*"', "", text)  # noqa: E731
    assert first.status_code == second.status_code == fresh.status_code == 200
    assert strip(first.text) == strip(second.text) == strip(fresh.text)
    mails = sink.to("maria@example.org")
    assert len(mails) == 2
    assert "already" in mails[1].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    with transaction(instance.sessions) as db:
        owners = db.scalars(select(User).where(User.email == "maria@example.org")).all()
        assert [u.display_name for u in owners] == ["Olena"]  # not overwritten


def test_password_rules(client: Client, sink: Sink) -> None:
    c = client()
    assert sign_up(c, "petro@example.org", password="nine char").status_code == 422
    assert sign_up(c, "petro@example.org", password="petro@example.org").status_code == 422
    assert sign_up(c, "petro@example.org", password="PETRO@example.org ").status_code == 422
    assert sink.messages == []
    assert sign_up(c, "petro@example.org", password="ten chars!").status_code == 200


def test_sign_up_needs_the_forms_csrf_token(client: Client, sink: Sink) -> None:
    c = client()
    form = {
        "email": "x@example.org",
        "password": "a long enough secret",
        "repeat": "a long enough secret",
        "display_name": "X",
    }
    assert c.post("/signup", data={**form, "csrf": "forged"}).status_code == 403
    assert c.post("/reset", data={"email": "x@example.org", "csrf": "forged"}).status_code == 403
    assert sink.messages == []


def test_an_expired_confirmation_link_is_refused(
    client: Client, sink: Sink, instance: Instance
) -> None:
    c = client()
    sign_up(c, "late@example.org")
    token = token_of(link_of(sink.to("late@example.org")[0], "/signup/confirm"))
    with transaction(instance.sessions) as db:
        row = db.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token)))
        assert row is not None
        assert row.expires_at - row.created_at == timedelta(hours=48)
        db.execute(
            update(AccountToken)
            .where(AccountToken.id == row.id)
            .values(expires_at=datetime.now() - timedelta(seconds=1))
        )
    assert c.get("/signup/confirm", params={"token": token}).status_code == 403
    assert c.get("/signup/confirm", params={"token": token + "x"}).status_code == 403
    assert sign_in(c, "late@example.org", "a long enough secret").status_code == 401


def confirmed(c: TestClient, sink: Sink, email: str, password: str) -> None:
    sign_up(c, email, password=password)
    link = link_of(sink.to(email)[-1], "/signup/confirm")
    assert c.get("/signup/confirm", params={"token": token_of(link)}).status_code == 200


def test_reset_sets_a_new_password_and_ends_every_session(
    client: Client, sink: Sink, instance: Instance
) -> None:
    c = client()
    confirmed(c, sink, "anna@example.org", "the old password")
    browser = client("anna@example.org", "the old password")
    other = client("anna@example.org", "the old password")
    assert browser.get("/account").status_code == 200
    stranger = client()
    unknown = stranger.post("/reset", data={"csrf": csrf(stranger, "/reset"), "email": "no@x.org"})
    known = stranger.post(
        "/reset", data={"csrf": csrf(stranger, "/reset"), "email": "ANNA@example.org"}
    )
    assert unknown.status_code == known.status_code == 200
    assert unknown.text == known.text
    assert sink.to("no@x.org") == []
    link = link_of(sink.to("anna@example.org")[-1], "/reset/password")
    token = token_of(link)
    with transaction(instance.sessions) as db:
        row = db.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token)))
        assert row is not None and row.expires_at - row.created_at == timedelta(hours=1)
    assert stranger.get("/reset/password", params={"token": token}).status_code == 200
    form = {"csrf": csrf(stranger, "/reset"), "token": token}
    weak = stranger.post("/reset/password", data={**form, "password": "x", "repeat": "x"})
    assert weak.status_code == 422  # refused, and the link still works
    done = stranger.post(
        "/reset/password",
        data={**form, "password": "the new password", "repeat": "the new password"},
    )
    assert done.status_code == 200
    assert browser.get("/account").status_code == 303  # every session ended
    assert other.get("/account").status_code == 303
    with transaction(instance.sessions) as db:
        user = db.scalar(select(User).where(User.email == "anna@example.org"))
        assert user is not None
        live = db.scalars(
            select(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
        ).all()
        assert live == []
    assert sign_in(c, "anna@example.org", "the old password").status_code == 401
    assert sign_in(c, "anna@example.org", "the new password").status_code == 303
    # used once: the same link is refused
    again = stranger.post(
        "/reset/password",
        data={**form, "password": "a third password", "repeat": "a third password"},
    )
    assert again.status_code == 403
    assert stranger.get("/reset/password", params={"token": token}).status_code == 403


def test_an_expired_reset_link_is_refused(client: Client, sink: Sink, instance: Instance) -> None:
    c = client()
    confirmed(c, sink, "oleh@example.org", "the old password")
    c.post("/reset", data={"csrf": csrf(c, "/reset"), "email": "oleh@example.org"})
    token = token_of(link_of(sink.to("oleh@example.org")[-1], "/reset/password"))
    with transaction(instance.sessions) as db:
        db.execute(
            update(AccountToken)
            .where(AccountToken.token_hash == token_hash(token))
            .values(expires_at=datetime.now() - timedelta(minutes=1))
        )
    answer = c.post(
        "/reset/password",
        data={
            "csrf": csrf(c, "/reset"),
            "token": token,
            "password": "the new password",
            "repeat": "the new password",
        },
    )
    assert answer.status_code == 403
    assert sign_in(c, "oleh@example.org", "the old password").status_code == 303


def test_sign_up_requests_are_throttled(client: Client, sink: Sink) -> None:
    c = client()
    answers = [sign_up(c, "again@example.org").status_code for _ in range(6)]
    assert answers[:3] == [200, 200, 200]
    assert 429 in answers[3:]
    assert len(sink.to("again@example.org")) <= 3


def test_a_desk_registers_a_walk_in_relative_of_its_own_region_only(
    client: Client, sink: Sink, instance: Instance
) -> None:
    desk = client("desk")
    token = csrf(desk, "/desk/relatives")
    north, south = regions(instance)["North"], regions(instance)["South"]
    elsewhere = desk.post(
        "/desk/relatives",
        data={"csrf": token, "display_name": "Halyna", "region": str(south)},
    )
    assert elsewhere.status_code == 403
    served = desk.post(
        "/desk/relatives",
        data={"csrf": token, "display_name": "Halyna", "phone": "+380 44 123-45-67"},
    )
    assert served.status_code == 200
    assert "works through the desk" in served.text
    with_mail = desk.post(
        "/desk/relatives",
        data={
            "csrf": token,
            "display_name": "Taras",
            "email": "taras@example.org",
            "region": str(north),
            "language": "uk",
        },
    )
    assert with_mail.status_code == 200
    with transaction(instance.sessions) as db:
        halyna = db.scalar(select(User).where(User.display_name == "Halyna"))
        taras = db.scalar(select(User).where(User.display_name == "Taras"))
        assert halyna is not None and taras is not None
        assert (halyna.role, halyna.region_id, halyna.password_hash) == ("relative", north, "")
        assert halyna.phone == "+380 44 123-45-67"
        assert taras.region_id == north and taras.email == "taras@example.org"
        assert db.scalar(select(User).where(User.region_id == south)) is None
        halyna_name = halyna.username
    # no password: nothing signs her in
    assert sign_in(client(), halyna_name, "").status_code in (401, 422)
    (mail,) = sink.to("taras@example.org")
    assert "обліковий запис" in mail["Subject"]  # Ukrainian, as the desk chose
    token_ = token_of(link_of(mail, "/reset/password"))
    with transaction(instance.sessions) as db:
        row = db.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token_)))
        assert row is not None and row.purpose == "set_password"
    relative = client()
    assert (
        relative.post(
            "/reset/password",
            data={
                "csrf": csrf(relative, "/reset"),
                "token": token_,
                "password": "taras chose this",
                "repeat": "taras chose this",
            },
        ).status_code
        == 200
    )
    assert sign_in(relative, "taras@example.org", "taras chose this").status_code == 303


@pytest.mark.parametrize("username", ["ana", "relative"])
def test_only_desks_and_administrators_register_walk_ins(
    client: Client, sink: Sink, instance: Instance, username: str
) -> None:
    if username == "relative":
        with transaction(instance.sessions) as db:
            create_user(db, username="relative", password=STAFF_PASSWORD, role=Role.RELATIVE)
    c = client(username)
    assert c.get("/desk/relatives").status_code == 403
    token = csrf(c, "/account")
    answer = c.post("/desk/relatives", data={"csrf": token, "display_name": "X"})
    assert answer.status_code == 403


def admin_post(c: TestClient, path: str, **form: str):  # type: ignore[no-untyped-def]
    return c.post(path, data={"csrf": csrf(c, "/admin/users"), **form})


def history(instance: Instance, user_id: int) -> list[ChangeLog]:
    with transaction(instance.sessions) as db:
        return list(
            db.scalars(
                select(ChangeLog)
                .where(ChangeLog.table_name == "users", ChangeLog.row_key == str(user_id))
                .order_by(ChangeLog.id)
            )
        )


def test_the_administration_page_changes_users_and_keeps_history(
    client: Client, sink: Sink, instance: Instance
) -> None:
    boss = client("boss")
    page = boss.get("/admin/users")
    assert page.status_code == 200
    for shown in ("boss", "desk", "ana"):
        assert shown in page.text
    with transaction(instance.sessions) as db:
        ana = db.scalar(select(User).where(User.username == "ana"))
        boss_id = db.scalar(select(User.id).where(User.username == "boss"))
        assert ana is not None
        ana_id = ana.id
    ana_browser = client("ana")
    assert ana_browser.get("/account").status_code == 200
    south = regions(instance)["South"]

    assert admin_post(boss, f"/admin/users/{ana_id}/region", region=str(south)).status_code == 303
    assert admin_post(boss, f"/admin/users/{ana_id}/role", role="operator").status_code == 303
    assert ana_browser.get("/account").status_code == 303  # role change ended her session
    assert admin_post(boss, f"/admin/users/{ana_id}/active", active="no").status_code == 303
    assert sign_in(client(), "ana", STAFF_PASSWORD).status_code == 401
    assert admin_post(boss, f"/admin/users/{ana_id}/active", active="yes").status_code == 303
    again = client("ana")
    assert admin_post(boss, f"/admin/users/{ana_id}/sessions/end").status_code == 303
    assert again.get("/account").status_code == 303
    # a lock from failed sign-ins, lifted from the page
    with transaction(instance.sessions) as db:
        for _ in range(10):
            throttle.record_failure(
                db,
                secret=KEY,
                username="ana",
                address="198.51.100.7",
                now=datetime.now(),
                policy=throttle.ThrottlePolicy(),
            )
    assert sign_in(client(), "ana", STAFF_PASSWORD).status_code == 429
    assert "Unlock" in boss.get("/admin/users").text
    assert admin_post(boss, f"/admin/users/{ana_id}/unlock").status_code == 303
    assert sign_in(client(), "ana", STAFF_PASSWORD).status_code == 303

    with transaction(instance.sessions) as db:
        ana = db.get(User, ana_id)
        assert ana is not None
        assert (ana.role, ana.region_id, ana.active) == ("operator", south, True)
        assert ana.last_signed_in_at is not None
    changes = history(instance, ana_id)
    changed = [(sorted(c.after), c.user_id) for c in changes]
    assert (["region_id"], boss_id) in changed
    assert (["role"], boss_id) in changed
    assert (["active"], boss_id) in changed
    role_change = next(c for c in changes if "role" in c.after)
    assert role_change.before == {"role": "analyst"} and role_change.after == {"role": "operator"}
    assert all(c.reason for c in changes)

    # create: a password, or an e-mailed link
    made = admin_post(
        boss, "/admin/users", username="rev", role="reviewer", password="reviewer password"
    )
    assert made.status_code == 303
    assert sign_in(client(), "rev", "reviewer password").status_code == 303
    linked = admin_post(
        boss, "/admin/users", username="lab1", role="dna_lab", email="lab@example.org"
    )
    assert linked.status_code == 303
    assert link_of(sink.to("lab@example.org")[0], "/reset/password")
    # no changing one's own role or disabling oneself
    assert admin_post(boss, f"/admin/users/{boss_id}/active", active="no").status_code == 409
    assert admin_post(boss, f"/admin/users/{boss_id}/role", role="analyst").status_code == 409


@pytest.mark.parametrize("username", ["desk", "ana"])
def test_non_administrators_are_refused_the_administration_page(
    client: Client, sink: Sink, instance: Instance, username: str
) -> None:
    c = client(username)
    assert c.get("/admin/users").status_code == 403
    token = csrf(c, "/account")
    with transaction(instance.sessions) as db:
        boss_id = db.scalar(select(User.id).where(User.username == "boss"))
    for path, form in [
        ("/admin/users", {"username": "x", "role": "administrator", "password": "p" * 12}),
        (f"/admin/users/{boss_id}/active", {"active": "no"}),
        (f"/admin/users/{boss_id}/role", {"role": "relative"}),
        (f"/admin/users/{boss_id}/region", {"region": ""}),
        (f"/admin/users/{boss_id}/sessions/end", {}),
        (f"/admin/users/{boss_id}/unlock", {}),
    ]:
        assert c.post(path, data={"csrf": token, **form}).status_code == 403, path
    assert client().get("/admin/users").status_code == 303  # signed out: sign in first
    with transaction(instance.sessions) as db:
        boss = db.get(User, boss_id)
        assert boss is not None and boss.active and boss.role == "administrator"
        assert db.scalar(select(User).where(User.username == "x")) is None


def test_without_an_smtp_server_mails_go_to_the_outbox(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=KEY)
    with open_instance(settings) as made:
        c = TestClient(create_app(made), follow_redirects=False)
        assert sign_up(c, "offline@example.org").status_code == 200
        (eml,) = sorted((tmp_path / "outbox").glob("*.eml"))
        assert eml.stat().st_mode & 0o077 == 0  # only its owner reads a link that signs in
        message = message_from_bytes(eml.read_bytes(), policy=default_policy)
        assert message["To"] == "offline@example.org"
        assert "http://127.0.0.1:8000/signup/confirm?token=" in eml.read_text()
        c.close()


def test_a_link_works_only_for_its_purpose_and_a_newer_one_voids_it(
    client: Client, sink: Sink
) -> None:
    c = client()
    sign_up(c, "vera@example.org")
    confirm_token = token_of(link_of(sink.to("vera@example.org")[0], "/signup/confirm"))
    # a confirmation link does not set a password
    assert c.get("/reset/password", params={"token": confirm_token}).status_code == 403
    assert c.get("/signup/confirm", params={"token": confirm_token}).status_code == 200
    for _ in range(2):
        c.post("/reset", data={"csrf": csrf(c, "/reset"), "email": "vera@example.org"})
    first, second = (
        token_of(link_of(m, "/reset/password")) for m in sink.to("vera@example.org")[1:]
    )
    assert c.get("/reset/password", params={"token": first}).status_code == 403
    assert c.get("/reset/password", params={"token": second}).status_code == 200
    # a reset link does not confirm a sign-up
    assert c.get("/signup/confirm", params={"token": second}).status_code == 403


def test_links_never_take_the_requests_host(client: Client, sink: Sink) -> None:
    c = client()
    confirmed(c, sink, "host@example.org", "a long password")
    c.post(
        "/reset",
        data={"csrf": csrf(c, "/reset"), "email": "host@example.org"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    body = sink.to("host@example.org")[-1].get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "https://kintrace.test/reset/password?token=" in text
    assert "evil" not in text


def test_a_region_in_other_digits_is_a_clear_error(client: Client, instance: Instance) -> None:
    boss = client("boss")
    with transaction(instance.sessions) as db:
        ana_id = db.scalar(select(User.id).where(User.username == "ana"))
    answer = admin_post(boss, f"/admin/users/{ana_id}/region", region="①")
    assert answer.status_code == 422


def test_a_mail_that_cannot_be_sent_is_logged_without_the_address(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls="none"
    )
    mail = Mail(to="secret.person@example.org", subject="s", body="b")
    with caplog.at_level("WARNING"):
        assert send(settings, mail) is False
    assert caplog.records
    assert "secret.person" not in caplog.text
    assert not (tmp_path / "outbox").exists()


def desk_files_walk_in(desk: TestClient, email: str, name: str = "Марія Стасів") -> int:
    """The desk files a walk-in relative's request for a new person; return the person's id."""
    answer = desk.post(
        "/requests/new",
        data={
            "csrf": csrf(desk, "/requests/new"),
            "surname": "Стасів",
            "given_name": "Микола",
            "relationship": "mother",
            "inquirer_name": name,
            "email": email,
            "channel": "walk_in",
            "consent": "red_cross",
            "person": "new",
        },
    )
    assert answer.status_code == 303, answer.text[:500]
    return int(answer.headers["location"].rsplit("/", 1)[1])


def signed_up_and_confirmed(c: TestClient, sink: Sink, email: str) -> None:
    assert sign_up(c, email, name="Марія").status_code == 200
    link = urlparse(link_of(sink.to(email)[-1], "/signup/confirm"))
    assert c.get(f"{link.path}?{link.query}").status_code == 200
    assert sign_in(c, email, "a long enough secret").status_code == 303


def inquirer_of(instance: Instance, person_id: int) -> int:
    with transaction(instance.sessions) as db:
        found = db.scalar(
            select(TracingRequest.inquirer_id).where(TracingRequest.person_id == person_id)
        )
        assert found is not None
        return found


def test_a_walk_in_relative_who_signs_up_with_the_address_the_desk_wrote_follows_her_case(
    client: Client, sink: Sink, instance: Instance
) -> None:
    desk = client("desk")
    pid = desk_files_walk_in(desk, "Maria@Example.org")
    inquirer = inquirer_of(instance, pid)
    assert f'data-invite="{inquirer}"' in desk.get(f"/persons/{pid}").text
    stranger = client()
    signed_up_and_confirmed(stranger, sink, "not.maria@example.org")
    assert stranger.get("/api/persons").json()["persons"] == []
    assert stranger.get(f"/persons/{pid}").status_code == 404
    maria = client()
    signed_up_and_confirmed(maria, sink, "maria@example.org")
    assert [p["id"] for p in maria.get("/api/persons").json()["persons"]] == [pid]
    case = maria.get(f"/persons/{pid}")
    assert case.status_code == 200
    assert "Марія Стасів" in case.text  # her request
    assert f'data-consent="{inquirer}"' in case.text and "data-invite" not in case.text
    changed = maria.post(
        f"/consent/{inquirer}",
        data={"csrf": csrf(maria, "/account"), "consent": ["red_cross", "authorities"]},
    )
    assert changed.status_code == 303
    assert f'data-consent="{inquirer}"' in maria.get("/account").text
    # the desk no longer changes her consent, nor invites her again
    assert f'data-invite="{inquirer}"' not in desk.get(f"/persons/{pid}").text
    again = desk.post(f"/consent/{inquirer}", data={"csrf": csrf(desk, "/account")})
    assert again.status_code == 404


def test_the_desk_invites_a_walk_in_relative_to_follow_her_request(
    client: Client, sink: Sink, instance: Instance
) -> None:
    desk = client("desk")
    pid = desk_files_walk_in(desk, "")
    inquirer = inquirer_of(instance, pid)
    token = csrf(desk, f"/persons/{pid}")
    invited = desk.post(
        f"/relatives/{inquirer}/invite", data={"csrf": token, "email": "halyna@example.org"}
    )
    assert invited.status_code == 303 and invited.headers["location"] == f"/persons/{pid}#requests"
    (mail,) = sink.to("halyna@example.org")
    relative = client()
    assert (
        relative.post(
            "/reset/password",
            data={
                "csrf": csrf(relative, "/reset"),
                "token": token_of(link_of(mail, "/reset/password")),
                "password": "halyna chose this",
                "repeat": "halyna chose this",
            },
        ).status_code
        == 200
    )
    assert sign_in(relative, "halyna@example.org", "halyna chose this").status_code == 303
    assert [p["id"] for p in relative.get("/api/persons").json()["persons"]] == [pid]
    with transaction(instance.sessions) as db:
        logged = db.scalar(
            select(ChangeLog).where(
                ChangeLog.table_name == "inquirers", ChangeLog.row_key == str(inquirer)
            )
        )
        desk_id = db.scalar(select(User.id).where(User.username == "desk"))
        assert logged is not None and logged.user_id == desk_id
