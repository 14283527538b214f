"""Known answers and properties of the DVI core."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.joint import joint_search
from kintrace.dvi.pairwise import pairwise_matrix
from kintrace.dvi.simulate import simulate_genotypes
from kintrace.dvi.solve import Conclusion, Settings, solve_dvi
from kintrace.dvi.undisputed import identify_undisputed
from kintrace.errors import SourceFormatError
from kintrace.kinship.genotypes import format_genotype
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.pedigree import build_pedigree

FAM_HEADER = "family id fid mid sex missing"


def equal_table(markers: list[str], n_alleles: int) -> FrequencyTable:
    return FrequencyTable(
        {
            m: make_marker(m, {str(a): 1.0 / n_alleles for a in range(1, n_alleles + 1)})
            for m in markers
        }
    )


def text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


# --- pairwise LRs by hand ---------------------------------------------------------------------


def test_LR_of_remains_against_missing_father_with_typed_child_is_the_paternity_index() -> None:
    table = FrequencyTable(
        {
            "TH01": make_marker("TH01", {"12": 0.25, "13": 0.25, "14": 0.5}),
            "VWA": make_marker("VWA", {"16": 0.3, "17": 0.3, "18": 0.4}),
        }
    )
    fams = parse_dvi_families(
        text(f"{FAM_HEADER} TH01 VWA", ["F MF 0 0 1 1 -/- -/-", "F CH MF 0 2 0 12/13 16/16"])
    )
    remains = parse_remains(text("id sex TH01 VWA", ["V 1 12/12 16/17", "W 1 14/14 17/18"]))
    pm = pairwise_matrix(fams, remains, table)
    # TH01: father 12/12, child 12/13 -> 1/(2 p12) = 2; VWA: father 16/17, child 16/16 ->
    # 1/(4 p16) ... = (1/2) / p16 = 1/(2*0.3)
    assert pm.lr()[0, 0] == pytest.approx(2.0 * (1.0 / (2 * 0.3)), rel=1e-12)
    assert pm.lr()[0, 1] == 0.0
    assert pm.incompatible[0].tolist() == [0, 2]


def test_trio_LR_and_sex_inconsistent_pairs_are_not_considered() -> None:
    table = FrequencyTable({"TH01": make_marker("TH01", {"12": 0.25, "13": 0.25, "14": 0.5})})
    fams = parse_dvi_families(
        text(
            f"{FAM_HEADER} TH01",
            ["F FA 0 0 1 0 12/14", "F MO 0 0 2 0 13/14", "F M FA MO 1 1 -/-"],
        )
    )
    remains = parse_remains(text("id sex TH01", ["V1 1 12/13", "V2 2 12/13", "V3 0 14/14"]))
    lr = pairwise_matrix(fams, remains, table).lr()[0]
    assert lr[0] == pytest.approx(0.25 / (2 * 0.25 * 0.25))
    assert math.isnan(lr[1])
    assert lr[2] == pytest.approx(0.25 / 0.25)


# --- dvir README, Example 1 (Vigeland & Egeland; dvir on GitHub) --------------------------------


def dvir_example1() -> tuple[FrequencyTable, str, str]:
    table = equal_table(["a1"], 3)
    fams = text(
        f"{FAM_HEADER} a1",
        [
            "F R1 0 0 1 0 1/1",
            "F R2 0 0 2 0 1/1",
            "F MP1 R1 R2 1 1 -/-",
            "F MP2 R1 R2 1 1 -/-",
            "F MP3 R1 R2 1 1 -/-",
        ],
    )
    genotypes = ["1/1", "2/2", "1/1", "1/1", "2/2", "2/2", "2/2"]
    sexes = [1, 1, 1, 1, 1, 1, 2]
    remains = text(
        "id sex a1",
        [f"V{k + 1} {s} {g}" for k, (s, g) in enumerate(zip(sexes, genotypes, strict=True))],
    )
    return table, fams, remains


def test_dvir_example1_joint_solutions_match_the_documented_table() -> None:
    table, fams, remains = dvir_example1()
    data = check_dvi(parse_dvi_families(fams), parse_remains(remains))
    result = solve_dvi(data, table, settings=Settings(top=10))
    best = result.solutions[:6]
    # dvir: loglik -13.18335, LR 729, posterior 0.12326682 for the six symmetric solutions
    for s in best:
        assert s.loglik == pytest.approx(-13.18335, abs=1e-5)
        assert s.lr == pytest.approx(729.0)
        assert s.posterior == pytest.approx(0.12326682, abs=1e-8)
        assert {s.assignment[v] for v in ("V1", "V3", "V4")} == {"MP1", "MP2", "MP3"}
    for s in result.solutions[6:10]:
        assert s.loglik == pytest.approx(-15.38057, abs=1e-5)
        assert s.lr == pytest.approx(81.0)
        assert s.posterior == pytest.approx(0.01369631, abs=1e-8)
    # the symmetric solutions leave each pairing disputed
    assert {i.conclusion for i in result.missing} == {Conclusion.DISPUTED}


# --- joint search on constructed cases ----------------------------------------------------------


def test_posterior_pairing_is_the_flat_prior_posterior_computed_by_brute_force() -> None:
    table = equal_table(["A", "B"], 4)
    fams = parse_dvi_families(
        text(
            f"{FAM_HEADER} A B",
            [
                "F1 C1 M1 0 1 0 1/2 3/4",
                "F1 M1 0 0 1 1 -/- -/-",
                "F2 C2 M2 0 1 0 1/3 1/1",
                "F2 M2 0 0 1 1 -/- -/-",
            ],
        )  # fmt: skip
    )
    remains = parse_remains(text("id sex A B", ["V1 1 1/1 3/1", "V2 1 1/4 1/4"]))
    pm = pairwise_matrix(fams, remains, table)
    lr = np.nan_to_num(pm.lr())
    joint = joint_search(pm)
    # all assignments: {}, V1-M1, V1-M2, V2-M1, V2-M2, V1-M1+V2-M2, V1-M2+V2-M1
    weights = {
        (): 1.0,
        ((0, 0),): lr[0, 0], ((0, 1),): lr[1, 0], ((1, 0),): lr[0, 1], ((1, 1),): lr[1, 1],
        ((0, 0), (1, 1)): lr[0, 0] * lr[1, 1], ((0, 1), (1, 0)): lr[1, 0] * lr[0, 1],
    }  # fmt: skip
    total = sum(weights.values())
    expected = np.zeros((2, 2))
    for pairs, w in weights.items():
        for c, r in pairs:
            expected[r, c] += w / total
    assert joint.exact
    np.testing.assert_allclose(joint.pairing, expected, rtol=1e-12)
    assert joint.solutions[0].posterior == pytest.approx(max(weights.values()) / total)
    assert (joint.pairing.sum(axis=0) <= 1.0 + 1e-12).all()


def simulated_case(
    seed: int, n_families: int, n_markers: int = 15
) -> tuple[FrequencyTable, str, str, dict[str, str]]:
    rng = np.random.default_rng(seed)
    markers = [f"M{k}" for k in range(n_markers)]
    table = equal_table(markers, 8)
    fam_rows, remains_rows, truth = [], [], {}
    for f in range(n_families):
        ids = [f"FA{f}", f"MO{f}", f"MP{f}", f"SIB{f}"]
        ped = build_pedigree(ids, [None, None, ids[0], ids[0]], [None, None, ids[1], ids[1]],
                             [1, 2, 1, 2])  # fmt: skip
        geno = simulate_genotypes(ped, table, markers, rng)
        parents = {ids[2]: (ids[0], ids[1]), ids[3]: (ids[0], ids[1])}
        for person, sex in zip(ids, [1, 2, 1, 2], strict=True):
            fid, mid = parents.get(person, ("0", "0"))
            missing = person == ids[2]
            cells = ["-/-" if missing or person == ids[0] else format_genotype(geno[m][person])
                     for m in markers]  # fmt: skip
            fam_rows.append(f"F{f} {person} {fid} {mid} {sex} {int(missing)} " + " ".join(cells))
        if f % 2 == 0:
            remains_rows.append(
                f"V{f} 1 " + " ".join(format_genotype(geno[m][ids[2]]) for m in markers)
            )
            truth[f"V{f}"] = ids[2]
    for extra in range(3):
        ped = build_pedigree(["X"], [None], [None], [1])
        geno = simulate_genotypes(ped, table, markers, rng)
        remains_rows.append(
            f"U{extra} 1 " + " ".join(format_genotype(geno[m]["X"]) for m in markers)
        )
    header = " ".join(markers)
    return (table, text(f"{FAM_HEADER} {header}", fam_rows),
            text(f"id sex {header}", remains_rows), truth)  # fmt: skip


def test_simulated_case_finds_the_truth_and_no_false_identification() -> None:
    table, fams, remains, truth = simulated_case(seed=3, n_families=8)
    result = solve_dvi(check_dvi(parse_dvi_families(fams), parse_remains(remains)), table)
    best = result.solutions[0].assignment if result.solutions else {}
    for ident in result.remains:
        if ident.conclusion in (Conclusion.UNDISPUTED, Conclusion.PROBABLE):
            assert truth.get(ident.remains or "") == ident.missing
    identified = {u.remains for u in result.undisputed}
    assert identified <= set(truth)
    for victim, missing in best.items():
        if missing is not None:
            assert truth.get(victim) == missing
    assert len(identified) >= len(truth) // 2


def test_relabelling_bodies_permutes_the_result() -> None:
    table, fams, remains, _ = simulated_case(seed=5, n_families=4, n_markers=4)
    lines = remains.splitlines()
    reordered = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    settings = Settings(threshold=1e12)
    one = solve_dvi(check_dvi(parse_dvi_families(fams), parse_remains(remains)), table,
                    settings=settings)  # fmt: skip
    two = solve_dvi(check_dvi(parse_dvi_families(fams), parse_remains(reordered)), table,
                    settings=settings)  # fmt: skip
    assert one.solutions[0].assignment == two.solutions[0].assignment
    assert one.solutions[0].lr == pytest.approx(two.solutions[0].lr)
    assert [i.conclusion for i in one.missing] == [i.conclusion for i in two.missing]
    for s in one.solutions:
        targets = [m for m in s.assignment.values() if m is not None]
        assert len(targets) == len(set(targets))


def test_undisputed_victims_join_their_family_and_the_rest_is_recomputed() -> None:
    table, fams, remains, truth = simulated_case(seed=11, n_families=6)
    found, families, left, first, final = identify_undisputed(
        parse_dvi_families(fams), parse_remains(remains), table, threshold=1e4
    )
    assert found, "the simulated full-sibling-and-mother families give undisputed matches"
    for u in found:
        assert truth[u.remains] == u.missing
        assert u.remains not in final.remains and u.missing not in final.missing
        family = next(f for f in families if f.name == u.family)
        assert u.missing not in family.missing
    assert len(left) == len(first.remains) - len(found)


def test_branch_and_bound_agrees_with_enumeration_on_the_best_solutions() -> None:
    table, fams, remains, _ = simulated_case(seed=21, n_families=6, n_markers=3)
    pm = pairwise_matrix(parse_dvi_families(fams), parse_remains(remains), table)
    exact = joint_search(pm, top=5, group_limit=0.0)
    assert exact.exact
    bounded = joint_search(pm, top=5, max_enumerate=1, keep=5, tolerance=1.0)
    assert not bounded.exact  # subtrees were skipped: only bounds are guaranteed
    assert (bounded.lower <= exact.pairing + 1e-12).all()
    tiny = joint_search(pm, top=5, max_enumerate=1, keep=5, max_nodes=3)
    assert (tiny.lower <= exact.pairing + 1e-12).all()
    assert [s.log10_lr for s in bounded.solutions] == pytest.approx(
        [s.log10_lr for s in exact.solutions]
    )


# --- conclusions -------------------------------------------------------------------------------


def test_example_conclusions_not_identifiable_and_excluded() -> None:
    table = FrequencyTable({"TH01": make_marker("TH01", {"12": 0.25, "13": 0.25, "14": 0.5})})
    fams = parse_dvi_families(
        text(
            f"{FAM_HEADER} TH01",
            [
                "F1 FA 0 0 1 0 12/12",
                "F1 MO 0 0 2 0 12/12",
                "F1 M1 FA MO 1 1 -/-",
                "F2 S 0 0 2 0 12/13",
                "F2 M2 0 0 1 1 -/-",
            ],
        )  # fmt: skip
    )
    remains = parse_remains(text("id sex TH01", ["V1 1 14/14"]))
    result = solve_dvi(check_dvi(fams, remains), table, settings=Settings(max_incompatible=0))
    by_missing = {i.missing: i.conclusion for i in result.missing}
    assert by_missing == {"M1": Conclusion.EXCLUDED, "M2": Conclusion.NOT_IDENTIFIABLE}
    assert result.remains[0].conclusion == Conclusion.EXCLUDED


# --- bad input ---------------------------------------------------------------------------------


def test_ids_must_be_unique_across_the_families_file() -> None:
    with pytest.raises(SourceFormatError) as error:
        parse_dvi_families(
            text(f"{FAM_HEADER} TH01", ["F1 R 0 0 1 0 9/9", "F1 M R 0 1 1 -/-",
                                        "F2 R 0 0 1 0 9/9", "F2 M2 R 0 1 1 -/-"]),
            source="fam.ped",
        )  # fmt: skip
    assert any(p.startswith("fam.ped:4: person R: id:") for p in error.value.problems)


def test_remains_id_clashing_with_a_family_member_names_the_line() -> None:
    fams = parse_dvi_families(text(f"{FAM_HEADER} TH01", ["F R 0 0 1 0 9/9", "F M R 0 1 1 -/-"]))
    remains_text = text("id sex TH01", ["V1 1 9/9", "R 1 9/10"])
    with pytest.raises(SourceFormatError) as error:
        check_dvi(fams, parse_remains(remains_text), remains_text=remains_text,
                  remains_source="rem.ped")  # fmt: skip
    assert error.value.problems == (
        "rem.ped:3: person R: id: also a person id in the families file",
    )


def test_bad_genotype_cell_names_file_line_person_and_marker() -> None:
    with pytest.raises(SourceFormatError) as error:
        parse_remains(text("id sex TH01", ["V1 1 9/9/9"]), source="rem.ped")
    assert error.value.problems[0].startswith("rem.ped:2: person V1: marker TH01:")
