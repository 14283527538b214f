"""Capture histories: which lists each person is on, counted by history.

A history over ``K`` lists is coded as an integer ``h`` in ``1 .. 2**K - 1`` whose bit ``j``
(``h >> j & 1``) says whether the person is on list ``j`` (lists numbered from 0 in column order).
The all-zero history (``h == 0``) is the unobserved cell that the estimators estimate.

The text format read by :func:`parse_histories_csv` is the one of ``kintrace estimate``: one column
per list (0/1; the header names the lists), then ``count``; one row per history; histories not
listed count 0; the all-zero history is absent or 0.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kintrace.errors import SourceFormatError

MAX_LISTS = 15
"""Most lists a table may have (2**15 - 1 observable histories)."""

MAX_PROBLEMS = 20
"""Problems reported before the parser stops gathering more."""


@dataclass(frozen=True, slots=True)
class CaptureHistories:
    """Counts of every observable history over ``len(lists)`` lists.

    ``counts[h - 1]`` is the number of persons with history ``h`` (see the module docstring).
    """

    lists: tuple[str, ...]
    counts: npt.NDArray[np.int64]

    @property
    def n_lists(self) -> int:
        """Number of lists."""
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        """Number of persons seen on at least one list."""
        return int(self.counts.sum())

    def membership(self) -> npt.NDArray[np.int64]:
        """Return the ``(2**K - 1, K)`` 0/1 matrix: row ``h - 1`` is history ``h``."""
        return history_matrix(self.n_lists)


def history_matrix(n_lists: int) -> npt.NDArray[np.int64]:
    """Return the 0/1 matrix of all observable histories over ``n_lists`` lists.

    >>> history_matrix(2).tolist()
    [[1, 0], [0, 1], [1, 1]]
    """
    codes = np.arange(1, 2**n_lists, dtype=np.int64)
    return (codes[:, None] >> np.arange(n_lists, dtype=np.int64)[None, :]) & 1


def from_patterns(
    lists: tuple[str, ...], patterns: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
) -> CaptureHistories:
    """Build a table from 0/1 rows (one per person or per history) and their counts.

    Rows of all zeros are dropped (nobody can be seen on no list).
    """
    k = len(lists)
    codes = (np.asarray(patterns, dtype=np.int64) << np.arange(k, dtype=np.int64)).sum(axis=1)
    table = np.bincount(codes, weights=np.asarray(counts, dtype=np.float64), minlength=2**k)
    return CaptureHistories(lists=lists, counts=np.rint(table[1:]).astype(np.int64))


def parse_histories_csv(text: str, *, source: str) -> CaptureHistories:
    """Read a HISTORIES.csv text; every problem names the source, the row and the field.

    Rows are numbered as lines of the file (the header is row 1).

    Raises:
        SourceFormatError: with one line per problem (at most :data:`MAX_PROBLEMS`).

    >>> t = parse_histories_csv("A,B,count\\n1,0,5\\n0,1,3\\n1,1,2\\n", source="x.csv")
    >>> t.lists, t.counts.tolist(), t.n_observed
    (('A', 'B'), [5, 3, 2], 10)
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    problems: list[str] = []
    if not rows:
        raise SourceFormatError(f"{source}: row 1: the file is empty; expected a header")
    header = [cell.strip() for cell in rows[0]]
    if not header or header[-1] != "count":
        raise SourceFormatError(
            f"{source}: row 1, field {header[-1] if header else ''!r}: the last column must be "
            "'count' (header: one column per list, then count)"
        )
    lists = tuple(header[:-1])
    if len(lists) < 2:
        raise SourceFormatError(f"{source}: row 1: at least two list columns are needed")
    if len(lists) > MAX_LISTS:
        raise SourceFormatError(f"{source}: row 1: at most {MAX_LISTS} lists, got {len(lists)}")
    for position, name in enumerate(lists, start=1):
        if not name:
            problems.append(f"{source}: row 1, column {position}: the list name is empty")
        elif name == "count" or lists.index(name) != position - 1:
            problems.append(f"{source}: row 1, field {name!r}: the list name is repeated")
    if problems:
        raise SourceFormatError(problems[0], problems)

    k = len(lists)
    table = np.zeros(2**k, dtype=np.int64)
    seen: dict[int, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(problems) >= MAX_PROBLEMS:
            break
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != k + 1:
            problems.append(f"{source}: row {line}: {len(row)} fields, expected {k + 1}")
            continue
        code = 0
        row_ok = True
        for j, cell in enumerate(row[:k]):
            value = cell.strip()
            if value not in ("0", "1"):
                problems.append(
                    f"{source}: row {line}, field {lists[j]!r}: {value!r} is not 0 or 1"
                )
                row_ok = False
            elif value == "1":
                code |= 1 << j
        raw = row[k].strip()
        try:
            count = int(raw)
        except ValueError:
            problems.append(f"{source}: row {line}, field 'count': {raw!r} is not a whole number")
            continue
        if count < 0:
            problems.append(f"{source}: row {line}, field 'count': {count} is negative")
            continue
        if not row_ok:
            continue
        if code in seen:
            problems.append(
                f"{source}: row {line}: the same history as row {seen[code]} (one row per history)"
            )
            continue
        seen[code] = line
        if code == 0 and count != 0:
            problems.append(
                f"{source}: row {line}, field 'count': the all-zero history must be absent or 0 "
                "(nobody is seen on no list)"
            )
            continue
        table[code] = count
    if problems:
        raise SourceFormatError(problems[0], problems)
    if table.sum() == 0:
        raise SourceFormatError(f"{source}: no person is counted on any list")
    result = CaptureHistories(lists=lists, counts=table[1:])
    on_list = (result.membership() * result.counts[:, None]).sum(axis=0)
    empty = [
        f"{source}: column {j + 1}, field {name!r}: nobody is on this list; leave it out"
        for j, (name, count) in enumerate(zip(lists, on_list, strict=True))
        if count == 0
    ]
    if empty:
        raise SourceFormatError(empty[0], empty)
    return result
