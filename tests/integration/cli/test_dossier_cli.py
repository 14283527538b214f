"""`kintrace dossier`: write a dossier, verify it, detect one changed byte; both engines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import typer
import typer.main
from click.testing import CliRunner

from db_builders import a_person, a_report, a_request
from kintrace.cli.dossier import dossier_command
from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.storage.backup import backup, restore
from kintrace.storage.db import transaction
from pdf_pages import page_texts

_single = typer.Typer(add_completion=False)
_single.command("dossier")(dossier_command)
COMMAND = typer.main.get_command(_single)
"""The command as ``kintrace dossier`` runs it (a function command, as the lazy group loads it)."""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def build(url: str, folder: Path) -> int:
    """One person with a request and two reports; return the person's id."""
    with (
        open_instance(Settings(database_url=url, data_dir=folder)) as instance,
        transaction(instance.sessions) as session,
    ):
        session.info["reason"] = "test"
        person = a_person(session, "Шевченко")
        a_request(session, person)
        a_report(session, person, "missing", date(2022, 9, 18))
        a_report(session, person, "captured_reported", date(2022, 10, 2))
        return person.id


def run(runner: CliRunner, url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(COMMAND, [*args, "--database", url])
    return result.exit_code, result.output


def test_write_then_verify_then_one_changed_byte(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    person = build(database_url, tmp_path)
    out = tmp_path / "dossier.pdf"
    code, output = run(
        runner, database_url, str(person), "--out", str(out), "--lang", "uk",
        "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert code == 0, output
    pages = page_texts(out.read_bytes())
    assert "Шевченко Александр Иванович" in pages[0]
    assert not list(tmp_path.glob(".dossier.pdf.*"))  # no partial file left behind
    code, output = run(runner, database_url, "verify", str(out), "--data-dir", str(tmp_path))
    assert code == 0, output
    assert "unaltered" in output and "nothing has changed" in output
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x20
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    code, output = run(runner, database_url, "verify", str(altered), "--data-dir", str(tmp_path))
    assert code == 1, output
    assert "altered" in output and "unaltered" not in output
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4\n%%EOF\n")
    code, output = run(runner, database_url, "verify", str(other), "--data-dir", str(tmp_path))
    assert code == 1 and "not a kintrace dossier" in output


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["999999", "--out", "x.pdf"], "no person 999999"),
        (["1"], "--out FILE.pdf is required"),
        (["1", "--out", "x.pdf", "--lang", "de"], "--lang 'de'"),
        (["someone", "--out", "x.pdf"], "neither a person id"),
        (["verify"], "name the file to verify"),
        (["verify", "missing.pdf"], "missing.pdf: cannot read the file"),
    ],
)
def test_bad_input_exits_2_naming_the_problem_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, args: list[str], problem: str
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    build(url, tmp_path)
    result = runner.invoke(COMMAND, [*args, "--database", url, "--data-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert problem in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_a_restored_backup_still_verifies_its_dossiers(runner: CliRunner, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    url_a, url_b = f"sqlite:///{first / 'k.sqlite3'}", f"sqlite:///{second / 'k.sqlite3'}"
    first.mkdir()
    second.mkdir()
    person = build(url_a, first)
    out = tmp_path / "d.pdf"
    assert run(runner, url_a, str(person), "--out", str(out), "--data-dir", str(first))[0] == 0
    with open_instance(Settings(database_url=url_a, data_dir=first)) as instance:
        backup(instance.engine, instance.files, tmp_path / "b.tar.gz", lambda _: None)
    with open_instance(Settings(database_url=url_b, data_dir=second)) as instance:
        restore(instance.engine, instance.files, tmp_path / "b.tar.gz", lambda _: None)
    code, output = run(runner, url_b, "verify", str(out), "--data-dir", str(second))
    assert code == 0 and "unaltered" in output, output
