"""Conclusions of the whole analysis: "no match" means a bound on the posterior, not a guess."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kintrace.dvi.data import DviData, check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.joint import joint_search
from kintrace.dvi.pairwise import PairwiseMatrix
from kintrace.dvi.solve import (
    Conclusion,
    Settings,
    chance_bound,
    compared_remains,
    held_back,
    solve_dvi,
)
from kintrace.dvi.undisputed import Undisputed, find_undisputed
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec

HEADER = "family id fid mid sex missing"


def unmatched_by_enumeration(lr: np.ndarray, model: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat-prior P(person unmatched), P(body unmatched), by visiting every assignment."""
    n_rows, n_cols = lr.shape
    options = [[None, *[r for r in range(n_rows) if model[r, c]]] for c in range(n_cols)]
    total = 0.0
    rows, cols = np.zeros(n_rows), np.zeros(n_cols)
    for choice in itertools.product(*options):
        used = [r for r in choice if r is not None]
        if len(used) != len(set(used)):
            continue
        weight = math.prod(lr[r, c] for c, r in enumerate(choice) if r is not None)
        total += weight
        rows += weight * np.array([r not in used for r in range(n_rows)])
        cols += weight * np.array([r is None for r in choice])
    return rows / total, cols / total


def test_unmatched_lower_bounds_never_exceed_the_enumerated_posterior() -> None:
    rng = np.random.default_rng(8)
    for _ in range(60):
        n_rows, n_cols = (int(x) for x in rng.integers(1, 5, size=2))
        log10_lr = rng.normal(0.0, 1.5, size=(n_rows, n_cols))
        log10_lr[rng.random((n_rows, n_cols)) < 0.2] = -np.inf
        pm = PairwiseMatrix(
            tuple(f"F{r}" for r in range(n_rows)), tuple(f"M{r}" for r in range(n_rows)),
            tuple(f"V{c}" for c in range(n_cols)), log10_lr,
            np.zeros((n_rows, n_cols), dtype=np.int64), np.ones(n_rows, dtype=bool),
        )  # fmt: skip
        for settings in ({}, {"max_enumerate": 1, "keep": 1, "tolerance": 1.0}):
            joint = joint_search(pm, **settings)
            rows, cols = unmatched_by_enumeration(np.power(10.0, log10_lr), joint.candidates)
            assert (joint.unmatched_missing_lower <= rows + 1e-12).all()
            assert (joint.unmatched_remains_lower <= cols + 1e-12).all()


def test_many_weak_bodies_are_no_ground_for_no_match() -> None:
    # M is the father of a typed a/a child, p_a = 0.9: each a/b body has LR 1/(2 p_a) = 0.556.
    # Under the flat prior over assignments P(M unmatched) = 1 / (1 + 20 * 0.556) = 0.083
    # exactly: nobody can say that these bodies are not him (the search leaves LR < 1 pairs
    # out, so its own estimate of "unmatched" was 1)
    table = FrequencyTable({"S": make_marker("S", {"a": 0.9, "b": 0.1})})
    fams = parse_dvi_families(f"{HEADER} S\nF MP 0 0 1 1 -/-\nF CH MP 0 2 0 a/a\n")
    bodies = "\n".join(f"V{k} 1 a/b" for k in range(20))
    result = solve_dvi(check_dvi(fams, parse_remains(f"id sex S\n{bodies}\n")), table)
    lr = 1.0 / (2 * 0.9)
    assert result.joint.unmatched_missing[0] == 1.0  # the search's estimate
    assert result.joint.unmatched_missing_lower[0] == pytest.approx(1.0 / (1.0 + 20 * lr))
    assert result.missing[0].conclusion is Conclusion.INCONCLUSIVE
    body = (1.0 + 19 * lr) / (1.0 + 20 * lr)  # P(V0 unmatched), exactly: 0.954 < 0.99
    assert result.joint.unmatched_remains_lower[0] == pytest.approx(1.0 / (1.0 + lr))
    assert result.joint.unmatched_remains_lower[0] <= body
    assert {i.conclusion for i in result.remains} == {Conclusion.INCONCLUSIVE}


def test_bodies_the_family_rules_out_up_to_mutation_are_no_match() -> None:
    # parents a/a and a/a; b/b bodies differ at one marker only (not excluded at 2 allowed
    # incompatible markers) and need two mutations: LR = mu^2 / p_b^2 = 4e-6 each, so
    # P(M unmatched) >= 1 / (1 + 3 * 4e-6): the bodies are not him
    table = FrequencyTable({"S": make_marker("S", {"a": 0.5, "b": 0.5})})
    fams = parse_dvi_families(
        f"{HEADER} S\nF FA 0 0 1 0 a/a\nF MO 0 0 2 0 a/a\nF MP FA MO 1 1 -/-\n"
    )
    remains = parse_remains("id sex S\nV1 1 b/b\nV2 1 b/b\nV3 1 b/b\n")
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.001"))
    result = solve_dvi(check_dvi(fams, remains), table, mutation)
    assert result.pairwise.lr()[0] == pytest.approx([4e-6] * 3, rel=1e-9)
    assert result.joint.unmatched_missing_lower[0] == pytest.approx(1.0 / (1.0 + 1.2e-5))
    assert result.missing[0].conclusion is Conclusion.NO_MATCH
    assert result.missing[0].remains is None
    assert [i.conclusion for i in result.remains] == [Conclusion.NO_MATCH] * 3


# The chance bound: N remains compared, an unrelated body reaches LR x with chance <= N / x.
def one_pair_case(extra_bodies: int = 0) -> tuple[DviData, FrequencyTable]:
    """MP's typed son is a/a (p_a = 1/4); body V is a/b: LR = 1 / (2 p_a) = 2 by hand.

    ``extra_bodies`` women are added: they are not compared with MP (sex), so N stays 1.
    """
    table = FrequencyTable({"M": make_marker("M", {"a": 0.25, "b": 0.75})})
    fams = parse_dvi_families(f"{HEADER} M\nF MP 0 0 1 1 -/-\nF CH MP 0 1 0 a/a\n")
    women = "".join(f"W{k} 2 b/b\n" for k in range(extra_bodies))
    return check_dvi(fams, parse_remains("id sex M\nV 1 a/b\n" + women)), table


def test_the_chance_bound_decides_a_probable_pairing_both_ways() -> None:
    data, table = one_pair_case(extra_bodies=2)
    loose = Settings(probable=0.6, probable_lr=1.0, max_chance=0.6)  # N / LR = 1/2 <= 0.6
    strict = Settings(probable=0.6, probable_lr=1.0, max_chance=0.4)  # 1/2 > 0.4
    called = solve_dvi(data, table, settings=loose)
    held = solve_dvi(data, table, settings=strict)
    assert called.missing[0].lr == pytest.approx(2.0)
    assert called.missing[0].posterior == pytest.approx(2.0 / 3.0)
    assert called.missing[0].conclusion is Conclusion.PROBABLE
    assert called.missing[0].reason is None
    person, body = held.missing[0], held.remains[0]
    assert person.conclusion is Conclusion.INCONCLUSIVE and body.conclusion is person.conclusion
    assert person.reason is not None and "among the 1 remains compared" in person.reason
    assert body.reason == person.reason
    # the method's own figures are untouched: same posterior, same joint solutions
    assert person.posterior == called.missing[0].posterior
    assert held.as_dict() == called.as_dict() | {
        "identifications": held.as_dict()["identifications"]
    }


def test_the_chance_bound_holds_back_an_undisputed_pair_but_not_the_undisputed_list() -> None:
    data, table = one_pair_case()
    called = solve_dvi(data, table, settings=Settings(threshold=1.5, max_chance=0.5))
    held = solve_dvi(data, table, settings=Settings(threshold=1.5, max_chance=0.49))
    assert [u.remains for u in held.undisputed] == ["V"] == [u.remains for u in called.undisputed]
    assert called.missing[0].conclusion is Conclusion.UNDISPUTED
    assert held.missing[0].conclusion is Conclusion.INCONCLUSIVE
    assert held.remains[0].conclusion is Conclusion.INCONCLUSIVE
    assert held.as_dict()["undisputed"] == called.as_dict()["undisputed"]


def test_chance_bound_on_a_constructed_matrix_both_ways() -> None:
    """One body with LR 5e4 among N compared, every other LR 1: undisputed at 1e4 either way;
    concluded when N = 400 (bound 0.008 <= 0.01), held back when N = 1000 (bound 0.02)."""
    for n, held in ((400, False), (1000, True)):
        log10 = np.zeros((1, n))
        log10[0, 0] = math.log10(5e4)
        pm = PairwiseMatrix(
            ("F",), ("M",), tuple(f"V{k}" for k in range(n)), log10,
            np.zeros((1, n), dtype=np.int64), np.ones(1, dtype=bool),
        )  # fmt: skip
        assert find_undisputed(pm, 1e4) == [(0, 0)]
        compared = compared_remains(pm)
        assert compared == {"M": n}
        assert chance_bound(n, 5e4) == pytest.approx(n / 5e4)
        pair = Undisputed("V0", "M", "F", 5e4, math.log10(5e4), 1, 0.9)
        reasons = held_back([pair], compared, 0.01)
        assert ("M" in reasons) is held
        if held:
            assert reasons["M"].startswith("an unrelated body could reach LR 5e+04 by chance")


def test_a_later_round_pair_of_a_held_back_family_is_held_back_too() -> None:
    first = Undisputed("V1", "M1", "F", 2e4, math.log10(2e4), 1, 0.9)
    second = Undisputed("V2", "M2", "F", 1e9, 9.0, 2, 0.99)
    other = Undisputed("V3", "M3", "G", 1e9, 9.0, 2, 0.99)
    reasons = held_back([second, first, other], {"M1": 500, "M2": 500, "M3": 500}, 0.01)
    assert set(reasons) == {"M1", "M2"}
    assert reasons["M2"] == "found after V1 = M1 was placed in the family, a pairing not concluded"


def test_a_joint_lr_beyond_the_largest_float_is_infinite_not_an_error() -> None:
    """25 fathers, each with two missing sons and their two bodies (homozygous for the father's
    own allele at 10 markers of 25 equal alleles): each pair LR 25^10, none undisputed (two
    brothers each), the joint LR about 10^699. ``10.0 ** log10_lr`` raised OverflowError
    (found by the benchmark of three missing brothers in 20 families)."""
    markers = [f"L{k}" for k in range(10)]
    alleles = [str(a) for a in range(1, 26)]
    table = FrequencyTable({m: make_marker(m, dict.fromkeys(alleles, 0.04)) for m in markers})
    header = " ".join(markers)
    fams = [f"family id fid mid sex missing {header}"]
    bodies = [f"id sex {header}"]
    for f, a in enumerate(alleles):
        fams.append(f"F{f} FA{f} 0 0 1 0 " + " ".join([f"{a}/{a}"] * 10))
        for son in ("MP", "MQ"):
            fams.append(f"F{f} {son}{f} FA{f} 0 1 1 " + " ".join(["-/-"] * 10))
        for body in ("V", "W"):
            bodies.append(f"{body}{f} 1 " + " ".join([f"{a}/{a}"] * 10))
    data = check_dvi(
        parse_dvi_families("\n".join(fams) + "\n"), parse_remains("\n".join(bodies) + "\n")
    )
    result = solve_dvi(data, table)
    best = result.solutions[0]
    assert not result.undisputed
    for f in range(25):  # each body on one of his family's sons, the two on different sons
        sons = {best.assignment[f"V{f}"], best.assignment[f"W{f}"]}
        assert sons == {f"MP{f}", f"MQ{f}"}
    assert best.lr == math.inf
    assert best.loglik > -math.inf
    document = result.as_dict()
    assert document["joint"][0]["lr"] is None  # type: ignore[index]
