"""``kintrace chat``: import a Telegram export, moderate its mentions; on both engines.

The chat commands are a Typer sub-app (``kintrace.cli.chat:chat_app``), mounted here on a
Typer app of the test's own as the main command line mounts it.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from kintrace.cli.chat import chat_app
from kintrace.cli.main import app as main_app
from kintrace.storage.chat_tables import ChatMention
from kintrace.storage.db import make_engine, migrate
from kintrace.storage.tables import ImportedList, Report

EXPORT = Path(__file__).parents[2] / "unit" / "chats" / "result.json"
KEYS = [
    "message_id", "surname", "given_name", "patronymic", "birth_year", "unit", "date", "place",
    "claim", "person_id", "scam",
]  # fmt: skip

app = typer.Typer()
app.add_typer(chat_app, name="chat")


def chat(runner: CliRunner, url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["chat", *args, "--database", url])
    return result.exit_code, result.stdout, result.stderr


def count(url: str, table: type) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(table)) or 0)
    finally:
        engine.dispose()


def with_ivanov(runner: CliRunner, tmp_path: Path, url: str) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "id,surname,given_name,patronymic,sex,birth_date,unit\n"
        "1,Иванов,Сергей,Петрович,m,14.07.1995,в/ч 12345\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        main_app, ["import", str(registry), "--list", "r", "--persons", "--database", url]
    )
    assert result.exit_code == 0, result.stderr


def test_import_prints_exactly_the_documented_json(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    with_ivanov(runner, tmp_path, database_url)
    code, out, err = chat(runner, database_url, "import", str(EXPORT), "--list", "ищем-1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["messages", "mentions"]
    assert data["messages"] == 9
    assert all(list(m) == KEYS for m in data["mentions"])
    first = data["mentions"][0]
    assert first == {
        "message_id": 2, "surname": "Иванов", "given_name": "Сергей", "patronymic": "Петрович",
        "birth_year": 1995, "unit": "в/ч 12345", "date": "2024-01-12", "place": "Бахмут",
        "claim": "missing", "person_id": first["person_id"], "scam": False,
    }  # fmt: skip
    assert isinstance(first["person_id"], int)
    by_message = {(m["message_id"], m["surname"]): m for m in data["mentions"]}
    assert by_message[(6, "Лысенко")]["scam"] is True
    assert by_message[(3, "Петренко")]["person_id"] is None
    assert by_message[(8, "Бондаренко")]["birth_year"] is None
    assert {k for k, _ in by_message if k == 5} == {5} and len(by_message) == 8


def test_the_same_file_twice_adds_nothing(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    code, _, err = chat(runner, database_url, "import", str(EXPORT), "--list", "c")
    assert code == 0, err
    before = count(database_url, ChatMention)
    code, out, err = chat(runner, database_url, "import", str(EXPORT), "--list", "c")
    assert code == 0, err
    assert "nothing new" in out
    assert count(database_url, ChatMention) == before == 8


def test_a_broken_export_is_a_clear_error_and_nothing_is_written(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    engine.dispose()
    broken = tmp_path / "result.json"
    broken.write_text(
        '{"messages": [{"id": 1, "date": "2024-01-01T00:00:00", "text": "a"},', "utf-8"
    )
    code, _, err = chat(runner, database_url, "import", str(broken), "--list", "c", "--json")
    assert code == 2
    assert "result.json: line 1" in err and "not JSON" in err
    bad_message = tmp_path / "bad.json"
    bad_message.write_text(
        json.dumps({"messages": [{"id": 1, "date": "2024-01-01T00:00:00", "text": "Ищем"},
                                 {"id": 2, "date": "1 Jan", "text": "x"}]}),
        "utf-8",
    )  # fmt: skip
    code, _, err = chat(runner, database_url, "import", str(bad_message), "--list", "c")
    assert code == 2 and "bad.json: message 2: field 'date'" in err
    assert count(database_url, ImportedList) == 0
    assert count(database_url, ChatMention) == 0


def test_pending_accept_and_reject(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    with_ivanov(runner, tmp_path, database_url)
    code, _, err = chat(runner, database_url, "import", str(EXPORT), "--list", "c")
    assert code == 0, err
    code, out, err = chat(runner, database_url, "pending", "--json")
    assert code == 0, err
    pending = json.loads(out)
    assert len(pending) == 8
    ivanov = next(p for p in pending if p["message_id"] == 2)
    petrenko = next(p for p in pending if p["message_id"] == 3)
    scam = next(p for p in pending if p["scam"])
    code, _, err = chat(runner, database_url, "accept", str(scam["id"]))
    assert code == 2 and "never counts" in err
    code, _, err = chat(runner, database_url, "accept", str(petrenko["id"]))
    assert code == 2 and "linked to no person" in err
    assert count(database_url, Report) == 0
    code, _, err = chat(runner, database_url, "accept", str(ivanov["id"]))
    assert code == 0, err
    assert count(database_url, Report) == 1
    code, _, err = chat(runner, database_url, "reject", str(scam["id"]), "--reason", "scam")
    assert code == 0, err
    code, out, _ = chat(runner, database_url, "pending", "--json")
    assert {p["id"] for p in json.loads(out)} == {p["id"] for p in pending} - {
        ivanov["id"],
        scam["id"],
    }
    code, out, _ = chat(runner, database_url, "pending")
    assert code == 0 and "Петренко" in out
