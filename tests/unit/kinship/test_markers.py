"""Markers, allele labels and frequency tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kintrace.errors import FrequencyError, SourceFormatError
from kintrace.kinship.datasets import CORE_23, norwegian_frequencies
from kintrace.kinship.markers import (
    allele_value,
    make_marker,
    parse_familias_frequencies,
    parse_frequency_csv,
    sort_alleles,
    with_unseen_alleles,
)


def test_microvariants_stay_strings_with_numeric_value() -> None:
    m = make_marker("TH01", {"9.3": 0.3, "10": 0.2, "6": 0.5})
    assert m.alleles == ("6", "9.3", "10")
    assert m.values().tolist() == [6.0, 9.3, 10.0]
    assert m.index("9.3") == 1 and m.index("7") == -1


def test_non_numeric_labels_sort_as_text() -> None:
    assert sort_alleles(["b", "a", "10"]) == ("10", "a", "b")
    assert math.isnan(allele_value("X"))


def test_csv_with_chromosome_column_marks_x_markers() -> None:
    text = "marker,allele,frequency,chromosome\nDXS101,20,0.5,X\nDXS101,21,0.5,X\nTH01,6,1,\n"
    table = parse_frequency_csv(text)
    assert table["DXS101"].xlinked and not table["TH01"].xlinked
    assert table.names == ("DXS101", "TH01")


def test_csv_gathers_every_problem() -> None:
    text = "marker,allele,frequency\nA,1,x\nA,2,0.5\nA,2,0.5\nB,1,0.4\n"
    with pytest.raises(FrequencyError) as caught:
        parse_frequency_csv(text, source="f.csv")
    problems = caught.value.problems
    assert any("f.csv:2" in p for p in problems)
    assert any("allele 2 given twice" in p for p in problems)
    assert any("marker B" in p and "sum" in p for p in problems)


def test_csv_with_wrong_header_names_the_file() -> None:
    with pytest.raises(SourceFormatError, match="f.csv:1"):
        parse_frequency_csv("a,b,c\n", source="f.csv")


def test_familias_frequency_file() -> None:
    text = "TH01\n6\t0.25\n9.3\t0.75\n\nVWA\n16 0.5\n17 0.5\n"
    table = parse_familias_frequencies(text)
    assert table["TH01"].alleles == ("6", "9.3")
    assert table["VWA"].freqs.tolist() == [0.5, 0.5]


def test_unseen_allele_added_with_minimum_frequency_and_renormalised() -> None:
    m = with_unseen_alleles(make_marker("M", {"1": 0.6, "2": 0.4}), ["2", "5"], 0.01)
    assert m.alleles == ("1", "2", "5")
    assert m.freqs.sum() == pytest.approx(1.0)
    assert m.freqs[2] == pytest.approx(0.01 / 1.01)


def test_shipped_norwegian_table() -> None:
    table = norwegian_frequencies()
    assert len(table.names) == 35
    assert set(CORE_23) <= set(table.names)
    for name in table.names:
        assert abs(float(np.sum(table[name].freqs)) - 1.0) < 0.01


def test_frequencies_off_one_within_the_tolerance_are_rescaled_beyond_refused() -> None:
    """Rule (issue 17): a table summing to within 0.01 of 1 is divided by its sum (the
    founder distribution then sums to 1, as in the reference packages); beyond, refused with
    the file and marker named."""
    from kintrace.kinship.markers import make_marker, rescaled_markers

    marker = make_marker("A", {"1": 0.5, "2": 0.505})
    assert float(marker.freqs.sum()) == pytest.approx(1.0, abs=1e-15)
    assert marker.freqs[0] == pytest.approx(0.5 / 1.005, rel=1e-15)
    assert rescaled_markers({"A": {"1": 0.5, "2": 0.505}}) == ["A"]
    with pytest.raises(FrequencyError, match=r"f.csv: marker B: frequencies sum to 1.02"):
        make_marker("B", {"1": 0.5, "2": 0.52}, source="f.csv")
