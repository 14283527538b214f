"""Posterior bounds, undisputed rounds, probable calls on simulated truth, relative suggestions."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.joint import joint_search, local_lower_bound
from kintrace.dvi.pairwise import pairwise_matrix
from kintrace.dvi.simulate import simulate_genotypes
from kintrace.dvi.solve import Conclusion, Settings, solve_dvi
from kintrace.dvi.suggest import relative_figures, suggest_relatives, weak_missing
from kintrace.dvi.undisputed import identify_undisputed
from kintrace.kinship.genotypes import format_genotype
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec
from kintrace.kinship.pedigree import build_pedigree

HEADER = "family id fid mid sex missing"


def equal_table(markers: list[str], n_alleles: int) -> FrequencyTable:
    freqs = {str(a): 1.0 / n_alleles for a in range(1, n_alleles + 1)}
    return FrequencyTable({m: make_marker(m, freqs) for m in markers})


def cells(geno: dict[str, dict[str, tuple[str, str]]], person: str, markers: list[str]) -> str:
    return " ".join(format_genotype(geno[m][person]) for m in markers)


def brute_force(lr: np.ndarray, model: np.ndarray) -> np.ndarray:
    """Flat-prior pairing posteriors by enumerating every assignment (rows missing)."""
    n_rows, n_cols = lr.shape
    pairing = np.zeros_like(lr)
    total = 0.0
    options = [[None, *[r for r in range(n_rows) if model[r, c]]] for c in range(n_cols)]
    for choice in itertools.product(*options):
        used = [r for r in choice if r is not None]
        if len(used) != len(set(used)):
            continue
        weight = math.prod(lr[r, c] for c, r in enumerate(choice) if r is not None)
        total += weight
        for c, r in enumerate(choice):
            if r is not None:
                pairing[r, c] += weight
    return pairing / total


# --- bounds -------------------------------------------------------------------------------------


def test_lower_bounds_never_exceed_the_brute_force_posterior() -> None:
    rng = np.random.default_rng(4)
    markers = [f"M{k}" for k in range(4)]
    table = equal_table(markers, 4)
    rows, remains = [], []
    for f in range(3):
        ped = build_pedigree(["P", "C"], [None, "P"], [None, None], [1, 1])
        geno = simulate_genotypes(ped, table, markers, rng)
        rows += [f"F{f} C{f} M{f} 0 1 0 {cells(geno, 'C', markers)}",
                 f"F{f} M{f} 0 0 1 1 " + " ".join(["-/-"] * 4)]  # fmt: skip
        remains.append(f"V{f} 1 {cells(geno, 'P', markers)}")
    for k in range(2):
        geno = simulate_genotypes(build_pedigree(["X"], [None], [None], [1]), table, markers, rng)
        remains.append(f"U{k} 1 {cells(geno, 'X', markers)}")
    fams = parse_dvi_families("\n".join([f"{HEADER} " + " ".join(markers), *rows]) + "\n")
    profiles = parse_remains("\n".join(["id sex " + " ".join(markers), *remains]) + "\n")
    pm = pairwise_matrix(fams, profiles, table)
    grouped = joint_search(pm, group_limit=1.0)
    exact = brute_force(np.nan_to_num(pm.lr()), grouped.candidates)
    assert (grouped.lower <= exact + 1e-12).all()
    skipped = joint_search(pm, group_limit=1.0, max_enumerate=1, keep=1, tolerance=1.0)
    assert (skipped.lower <= exact + 1e-12).all()
    for r, c in zip(*np.nonzero(grouped.candidates), strict=True):
        local = local_lower_bound(grouped.candidates, pm.log10_lr, int(r), int(c))
        assert local <= exact[r, c] + 1e-12


def test_local_bound_by_hand() -> None:
    # LR 1000; the body's other LR 4, the person's other LR 1: 1000 / (1000 + 5 * 2)
    model = np.ones((2, 2), dtype=bool)
    log10_lr = np.log10([[1000.0, 1.0], [4.0, 0.5]])
    assert local_lower_bound(model, log10_lr, 0, 0) == pytest.approx(1000.0 / 1010.0)


# --- undisputed in a later round ----------------------------------------------------------------


def test_an_undisputed_match_is_found_in_round_two() -> None:
    # M2 is the child of the missing M1 and an untyped mother; M1's parents are typed. In round 1
    # M2 is only a grandchild of the typed pair (weak); once V1 is placed on M1, V2 is M2's
    # paternity case and becomes undisputed.
    rng = np.random.default_rng(2)
    markers = [f"M{k}" for k in range(25)]
    table = equal_table(markers, 8)
    ids = ["GF", "GM", "M1", "W", "M2"]
    ped = build_pedigree(ids, [None, None, "GF", None, "M1"], [None, None, "GM", None, "W"],
                         [1, 2, 1, 2, 1])  # fmt: skip
    geno = simulate_genotypes(ped, table, markers, rng)
    untyped = " ".join(["-/-"] * len(markers))
    rows = [
        f"F GF 0 0 1 0 {cells(geno, 'GF', markers)}",
        f"F GM 0 0 2 0 {cells(geno, 'GM', markers)}",
        f"F M1 GF GM 1 1 {untyped}",
        f"F W 0 0 2 0 {untyped}",
        f"F M2 M1 W 1 1 {untyped}",
    ]
    remains = [f"V1 1 {cells(geno, 'M1', markers)}", f"V2 1 {cells(geno, 'M2', markers)}"]
    for k in range(3):
        other = simulate_genotypes(build_pedigree(["X"], [None], [None], [1]), table, markers, rng)
        remains.append(f"U{k} 1 {cells(other, 'X', markers)}")
    fams = parse_dvi_families("\n".join([f"{HEADER} " + " ".join(markers), *rows]) + "\n")
    profiles = parse_remains("\n".join(["id sex " + " ".join(markers), *remains]) + "\n")
    found, *_ = identify_undisputed(fams, profiles, table, threshold=1e4)
    rounds = {(u.remains, u.missing): u.round for u in found}
    assert rounds == {("V1", "M1"): 1, ("V2", "M2"): 2}
    result = solve_dvi(check_dvi(fams, profiles), table)
    assert [i.conclusion for i in result.missing] == [Conclusion.UNDISPUTED] * 2


# --- no false identification on simulated truth -------------------------------------------------


def test_seeded_simulation_has_no_false_undisputed_or_probable_call() -> None:
    # thin families (one sibling or the mother only), many unrelated remains and a mutation
    # model: the situation in which normalising over a pruned search made false probable calls
    rng = np.random.default_rng(17)
    markers = [f"M{k}" for k in range(12)]
    table = equal_table(markers, 6)
    typed_sets = [("MO",), ("SIB",), ("MO", "FA"), ("SIB",), ("MO",)]
    rows, remains, truth = [], [], {}
    for f in range(25):
        ids = ["FA", "MO", "MP", "SIB"]
        ped = build_pedigree(ids, [None, None, "FA", "FA"], [None, None, "MO", "MO"], [1, 2, 1, 1])
        geno = simulate_genotypes(ped, table, markers, rng)
        typed = typed_sets[f % len(typed_sets)]
        for person, sex in zip(ids, [1, 2, 1, 1], strict=True):
            fid, mid = ("0", "0") if person in ("FA", "MO") else (f"F{f}FA", f"F{f}MO")
            genotypes = (cells(geno, person, markers) if person in typed
                         else " ".join(["-/-"] * len(markers)))  # fmt: skip
            rows.append(f"F{f} F{f}{person} {fid} {mid} {sex} {int(person == 'MP')} {genotypes}")
        if f % 5 != 4:
            remains.append(f"V{f} 1 {cells(geno, 'MP', markers)}")
            truth[f"V{f}"] = f"F{f}MP"
    for k in range(40):
        other = simulate_genotypes(build_pedigree(["X"], [None], [None], [1]), table, markers, rng)
        remains.append(f"U{k} 1 {cells(other, 'X', markers)}")
    fams = parse_dvi_families("\n".join([f"{HEADER} " + " ".join(markers), *rows]) + "\n")
    profiles = parse_remains("\n".join(["id sex " + " ".join(markers), *remains]) + "\n")
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.001"))
    result = solve_dvi(check_dvi(fams, profiles), table, mutation, Settings(keep=50))
    sure = {Conclusion.UNDISPUTED, Conclusion.PROBABLE}
    claims = [(i.remains, i.missing) for i in result.remains if i.conclusion in sure]
    assert claims, "the strong families are identified"
    assert all(truth.get(v or "") == m for v, m in claims)
    for ident in result.missing:
        if ident.conclusion is Conclusion.PROBABLE:
            assert ident.posterior_lower is not None and ident.posterior_lower >= 0.99
            assert ident.lr is not None and ident.lr >= 1e3


def test_probable_needs_the_minimum_LR() -> None:
    # one family, one body, paternity index 1 / (2 p_a) = 400: the component is enumerated, so
    # the posterior 400/401 is exact (and its own bound); probable only once the minimum LR allows
    table = FrequencyTable({"M": make_marker("M", {"a": 0.00125, "b": 0.99875})})
    fams = parse_dvi_families(f"{HEADER} M\nF MP 0 0 1 1 -/-\nF CH MP 0 1 0 a/a\n")
    data = check_dvi(fams, parse_remains("id sex M\nV 1 a/b\n"))
    strict = solve_dvi(data, table, settings=Settings(probable=0.99))
    assert strict.missing[0].lr == pytest.approx(400.0)
    assert strict.missing[0].conclusion is Conclusion.INCONCLUSIVE  # LR 400 < 1000
    loose = solve_dvi(data, table, settings=Settings(probable=0.99, probable_lr=100.0))
    assert loose.missing[0].conclusion is Conclusion.PROBABLE
    assert loose.missing[0].posterior_lower == pytest.approx(400.0 / 401.0)


# --- suggestions ---------------------------------------------------------------------------------


def test_exclusion_power_and_expected_LR_of_a_parent_at_one_snp_by_hand() -> None:
    # M untyped and alone; one SNP with p = q = 1/2. A typed father aa (1/4) excludes bb (1/4),
    # bb excludes aa, ab excludes nothing: EP = 2 p^2 q^2 = 1/8. Father aa: M is aa or ab with
    # probability 1/2 each, LR 2 and 1; ab: M is Hardy-Weinberg, LR 1. E[log10 LR] = log10(2)/4.
    table = FrequencyTable({"S": make_marker("S", {"a": 0.5, "b": 0.5})})
    fams = parse_dvi_families(f"{HEADER} S\nF M 0 0 1 1 -/-\n")
    suggestion = suggest_relatives(fams, [("F", "M")], table)[0]
    assert (suggestion.exclusion_power, suggestion.expected_log10_lr) == (0.0, 0.0)
    options = {o.relative: o for o in suggestion.options}
    for relative in ("father", "mother", "child"):
        assert options[relative].exclusion_power == pytest.approx(0.125)
        assert options[relative].expected_log10_lr == pytest.approx(math.log10(2.0) / 4.0)
    assert options["sibling"].exclusion_power == 0.0  # a sibling may share no allele
    assert 0.0 < options["sibling"].expected_log10_lr < math.log10(2.0) / 4.0
    assert suggestion.best is not None and suggestion.best.relative == "father"


def test_a_typed_parent_is_not_suggested_and_an_untyped_one_is_named() -> None:
    table = FrequencyTable({"S": make_marker("S", {"a": 0.3, "b": 0.7})})
    fams = parse_dvi_families(
        f"{HEADER} S\nF FA 0 0 1 0 a/b\nF MO 0 0 2 0 -/-\nF M FA MO 1 1 -/-\n"
    )
    assert relative_figures(fams[0], "M", "father", table) is None
    mother = relative_figures(fams[0], "M", "mother", table)
    assert mother is not None and mother.person == "MO"
    figures = weak_missing(fams, [("F", "M", "inconclusive")], table, threshold=1e4)
    assert [o.relative for o in figures[0].options] == ["mother", "sibling", "child"]
    assert weak_missing(fams, [("F", "M", "probable")], table, threshold=1e4) == []
