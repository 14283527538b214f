"""The pairwise LR tables against exact peeling, one pair at a time, on varied pedigrees.

The tables peel many families at once and sum parents out onto their children in closed form
(:func:`kintrace.kinship.peeling.fold_parents`); the reference here places the remains on the
missing person and peels the family marker by marker with the kinship engine's likelihood
(:func:`kintrace.dvi.likelihoods.placed_log10_lr`), an independent path.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kintrace.dvi.likelihoods import family_log10_likelihood, placed_log10_lr
from kintrace.dvi.pairwise import family_tables, pairwise_matrix, pairwise_with_likelihoods
from kintrace.kinship.genotypes import UNTYPED, Genotype, PedigreeData
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel, parse_mutation_spec
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import build_pedigree
from kintrace.kinship.simulate import simulate_genotypes

EQUAL = MutationModel.both(parse_mutation_spec("equal:rate=0.01"))

# (ids, fathers, mothers, sexes, typed, missing): each shape exercises one way of peeling
SHAPES = {
    # both founders have two children: each is folded onto them in closed form
    "nuclear": (
        ["FA", "MO", "MP", "SIB"],
        [None, None, "FA", "FA"],
        [None, None, "MO", "MO"],
        [1, 2, 1, 2],
        ["FA", "MO", "SIB"],
        "MP",
    ),
    # founders with one child each, then the untyped father folded in turn
    "grandparents": (
        ["GF", "GM", "FA", "MO", "MP"],
        [None, None, "GF", None, "FA"],
        [None, None, "GM", None, "MO"],
        [1, 2, 1, 2, 1],
        ["GF", "GM"],
        "MP",
    ),
    # the grandparents' two children are tied through the uncle: general elimination after
    "uncle": (
        ["GF", "GM", "FA", "U", "MO", "MP", "SIB"],
        [None, None, "GF", "GF", None, "FA", "FA"],
        [None, None, "GM", "GM", None, "MO", "MO"],
        [1, 2, 1, 1, 2, 1, 1],
        ["GF", "U", "MO", "SIB"],
        "MP",
    ),
    # three typed children of untyped founders: no fold (more than two children)
    "three_sibs": (
        ["FA", "MO", "MP", "S1", "S2", "S3"],
        [None, None, "FA", "FA", "FA", "FA"],
        [None, None, "MO", "MO", "MO", "MO"],
        [1, 2, 1, 2, 1, 2],
        ["S1", "S2", "S3"],
        "MP",
    ),
    # a loop: the parents are half-siblings
    "inbred": (
        ["GF", "G1", "G2", "FA", "MO", "MP", "SIB"],
        [None, None, None, "GF", "GF", "FA", "FA"],
        [None, None, None, "G1", "G2", "MO", "MO"],
        [1, 2, 2, 1, 2, 1, 2],
        ["G1", "FA", "SIB"],
        "MP",
    ),
    # the missing person is a parent
    "missing_father": (
        ["MP", "W", "C1", "C2"],
        [None, None, "MP", "MP"],
        [None, None, "W", "W"],
        [1, 2, 1, 2],
        ["W", "C1", "C2"],
        "MP",
    ),
}


def _table() -> FrequencyTable:
    rng = np.random.default_rng(3)
    markers = {}
    for k, n in enumerate([2, 3, 5, 7]):
        p = rng.dirichlet(np.ones(n))
        p = p / p.sum()
        markers[f"A{k}"] = make_marker(f"A{k}", {f"{a}": float(x) for a, x in enumerate(p)})
    markers["X1"] = make_marker("X1", {"1": 0.2, "2": 0.3, "3": 0.5}, xlinked=True)
    markers["X2"] = make_marker("X2", {"1": 0.1, "2": 0.6, "3": 0.1, "4": 0.2}, xlinked=True)
    return FrequencyTable(markers)


def _family(name: str, shape: str, table: FrequencyTable, seed: int) -> tuple[Family, Profile]:
    ids, fathers, mothers, sexes, typed, missing = SHAPES[shape]
    ped = build_pedigree(ids, fathers, mothers, sexes)
    markers = tuple(table.markers)
    geno = simulate_genotypes(ped, table, markers, seed=seed, mutation=EQUAL)
    typing: dict[str, dict[str, Genotype]] = {
        m: {p: (geno[m][p] if p in typed else UNTYPED) for p in ids} for m in markers
    }
    truth = Profile(f"V{name}", sexes[ids.index(missing)], {m: geno[m][missing] for m in markers})
    return Family(name, PedigreeData(ped, markers, typing), (missing,)), truth


@pytest.mark.parametrize("mutation", [NO_MUTATION, EQUAL], ids=["no_mutation", "equal"])
def test_pairwise_LRs_equal_the_exactly_peeled_LR_of_each_pair(mutation: MutationModel) -> None:
    table = _table()
    families, truths = [], []
    for k, shape in enumerate(SHAPES):
        for copy in range(3):  # several families of one shape are peeled in one batch
            family, truth = _family(f"{shape}{copy}", shape, table, seed=10 * k + copy)
            families.append(family)
            truths.append(truth)
    rng = np.random.default_rng(5)
    strangers = []
    for k in range(4):
        sex = int(rng.integers(1, 3))
        lone = build_pedigree(["X"], [None], [None], [sex])
        geno = simulate_genotypes(lone, table, tuple(table.markers), seed=100 + k)
        strangers.append(Profile(f"U{k}", sex, {m: geno[m]["X"] for m in table.markers}))
    remains = truths + strangers
    if mutation is NO_MUTATION:  # families must be consistent without mutation
        families = [f for f in families if family_log10_likelihood(f, table) > -math.inf]
    pm = pairwise_matrix(families, remains, table, mutation)
    checked = 0
    for r, family in enumerate(families):
        for c, profile in enumerate(remains):
            if math.isnan(pm.log10_lr[r, c]):
                continue
            exact = placed_log10_lr(family, {family.missing[0]: profile}, table, mutation)
            if exact == -math.inf:
                assert pm.log10_lr[r, c] == -math.inf
            else:
                assert pm.log10_lr[r, c] == pytest.approx(exact, abs=1e-9)
            checked += 1
    assert checked > 100


def test_family_likelihoods_come_with_the_tables() -> None:
    table = _table()
    families = [_family(f"F{k}", shape, table, seed=k)[0] for k, shape in enumerate(SHAPES)]
    _, log10_family = pairwise_with_likelihoods(families, [], table, EQUAL)
    for family in families:
        exact = family_log10_likelihood(family, table, EQUAL)
        assert log10_family[family.name] == pytest.approx(exact, abs=1e-9)


def test_tables_built_for_their_zeros_have_the_same_zeros() -> None:
    """``zeros_only`` (the incompatible-marker tables): the LRs and likelihoods that are 0 are
    the same; every other log10 LR is 0 (only the zeros are computed)."""
    table = _table()
    families = [
        _family(f"{shape}{copy}", shape, table, seed=10 * k + copy)[0]
        for k, shape in enumerate(SHAPES)
        for copy in range(3)
    ]
    families = [f for f in families if family_log10_likelihood(f, table) > -math.inf]
    exact = family_tables(families, table, NO_MUTATION)
    fast = family_tables(families, table, NO_MUTATION, zeros_only=True)
    assert fast.markers == exact.markers
    for got, want in zip(fast.log10_lr, exact.log10_lr, strict=True):
        assert np.array_equal(np.isneginf(got), np.isneginf(want))
        assert np.all(got[np.isfinite(want)] == 0.0)
    assert np.array_equal(fast.likelihood == 0, exact.likelihood == 0)
