"""Read a CSV or XLSX table into rows keyed by kintrace's standard column names.

The readers refuse what they cannot read exactly, rather than guess: a quote that is never
closed, a row with more or fewer cells than the header, a cell longer than
:data:`MAX_CELL_CHARS`, a control or bidirectional-override character, a value under no header;
in XLSX a sheet with cells past :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns (the actual
cells are read, in bounded memory; the declared dimension is not trusted), a formula without a
computed value, an error value, a time of day or a duration. Each problem is one line naming
the file, the row and the field (or column).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.read_only import ReadOnlyCell

from kintrace.errors import SourceFormatError
from kintrace.importers.encodings import decode_text

MAX_CELL_CHARS = 10_000
"""Longest cell read, in characters (each standard field has a tighter limit of its own)."""
MAX_ROWS = 1_000_000
"""Most rows of a sheet or CSV file, the header included."""
MAX_COLUMNS = 256
"""Most columns of a sheet or CSV file."""
MAX_XLSX_UNPACKED_BYTES = 1 << 30
"""Largest total unpacked size of an XLSX workbook's parts (1 GiB)."""
MAX_PROBLEMS = 100
"""Problems listed before the rest are counted in one line."""

_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\n\r\t]"
)
"""C0/C1 controls (NUL, ESC, line breaks, tab), bidi marks, overrides and isolates (RLO), BOM."""


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


def parse_column_map(text: str | None, standard: Collection[str] = ()) -> dict[str, str]:
    """Parse ``surname=last_name,given_name=first`` into ``{"surname": "last_name", ...}``.

    With ``standard`` given, a name outside it is refused; so are a standard name given twice
    and one header given to two standard names (either would drop or swap a column).

    >>> parse_column_map("surname=last_name, id=No")
    {'surname': 'last_name', 'id': 'No'}
    """
    mapping: dict[str, str] = {}
    if not text:
        return mapping
    problems: list[str] = []
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, header = part.partition("=")
        name, header = name.strip(), header.strip()
        if not sep or not name or not header:
            problems.append(
                f"--columns: {part.strip()!r} is not STANDARD=HEADER (e.g. surname=last_name)"
            )
        elif standard and name not in standard:
            problems.append(f"--columns: {name!r} is not a standard column ({', '.join(standard)})")
        elif name in mapping:
            problems.append(
                f"--columns: {name!r} is mapped twice ({mapping[name]!r} and {header!r})"
            )
        elif header in mapping.values():
            other = next(k for k, v in mapping.items() if v == header)
            problems.append(
                f"--columns: header {header!r} is mapped to both {other!r} and {name!r}"
            )
        else:
            mapping[name] = header
    if problems:
        raise SourceFormatError(problems[0], problems)
    return mapping


def _delimiter(header_line: str) -> str:
    """Return the delimiter the header uses most (outside quotes): comma, semicolon or tab."""
    bare = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: bare.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) of a CSV file; refuse what csv cannot read exactly.

    The encoding is read by :func:`kintrace.importers.encodings.decode_text`: UTF-8 (with or
    without a byte order mark), UTF-16 or UTF-32 with one, or Cyrillic Windows-1251.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceFormatError(f"{path}: cannot read: {error.strerror}") from error
    text, _ = decode_text(data, str(path))
    first = text.split("\n", 1)[0]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first), quotechar='"', strict=True
    )
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            start = number + 1
            if "field larger than field limit" in str(error):
                raise SourceFormatError(
                    f"{path}: row {start}: a cell is longer than {MAX_CELL_CHARS} characters"
                ) from error
            raise SourceFormatError(
                f'{path}: row {start}: cannot read the row exactly ({error}); a quote (") '
                "that opens a cell must close it, and a quote inside a quoted cell is doubled"
            ) from error
        number += 1
        if number > MAX_ROWS:
            raise SourceFormatError(f"{path}: more than {MAX_ROWS} rows")
        yield number, cells


def _cell(value: object, where: str) -> str:
    """Return the text of an XLSX value, or raise naming the cell for what is not exact."""
    if value is None:
        return ""
    if isinstance(value, timedelta):
        raise SourceFormatError(f"{where}: a duration ({value}), not a date or text")
    if isinstance(value, time):
        raise SourceFormatError(f"{where}: a time of day ({value}) without a date")
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise SourceFormatError(
                f"{where}: a date with a time of day ({value}); give the date alone"
            )
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value)


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceFormatError(f"{path}: not a readable XLSX workbook ({error})") from error
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise SourceFormatError(
            f"{path}: the workbook unpacks to {unpacked} bytes, more than "
            f"{MAX_XLSX_UNPACKED_BYTES}; save the list alone in a new workbook"
        )


def _sheet_cells(path: Path, *, data_only: bool) -> Iterator[tuple[int, list[ReadOnlyCell]]]:
    """Yield (row number, cells) of the first sheet as stored, not as its dimension claims."""
    # the file is opened here, so that it is closed even when openpyxl fails half-way
    with path.open("rb") as handle:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a date out of range becomes an error cell
                book = openpyxl.load_workbook(handle, read_only=True, data_only=data_only)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise SourceFormatError(f"{path}: not a readable XLSX workbook ({error})") from error
        try:
            yield from _stored_cells(path, book)
        except SourceFormatError:
            raise
        except Exception as error:  # a broken sheet part surfaces while iterating
            raise SourceFormatError(f"{path}: not a readable XLSX workbook ({error})") from error
        finally:
            book.close()


def _stored_cells(path: Path, book: Any) -> Iterator[tuple[int, list[ReadOnlyCell]]]:
    if not book.worksheets:
        raise SourceFormatError(f"{path}: the workbook has no sheet")
    sheet = book.worksheets[0]
    reset = getattr(sheet, "reset_dimensions", None)
    if reset is not None:
        reset()  # iterate the stored cells, never a padded rectangle of the claimed size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row in sheet.iter_rows():
            cells = [c for c in row if isinstance(c, ReadOnlyCell) and c.value is not None]
            if not cells:
                continue
            number = cells[0].row
            if number > MAX_ROWS:
                raise SourceFormatError(
                    f"{path}: row {number}: the sheet has values past row {MAX_ROWS}"
                )
            far = max(c.column for c in cells)
            if far > MAX_COLUMNS:
                raise SourceFormatError(
                    f"{path}: row {number}: a value in column {_column_letter(far)}, past "
                    f"column {_column_letter(MAX_COLUMNS)}"
                )
            yield number, cells


def _read_xlsx(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) of the first sheet; formulas need their computed values."""
    _check_archive(path)
    formulas = sorted(
        (c.row, c.column)
        for _, cells in _sheet_cells(path, data_only=False)
        for c in cells
        if c.data_type == "f"
    )
    rows: dict[int, list[str]] = {}
    for number, cells in _sheet_cells(path, data_only=True):
        texts = [""] * max(c.column for c in cells)
        for c in cells:
            where = f"{path}: row {number}, column {_column_letter(c.column)}"
            if c.data_type == "e":
                raise SourceFormatError(f"{where}: an error value {c.value!r}")
            texts[c.column - 1] = _cell(c.value, where)
        rows[number] = texts
    for row, column in formulas:
        texts = rows.get(row, [])
        if column > len(texts) or not texts[column - 1]:
            raise SourceFormatError(
                f"{path}: row {row}, column {_column_letter(column)}: a formula without a "
                "computed value; open the file in a spreadsheet program and save it, or paste "
                "the values"
            )
    return iter(sorted(rows.items()))


def read_table(
    path: Path,
    columns: Mapping[str, str] | None = None,
    *,
    required: Sequence[str] = (),
    limits: Mapping[str, int] | None = None,
) -> Table:
    """Read a CSV (UTF-8, UTF-16, Windows-1251) or XLSX file; rename mapped headers.

    ``columns`` maps a standard name to the header the file uses for it. Blank rows are
    skipped; cells are stripped. Raises SourceFormatError naming the file, row and field for a
    missing or unreadable file, a duplicated header, a missing required or mapped column, and
    every cell or row the reader cannot read exactly (see the module's docstring).
    ``limits`` gives the longest value of a (standard) column, in characters.
    """
    limits = limits or {}
    if not path.is_file():
        raise SourceFormatError(f"{path}: no such file")
    xlsx = path.suffix.lower() in {".xlsx", ".xlsm"}
    raw = _read_xlsx(path) if xlsx else _read_csv(path)
    first = next(raw, None)
    if first is None or first[0] != 1 or not any(cell.strip() for cell in first[1]):
        raise SourceFormatError(f"{path}: the file is empty; expected a header row")
    header = [cell.strip() for cell in first[1]]
    problems = [
        f"{path}: row 1, column {n}: {_forbidden(cell)}"
        for n, cell in enumerate(header, start=1)
        if _FORBIDDEN.search(cell) or len(cell) > MAX_CELL_CHARS
    ]
    rename = {theirs: standard for standard, theirs in (columns or {}).items()}
    problems += [
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
    rows: list[Row] = []
    for number, cells in raw:
        if not any(cell.strip() for cell in cells):
            continue
        if not xlsx and len(cells) != len(names):
            problems.append(
                f"{path}: row {number}: {len(cells)} cells, but the header has {len(names)} "
                "columns (a stray quote or delimiter?)"
            )
            continue
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = names[index] if index < len(names) else ""
            where = f"{path}: row {number}, " + (
                f"field {name!r}" if name else f"column {index + 1}"
            )
            if _FORBIDDEN.search(cell) or len(cell) > MAX_CELL_CHARS:
                problems.append(f"{where}: {_forbidden(cell)}")
            elif name in limits and len(cell.strip()) > limits[name]:
                problems.append(
                    f"{where}: {len(cell.strip())} characters, more than {limits[name]}"
                )
            elif cell.strip() and not name:
                problems.append(f"{where}: a value under no header")
            elif name:
                values[name] = cell.strip()
        for name in names[len(cells) :]:
            if name:
                values[name] = ""
        rows.append(Row(number, values))
        if len(problems) > MAX_PROBLEMS:
            break
    if problems:
        raise SourceFormatError(f"{path}: {len(problems)} problem(s)", _capped(problems))
    return Table(path, tuple(n for n in names if n), tuple(rows))


def _forbidden(cell: str) -> str:
    if len(cell) > MAX_CELL_CHARS:
        return f"{len(cell)} characters, more than the limit of {MAX_CELL_CHARS}"
    found = _FORBIDDEN.search(cell)
    assert found is not None
    return (
        f"character U+{ord(found.group()):04X} at position {found.start() + 1} "
        "(control characters, line breaks inside a cell and direction overrides are not read)"
    )


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"... and more problems after these {MAX_PROBLEMS}"]
