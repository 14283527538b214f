"""`kintrace backup` and `kintrace restore`: a full round trip between engines."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import open_instance
from kintrace.reports.service import attach_file
from kintrace.storage.backup import NOT_BACKED_UP
from kintrace.storage.db import transaction
from kintrace.storage.tables import Base, Report
from kintrace.users.sessions import SIGNED_IN, start_session

PNG = bytes.fromhex(  # a real 2x2 image: attachments are sniffed by Pillow
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a7300000016494441"
    "54789c633cc1c5c5c0c0c0c4c0c0c0c0c000000b3800e011f4d5d60000000049454e44ae426082"
)


def build(url: str, folder: Path) -> None:
    """A small demo instance with one attachment."""
    with (
        open_instance(Settings(database_url=url, data_dir=folder)) as instance,
        transaction(instance.sessions) as session,
    ):
        load_demo(session, persons=12, seed=5)
        report = session.scalars(select(Report).order_by(Report.id)).first()
        assert report is not None
        attach_file(session, instance.files, report=report, data=PNG, filename="photo.png")


def dump(url: str, folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, comparable across engines."""
    result: dict[str, list[dict[str, Any]]] = {}
    with (
        open_instance(Settings(database_url=url, data_dir=folder)) as instance,
        instance.engine.connect() as conn,
    ):
        for table in Base.metadata.sorted_tables:
            keys = list(table.primary_key.columns)
            rows = conn.execute(select(table).order_by(*keys)).mappings()
            result[table.name] = [dict(row) for row in rows]
    return result


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("sqlite", "sqlite"),
        pytest.param("sqlite", "postgresql", marks=pytest.mark.postgres),
        pytest.param("postgresql", "sqlite", marks=pytest.mark.postgres),
    ],
)
def test_a_backup_restores_into_an_empty_instance_exactly(
    runner: CliRunner,
    tmp_path: Path,
    new_database: Callable[[str], str],
    source: str,
    target: str,
) -> None:
    source_url, target_url = new_database(source), new_database(target)
    build(source_url, tmp_path / "a")
    archive = tmp_path / "copy.tar.gz"
    made = runner.invoke(
        app,
        [
            "backup",
            str(archive),
            "--json",
            "--database",
            source_url,
            "--data-dir",
            str(tmp_path / "a"),
        ],
    )
    assert made.exit_code == 0, made.output
    manifest = json.loads(made.stdout)
    assert manifest["tables"]["persons"]["rows"] == 12
    assert len(manifest["attachments"]) == 2  # the photo and its thumbnail
    restored = runner.invoke(
        app, ["restore", str(archive), "--database", target_url, "--data-dir", str(tmp_path / "b")]
    )
    assert restored.exit_code == 0, restored.output
    assert dump(target_url, tmp_path / "b") == dump(source_url, tmp_path / "a")
    with open_instance(Settings(database_url=target_url, data_dir=tmp_path / "b")) as instance:
        assert {instance.files.get(d) == PNG for d in manifest["attachments"]} == {True, False}
        assert all(instance.files.verify(d) for d in manifest["attachments"])


def test_restore_refuses_an_instance_that_has_data(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str]
) -> None:
    url = new_database("sqlite")
    build(url, tmp_path / "a")
    archive = tmp_path / "copy.tar.gz"
    args = ["--database", url, "--data-dir", str(tmp_path / "a")]
    assert runner.invoke(app, ["backup", str(archive), *args]).exit_code == 0
    before = dump(url, tmp_path / "a")
    result = runner.invoke(app, ["restore", str(archive), *args])
    assert result.exit_code == 2
    assert "empty" in result.stderr
    assert dump(url, tmp_path / "a") == before


def test_a_damaged_backup_writes_nothing(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str]
) -> None:
    source_url, target_url = new_database("sqlite"), new_database("sqlite")
    build(source_url, tmp_path / "a")
    archive = tmp_path / "copy.tar.gz"
    args = ["--database", source_url, "--data-dir", str(tmp_path / "a")]
    assert runner.invoke(app, ["backup", str(archive), *args]).exit_code == 0
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            content = data.read() if data else b""
            if member.name.startswith("attachments/"):
                content = b"tampered"
                member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    result = runner.invoke(
        app, ["restore", str(damaged), "--database", target_url, "--data-dir", str(tmp_path / "b")]
    )
    assert result.exit_code == 2
    assert "damaged" in result.stderr
    assert all(rows == [] for rows in dump(target_url, tmp_path / "b").values())


def test_a_file_that_is_not_a_backup_is_one_clear_error(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str]
) -> None:
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["restore", str(bogus), "--database", new_database("sqlite")])
    assert result.exit_code == 2
    assert "notes.tar.gz" in result.stderr


def test_sign_in_sessions_and_throttles_are_not_backed_up(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str]
) -> None:
    source_url, target_url = new_database("sqlite"), new_database("sqlite")
    build(source_url, tmp_path / "a")
    with (
        open_instance(Settings(database_url=source_url, data_dir=tmp_path / "a")) as instance,
        transaction(instance.sessions) as session,
    ):
        start_session(session, 1, stage=SIGNED_IN, now=datetime.now())
    archive = tmp_path / "copy.tar.gz"
    args = ["--database", source_url, "--data-dir", str(tmp_path / "a"), "--json"]
    made = runner.invoke(app, ["backup", str(archive), *args])
    assert made.exit_code == 0, made.output
    assert set(json.loads(made.stdout)["tables"]).isdisjoint(NOT_BACKED_UP)
    restored = runner.invoke(
        app, ["restore", str(archive), "--database", target_url, "--data-dir", str(tmp_path / "b")]
    )
    assert restored.exit_code == 0, restored.output
    after = dump(target_url, tmp_path / "b")
    assert after["web_sessions"] == [] and after["sign_in_throttles"] == []
    assert after["users"] == dump(source_url, tmp_path / "a")["users"]
