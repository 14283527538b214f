"""Sessions kept on the server: sign-out, a password change and an administrator end them for
good; idle and absolute timeouts; the cookie holds only a random token; Secure cookies, HSTS
and no-store; a forged cookie of the old kind gets nowhere."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.access import Role
from kintrace.cli.main import app as cli
from kintrace.config import Settings
from kintrace.instance import Instance, open_instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import User, WebSession
from kintrace.users.service import create_user
from kintrace.users.sessions import token_hash
from kintrace.web.app import create_app
from kintrace.web.cookies import COOKIE, csrf_token

PASSWORD = "correct horse battery"
KEY = "s" * 40


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with open_instance(Settings(data_dir=tmp_path, secret_key=KEY)) as made:
        with transaction(made.sessions) as session:
            create_user(session, username="boss", password=PASSWORD, role=Role.ADMINISTRATOR)
            create_user(session, username="ana", password=PASSWORD, role=Role.ANALYST)
        yield made


Client = Callable[..., TestClient]


@pytest.fixture
def client(instance: Instance) -> Iterator[Client]:
    made: list[TestClient] = []

    def make(username: str | None = "ana", **settings: object) -> TestClient:
        served = instance
        if settings:
            served = Instance(
                instance.settings.model_copy(update=settings),
                instance.engine,
                instance.sessions,
                instance.files,
            )
        c = TestClient(create_app(served), follow_redirects=False)
        made.append(c)
        if username is not None:
            answer = c.post("/login", data={"username": username, "password": PASSWORD})
            assert answer.status_code == 303, answer.text
        return c

    yield make
    for c in made:
        c.close()


def copy_of(c: TestClient, instance: Instance) -> TestClient:
    """A second browser holding a copy of the first one's cookie."""
    other = TestClient(create_app(instance), follow_redirects=False)
    other.cookies.set(COOKIE, c.cookies.get(COOKIE) or "")
    return other


def signed_in(c: TestClient) -> bool:
    return c.get("/api/persons").status_code == 200


def test_the_cookie_holds_only_a_random_token_kept_hashed(
    instance: Instance, client: Client
) -> None:
    c = client()
    token = c.cookies.get(COOKIE) or ""
    assert len(token) >= 40 and "." not in token  # no payload, no signature: a bare token
    with transaction(instance.sessions) as session:
        rows = session.scalars(select(WebSession)).all()
    assert [r.token_hash for r in rows] == [token_hash(token)]
    assert token not in rows[0].token_hash


def test_a_cookie_forged_with_the_old_published_key_gets_nowhere(
    instance: Instance, client: Client
) -> None:
    secret = "change-me-in-production"
    payload = base64.urlsafe_b64encode(json.dumps({"u": 1, "t": int(time.time())}).encode()).rstrip(
        b"="
    )
    signature = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    forger = client(None)
    forger.cookies.set(COOKIE, f"{payload.decode()}.{signature}")
    assert forger.get("/api/persons").status_code == 401
    assert forger.get("/cases").headers["location"].startswith("/login")


def test_signing_out_ends_the_session_for_a_copied_cookie_too(
    instance: Instance, client: Client
) -> None:
    c = client()
    thief = copy_of(c, instance)
    assert signed_in(thief)
    assert c.post("/logout").status_code == 303
    assert not signed_in(thief)
    with transaction(instance.sessions) as session:
        (row,) = session.scalars(select(WebSession)).all()
    assert row.ended_at is not None and row.end_reason == "signed out"


def test_a_password_change_ends_every_session_of_the_user(
    instance: Instance, client: Client
) -> None:
    phone, laptop, other_user = client(), client(), client("boss")
    token = csrf_token(KEY, laptop.cookies.get(COOKIE))
    form = {"csrf": token, "current": PASSWORD, "new": "a new long one", "repeat": "a new long one"}
    answer = laptop.post("/account/password", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert not signed_in(phone) and not signed_in(laptop)
    assert signed_in(other_user)
    fresh = client(None)
    assert fresh.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 401
    good = fresh.post("/login", data={"username": "ana", "password": "a new long one"})
    assert good.status_code == 303


def test_a_wrong_current_password_changes_nothing(client: Client) -> None:
    c = client()
    token = csrf_token(KEY, c.cookies.get(COOKIE))
    form = {"csrf": token, "current": "guess", "new": "a new long one", "repeat": "a new long one"}
    assert c.post("/account/password", data=form).status_code == 403
    assert signed_in(c)


def test_sign_out_everywhere(client: Client) -> None:
    one, two = client(), client()
    token = csrf_token(KEY, one.cookies.get(COOKIE))
    assert one.post("/account/sessions/end", data={"csrf": token}).status_code == 303
    assert not signed_in(one) and not signed_in(two)


def shift_session(instance: Instance, **back: timedelta) -> None:
    """Move the sessions' times back (instead of waiting in a test)."""
    with transaction(instance.sessions) as session:
        for row in session.scalars(select(WebSession)):
            for column, delta in back.items():
                setattr(row, column, getattr(row, column) - delta)


def test_a_session_unused_past_the_idle_time_ends(instance: Instance, client: Client) -> None:
    c = client()
    shift_session(instance, last_seen_at=timedelta(minutes=29))
    assert signed_in(c)  # 29 minutes: still there, and the use counts as activity
    shift_session(instance, last_seen_at=timedelta(minutes=31))
    assert not signed_in(c)
    assert not signed_in(c)  # the refused request did not count as activity


def test_a_session_ends_twelve_hours_after_sign_in_even_in_use(
    instance: Instance, client: Client
) -> None:
    c = client()
    shift_session(instance, created_at=timedelta(hours=11, minutes=59))
    assert signed_in(c)
    shift_session(instance, created_at=timedelta(minutes=2))
    assert not signed_in(c)


def test_the_idle_time_is_a_setting(instance: Instance, client: Client) -> None:
    c = client(session_idle_minutes=5)
    shift_session(instance, last_seen_at=timedelta(minutes=6))
    assert not signed_in(c)


def test_an_administrator_ends_a_users_sessions_from_the_command_line(
    instance: Instance, client: Client
) -> None:
    ana, boss = client(), client("boss")
    result = CliRunner().invoke(
        cli,
        ["user", "sessions-end", "ana", "--data-dir", str(instance.settings.data_dir)],
        env={"KINTRACE_SECRET_KEY": KEY},
    )
    assert result.exit_code == 0, result.output
    assert "1 session ended" in result.output
    assert not signed_in(ana) and signed_in(boss)


def test_an_unknown_user_is_one_clear_line_and_exit_2(instance: Instance) -> None:
    result = CliRunner().invoke(
        cli,
        ["user", "sessions-end", "nobody", "--data-dir", str(instance.settings.data_dir)],
        env={"KINTRACE_SECRET_KEY": KEY},
    )
    assert result.exit_code == 2
    assert result.output.strip() == "error: no user 'nobody'"


def test_the_command_line_password_reset_ends_sessions(instance: Instance, client: Client) -> None:
    c = client()
    result = CliRunner().invoke(
        cli,
        ["user", "password", "ana", "--data-dir", str(instance.settings.data_dir)],
        input="another password\nanother password\n",
        env={"KINTRACE_SECRET_KEY": KEY},
    )
    assert result.exit_code == 0, result.output
    assert not signed_in(c)
    with transaction(instance.sessions) as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "ana"))
    assert stored and stored.startswith("$argon2id$")


def test_a_new_sign_in_gets_a_new_token_and_ends_the_old_session(client: Client) -> None:
    c = client()
    before = c.cookies.get(COOKIE)
    c.post("/login", data={"username": "ana", "password": PASSWORD})
    assert c.cookies.get(COOKIE) != before


def test_cookies_are_secure_and_hsts_is_sent_over_tls(client: Client) -> None:
    c = client(None, https=True)
    answer = c.post("/login", data={"username": "ana", "password": PASSWORD})
    cookie = answer.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = client(None)
    plain_answer = plain.post("/login", data={"username": "ana", "password": PASSWORD})
    assert "Secure" not in plain_answer.headers["set-cookie"]
    assert "Strict-Transport-Security" not in plain_answer.headers


def test_pages_and_api_answers_are_never_cached(client: Client) -> None:
    c = client()
    for path in ["/cases", "/api/persons", "/account", "/login", "/stats"]:
        assert c.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in c.get("/static/kintrace.css").headers.get("Cache-Control", "")


# --- the secret key as `kintrace init` and `kintrace serve` see it -------------------------


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand in for uvicorn: note the address instead of serving."""
    hosts: list[str] = []
    monkeypatch.setattr(
        "kintrace.cli.admin.uvicorn.run", lambda _app, host, port, log_level: hosts.append(host)
    )
    return hosts


def test_serve_refuses_the_published_key_on_a_public_address(
    tmp_path: Path, no_server: list[str]
) -> None:
    result = CliRunner().invoke(
        cli,
        ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
        env={"KINTRACE_SECRET_KEY": "change-me-in-production"},
    )
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: refusing to serve on 0.0.0.0: KINTRACE_SECRET_KEY is a")
    assert no_server == []


def test_init_writes_the_instance_key_and_serve_uses_it_on_a_public_address(
    tmp_path: Path, no_server: list[str]
) -> None:
    env = {"KINTRACE_SECRET_KEY": ""}
    init = CliRunner().invoke(
        cli, ["init", "--data-dir", str(tmp_path), "--password", PASSWORD], env=env
    )
    assert init.exit_code == 0, init.output
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) >= 32
    served = CliRunner().invoke(
        cli, ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)], env=env
    )
    assert served.exit_code == 0, served.output
    assert no_server == ["0.0.0.0"]
    assert (tmp_path / "secret_key").read_text().strip() == key
