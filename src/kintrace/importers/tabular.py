"""Read a CSV or XLSX table into rows keyed by kintrace's standard column names."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from kintrace.errors import SourceFormatError


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its line in the file (the header is line 1) and its values."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    """A table read from a file, with its columns renamed to the standard names."""

    path: Path
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def parse_column_map(text: str | None) -> dict[str, str]:
    """Parse ``surname=last_name,given_name=first`` into ``{"surname": "last_name", ...}``.

    >>> parse_column_map("surname=last_name, id=No")
    {'surname': 'last_name', 'id': 'No'}
    """
    mapping: dict[str, str] = {}
    if not text:
        return mapping
    for part in text.split(","):
        if not part.strip():
            continue
        standard, sep, header = part.partition("=")
        if not sep or not standard.strip() or not header.strip():
            raise SourceFormatError(
                f"--columns: {part.strip()!r} is not STANDARD=HEADER (e.g. surname=last_name)"
            )
        mapping[standard.strip()] = header.strip()
    return mapping


def _read_csv(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(8192)
            handle.seek(0)
            try:
                dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                    sample, delimiters=",;\t"
                )
            except csv.Error:
                dialect = csv.excel
            return [row for row in csv.reader(handle, dialect)]
    except UnicodeDecodeError as error:
        raise SourceFormatError(
            f"{path}: not UTF-8 text (byte {error.start}); save the file as UTF-8 CSV"
        ) from error


def _cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")  # type: ignore[no-any-return]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path) -> list[list[str]]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SourceFormatError(f"{path}: not a readable XLSX workbook ({error})") from error
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(
    path: Path,
    columns: Mapping[str, str] | None = None,
    *,
    required: Sequence[str] = (),
) -> Table:
    """Read a CSV (UTF-8) or XLSX file; rename mapped headers to their standard names.

    ``columns`` maps a standard name to the header the file uses for it. Blank rows are
    skipped; cells are stripped. Raises SourceFormatError naming the file for a missing
    file, an unreadable file, a duplicated header or a missing required column.
    """
    if not path.is_file():
        raise SourceFormatError(f"{path}: no such file")
    raw = _read_xlsx(path) if path.suffix.lower() in {".xlsx", ".xlsm"} else _read_csv(path)
    if not raw or not any(cell.strip() for cell in raw[0]):
        raise SourceFormatError(f"{path}: the file is empty; expected a header row")
    header = [cell.strip() for cell in raw[0]]
    rename = {theirs: standard for standard, theirs in (columns or {}).items()}
    problems = [
        f"{path}: --columns maps {standard!r} to {theirs!r}, which is not a column of the file"
        for standard, theirs in (columns or {}).items()
        if theirs not in header
    ]
    names = [rename.get(h, h) for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.append(f"{path}: row 1: column {name!r} appears twice")
        seen.add(name)
    problems += [
        f"{path}: row 1: required column {c!r} is missing" for c in required if c not in seen
    ]
    if problems:
        raise SourceFormatError(problems[0], problems)
    rows = []
    for index, cells in enumerate(raw[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {n: (cells[i].strip() if i < len(cells) else "") for i, n in enumerate(names) if n}
        rows.append(Row(index, values))
    return Table(path, tuple(n for n in names if n), tuple(rows))
