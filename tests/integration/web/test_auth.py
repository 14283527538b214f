"""Sign-in: argon2 hashes (old scrypt ones still work), throttling and lockout kept in the
database, the same work for unknown names, and the optional TOTP second factor."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.access import Role
from kintrace.cli.main import app as cli
from kintrace.config import Settings
from kintrace.instance import Instance, open_instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import ChangeLog, SignInThrottle, User
from kintrace.users import throttle
from kintrace.users.service import create_user
from kintrace.web.app import create_app
from kintrace.web.cookies import COOKIE, csrf_token

PASSWORD = "correct horse battery"
KEY = "k" * 40


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    """A fresh instance of its own (the sign-in counters of one test never reach another)."""
    with open_instance(Settings(data_dir=tmp_path, secret_key=KEY)) as made:
        with transaction(made.sessions) as session:
            for name, role in [
                ("ana", Role.ANALYST),
                ("boss", Role.ADMINISTRATOR),
                ("rita", Role.RELATIVE),
            ]:
                create_user(session, username=name, password=PASSWORD, role=role)
        yield made


Client = Callable[..., TestClient]


@pytest.fixture
def client(instance: Instance) -> Iterator[Client]:
    """Return a function giving a client of the instance, from an address of choice."""
    made: list[TestClient] = []

    def make(address: str = "10.0.0.1", settings: Settings | None = None) -> TestClient:
        served = instance if settings is None else _with(instance, settings)
        c = TestClient(create_app(served), follow_redirects=False, client=(address, 5000))
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def _with(instance: Instance, settings: Settings) -> Instance:
    return Instance(settings, instance.engine, instance.sessions, instance.files)


def sign_in(c: TestClient, username: str, password: str = PASSWORD) -> int:
    return c.post("/login", data={"username": username, "password": password}).status_code


def set_hash(instance: Instance, username: str, stored: str) -> None:
    with transaction(instance.sessions) as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        session.info["reason"] = "test"
        user.password_hash = stored


def stored_hash(instance: Instance, username: str) -> str:
    with transaction(instance.sessions) as session:
        return session.scalar(select(User.password_hash).where(User.username == username)) or ""


# --- hashes -------------------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2id(instance: Instance) -> None:
    assert stored_hash(instance, "ana").startswith("$argon2id$")


def old_scrypt_hash(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${2**14}$8$1${salt.hex()}${digest.hex()}"


def test_an_old_scrypt_hash_still_signs_in_and_becomes_argon2(
    instance: Instance, client: Client
) -> None:
    set_hash(instance, "ana", old_scrypt_hash(PASSWORD))
    assert sign_in(client(), "ana", "wrong") == 401
    assert stored_hash(instance, "ana").startswith("scrypt$")  # a failure rehashes nothing
    assert sign_in(client(), "ana") == 303
    assert stored_hash(instance, "ana").startswith("$argon2id$")
    assert sign_in(client(), "ana") == 303  # and the new hash works


def test_the_change_log_never_holds_a_password_hash(instance: Instance, client: Client) -> None:
    set_hash(instance, "ana", old_scrypt_hash(PASSWORD))
    assert sign_in(client(), "ana") == 303  # the rehash is an audited update of users
    with transaction(instance.sessions) as session:
        entries = session.scalars(select(ChangeLog).where(ChangeLog.table_name == "users")).all()
    assert entries
    text = repr([(e.before, e.after) for e in entries])
    assert "scrypt$" not in text and "$argon2" not in text
    assert entries[-1].after == {"password_hash": "(secret)"}


def test_an_unknown_name_costs_the_same_hashing_as_a_known_one(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, stored: str | bytes, password: str | bytes) -> bool:
        calls.append("verify")
        return original(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    assert sign_in(client(), "nobody-of-that-name", "guess") == 401
    unknown = len(calls)
    calls.clear()
    assert sign_in(client(), "ana", "guess") == 401
    assert unknown == len(calls) == 1


# --- throttling ----------------------------------------------------------------------------


def test_waits_grow_after_three_failures_and_are_refused_with_429(client: Client) -> None:
    c = client()
    for _ in range(3):
        assert sign_in(c, "ana", "wrong") == 401
    refused = c.post("/login", data={"username": "ana", "password": PASSWORD})
    assert refused.status_code == 429  # even the right password waits
    assert "too many attempts, try again in 1 s" in refused.text
    assert refused.headers["Retry-After"] == "1"
    assert COOKIE not in refused.cookies


def age_failures(instance: Instance, seconds: float) -> None:
    """Move every recorded failure back in time (instead of sleeping in a test)."""
    with transaction(instance.sessions) as session:
        for row in session.scalars(select(SignInThrottle)):
            row.last_failed_at -= timedelta(seconds=seconds)


def test_thirty_wrong_passwords_then_the_right_one_does_not_get_in(
    instance: Instance, client: Client
) -> None:
    c = client()
    answers = []
    for _ in range(30):
        answers.append(sign_in(c, "ana", "wrong"))
        age_failures(instance, 400)  # whatever the wait, it has passed: only the count stops it
    assert answers.count(401) == 10  # the lockout after ten
    assert set(answers[10:]) == {429}
    assert sign_in(c, "ana") == 429
    refused = c.post("/login", data={"username": "ana", "password": PASSWORD})
    assert "locked" in refused.text


def test_an_administrator_lifts_a_lock_from_the_command_line(
    instance: Instance, client: Client
) -> None:
    for _ in range(10):
        sign_in(client(), "ana", "wrong")
        age_failures(instance, 400)
    assert sign_in(client(), "ana") == 429
    result = CliRunner().invoke(
        cli,
        ["user", "unlock", "ana", "--data-dir", str(instance.settings.data_dir)],
        env={"KINTRACE_SECRET_KEY": KEY},
    )
    assert result.exit_code == 0, result.output
    assert "unlocked" in result.output
    assert sign_in(client(), "ana") == 303


def test_the_lock_holds_in_another_process(instance: Instance) -> None:
    for _ in range(10):
        with TestClient(create_app(instance), follow_redirects=False) as c:
            sign_in(c, "ana", "wrong")
        age_failures(instance, 400)
    # a second app over its own engine and sessions (as another worker process would be)
    with (
        open_instance(instance.settings) as other,
        TestClient(create_app(other), follow_redirects=False) as c,
    ):
        assert sign_in(c, "ana") == 429


def test_unknown_names_are_throttled_like_known_ones(client: Client) -> None:
    c = client()
    known = [sign_in(c, "ana", "wrong") for _ in range(4)]
    unknown = [sign_in(c, "anna", "wrong") for _ in range(4)]
    assert known == unknown == [401, 401, 401, 429]


def test_one_address_trying_many_names_is_slowed_down(client: Client) -> None:
    c = client("10.9.9.9")
    answers = [sign_in(c, f"name{i}", "wrong") for i in range(21)]
    assert answers[:20] == [401] * 20 and answers[20] == 429
    assert sign_in(client("10.1.1.1"), "ana") == 303  # another address is not slowed


def test_counters_keep_neither_names_nor_addresses_in_clear(
    instance: Instance, client: Client
) -> None:
    sign_in(client("10.7.7.7"), "ana", "wrong")
    with transaction(instance.sessions) as session:
        rows = session.scalars(select(SignInThrottle)).all()
    assert {r.kind for r in rows} == {"account", "address"}
    assert all("ana" not in r.key_hash and "10.7" not in r.key_hash for r in rows)


def test_wait_after_doubles_up_to_its_cap() -> None:
    assert [throttle.wait_after(n, 3, 300) for n in range(3, 13)] == [
        1, 2, 4, 8, 16, 32, 64, 128, 256, 300,
    ]  # fmt: skip


# --- the second factor ----------------------------------------------------------------------


def enrol(c: TestClient, instance: Instance, username: str) -> pyotp.TOTP:
    token = csrf_token(KEY, c.cookies.get(COOKIE))
    page = c.post("/account/second-factor", data={"csrf": token})
    assert page.status_code == 200, page.text
    with transaction(instance.sessions) as session:
        secret = session.scalar(select(User.totp_secret).where(User.username == username))
    assert secret and secret in page.text and "otpauth://totp/" in page.text
    totp = pyotp.TOTP(secret)
    code = totp.now()
    done = c.post("/account/second-factor/confirm", data={"csrf": token, "code": code})
    assert done.status_code == 200 and "The second factor is on" in done.text
    USED_CODES[username] = code
    return totp


USED_CODES: dict[str, str] = {}
"""The code each user enrolled with: replaying it must fail, whenever the replay comes."""


def test_with_a_second_factor_sign_in_asks_for_the_code(instance: Instance, client: Client) -> None:
    c = client()
    assert sign_in(c, "ana") == 303
    totp = enrol(c, instance, "ana")

    d = client()
    answer = d.post("/login", data={"username": "ana", "password": PASSWORD, "next": "/cases"})
    assert answer.headers["location"] == "/login/code?next=/cases"
    assert d.get("/api/persons").status_code == 401  # the password alone is not enough
    token = csrf_token(KEY, d.cookies.get(COOKIE))
    wrong = d.post("/login/code", data={"csrf": token, "code": "000000", "next": "/cases"})
    assert wrong.status_code == 401
    waiting = d.cookies.get(COOKIE)
    # the code of the enrolment is used already: the next step's code signs in
    later = datetime.now() + timedelta(seconds=30)
    ok = d.post("/login/code", data={"csrf": token, "code": totp.at(later), "next": "/cases"})
    assert ok.status_code == 303 and ok.headers["location"] == "/cases"
    assert d.cookies.get(COOKIE) != waiting  # a new token once signed in
    assert d.get("/api/persons").status_code == 200


def test_a_code_is_never_accepted_twice(instance: Instance, client: Client) -> None:
    c = client()
    sign_in(c, "ana")
    enrol(c, instance, "ana")
    d = client()
    sign_in(d, "ana")
    token = csrf_token(KEY, d.cookies.get(COOKIE))
    # the very code enrolment used (totp.now() could fall in the next 30-second step)
    replay = d.post("/login/code", data={"csrf": token, "code": USED_CODES["ana"]})
    assert replay.status_code == 401


def test_staff_must_enrol_first_when_the_setting_asks(instance: Instance, client: Client) -> None:
    strict = instance.settings.model_copy(update={"require_totp_for_staff": True})
    boss = client(settings=strict)
    assert sign_in(boss, "boss") == 303
    held = boss.get("/cases")
    assert held.status_code == 303 and held.headers["location"] == "/account?enrol=required"
    assert boss.get("/api/persons").status_code == 403
    assert "Enrol a second factor" in boss.get("/account?enrol=required").text
    enrol(boss, instance, "boss")
    assert boss.get("/cases").status_code == 200
    relative = client(settings=strict)  # a relative is not staff: nothing asked
    assert sign_in(relative, "rita") == 303
    assert relative.get("/cases").status_code == 200
