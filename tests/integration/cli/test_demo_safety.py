"""`kintrace demo` builds only into a new or empty folder, or one an earlier demo built."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.config import Settings
from kintrace.demo.load import DEMO_MARKER
from kintrace.instance import open_instance
from kintrace.storage.db import transaction
from kintrace.users.service import ensure_roles


def a_real_instance(folder: Path) -> str:
    """A migrated SQLite instance with data in ``folder``; return the database's hash."""
    with (
        open_instance(Settings(database_url="", data_dir=folder)) as instance,
        transaction(instance.sessions) as session,
    ):
        ensure_roles(session)
    return hashlib.sha256((folder / "kintrace.sqlite3").read_bytes()).hexdigest()


def demo(runner: CliRunner, folder: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["demo", "--no-serve", "--persons", "3", "--data-dir", str(folder)])
    return result.exit_code, result.stderr


def test_demo_refuses_a_real_instance_and_leaves_it_as_it_was(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "real"
    before = a_real_instance(folder)
    code, stderr = demo(runner, folder)
    assert code == 2
    assert "not built by `kintrace demo`" in stderr
    assert hashlib.sha256((folder / "kintrace.sqlite3").read_bytes()).hexdigest() == before


def test_demo_refuses_a_folder_of_other_files(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, _ = demo(runner, tmp_path)
    assert code == 2
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_demo_builds_into_a_new_folder_and_rebuilds_its_own(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    assert demo(runner, folder)[0] == 0
    assert (folder / DEMO_MARKER).is_file()
    (folder / "leftover").write_text("x", encoding="utf-8")
    assert demo(runner, folder)[0] == 0
    assert not (folder / "leftover").exists()
    assert (folder / "kintrace.sqlite3").is_file()


def test_demo_uses_an_empty_folder(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert demo(runner, folder)[0] == 0
