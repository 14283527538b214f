"""`kintrace import` and `kintrace export` on real CSV and XLSX files, on both engines."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.storage.db import make_engine, migrate
from kintrace.storage.tables import ImportedList, ListRecord, Person

HEADER = (
    "id,surname,given_name,patronymic,sex,birth_date,age,report_date,region,unit,rank,"
    "personal_number"
)
GOOD = [
    "1,Петров,Александр,Иванович,m,03.05.1998,,,Курская область,в/ч 12345,рядовой,АВ-123456",
    "2,SYDORENKO,Oleksii,,m,1999,,,Kharkivska oblast,MU A0123,soldier,",
    "3,Иванов,Сергей,Петрович,m,,24,2023-04-12,Белгородская область,,сержант,",
]


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    migrate(engine)  # a command that failed early may not have created the schema
    try:
        with engine.connect() as conn:
            return (
                conn.scalar(select(func.count()).select_from(Person)) or 0,
                conn.scalar(select(func.count()).select_from(ImportedList)) or 0,
                conn.scalar(select(func.count()).select_from(ListRecord)) or 0,
            )
    finally:
        engine.dispose()


def test_a_good_csv_is_imported_as_persons(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    file = write_csv(tmp_path / "registry.csv", GOOD)
    args = ["import", str(file), "--list", "registry", "--persons", "--json"]
    result = runner.invoke(app, [*args, "--database", database_url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "list": "registry",
        "list_id": 1,
        "rows": 3,
        "persons_created": 3,
    }
    assert counts(database_url) == (3, 1, 3)


def test_a_bad_last_row_writes_nothing_and_names_file_row_and_field(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    earlier = write_csv(tmp_path / "earlier.csv", GOOD[:1])
    args = ["--persons", "--database", database_url]
    assert runner.invoke(app, ["import", str(earlier), "--list", "earlier", *args]).exit_code == 0
    file = write_csv(tmp_path / "list.csv", [*GOOD, "4,Сидоров,Иван,,x,31.02.1990,,,,,,"])
    result = runner.invoke(app, ["import", str(file), "--list", "l", *args])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 2
    assert all("list.csv" in line and "row 5" in line for line in lines)
    assert any("sex" in line for line in lines)
    assert any("birth_date" in line for line in lines)
    assert counts(database_url) == (1, 1, 1)  # only the earlier list


def test_every_bad_row_is_reported_not_only_the_first(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    file = write_csv(
        tmp_path / "list.csv",
        ["1,Петров,,,m,1998,,,,,,", "2,,Иван,,m,13.1999,,,,,,", "3,Ким,Олег,,m,,abc,,,,,"],
    )
    result = runner.invoke(app, ["import", str(file), "--list", "l", "--database", database_url])
    assert result.exit_code == 2
    assert "row 3" in result.stderr and "birth_date" in result.stderr
    assert "row 4" in result.stderr and "age" in result.stderr
    assert counts(database_url) == (0, 0, 0)


def test_importing_a_list_name_twice_is_refused(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    file = write_csv(tmp_path / "a.csv", GOOD)
    args = ["import", str(file), "--list", "same", "--database", database_url]
    assert runner.invoke(app, args).exit_code == 0
    other = write_csv(tmp_path / "b.csv", GOOD[:2])  # the same content is no error: see
    second = runner.invoke(app, ["import", str(other), *args[2:]])  # test_lists_evidence.py
    assert second.exit_code == 2
    assert "same" in second.stderr
    assert counts(database_url) == (0, 1, 3)


def test_xlsx_with_other_headers_is_mapped_by_columns(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["No", "Last name", "First name", "Born"])
    sheet.append([7, "Коваленко", "Микола", "1987"])
    sheet.append([8, "KOVALENKO", "Mykola", "05.1987"])
    path = tmp_path / "hospital.xlsx"
    book.save(path)
    columns = "id=No,surname=Last name,given_name=First name,birth_date=Born"
    result = runner.invoke(
        app,
        ["import", str(path), "--list", "hospital", "--persons", "--columns", columns]
        + ["--database", database_url],
    )
    assert result.exit_code == 0, result.output
    assert counts(database_url) == (2, 1, 2)


def test_a_missing_file_is_one_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", str(tmp_path / "nope.csv"), "--list", "x", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr


def test_export_writes_every_person_in_each_format(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    file = write_csv(tmp_path / "registry.csv", GOOD)
    imported = runner.invoke(
        app, ["import", str(file), "--list", "r", "--persons", "--database", database_url]
    )
    assert imported.exit_code == 0, imported.output
    for name in ["out.csv", "out.json", "out.xlsx"]:
        result = runner.invoke(app, ["export", str(tmp_path / name), "--database", database_url])
        assert result.exit_code == 0, result.output
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["surname"] for r in rows) == ["SYDORENKO", "Иванов", "Петров"]
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(data) == 3


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


def test_a_stray_quote_writes_nothing_and_names_the_row(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    lines = [GOOD[0].replace(",Петров,", ',"Петров,'), *GOOD[1:]]
    file = write_csv(tmp_path / "list.csv", lines)
    result = runner.invoke(app, ["import", str(file), "--list", "l", "--database", database_url])
    assert result.exit_code == 2, result.output
    [line] = error_lines(result.stderr)
    assert "list.csv" in line and "row 2" in line and "quote" in line
    assert counts(database_url) == (0, 0, 0)


def test_a_row_with_a_cell_too_many_is_refused(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    # a birth year in the patronymic's place would otherwise be stored as a patronymic
    file = write_csv(tmp_path / "list.csv", [*GOOD, "4,Ким,Олег,1991,m,,,,,,,,"])
    result = runner.invoke(app, ["import", str(file), "--list", "l", "--database", database_url])
    assert result.exit_code == 2
    assert "row 5: 13 cells, but the header has 12 columns" in result.stderr
    assert counts(database_url) == (0, 0, 0)


def test_the_same_field_limits_on_both_engines(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    long_name = "Я" * 300
    file = write_csv(
        tmp_path / "list.csv",
        [
            *GOOD,
            f"4,{long_name},Олег,,m,,,,,,,",
            "5,Ки\x00м,Олег,,m,,,,,,,",
            "6,Ки\u202eм,,,m,,,,,,,",
        ],
    )
    args = ["import", str(file), "--list", "l", "--persons", "--database", database_url]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = error_lines(result.stderr)
    assert len(lines) == 3
    assert "row 5" in lines[0] and "surname" in lines[0] and "more than 200" in lines[0]
    assert "row 6" in lines[1] and "U+0000" in lines[1]
    assert "row 7" in lines[2] and "U+202E" in lines[2]
    assert counts(database_url) == (0, 0, 0)


def test_columns_mapping_that_would_drop_a_column_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "list.csv", GOOD)
    base = ["import", str(file), "--list", "l", "--data-dir", str(tmp_path)]
    for columns, words in [
        ("familyname=surname", "not a standard column"),
        ("surname=surname,surname=given_name", "mapped twice"),
        ("surname=surname,given_name=surname", "mapped to both"),
        ("rank=Rank", "not a column of the file"),
    ]:
        result = runner.invoke(app, [*base, "--columns", columns])
        assert result.exit_code == 2, columns
        assert words in result.stderr, columns


FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)"]


def test_export_never_writes_a_live_formula(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    quoted = [f'"{f}"' if "," in f else f for f in FORMULAS]
    lines = [f"{n},{f},Иван,,m,1990,,,,,," for n, f in enumerate(quoted, start=1)]
    file = write_csv(tmp_path / "registry.csv", lines)
    args = ["import", str(file), "--list", "r", "--persons", "--database", database_url]
    imported = runner.invoke(app, args)
    assert imported.exit_code == 0, imported.output
    for name in ["out.csv", "out.xlsx"]:
        result = runner.invoke(app, ["export", str(tmp_path / name), "--database", database_url])
        assert result.exit_code == 0, result.output
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        surnames = sorted(r["surname"] for r in csv.DictReader(handle))
    assert surnames == sorted("'" + f for f in FORMULAS)
    book = load_workbook(tmp_path / "out.xlsx")  # not data_only: a formula would show as one
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index("surname")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert sorted(str(c.value) for c in cells) == sorted(FORMULAS)  # kept exactly
    assert {c.data_type for c in cells} == {"s"}
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_a_misspelt_standard_header_is_refused_and_other_columns_are_kept(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    misspelt = tmp_path / "misspelt.csv"
    misspelt.write_text("id,surname,birthdate\n1,Петров,03.05.1998\n", encoding="utf-8")
    result = runner.invoke(
        app, ["import", str(misspelt), "--list", "m", "--database", database_url]
    )
    assert result.exit_code == 2
    assert "did you mean 'birth_date'" in result.output
    assert counts(database_url) == (0, 0, 0)
    noted = tmp_path / "noted.csv"
    noted.write_text("id,surname,notes\n1,Петров,seen near Bakhmut\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(noted), "--list", "n", "--database", database_url])
    assert result.exit_code == 0, result.output
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(select(ListRecord.extra)) == {"notes": "seen near Bakhmut"}
    finally:
        engine.dispose()
