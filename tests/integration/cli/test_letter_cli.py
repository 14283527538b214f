"""`kintrace letter KIND PERSON_ID --lang ru|uk|en --out FILE.pdf [--sent]`.

The command is tested through a small Typer app of its own (the main app registers it as
``letter``), in-process with CliRunner, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from tests.db_builders import a_person, a_report, a_request
from tests.pdf_pages import pdf_text
from typer.testing import CliRunner

from kintrace.cli.letter import letter
from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import AuthorityRequest

app = typer.Typer()
app.command("letter")(letter)


@app.callback()
def main() -> None:
    """A stand-in for the kintrace command: ``letter`` is one of its commands."""


def a_case(url: str, folder: Path) -> int:
    """Store Петров Александр Иванович with his mother's request and a report; return his id."""
    with (
        open_instance(Settings(database_url=url, data_dir=folder)) as instance,
        transaction(instance.sessions) as session,
    ):
        person = a_person(session)
        a_request(session, person)
        a_report(session, person, "missing", date(2022, 9, 18))
        return person.id


def requests_of(url: str, folder: Path, person_id: int) -> list[tuple[str, str, date, date]]:
    with (
        open_instance(Settings(database_url=url, data_dir=folder)) as instance,
        instance.sessions() as session,
    ):
        rows = session.scalars(
            select(AuthorityRequest).where(AuthorityRequest.person_id == person_id)
        )
        return [(r.kind, r.authority, r.sent_on, r.due_on) for r in rows]


def run(runner: CliRunner, url: str, folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["letter", *args, "--database", url, "--data-dir", str(folder)])
    return result.exit_code, result.stderr


def test_a_letter_is_written_with_the_name_in_the_genitive_and_nothing_recorded(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    person_id = a_case(database_url, tmp_path)
    out = tmp_path / "letter.pdf"
    code, err = run(
        runner, database_url, tmp_path, "status_change", str(person_id), "--lang", "ru",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    text = pdf_text(out.read_bytes())
    assert "Заявление о розыске Петрова Александра Ивановича" in text
    assert "Петров Александр Иванович" in text  # the identity block, nominative
    assert requests_of(database_url, tmp_path, person_id) == []  # not sent without --sent


def test_sent_records_an_authority_request_due_after_the_period(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    person_id = a_case(database_url, tmp_path)
    out = tmp_path / "pow.pdf"
    code, err = run(
        runner, database_url, tmp_path, "pow_list_inclusion", str(person_id), "--lang", "uk",
        "--out", str(out), "--to", "red_cross", "--sent",
    )  # fmt: skip
    assert code == 0, err
    # a Russian-written name in a Ukrainian letter: inflected, not translated
    assert "включення Петрова Александра Ивановича" in pdf_text(out.read_bytes())
    today = date.today()
    due = today + timedelta(days=Settings().authority_reply_days)
    assert requests_of(database_url, tmp_path, person_id) == [
        (
            "pow_list_inclusion",
            "Міжнародний комітет Червоного Хреста, Центральне агентство з розшуку",
            today,
            due,
        )
    ]
    assert f"the answer is due on {due.isoformat()}" in err


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["pension", "{id}", "--lang", "ru"], "KIND"),
        (["dna_test", "{id}", "--lang", "de"], "--lang"),
        (["objection", "{id}", "--lang", "en", "--to", "ministry"], "addressee"),
        (["dna_test", "999999", "--lang", "en"], "no person 999999"),
    ],
)
def test_bad_input_is_one_clear_error_exit_2_and_no_file(
    runner: CliRunner, tmp_path: Path, args: list[str], named: str
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    person_id = a_case(url, tmp_path)
    out = tmp_path / "never.pdf"
    filled = [a.format(id=person_id) for a in args]
    code, err = run(runner, url, tmp_path, *filled, "--out", str(out))
    assert code == 2
    assert "error:" in err and named in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf" or ".pdf." in p.name] == []
    assert requests_of(url, tmp_path, person_id) == []
