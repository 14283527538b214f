"""Familias .fam files and frequency files: reading, writing, and LRs of what was read."""

from __future__ import annotations

import pytest

from kintrace.errors import SourceFormatError
from kintrace.kinship.familias import format_fam, parse_fam
from kintrace.kinship.lr import likelihood_ratio
from kintrace.kinship.markers import parse_familias_frequencies
from kintrace.kinship.mutation import MutationModel, MutationSpec

# A paternity case in the layout Familias 3 writes: AF typed at both loci, MO untyped, CH typed
# at TH01 only; H1 "AF is the father", H2 no relations. TH01 alleles 6, 9.3, 7 (file order)
# with AF 9.3/9.3 and CH 6/9.3.
PATERNITY = """\
"Output from Familias, version 3.3.1"
"DO NOT EDIT!"
3.3.1
""
3
"AF"
#FALSE#
-1
#FALSE#
#TRUE#
2
1
1
0
0
1
1
"MO"
#FALSE#
-1
#FALSE#
#FALSE#
0
"CH"
#FALSE#
-1
#FALSE#
#TRUE#
1
0
1
0
"Known relations"
0
0
0
2
0
"H1"
0
0
2
0
2
1
2
1
"H2"
0
0
0
#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0 )
2
#TRUE#
"unknown"
"TH01"
0.001
0.002
0
4
3
0
0.1
0
1e-006
#FALSE#
0
3\t(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )
"6"
0.25
"9.3"
0.25
"7"
0.5
"VWA"
0
0
0
0
2
0
0
0
0
#FALSE#
0
2\t(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )
"16"
0.4
"17"
0.6
[Advanced]
[[Direct/Identity]]
Dropin= 0
"""


def test_reads_persons_pedigrees_database_and_mutation() -> None:
    case = parse_fam(PATERNITY, source="p.fam")
    assert list(case.hypotheses) == ["H1", "H2"]
    h1, h2 = case.hypotheses["H1"], case.hypotheses["H2"]
    assert h1.pedigree.ids == ("AF", "MO", "CH")
    assert h1.pedigree.father == (-1, -1, 0) and h1.pedigree.mother == (-1, -1, 1)
    assert h2.pedigree.father == (-1, -1, -1)
    assert h1.genotype("TH01", "AF") == ("9.3", "9.3")
    assert h1.genotype("TH01", "CH") == ("6", "9.3")
    assert h1.genotype("VWA", "AF") == ("16", "17")
    assert h1.genotype("VWA", "CH") == (None, None)
    assert case.table["TH01"].alleles == ("6", "7", "9.3")
    model = case.mutation["TH01"]
    assert model.female is not None and model.female.model == "equal"
    assert model.female.rate == 0.001
    assert model.male is not None and model.male.model == "stepwise"
    assert (model.male.rate, model.male.range, model.male.rate2) == (0.002, 0.1, 1e-6)
    assert case.mutation["VWA"] == MutationModel()
    assert case.theta == 0.0


def test_lr_of_the_read_case() -> None:
    case = parse_fam(PATERNITY, source="p.fam")
    h1, h2 = case.hypotheses["H1"], case.hypotheses["H2"]
    plain = likelihood_ratio(h1, h2, case.table)
    assert plain.lr_total == pytest.approx(1 / (2 * 0.25), rel=1e-14)
    with_mutation = likelihood_ratio(h1, h2, case.table, case.mutation)
    by_hand = MutationModel(
        female=MutationSpec("equal", rate=0.001),
        male=MutationSpec("stepwise", rate=0.002, rate2=1e-6, range=0.1),
    )
    expected = likelihood_ratio(h1, h2, case.table, by_hand)
    assert with_mutation.lr_total == expected.lr_total != plain.lr_total


def test_round_trip() -> None:
    case = parse_fam(PATERNITY, source="p.fam")
    again = parse_fam(format_fam(case.hypotheses, case.table, case.mutation), source="w.fam")
    assert list(again.hypotheses) == ["H1", "H2"]
    for name in ("H1", "H2"):
        a, b = case.hypotheses[name], again.hypotheses[name]
        assert a.pedigree == b.pedigree
        assert {m: dict(t) for m, t in a.typing.items()} == {
            m: dict(t) for m, t in b.typing.items()
        }
    for name in case.table.names:
        assert again.table[name].alleles == case.table[name].alleles
        assert again.table[name].freqs.tolist() == case.table[name].freqs.tolist()
    m = again.mutation["TH01"].male
    assert m is not None and (m.model, m.rate, m.range, m.rate2) == ("stepwise", 0.002, 0.1, 1e-6)


def test_half_typed_genotype_round_trips() -> None:
    case = parse_fam(PATERNITY, source="p.fam")
    h1 = case.hypotheses["H1"]
    typing = {m: dict(t) for m, t in h1.typing.items()}
    typing["VWA"]["CH"] = ("17", None)
    data = type(h1)(h1.pedigree, h1.markers, typing)
    again = parse_fam(format_fam({"H1": data}, case.table), source="w.fam")
    assert again.hypotheses["H1"].genotype("VWA", "CH") == ("17", None)


def test_models_familias_lacks_are_refused() -> None:
    case = parse_fam(PATERNITY, source="p.fam")
    onestep = MutationModel.both(MutationSpec("onestep", rate=0.01))
    with pytest.raises(SourceFormatError, match="no onestep model"):
        format_fam(case.hypotheses, case.table, onestep)


def test_bad_file_names_file_and_line() -> None:
    broken = PATERNITY.replace('"Known relations"', '"Known relationz"')
    with pytest.raises(SourceFormatError, match=r"^p\.fam:33: expected \"Known relations\""):
        parse_fam(broken, source="p.fam")
    stationary = PATERNITY.replace("0.002\n0\n4\n3\n", "0.002\n0\n3\n3\n")
    with pytest.raises(SourceFormatError, match="p.fam:60: expected model code"):
        parse_fam(stationary, source="p.fam")


def test_extra_persons_get_added_ids() -> None:
    # H1 with one extra male (the alleged father's father) who is AF's father.
    text = PATERNITY.replace('"H1"\n0\n0\n2\n0\n2\n1\n2\n', '"H1"\n0\n1\n3\n0\n2\n1\n2\n3\n0\n')
    h1 = parse_fam(text, source="p.fam").hypotheses["H1"]
    assert h1.pedigree.ids == ("AF", "MO", "CH", "added_1")
    assert h1.pedigree.father[0] == 3


def test_familias_frequency_file_list_and_ladder_formats() -> None:
    listed = parse_familias_frequencies("TH01\n6\t0.25\n9.3\t0.75\n\nVWA\n16 0.4\n17 0.6\n")
    ladder = parse_familias_frequencies(
        "Allele\tTH01\tVWA\n6\t0.25\t\n9.3\t0.75\tNA\n16\t\t0.4\n17\t\t0.6\n"
    )
    for table in (listed, ladder):
        assert table.names == ("TH01", "VWA")
        assert table["TH01"].alleles == ("6", "9.3")
        assert table["VWA"].freqs.tolist() == [0.4, 0.6]


def test_child_whose_two_parents_carry_the_same_recorded_sex_keeps_both() -> None:
    """Familias writes unknown sex as female: here AF is recorded female, like MO, yet both are
    CH's parents under H1 (as Familias reads it; pedsuite's ghep2024 kinship riddle has this
    shape and gave H2 = 1 instead of Familias' 805.118). The LR is the paternity one, 2."""
    text = PATERNITY.replace(
        '"AF"\n#FALSE#\n-1\n#FALSE#\n#TRUE#', '"AF"\n#FALSE#\n-1\n#FALSE#\n#FALSE#'
    )
    assert text != PATERNITY
    case = parse_fam(text, source="p.fam")
    h1 = case.hypotheses["H1"]
    assert {h1.pedigree.father[2], h1.pedigree.mother[2]} == {0, 1}
    lr = likelihood_ratio(h1, case.hypotheses["H2"], case.table)
    assert lr.lr_total == pytest.approx(1 / (2 * 0.25), rel=1e-14)
