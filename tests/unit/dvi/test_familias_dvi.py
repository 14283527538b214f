"""Familias .fam DVI files: hand-checked cases, Familias' own layout, and bad input."""

from __future__ import annotations

import pytest

from kintrace.dvi.familias import common_mutation, describe_mutation, parse_fam_dvi
from kintrace.dvi.solve import solve_dvi
from kintrace.errors import SourceFormatError
from kintrace.kinship.familias import parse_fam
from kintrace.kinship.mutation import NO_MUTATION, MutationModel, MutationSpec
from kintrace.kinship.pedigree import Sex


def database(rate: float = 0.0, theta: float = 0.0) -> str:
    """The main part of a DVI file: no persons, no pedigrees, TH01 and VWA (equal model)."""
    locus = (
        '"{name}"\n{rate}\n{rate}\n0\n0\n{n}\n0.1\n0.1\n0\n0\n#FALSE#\n0\n'
        "{n}\t(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )\n"
    )
    th01 = locus.format(name="TH01", rate=rate, n=3) + '"6"\n0.2\n"7"\n0.3\n"9.3"\n0.5\n'
    vwa = locus.format(name="VWA", rate=rate, n=2) + '"16"\n0.25\n"17"\n0.75\n'
    return (
        '"Output from Familias, version 3.3.1"\n"DO NOT EDIT!"\n3.3.1 (DVI)\n""\n0\n'
        '"Known relations"\n0\n0\n0\n0\n'
        f'#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: {theta} )\n2\n#TRUE#\n"test"\n' + th01 + vwa
    )


# One family: a typed mother MO and her missing son Missing1; V1 is the son, V2 is not.
DVI = """
[DVI]
[[Unidentified persons]]
nPersons= 2
[[[Person 1 ]]]
Name= V1
Gender= Male
[[[[DNA data]]]]
nSystems= 2
SystemName= TH01
Allele1= 9.3
Allele2= 6
SystemName= VWA
Allele1= 16
Allele2= 16
[[[Person 2 ]]]
Name= V2
Gender= Male
[[[[DNA data]]]]
nSystems= 2
SystemName= TH01
Allele1= 9.3
Allele2= 9.3
SystemName= VWA
Allele1= 17
Allele2= 17
[[Notes]]
nFamilies= 1
free text about the family, kept by Familias
[[Reference Families]]
nFamilies= 1
[[[Family 1 ]]]
Name= F1
[[[[Persons]]]]
nPersons= 2
[[[[[Person 1]]]]]
Name= MO
Gender= Female
[[[[[[DNA data]]]]]]
nSystems= 2
SystemName= TH01
Allele1= 6
Allele2= 7
SystemName= VWA
Allele1= 16
Allele2= 17
[[[[[Person 2]]]]]
Name= Missing1
Gender= Male
[[[[[[DNA data]]]]]]
nSystems= 0
[[[[Pedigrees]]]]
nPedigrees= 2
[[[[[Pedigree 1]]]]]
Name= Reference pedigree
nRelations= 1
Parent= MO
Child= Missing1
[[[[[Pedigree 2]]]]]
Name= F1
nRelations= 1
Parent= MO
Child= Missing1
[Prior]
UseList= Yes
Size= 2
[Advanced]
[[DVI]]
QuickSearch= Enabled
"""


def fam(rate: float = 0.0, dvi: str = DVI) -> str:
    return database(rate) + dvi


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """Return the 1-based line number of the n-th line equal to needle."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == needle]
    return hits[occurrence - 1]


def test_remains_family_and_missing_person_are_read() -> None:
    case = parse_fam_dvi(fam(), source="case.fam")
    assert [(p.id, p.sex) for p in case.data.remains] == [("V1", 1), ("V2", 1)]
    assert case.data.remains[0].genotypes == {"TH01": ("9.3", "6"), "VWA": ("16", "16")}
    (family,) = case.data.families
    assert family.name == "F1" and family.missing == ("Missing1",)
    ped = family.data.pedigree
    assert ped.ids == ("MO", "Missing1")
    assert ped.mother == (-1, 0) and ped.father == (-1, -1)
    assert family.data.markers == ("TH01", "VWA")
    assert family.data.genotype("TH01", "MO") == ("6", "7")
    assert family.data.lines["MO"] == line_of(fam(), "[[[[[Person 1]]]]]")
    assert case.table.names == ("TH01", "VWA") and case.renamed == ()


def test_mother_and_son_LR_is_the_hand_derived_value() -> None:
    case = parse_fam_dvi(fam())
    result = solve_dvi(case.data, case.table)
    lr = result.pairwise.lr()
    # V1 = child of MO: TH01 1/(4 p_6) = 1.25 (9.3 from the father), VWA 1/(2 p_16) = 2
    assert lr[0, 0] == pytest.approx(1.25 * 2.0)
    assert lr[0, 1] == 0.0  # V2 is 9.3/9.3, MO has no 9.3: excluded without mutation
    assert result.missing[0].remains == "V1"


def test_the_file_mutation_model_gives_the_hand_derived_LRs() -> None:
    case = parse_fam_dvi(fam(rate=0.001))
    model = common_mutation(case.mutation, ["TH01", "VWA"])
    assert model is not None and model.female is not None and model.female.model == "equal"
    assert describe_mutation(model) == "equal (rate 0.001)"
    lr = solve_dvi(case.data, case.table, model).pairwise.lr()
    stay, move_th01, move_vwa = 0.999, 0.001 / 2, 0.001
    # V1: MO passes 6 (kept, or 7 mutated to 6) and the father 9.3, or MO passes 9.3 (mutated)
    th01 = ((stay + move_th01) / 2 * 0.5 + (move_th01 + move_th01) / 2 * 0.2) / (2 * 0.2 * 0.5)
    vwa = ((stay + move_vwa) / 2 * 0.25) / 0.25**2
    assert lr[0, 0] == pytest.approx(th01 * vwa, rel=1e-12)
    # V2: MO must pass a mutated 9.3 at TH01
    v2 = ((move_th01 + move_th01) / 2 * 0.5 / 0.25) * ((move_vwa + stay) / 2 * 0.75 / 0.75**2)
    assert lr[0, 1] == pytest.approx(v2, rel=1e-12)


FAMILY = """[[[Family {k} ]]]
Name= {name}
[[[[Persons]]]]
nPersons= {n}
{persons}[[[[Pedigrees]]]]
nPedigrees= {n_peds}
{pedigrees}"""


def person(k: int, name: str, gender: str, th01: str | None = None, depth: int = 5) -> str:
    head, dna = "[" * depth, "[" * (depth + 1)
    tail, dna_tail = "]" * depth, "]" * (depth + 1)
    text = f"{head}Person {k}{tail}\nName= {name}\nGender= {gender}\n{dna}DNA data{dna_tail}\n"
    if th01 is None:
        return text + "nSystems= 0\n"
    a, b = th01.split("/")
    return text + f"nSystems= 1\nSystemName= TH01\nAllele1= {a}\nAllele2= {b}\n"


def pedigree(k: int, name: str, pairs: list[tuple[str, str]]) -> str:
    body = "".join(f"Parent= {p}\nChild= {c}\n" for p, c in pairs)
    return f"[[[[[Pedigree {k}]]]]]\nName= {name}\nnRelations= {len(pairs)}\n{body}"


def familias_layout() -> str:
    """Three families as Familias writes them (cf. dvir's KETP exercise 4.9.7)."""
    am1 = FAMILY.format(
        k=1, name="am1", n=3, n_peds=2,
        persons=person(1, "F", "Male", "6/7") + person(2, "C", "Female", "7/9.3")
        + person(3, "Missing female 1", "Female"),
        pedigrees=pedigree(1, "Reference pedigree", [("F", "C")])
        + pedigree(2, "Pedigree1", [("F", "C"), ("Missing person", "C")]),
    )  # fmt: skip
    pairs2 = [("EF1", "S1"), ("EM1", "S1"), ("EM1", "Missing person")]
    am2 = FAMILY.format(
        k=2, name="am2", n=3, n_peds=2,
        persons=person(1, "S1", "Female", "6/6") + person(2, "EF1", "Female")
        + person(3, "EM1", "Male"),
        pedigrees=pedigree(1, "Reference pedigree", pairs2) + pedigree(2, "Pedigree2", pairs2),
    )  # fmt: skip
    remains = person(1, "V1", "Female", "9.3/9.3", depth=3) + person(2, "C", "Male", "6/6", depth=3)
    return database() + (
        "\n[DVI]\n[[Unidentified persons]]\nnPersons= 2\n" + remains
        + "[[Notes]]\nnFamilies= 2\n\n\n[[Reference Families]]\nnFamilies= 2\n" + am1 + am2
    )  # fmt: skip


def test_familias_layout_missing_person_keyword_sexes_and_qualified_ids() -> None:
    case = parse_fam_dvi(familias_layout(), source="ketp.fam")
    am1, am2 = case.data.families
    # the user's pedigree is used, not the "Reference pedigree" without the missing person;
    # "Missing female 1" is in no relation and untyped: left out
    assert am1.missing == ("am1/Missing person",)
    ped1 = am1.data.pedigree
    assert ped1.ids == ("F", "am1/C", "am1/Missing person")  # C is also a remains id
    assert ped1.sex[2] == Sex.FEMALE  # the co-parent F is male
    assert ped1.mother[1] == 2 and ped1.father[1] == 0
    ped2 = am2.data.pedigree
    assert am2.missing == ("am2/Missing person",)
    assert ped2.ids == ("S1", "EF1", "EM1", "am2/Missing person")
    assert ped2.sex[3] == Sex.UNKNOWN  # only a child: no sex recorded or derivable
    assert ped2.father[3] == 2
    assert [p.id for p in case.data.remains] == ["V1", "C"]
    assert ("am1", "Missing person", "am1/Missing person") in case.renamed
    assert am1.data.markers == ("TH01",)  # VWA is typed in nobody
    result = solve_dvi(case.data, case.table)
    lr = result.pairwise.lr()
    # V1 (female, 9.3/9.3) as the mother of C (7/9.3) with father F (6/7): C's 9.3 comes
    # from her mother with probability 1, from an untyped mother with p_9.3: LR = 1 / 0.5
    assert lr[0, 0] == pytest.approx(2.0)
    # C (male, 6/6) as am2's missing person (sex unknown), a paternal half-sibling of S1 (6/6):
    # LR = k0 + k1 / p_6 = 1/2 + (1/2) / 0.2
    assert lr[1, 1] == pytest.approx(0.5 + 0.5 / 0.2)
    assert result.pairwise.missing == ("am1/Missing person", "am2/Missing person")


def test_a_kinship_reader_refuses_the_DVI_section_naming_its_line() -> None:
    text = fam()
    with pytest.raises(SourceFormatError, match=rf"case.fam:{line_of(text, '[DVI]')}: a DVI"):
        parse_fam(text, source="case.fam")


def bad(text: str) -> list[str]:
    with pytest.raises(SourceFormatError) as caught:
        parse_fam_dvi(text, source="bad.fam")
    return list(caught.value.problems)


def test_unknown_marker_and_allele_are_reported_with_their_lines() -> None:
    text = fam().replace("SystemName= VWA\nAllele1= 16\nAllele2= 16", "SystemName= D3\n")
    text = text.replace("Allele1= 6\nAllele2= 7", "Allele1= 6\nAllele2= 8")
    text = text.replace("SystemName= D3\n", "SystemName= D3\nAllele1= 16\nAllele2= 16")
    problems = bad(text)
    assert (
        f"bad.fam:{line_of(text, 'SystemName= D3')}: person V1: marker D3: not a locus"
        in (problems[0])
    )
    assert any(
        p.startswith(f"bad.fam:{line_of(text, 'Allele2= 8')}: family F1: person MO: marker TH01: "
                     "allele '8' is not in the database")
        for p in problems
    )  # fmt: skip


def test_counts_and_structure_errors_name_the_line() -> None:
    text = fam().replace("nPersons= 2\n[[[Person 1 ]]]", "nPersons= 3\n[[[Person 1 ]]]")
    (problem,) = bad(text)
    assert problem == (
        f"bad.fam:{line_of(text, 'nPersons= 3')}: nPersons= 3, but 2 person section(s) follow "
        "in [Unidentified persons]"
    )
    text = fam().replace("Allele2= 7\n", "Allele3= 7\n")
    (problem,) = bad(text)
    assert (
        problem
        == f"bad.fam:{line_of(text, 'Allele3= 7')}: expected Allele2= ..., found 'Allele3= 7'"
    )
    text = fam().replace("[[Reference Families]]", "[[Reference Families]\ntext")
    (problem,) = bad(text)
    assert "expected a heading with as many ']' as '['" in problem
    text = fam().replace("nSystems= 0", "nSystems= none")
    assert "expected nSystems= a whole number" in bad(text)[0]
    assert "expected a [DVI] section" in bad(database())[0]


def test_family_problems_are_all_gathered() -> None:
    no_missing = DVI.replace("Missing1", "Child1")
    text = fam(dvi=no_missing.replace("Name= V2", "Name= V1"))
    problems = bad(text)
    assert any("person V1: name already used on line" in p for p in problems)
    assert any("family F1: expected a missing person" in p for p in problems)


def test_differing_pedigrees_and_a_parent_of_unknown_sex_are_refused() -> None:
    two = DVI.replace(
        "Name= F1\nnRelations= 1\nParent= MO\nChild= Missing1", "Name= F1\nnRelations= 0"
    )
    two = two.replace("Name= Reference pedigree", "Name= Alt")
    (problem,) = bad(fam(dvi=two))
    assert "family F1: expected one pedigree, found 2 that differ ('Alt', 'F1')" in problem
    both = DVI.replace(
        "Parent= MO\nChild= Missing1",
        "Parent= Missing person\nChild= Missing1\nParent= Other\nChild= Missing1",
    ).replace("nRelations= 1", "nRelations= 2")
    problems = bad(fam(dvi=both))
    assert any(
        "family F1: person Missing person: expected a parent of known sex" in p for p in problems
    )


def test_a_missing_person_who_is_a_childs_only_recorded_parent_is_read() -> None:
    """As in pedsuite's ghep2024 planecrash.fam (refused before): the missing person is the
    only recorded parent of a typed child; Familias reads him as that parent, of unknown sex."""
    lone = DVI.replace("Parent= MO\nChild= Missing1", "Parent= Missing person\nChild= MO")
    case = parse_fam_dvi(fam(dvi=lone), source="lone.fam")
    (family,) = case.data.families
    ped = family.data.pedigree
    i, mo = ped.index(family.missing[0]), ped.index("MO")
    assert ped.sex[i] == Sex.UNKNOWN
    assert i in (ped.father[mo], ped.mother[mo])


def test_untyped_persons_named_m1_m2_are_missing() -> None:
    """thoree/dviapp names missing persons M1, M2, ... (FamilyWith3Missing.fam, dvir's
    example1 as a Familias file: read now, it gives dvir's LR 2000)."""
    named = DVI.replace("Missing1", "M1")
    case = parse_fam_dvi(fam(dvi=named), source="m.fam")
    assert [m.split("/")[-1] for m in case.data.families[0].missing] == ["M1"]


def test_a_typed_person_named_missing_is_an_error() -> None:
    text = fam().replace("Name= MO", "Name= Missing mother")
    text = text.replace("Parent= MO", "Parent= Missing mother")
    problems = bad(text)
    assert any("person Missing mother: expected no DNA data" in p for p in problems)


def test_common_mutation_treats_rate_zero_as_none() -> None:
    zero = MutationModel.both(MutationSpec("equal", rate=0.0))
    assert common_mutation({"A": zero, "B": NO_MUTATION}, ["A", "B"]) is NO_MUTATION
    case = parse_fam_dvi(fam(rate=0.0))
    assert common_mutation(case.mutation, case.table.names) is NO_MUTATION
    assert describe_mutation(NO_MUTATION) == "none"
