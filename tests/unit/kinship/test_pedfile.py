"""Ped-file cells: a cell met again is parsed the same, and every bad cell is reported at its
own line (the parsed cells are remembered, the problems never)."""

from __future__ import annotations

import pytest

from kintrace.errors import SourceFormatError
from kintrace.kinship.pedfile import parse_families


def test_a_bad_cell_repeated_is_reported_at_each_line_and_person() -> None:
    text = (
        "family id fid mid sex missing M1 M2\n"
        "F A 0 0 1 0 1/2/3 9/10\n"
        "F B 0 0 2 0 9/10 1/2/3\n"
        "F C A B 1 1 -/- -/-\n"
    )
    with pytest.raises(SourceFormatError) as caught:
        parse_families(text, source="f.ped")
    problems = caught.value.problems
    assert any("f.ped:2: person A: marker M1:" in p and "'1/2/3'" in p for p in problems)
    assert any("f.ped:3: person B: marker M2:" in p and "'1/2/3'" in p for p in problems)


def test_cells_met_again_give_the_same_genotypes() -> None:
    text = (
        "family id fid mid sex missing M1 M2\n"
        "F A 0 0 1 0 9/10 12/-\n"
        "F B 0 0 2 0 9/10 12/-\n"
        "F C A B 1 0 -/- 9/10\n"
        "F D A B 1 1 -/- -/-\n"
    )
    (family,) = parse_families(text)
    typing = family.data.typing
    assert typing["M1"] == {"A": ("9", "10"), "B": ("9", "10")}
    assert typing["M2"] == {"A": ("12", None), "B": ("12", None), "C": ("9", "10")}
