"""Pedigree model, validation and ped files."""

from __future__ import annotations

import pytest

from kintrace.errors import PedigreeError, SourceFormatError
from kintrace.kinship.pedfile import format_ped, parse_families, parse_ped, parse_profiles
from kintrace.kinship.pedigree import build_pedigree, merge_pedigrees, singletons


def test_components_of_unconnected_pedigrees() -> None:
    trio = build_pedigree(["f", "m", "c"], [None, None, "f"], [None, None, "m"], [1, 2, 1])
    both = merge_pedigrees(trio, singletons(["x"], [2]))
    assert both.components() == ((0, 1, 2), (3,))
    assert both.founders() == (0, 1, 3)
    assert both.children(0) == (2,)


def test_validation_gathers_every_problem() -> None:
    with pytest.raises(PedigreeError) as caught:
        build_pedigree(
            ["a", "b", "c", "c"],
            [None, "c", "zz", None],
            [None, "a", None, None],
            [1, 2, 2, 5],
            source="h1.ped",
        )
    problems = caught.value.problems
    assert any("id given twice" in p for p in problems)
    assert any("father zz is not in the pedigree" in p for p in problems)
    assert any("person b: father c has sex 2" in p for p in problems)
    assert any("person b: mother a has sex 1" in p for p in problems)
    assert any("sex 5" in p for p in problems)
    assert all(p.startswith("h1.ped") for p in problems)


def test_cycle_is_reported() -> None:
    with pytest.raises(PedigreeError, match="own ancestor"):
        build_pedigree(["a", "b"], ["b", "a"], [None, None], [1, 1])


def test_ped_file_round_trip() -> None:
    text = (
        "id\tfid\tmid\tsex\tTH01\tVWA\nAF\t0\t0\t1\t12/12\t16/-\n"
        "MO 0 0 2 -/- -/-\nCH AF MO 1 9.3/13 -/-\n"
    )
    data = parse_ped(text, source="h1.ped")
    assert data.genotype("TH01", "CH") == ("9.3", "13")
    assert data.genotype("VWA", "AF") == ("16", None)
    assert data.genotype("VWA", "MO") == (None, None)
    assert data.typed_persons() == {"AF", "CH"}
    again = parse_ped(format_ped(data))
    assert again.typing == data.typing and again.pedigree == data.pedigree


def test_ped_file_problems_name_file_line_person_marker() -> None:
    text = "id fid mid sex TH01\nAF 0 0 7 1/2/3\nCH AF 0 1 12\n"
    with pytest.raises(SourceFormatError) as caught:
        parse_ped(text, source="h.ped", xlinked=set())
    problems = caught.value.problems
    assert any(p.startswith("h.ped:2: person AF: sex") for p in problems)
    assert any("h.ped:2: person AF: marker TH01" in p for p in problems)
    assert any("h.ped:3: person CH: marker TH01: one allele" in p for p in problems)


def test_single_allele_allowed_at_x_marker() -> None:
    data = parse_ped("id fid mid sex DXS\nS 0 0 1 20\n", xlinked={"DXS"})
    assert data.genotype("DXS", "S") == ("20", "20")


def test_families_and_profiles_files() -> None:
    families = parse_families(
        "family id fid mid sex missing TH01\nF1 FA 0 0 1 0 12/14\nF1 M1 FA 0 1 1 -/-\n"
        "F2 S 0 0 2 0 12/13\nF2 M2 0 0 1 1 -/-\n"
    )
    assert [f.name for f in families] == ["F1", "F2"]
    assert families[0].missing == ("M1",)
    markers, profiles = parse_profiles("id sex TH01\nV1 1 12/13\nV2 2 -/-\n")
    assert markers == ("TH01",)
    assert profiles[0].genotypes == {"TH01": ("12", "13")} and profiles[1].genotypes == {}
