"""The table reader refuses what it cannot read exactly, naming file, row and field."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from kintrace.errors import SourceFormatError
from kintrace.importers.tabular import MAX_CELL_CHARS, parse_column_map, read_table

HEADER = "id,surname,given_name,birth_date"


def csv_file(tmp_path: Path, *lines: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def refused(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(SourceFormatError) as caught:
        read_table(path, **kwargs)  # type: ignore[arg-type]
    return list(caught.value.problems)


def test_a_good_csv_reads_every_value_as_written(tmp_path: Path) -> None:
    path = csv_file(tmp_path, '1,"Петров, мл.",Иван,1998', "2,Ким,,")
    table = read_table(path)
    assert [r.values for r in table.rows] == [
        {"id": "1", "surname": "Петров, мл.", "given_name": "Иван", "birth_date": "1998"},
        {"id": "2", "surname": "Ким", "given_name": "", "birth_date": ""},
    ]


def test_a_stray_quote_does_not_swallow_the_later_rows(tmp_path: Path) -> None:
    path = csv_file(tmp_path, '1,"Петров,Иван,1998', "2,Сидоров,Пётр,1990", "3,Ким,Олег,1991")
    problems = refused(path)
    assert len(problems) == 1
    assert "list.csv" in problems[0] and "row 2" in problems[0] and "quote" in problems[0]


def test_a_quote_after_a_closing_quote_is_refused(tmp_path: Path) -> None:
    problems = refused(csv_file(tmp_path, '1,"Петров"ич,Иван,1998'))
    assert "row 2" in problems[0]


def test_a_quote_inside_an_unquoted_cell_is_read_as_written(tmp_path: Path) -> None:
    table = read_table(csv_file(tmp_path, '1,О"Коннор,Шон,1990'))
    assert table.rows[0].values["surname"] == 'О"Коннор'


@pytest.mark.parametrize(
    ("line", "cells"), [("1,Петров,Иван", 3), ("1,Петров,Иван,Иванович,1998", 5)]
)
def test_short_and_long_rows_are_refused(tmp_path: Path, line: str, cells: int) -> None:
    problems = refused(csv_file(tmp_path, "2,Ким,Олег,1991", line))
    assert problems == [
        f"{tmp_path / 'list.csv'}: row 3: {cells} cells, but the header has 4 columns "
        "(a stray quote or delimiter?)"
    ]


@pytest.mark.parametrize("size", [MAX_CELL_CHARS + 1, 131_073])
def test_a_cell_past_the_size_limit_is_one_clear_error(tmp_path: Path, size: int) -> None:
    problems = refused(csv_file(tmp_path, f"1,{'я' * size},Иван,1998"))
    assert len(problems) == 1
    assert "row 2" in problems[0] and str(MAX_CELL_CHARS) in problems[0]


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\u202e", "\x07", "\u2066"])
def test_control_and_direction_override_characters_are_refused(tmp_path: Path, char: str) -> None:
    problems = refused(csv_file(tmp_path, f"1,Пет{char}ров,Иван,1998"))
    assert len(problems) == 1
    assert "row 2, field 'surname'" in problems[0]
    assert f"U+{ord(char):04X}" in problems[0]


def test_a_line_break_inside_a_quoted_cell_is_refused(tmp_path: Path) -> None:
    problems = refused(csv_file(tmp_path, '1,"Петров\nИван",Иван,1998'))
    assert "row 2, field 'surname'" in problems[0]


def test_a_value_under_no_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("id,surname,\n1,Петров,1998\n", encoding="utf-8")
    assert "row 2, column 3: a value under no header" in refused(path)[0]


def test_semicolon_files_are_read_by_their_header(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("id;surname\n1;Петров, мл.\n", encoding="utf-8")
    assert read_table(path).rows[0].values == {"id": "1", "surname": "Петров, мл."}


def test_column_maps_that_drop_or_swap_columns_are_refused() -> None:
    standard = ("id", "surname", "given_name")
    with pytest.raises(SourceFormatError, match="'familyname' is not a standard column"):
        parse_column_map("familyname=Last", standard)
    with pytest.raises(SourceFormatError, match="'surname' is mapped twice"):
        parse_column_map("surname=Last,surname=Family", standard)
    with pytest.raises(SourceFormatError, match="'Name' is mapped to both"):
        parse_column_map("surname=Name,given_name=Name", standard)


def test_a_mapped_column_missing_from_the_file_is_refused(tmp_path: Path) -> None:
    problems = refused(csv_file(tmp_path, "1,Петров,Иван,1998"), columns={"surname": "Last"})
    assert "'Last', which is not a column of the file" in problems[0]


# --- XLSX -------------------------------------------------------------------------------------


def xlsx_file(tmp_path: Path, rows: list[list[object]], name: str = "list.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def rewrite_sheet(path: Path, change: object) -> None:
    """Rewrite the first sheet's XML of a workbook with ``change(xml) -> xml``."""
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = change(parts[sheet].decode()).encode()  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_good_xlsx_reads_like_the_csv(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, [HEADER.split(","), [1, "Петров", "Иван", datetime(1998, 5, 3)]])
    values = read_table(path).rows[0].values
    assert values == {
        "id": "1",
        "surname": "Петров",
        "given_name": "Иван",
        "birth_date": "1998-05-03",
    }


def test_a_cell_at_the_last_row_and_column_is_refused_without_a_huge_allocation(
    tmp_path: Path,
) -> None:
    path = xlsx_file(tmp_path, [HEADER.split(","), [1, "Петров", "Иван", 1998]])
    assert path.stat().st_size < 10_000
    rewrite_sheet(
        path,
        lambda xml: xml.replace(
            "</sheetData>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            "</sheetData>",
        ),
    )
    problems = refused(path)
    assert "row 1048576" in problems[0] and "past row" in problems[0]


def test_a_value_far_right_is_refused(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, [HEADER.split(","), [1, "Петров", "Иван", 1998]])
    rewrite_sheet(
        path,
        lambda xml: xml.replace(
            "</row></sheetData>",
            '<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    assert "row 2: a value in column XFD" in refused(path)[0]


def test_an_absurd_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, [HEADER.split(","), [1, "Петров", "Иван", 1998]])
    rewrite_sheet(
        path, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
    )
    table = read_table(path)
    assert [r.values["surname"] for r in table.rows] == ["Петров"]


def test_a_formula_without_a_computed_value_is_refused(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, [HEADER.split(","), [1, "Петров", "Иван", "=1990+8"]])
    problems = refused(path)
    assert "row 2, column D: a formula without a computed value" in problems[0]


def test_a_formula_with_its_computed_value_reads_the_value(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, [HEADER.split(","), [1, "Петров", "Иван", "=1990+8"]])
    # openpyxl writes the empty value as <v /> or <v/> (with lxml) or <v></v>
    computed = "<f>1990+8</f><v>1998</v>"
    rewrite_sheet(
        path, lambda xml: re.sub(r"<f>1990\+8</f><v\s*/>|<f>1990\+8</f><v></v>", computed, xml)
    )
    assert read_table(path).rows[0].values["birth_date"] == "1998"


def test_a_time_only_cell_is_refused_not_read_as_1900(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, [HEADER.split(","), [1, "Петров", "Иван", time(10, 30)]])
    problems = refused(path)
    assert "row 2, column D: a time of day" in problems[0]


def test_a_date_with_a_time_of_day_is_refused(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, [HEADER.split(","), [1, "Петров", "Иван", datetime(1998, 5, 3, 14)]])
    assert "row 2, column D: a date with a time of day" in refused(path)[0]


def test_a_broken_workbook_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    assert "not a readable XLSX workbook" in refused(path)[0]
