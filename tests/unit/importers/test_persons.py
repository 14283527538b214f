"""Person rows: nonsense refused field by field, the same limits on every database engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kintrace.errors import SourceFormatError
from kintrace.importers.persons import FIELD_LIMITS, parse_persons
from kintrace.importers.tabular import Row, Table

TODAY = date(2024, 6, 1)


def table(**values: str) -> Table:
    row = {"id": "1", "surname": "Петров", **values}
    return Table(Path("list.csv"), tuple(row), (Row(2, row),))


def problems_of(**values: str) -> list[str]:
    with pytest.raises(SourceFormatError) as caught:
        parse_persons(table(**values), today=TODAY)
    return list(caught.value.problems)


def test_a_good_row_reads_as_written() -> None:
    [record] = parse_persons(
        table(birth_date="03.05.1998", report_date="2023-04-12", age=""), today=TODAY
    )
    assert record.details.surname == "Петров"
    assert record.details.birth is not None and record.details.birth.iso() == "1998-05-03"
    assert record.report_date == date(2023, 4, 12)


@pytest.mark.parametrize("birth", ["0000", "2099", "1700", "02.07.2024"])
def test_a_birth_year_before_1880_or_after_today_is_refused(birth: str) -> None:
    [problem] = problems_of(birth_date=birth)
    assert problem.startswith("list.csv: row 2, field 'birth_date':")


def test_a_birth_after_the_report_date_is_refused() -> None:
    [problem] = problems_of(birth_date="2001", report_date="01.05.2000")
    assert "after the report date 2000-05-01" in problem


def test_a_report_date_in_the_future_is_refused() -> None:
    [problem] = problems_of(report_date="2030-01-01")
    assert "field 'report_date'" in problem and "after today" in problem


@pytest.mark.parametrize("age", ["²", "٢٤", "24.0", "1e2", " 24"[1:] + "x"])
def test_an_age_must_be_ascii_digits(age: str) -> None:
    [problem] = problems_of(age=age, report_date="2023-04-12")
    assert "field 'age'" in problem


@pytest.mark.parametrize("field", sorted(FIELD_LIMITS))
def test_each_field_past_its_column_size_is_refused(field: str) -> None:
    limit = FIELD_LIMITS[field]
    problems = problems_of(**{field: "я" * (limit + 1)})
    assert problems == [
        f"list.csv: row 2, field {field!r}: {limit + 1} characters, more than {limit}"
    ]


def test_the_surname_limit_is_the_column_size() -> None:
    assert FIELD_LIMITS["surname"] == 200
    [record] = parse_persons(table(surname="я" * 200), today=TODAY)
    assert len(record.details.surname) == 200


@pytest.mark.parametrize("rid", ["=1+1", "+7", "-3", "@SUM(A1)", "\t1", "\r1"])
def test_a_record_id_that_starts_a_formula_is_refused(rid: str) -> None:
    [problem] = problems_of(id=rid)
    assert "field 'id'" in problem and "formula" in problem


@pytest.mark.parametrize(
    ("header", "standard"),
    [
        ("birthdate", "birth_date"),
        ("Given Name", "given_name"),
        ("personal number", "personal_number"),
    ],
)
def test_a_header_that_looks_like_a_missing_standard_column_is_refused(
    header: str, standard: str
) -> None:
    [problem] = problems_of(**{header: "x"})
    assert problem.startswith(f"list.csv: row 1, field {header!r}")
    assert f"did you mean {standard!r}" in problem
    assert f"--columns {standard}={header}" in problem


def test_other_columns_are_kept_with_the_record_as_written() -> None:
    [record] = parse_persons(table(notes="seen near Bakhmut", photo=""), today=TODAY)
    assert record.extra == (("notes", "seen near Bakhmut"),)


def test_a_birth_date_and_an_age_are_read_as_russian_lists_write_them() -> None:
    [by_year, by_age] = parse_persons(
        Table(
            Path("list.csv"),
            ("id", "surname", "birth_date", "age", "report_date"),
            (
                Row(2, {"id": "1", "surname": "Петров", "birth_date": "12 мая 1990 г.р."}),
                Row(
                    3, {"id": "2", "surname": "Орлов", "age": "35 лет", "report_date": "2023-04-12"}
                ),
            ),
        ),
        today=TODAY,
    )
    assert by_year.details.birth is not None and by_year.details.birth.iso() == "1990-05-12"
    assert by_age.details.birth is not None and str(by_age.details.birth) == "~1988"
