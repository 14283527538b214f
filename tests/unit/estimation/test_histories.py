from __future__ import annotations

import numpy as np
import pytest

from kintrace.errors import SourceFormatError
from kintrace.estimation.histories import from_patterns, history_matrix, parse_histories_csv


def parse(text: str):
    return parse_histories_csv(text, source="h.csv")


def problems(text: str) -> tuple[str, ...]:
    with pytest.raises(SourceFormatError) as caught:
        parse(text)
    return caught.value.problems


def test_counts_land_on_their_history_and_missing_histories_count_zero():
    table = parse("A,B,C,count\n1,0,0,5\n0,1,1,3\n1,1,1,2\n0,0,0,0\n")
    members = history_matrix(3)
    pairs = zip(members.tolist(), table.counts, strict=True)
    by_history = {tuple(row): int(c) for row, c in pairs}
    assert by_history[(1, 0, 0)] == 5
    assert by_history[(0, 1, 1)] == 3
    assert by_history[(1, 1, 1)] == 2
    assert by_history[(0, 1, 0)] == 0
    assert table.n_observed == 10
    assert table.lists == ("A", "B", "C")


def test_from_patterns_aggregates_persons_into_cells():
    patterns = np.array([[1, 0], [1, 0], [1, 1], [0, 0]])
    table = from_patterns(("A", "B"), patterns, np.ones(4, dtype=np.int64))
    assert table.counts.tolist() == [2, 0, 1]


def test_header_must_end_with_count():
    (line,) = problems("A,B,total\n1,0,5\n")
    assert line.startswith("h.csv: row 1, field 'total'") and "count" in line


def test_missing_count_column_is_named():
    (line,) = problems("A,B\n1,0\n")
    assert "row 1" in line and "count" in line


def test_cells_must_be_zero_or_one_and_each_bad_field_is_named():
    lines = problems("A,B,count\n2,0,5\n1,x,3\n")
    assert lines == (
        "h.csv: row 2, field 'A': '2' is not 0 or 1",
        "h.csv: row 3, field 'B': 'x' is not 0 or 1",
    )


def test_negative_and_non_integer_counts_are_refused():
    lines = problems("A,B,count\n1,0,-5\n0,1,2.5\n")
    assert lines == (
        "h.csv: row 2, field 'count': -5 is negative",
        "h.csv: row 3, field 'count': '2.5' is not a whole number",
    )


def test_all_zero_history_must_be_absent_or_zero():
    (line,) = problems("A,B,count\n1,0,5\n0,0,7\n")
    assert line.startswith("h.csv: row 3, field 'count'")


def test_repeated_history_and_wrong_field_count_are_refused():
    lines = problems("A,B,count\n1,0,5\n1,0,2\n1,1\n")
    assert "row 3" in lines[0] and "row 2" in lines[0]
    assert lines[1] == "h.csv: row 4: 2 fields, expected 3"


def test_repeated_list_name_and_single_list_are_refused():
    assert "repeated" in problems("A,A,count\n1,0,1\n")[0]
    assert "two list columns" in problems("A,count\n1,3\n")[0]


def test_empty_table_is_refused():
    assert "no person" in problems("A,B,count\n1,0,0\n")[0]


def test_a_list_with_nobody_on_it_is_refused():
    (line,) = problems("A,B,C,count\n1,0,0,5\n0,1,0,3\n1,1,0,2\n")
    assert line == "h.csv: column 3, field 'C': nobody is on this list; leave it out"
