"""``kintrace token issue|list|revoke`` on SQLite and PostgreSQL: the token printed once works
against the API until it is revoked; the database holds only its hash; bad input exits 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.cases.service import get_or_create_region
from kintrace.cli.main import app as cli
from kintrace.cli.tokens import token_app
from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import ChangeLog
from kintrace.storage.token_tables import ApiToken
from kintrace.web.app import create_app

KEY = "t" * 40


def test_issue_use_list_and_revoke(database_url: str, tmp_path: Path, runner: CliRunner) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key=KEY)
    with open_instance(settings) as instance:
        with transaction(instance.sessions) as db:
            get_or_create_region(db, "North")
        place = ["--database", database_url, "--data-dir", str(tmp_path)]
        until = (date.today() + timedelta(days=30)).isoformat()
        issued = runner.invoke(
            token_app,
            [
                "issue",
                "ICRC tracing",
                "--scope",
                "read_persons,write_reports",
                "--expires",
                until,
                "--json",
                *place,
            ],  # fmt: skip
        )
        assert issued.exit_code == 0, issued.output
        made = json.loads(issued.stdout)
        assert made["scopes"] == ["read_persons", "write_reports"] and made["state"] == "active"
        secret = made["token"]
        plain = runner.invoke(
            token_app,
            [
                "issue",
                "North desk feed",
                "--scope",
                "read_persons",
                "--region",
                "North",
                "--partner",
                "authorities",
                *place,
            ],  # fmt: skip
        )
        assert plain.exit_code == 0, plain.output
        assert len(plain.stdout.strip()) >= 40  # the token alone on stdout
        with TestClient(create_app(instance)) as client:
            client.headers["Authorization"] = f"Bearer {secret}"
            assert client.get("/api/persons").status_code == 200
            listed = runner.invoke(token_app, ["list", "--json", *place])
            assert listed.exit_code == 0, listed.output
            rows = {r["name"]: r for r in json.loads(listed.stdout)}
            assert rows["ICRC tracing"]["last_used_at"] is not None
            assert rows["North desk feed"]["region"] == "North"
            assert rows["North desk feed"]["partner"] == "authorities"
            assert secret not in listed.stdout
            revoked = runner.invoke(token_app, ["revoke", str(made["id"]), *place])
            assert revoked.exit_code == 0, revoked.output
            assert client.get("/api/persons").status_code == 401
        listed = runner.invoke(token_app, ["list", "--json", *place])
        assert {r["name"]: r["state"] for r in json.loads(listed.stdout)} == {
            "ICRC tracing": "revoked",
            "North desk feed": "active",
        }
        with instance.sessions() as db:
            hashes = list(db.scalars(select(ApiToken.token_hash)))
            assert secret not in hashes and all(len(h) == 64 for h in hashes)
            revocations = db.scalars(
                select(ChangeLog.reason).where(ChangeLog.table_name == "api_tokens")
            ).all()
            assert f"kintrace token revoke {made['id']}" in revocations


def test_bad_input_exits_2_and_writes_nothing(
    database_url: str, tmp_path: Path, runner: CliRunner
) -> None:
    place = ["--database", database_url, "--data-dir", str(tmp_path)]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    for args, word in (
        (["issue", "x", "--scope", "read_everything"], "read_everything"),
        (["issue", "x", "--scope", "read_persons", "--expires", "01.10.2030"], "--expires"),
        (["issue", "x", "--scope", "read_persons", "--expires", yesterday], "in the past"),
        (["issue", "x", "--scope", "upload_lists", "--region", "Nowhere"], "--region"),
        (["issue", "x", "--scope", "read_persons", "--partner", "other_relatives"], "--partner"),
        (["revoke", "7"], "no token 7"),
    ):
        result = runner.invoke(token_app, [*args, *place])
        assert result.exit_code == 2, (args, result.output)
        assert word in result.stderr, (args, result.stderr)
    listed = runner.invoke(token_app, ["list", "--json", *place])
    assert json.loads(listed.stdout) == []


def test_a_restored_backup_holds_no_token(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str]
) -> None:
    source_url, target_url = new_database("sqlite"), new_database("sqlite")
    place = ["--database", source_url, "--data-dir", str(tmp_path / "a")]
    issued = runner.invoke(token_app, ["issue", "ICRC", "--scope", "read_persons", *place])
    assert issued.exit_code == 0, issued.output
    archive = tmp_path / "copy.tar.gz"
    made = runner.invoke(cli, ["backup", str(archive), *place, "--json"])
    assert made.exit_code == 0, made.output
    assert "api_tokens" not in json.loads(made.stdout)["tables"]
    back = ["--database", target_url, "--data-dir", str(tmp_path / "b")]
    restored = runner.invoke(cli, ["restore", str(archive), *back])
    assert restored.exit_code == 0, restored.output
    listed = runner.invoke(token_app, ["list", "--json", *back])
    assert json.loads(listed.stdout) == []
    settings = Settings(database_url=target_url, data_dir=tmp_path / "b")
    with open_instance(settings) as instance, TestClient(create_app(instance)) as client:
        client.headers["Authorization"] = f"Bearer {issued.stdout.strip()}"
        assert client.get("/api/persons").status_code == 401
