"""``kintrace user add|list|disable|enable|set-role|set-region`` on SQLite and PostgreSQL: each
command changes what ``list --json`` says and leaves its change in the history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.cases.service import get_or_create_region
from kintrace.cli.main import app as cli
from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import ChangeLog, User, WebSession
from kintrace.users.sessions import start_session

KEY = "c" * 40


@pytest.fixture
def place(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """The options that name an instance with two regions (North, South)."""
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key=KEY)
    with open_instance(settings) as made, transaction(made.sessions) as db:
        get_or_create_region(db, "North")
        get_or_create_region(db, "South")
    yield ["--database", database_url, "--data-dir", str(tmp_path)]


def run(runner: CliRunner, place: list[str], *args: str) -> Any:
    result = runner.invoke(cli, ["user", *args, *place])
    return result


def listed(runner: CliRunner, place: list[str]) -> dict[str, dict[str, Any]]:
    result = run(runner, place, "list", "--json")
    assert result.exit_code == 0, result.output
    return {row["username"]: row for row in json.loads(result.stdout)}


def history(place: list[str], username: str) -> list[ChangeLog]:
    settings = Settings(database_url=place[1], data_dir=Path(place[3]), secret_key=KEY)
    with open_instance(settings) as made, transaction(made.sessions) as db:
        user_id = db.scalar(select(User.id).where(User.username == username))
        return list(
            db.scalars(
                select(ChangeLog)
                .where(ChangeLog.table_name == "users", ChangeLog.row_key == str(user_id))
                .order_by(ChangeLog.id)
            )
        )


def test_add_list_disable_enable_set_role_set_region(
    runner: CliRunner, place: list[str], tmp_path: Path
) -> None:
    added = run(
        runner, place, "add", "olga", "--role", "operator", "--region", "north",
        "--name", "Olga", "--password", "a long password",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    row = listed(runner, place)["olga"]
    assert row == {
        "username": "olga",
        "name": "Olga",
        "role": "operator",
        "region": "north",
        "active": True,
        "locked": False,
        "second_factor": False,
        "email": None,
        "email_confirmed": False,
        "signs_in": True,
        "last_signed_in_at": None,
    }
    settings = Settings(database_url=place[1], data_dir=tmp_path, secret_key=KEY)
    with open_instance(settings) as made, transaction(made.sessions) as db:
        olga_id = db.scalar(select(User.id).where(User.username == "olga"))
        assert olga_id is not None
        start_session(db, olga_id, stage="signed_in", now=datetime.now())

    assert run(runner, place, "set-region", "olga", "south").exit_code == 0
    assert listed(runner, place)["olga"]["region"] == "south"
    assert run(runner, place, "set-role", "olga", "analyst").exit_code == 0
    assert listed(runner, place)["olga"]["role"] == "analyst"
    assert run(runner, place, "disable", "olga").exit_code == 0
    assert listed(runner, place)["olga"]["active"] is False
    with open_instance(settings) as made, transaction(made.sessions) as db:
        live = db.scalars(
            select(WebSession).where(WebSession.user_id == olga_id, WebSession.ended_at.is_(None))
        ).all()
        assert live == []  # disabling (and the role change before it) ended her session
    assert run(runner, place, "enable", "olga").exit_code == 0
    assert listed(runner, place)["olga"]["active"] is True
    assert run(runner, place, "set-region", "olga", "none").exit_code == 0
    assert listed(runner, place)["olga"]["region"] is None

    changes = history(place, "olga")
    after = [c.after for c in changes]
    assert {"role": "analyst"} in after
    assert {"active": False} in after
    assert {"active": True} in after
    reasons = {c.reason for c in changes}
    assert "kintrace user disable olga" in reasons
    assert "kintrace user set-role olga analyst" in reasons
    assert any(r.startswith("kintrace user set-region olga") for r in reasons)


def test_add_with_an_e_mail_sends_a_link_to_the_outbox(
    runner: CliRunner, place: list[str], tmp_path: Path
) -> None:
    added = run(runner, place, "add", "mother", "--role", "relative", "--email", "M@Example.org")
    assert added.exit_code == 0, added.output
    assert "link" in added.output
    row = listed(runner, place)["mother"]
    assert (row["email"], row["email_confirmed"], row["signs_in"]) == (
        "m@example.org",
        False,
        False,
    )
    (mail,) = (tmp_path / "outbox").glob("*.eml")
    assert "/reset/password?token=" in mail.read_text()
    desk_only = run(runner, place, "add", "walkin", "--role", "relative", "--no-password")
    assert desk_only.exit_code == 0, desk_only.output
    assert listed(runner, place)["walkin"]["signs_in"] is False


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("add", "x", "--role", "wizard", "--password", "a long password"), "not one of"),
        (("add", "x", "--role", "operator", "--password", "a long password"), "region"),
        (("add", "x", "--role", "analyst", "--password", "short"), "at least 10"),
        (("add", "x", "--role", "analyst", "--no-password"), "only a relative"),
        (("add", "x", "--role", "analyst", "--region", "mars", "--password", "p" * 12), "no reg"),
        (("disable", "nobody"), "no user"),
        (("set-role", "nobody", "analyst"), "no user"),
        (("set-region", "nobody", "north"), "no user"),
    ],
)  # fmt: skip
def test_mistakes_are_one_clear_line_and_exit_2(
    runner: CliRunner, place: list[str], args: tuple[str, ...], problem: str
) -> None:
    result = run(runner, place, *args)
    assert result.exit_code == 2, result.output
    assert problem in result.output
    assert "Traceback" not in result.output
    assert "x" not in listed(runner, place)


def test_set_role_refuses_an_operator_without_a_region(runner: CliRunner, place: list[str]) -> None:
    assert (
        run(runner, place, "add", "ana", "--role", "analyst", "--password", "p" * 12).exit_code == 0
    )
    result = run(runner, place, "set-role", "ana", "operator")
    assert result.exit_code == 2
    assert "region" in result.output
    assert listed(runner, place)["ana"]["role"] == "analyst"


def test_a_backup_leaves_the_e_mailed_links_out(
    runner: CliRunner, place: list[str], tmp_path: Path
) -> None:
    assert run(runner, place, "add", "m", "--role", "relative", "--email", "m@x.org").exit_code == 0
    archive = tmp_path / "copy.tar.gz"
    made = runner.invoke(cli, ["backup", str(archive), *place, "--json"])
    assert made.exit_code == 0, made.output
    tables = json.loads(made.stdout)["tables"]
    assert "users" in tables
    assert "account_tokens" not in tables  # a restore never brings back a live link


def test_the_demo_says_where_its_e_mails_go(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = runner.invoke(
        cli, ["demo", "--data-dir", str(folder), "--persons", "3", "--no-serve", "--port", "8123"]
    )
    assert result.exit_code == 0, result.output
    assert "outbox" in result.output
    assert str(folder / "outbox") in result.output.replace("\n", "")
