"""``kintrace import`` of CSV lists in the encodings they arrive in, on SQLite and PostgreSQL:
Cyrillic names stored as written; other bytes exit 2 naming file and byte, nothing written."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from kintrace.cli.lists import import_command
from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.storage.tables import ImportedList, Person

app = typer.Typer()
app.command("import")(import_command)


@app.callback()
def _root() -> None:
    """kintrace, only the import command."""


LIST = (
    "id;surname;given_name;patronymic;birth_date\r\n"
    "1;Петров;Александр;Иванович;03.05.1998\r\n"
    "2;Коваленко;Олена;Іванівна;1990\r\n"
)


def persons_in(url: str, data_dir: Path) -> list[tuple[str, str, str]]:
    with open_instance(Settings(database_url=url, data_dir=data_dir)) as i, i.sessions() as db:
        return [
            (p.surname, p.given_name, p.patronymic)
            for p in db.scalars(select(Person).order_by(Person.id))
        ]


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + LIST.encode("utf-8"),
        codecs.BOM_UTF16_LE + LIST.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + LIST.encode("utf-16-be"),
        LIST.encode("cp1251"),
    ],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be", "cp1251"],
)
def test_a_list_in_each_encoding_imports_its_names(
    data: bytes, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    result = CliRunner().invoke(
        app,
        ["import", str(path), "--list", "l", "--persons", "--database", database_url,
         "--data-dir", str(tmp_path / "d")],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert persons_in(database_url, tmp_path / "d") == [
        ("Петров", "Александр", "Иванович"),
        ("Коваленко", "Олена", "Іванівна"),
    ]


def test_a_list_in_another_encoding_is_refused_and_nothing_written(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("id;surname;given_name\r\n1;Петров;Александр\r\n".encode("koi8-r"))
    result = CliRunner().invoke(
        app,
        ["import", str(path), "--list", "l", "--persons", "--database", database_url,
         "--data-dir", str(tmp_path / "d")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"{path}: byte 25 (row 2)" in result.stderr
    assert persons_in(database_url, tmp_path / "d") == []
    settings = Settings(database_url=database_url, data_dir=tmp_path / "d")
    with open_instance(settings) as i, i.sessions() as db:
        assert db.scalar(select(func.count()).select_from(ImportedList)) == 0
