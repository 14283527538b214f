"""Cells written to files that people open in spreadsheets: never live formulas. Pure.

A spreadsheet reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or a carriage return) as a formula: a name typed as ``=HYPERLINK(...)`` or a
DDE payload would run on the reader's machine (CSV injection, OWASP). CSV files written by
kintrace prefix such a cell with a single quote (the convention spreadsheets show as text);
XLSX files keep the text exactly, stored as a string cell with the quote-prefix style, which
no spreadsheet evaluates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def looks_like_formula(text: str) -> bool:
    """Return whether a spreadsheet would read the text as a formula.

    >>> looks_like_formula("=1+1"), looks_like_formula("Петров"), looks_like_formula("")
    (True, False, False)
    """
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """Return a CSV cell that no spreadsheet reads as a formula (text is quote-prefixed).

    Numbers pass unchanged: ``-3`` as a number is a number, not a formula.

    >>> csv_cell("=cmd|' /C calc'!A0"), csv_cell(-3), csv_cell("Ким")
    ("'=cmd|' /C calc'!A0", -3, 'Ким')
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """Return the row with every formula-looking text cell quote-prefixed."""
    return [csv_cell(v) for v in values]


def xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """Return cells for ``sheet.append``: text is always a string cell, never a formula."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str) and looks_like_formula(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # the value setter took the leading '=' for a formula
            cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row
