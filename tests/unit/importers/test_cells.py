"""Cells kintrace writes for spreadsheets are never live formulas."""

from __future__ import annotations

import csv
import io

import pytest

from kintrace.cli.dvi import _rows_csv
from kintrace.lists.cells import FORMULA_STARTS, csv_cell, looks_like_formula


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_quote_prefixed_in_csv(start: str) -> None:
    text = f"{start}cmd|' /C calc'!A0"
    assert looks_like_formula(text)
    assert csv_cell(text) == "'" + text


def test_ordinary_text_and_numbers_are_unchanged() -> None:
    assert csv_cell("Петров-Водкин") == "Петров-Водкин"
    assert csv_cell(-3.5) == -3.5


def test_dvi_csv_files_quote_a_family_named_like_a_formula() -> None:
    text = _rows_csv([{"family": "=HYPERLINK(1)", "lr": "12.5"}], ["family", "lr"])
    assert list(csv.DictReader(io.StringIO(text))) == [{"family": "'=HYPERLINK(1)", "lr": "12.5"}]
