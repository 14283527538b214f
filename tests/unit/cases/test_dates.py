"""Dates as lists and families write them: every common form read, nothing guessed."""

from __future__ import annotations

from datetime import date

import pytest

from kintrace.cases.dates import Precision, month_of_word, parse_birth_date, parse_partial_date
from kintrace.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("03.05.1998", "1998-05-03", Precision.DAY),
        ("3/5/1998", "1998-05-03", Precision.DAY),
        ("03-05-1998", "1998-05-03", Precision.DAY),
        ("03 05 1998", "1998-05-03", Precision.DAY),
        ("1998-05-03", "1998-05-03", Precision.DAY),
        ("1998.05.03", "1998-05-03", Precision.DAY),
        ("1998-05-03 00:00:00", "1998-05-03", Precision.DAY),
        ("1998-05-03T00:00", "1998-05-03", Precision.DAY),
        ("03.05.1998 г.р.", "1998-05-03", Precision.DAY),
        ("3 мая 1998", "1998-05-03", Precision.DAY),
        ("3 мая 1998 г.", "1998-05-03", Precision.DAY),
        ("3 травня 1998 р.", "1998-05-03", Precision.DAY),
        ("03 May 1998", "1998-05-03", Precision.DAY),
        ("3-May-1998", "1998-05-03", Precision.DAY),
        ("May 3, 1998", "1998-05-03", Precision.DAY),
        ("05.1998", "1998-05", Precision.MONTH),
        ("1998-05", "1998-05", Precision.MONTH),
        ("май 1998", "1998-05", Precision.MONTH),
        ("сент. 1998", "1998-09", Precision.MONTH),
        ("Листопад 1998", "1998-11", Precision.MONTH),
        ("1998", "1998", Precision.YEAR),
        ("1998 г.р.", "1998", Precision.YEAR),
        ("1998г.р.", "1998", Precision.YEAR),
        ("1998 г.", "1998", Precision.YEAR),
        ("1998 года", "1998", Precision.YEAR),
        ("1998 р.н.", "1998", Precision.YEAR),
        (" 1998 ", "1998", Precision.YEAR),
    ],
)
def test_a_date_is_read_in_the_forms_lists_write(text: str, iso: str, precision: Precision) -> None:
    date = parse_partial_date(text)
    assert (date.iso(), date.precision) == (iso, precision)


@pytest.mark.parametrize(
    "text",
    [
        "03.05.98",  # two-digit year: a century is read only for a birth date
        "1998 abc",
        "3 ма 1998",  # two letters name no month
        "3 мартышка 1998",
        "3 мая 4 1998",
        "мая",
        "",
        "1998-05-03 noon",
    ],
)
def test_a_form_that_is_not_a_date_is_refused_with_the_forms_read(text: str) -> None:
    with pytest.raises(InvalidInput, match="bad date"):
        parse_partial_date(text)


@pytest.mark.parametrize("text", ["31.02.1998", "13.1998", "1998-13", "30 февраля 1998"])
def test_an_impossible_date_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="impossible date"):
        parse_partial_date(text)


def test_a_year_outside_the_years_served_is_refused() -> None:
    with pytest.raises(InvalidInput, match="year outside"):
        parse_partial_date("1 января 1700")


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("января", 1),
        ("лют", 2),
        ("МАРТА", 3),
        ("квіт.", 4),
        ("травень", 5),
        ("jun", 6),
        ("July", 7),
        ("серп", 8),
        ("Sept", 9),
        ("жовтня", 10),
        ("нояб.", 11),
        ("dec", 12),
    ],
)
def test_a_month_is_read_from_its_name_or_abbreviation(word: str, month: int) -> None:
    assert month_of_word(word) == month


@pytest.mark.parametrize("word", ["ма", "ju", "маяк", "mayor", "мартышка"])
def test_a_word_that_names_no_single_month_is_not_one(word: str) -> None:
    assert month_of_word(word) is None


def test_a_day_and_month_readable_only_the_american_way_are_read_so() -> None:
    assert parse_partial_date("10.21.1987").iso() == "1987-10-21"
    assert parse_partial_date("10.11.1987").iso() == "1987-11-10"  # dd.mm where both fit
    assert parse_partial_date("1986-25-08").iso() == "1986-08-25"
    assert parse_partial_date("1986-08-11").iso() == "1986-08-11"


@pytest.mark.parametrize(
    ("text", "at", "iso"),
    [
        ("06.10.03", date(2024, 5, 1), "2003-10-06"),  # 20 years old, not 120
        ("6/10/73", date(2024, 5, 1), "1973-10-06"),
        ("73 г.р.", date(2024, 5, 1), "1973"),
        ("85 р.н.", date(2024, 5, 1), "1985"),
        ("06.10.03 00:00:00", date(2024, 5, 1), "2003-10-06"),
        ("3 г.р.", date(2024, 5, 1), "2003"),
        ("25 г.р.", date(1944, 5, 1), "1925"),  # a list of the Second World War
        ("12 мая 1990", date(2024, 5, 1), "1990-05-12"),
    ],
)
def test_a_two_digit_birth_year_is_read_in_the_century_of_a_soldiers_age(
    text: str, at: date, iso: str
) -> None:
    assert parse_birth_date(text, at).iso() == iso


@pytest.mark.parametrize("text", ["01.01.20", "15 г.р."])  # 4 or 104 years old; 9 or 109
def test_a_two_digit_birth_year_no_century_fits_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="two-digit year"):
        parse_birth_date(text, date(2024, 5, 1))


@pytest.mark.parametrize("text", ["40", "5", "03-10-06", "1.2.3.4"])
def test_a_bare_number_or_a_dashed_short_date_is_not_guessed_a_birth_date(text: str) -> None:
    with pytest.raises(InvalidInput, match="bad date"):
        parse_birth_date(text, date(2024, 5, 1))
