"""Pedigree likelihood: known answers, brute-force oracle, loops, X, theta, properties."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.kinship.bruteforce import brute_force_likelihood
from kintrace.kinship.genotypes import Genotype
from kintrace.kinship.likelihood import marker_likelihood
from kintrace.kinship.markers import Marker, make_marker
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.pedigree import Pedigree, build_pedigree


def trio(child_sex: int = 1) -> Pedigree:
    return build_pedigree(
        ["fa", "mo", "ch"], [None, None, "fa"], [None, None, "mo"], [1, 2, child_sex]
    )


def first_cousin_mating() -> Pedigree:
    """A child of first cousins: a loop through the shared grandparents."""
    return build_pedigree(
        ["GF", "GM", "S1", "S2", "W1", "H2", "C1", "C2", "X"],
        [None, None, "GF", "GF", None, None, "S1", "H2", "C1"],
        [None, None, "GM", "GM", None, None, "W1", "S2", "C2"],
        [1, 2, 1, 2, 2, 1, 1, 2, 1],
    )


def full_sib_mating() -> Pedigree:
    return build_pedigree(
        ["F", "M", "B", "S", "C1", "C2"],
        [None, None, "F", "F", "B", "B"],
        [None, None, "M", "M", "S", "S"],
        [1, 2, 1, 2, 1, 2],
    )


def snp(p: float) -> Marker:
    return make_marker("snp", {"1": p, "2": 1 - p})


def equal(rate: float) -> MutationModel:
    return MutationModel.both(MutationSpec("equal", rate=rate))


# --- known answers (pedprobr's tests and README; hand derivations) -----------------------


def test_pedmut_readme_father_son_mendelian_error() -> None:
    m2 = snp(0.5)
    data = {"fa": ("1", "1"), "ch": ("2", "2")}
    assert marker_likelihood(trio(), m2, data) == 0.0
    assert marker_likelihood(trio(), m2, data, equal(0.1)) == pytest.approx(0.0125, rel=1e-12)
    m4 = make_marker("M", {"1": 0.25, "2": 0.25, "3": 0.25, "4": 0.25})
    prop = MutationModel.both(MutationSpec("proportional", rate=0.1))
    assert marker_likelihood(trio(), m4, data, prop) == pytest.approx(0.0005208333333, rel=1e-9)


def test_trio_snp_examples() -> None:
    p, q = 0.2, 0.8
    het = ("1", "2")
    assert marker_likelihood(trio(), snp(p), {"fa": het, "mo": het, "ch": het}) == pytest.approx(
        2 * p**2 * q**2, rel=1e-14
    )
    assert marker_likelihood(trio(), snp(p), {"fa": het, "ch": het}) == pytest.approx(p * q)


def test_trio_with_mutation_equal_model() -> None:
    p = 0.9
    data = {"fa": ("1", "1"), "mo": ("1", "1"), "ch": ("2", "2")}
    assert marker_likelihood(trio(), snp(p), data, equal(0.1)) == pytest.approx(
        p**4 * 0.1**2, rel=1e-12
    )


def test_siblings_both_homozygous() -> None:
    p, q = 0.2, 0.8
    sibs = build_pedigree(
        ["F", "M", "A", "B"], [None, None, "F", "F"], [None, None, "M", "M"], [1, 2, 1, 1]
    )
    value = marker_likelihood(sibs, snp(p), {"A": ("2", "2"), "B": ("2", "2")})
    assert value == pytest.approx(0.25 * q**2 * (1 + q) ** 2, rel=1e-14)


def test_theta_two_generations_pedprobr_value() -> None:
    ped = build_pedigree(
        ["1", "2", "3", "4", "5"],
        [None, None, "1", None, "3"],
        [None, None, "2", None, "4"],
        [1, 2, 1, 2, 1],
    )
    m = make_marker("M", {"A": 0.3, "B": 0.7})
    assert marker_likelihood(ped, m, {"5": ("A", "A")}, theta=0.01) == pytest.approx(
        0.0921, rel=1e-12
    )


def test_theta_singletons_follow_balding_nichols() -> None:
    one = build_pedigree(["a"], [None], [None], [1])
    m = make_marker("M", {"A": 0.3, "B": 0.7})
    t = 0.05
    assert marker_likelihood(one, m, {"a": ("A", "A")}, theta=t) == pytest.approx(
        0.3 * (t + (1 - t) * 0.3)
    )
    assert marker_likelihood(one, m, {"a": ("A", "B")}, theta=t) == pytest.approx(
        2 * (1 - t) * 0.21
    )


def test_partially_typed_genotype() -> None:
    one = build_pedigree(["a"], [None], [None], [2])
    m = make_marker("M", {"A": 0.3, "B": 0.5, "C": 0.2})
    assert marker_likelihood(one, m, {"a": ("A", None)}) == pytest.approx(1 - 0.7**2)


# --- X-linked -------------------------------------------------------------------------------

X = make_marker("DX", {"a": 0.1, "b": 0.3, "c": 0.6}, xlinked=True)


def test_x_father_daughter_must_share_fathers_allele() -> None:
    ped = trio(child_sex=2)
    assert marker_likelihood(ped, X, {"fa": ("a", "a"), "ch": ("a", "b")}) == pytest.approx(
        0.1 * 0.3
    )
    assert marker_likelihood(ped, X, {"fa": ("a", "a"), "ch": ("b", "c")}) == 0.0


def test_x_no_father_to_son_transmission() -> None:
    ped = trio(child_sex=1)
    assert marker_likelihood(ped, X, {"fa": ("a", "a"), "ch": ("b", "b")}) == pytest.approx(
        0.1 * 0.3
    )


def test_x_male_founder_is_hemizygous() -> None:
    one = build_pedigree(["m"], [None], [None], [1])
    assert marker_likelihood(one, X, {"m": ("b", "b")}) == pytest.approx(0.3)


# --- brute-force oracle -----------------------------------------------------------------------


def random_typing(
    ped: Pedigree, marker: Marker, typed: list[str], seed: int
) -> dict[str, Genotype]:
    rng = random.Random(seed)
    result: dict[str, Genotype] = {}
    for person in typed:
        i = ped.index(person)
        if marker.xlinked and ped.sex[i] == 1:
            a = rng.choice(marker.alleles)
            result[person] = (a, a)
        elif rng.random() < 0.2:
            result[person] = (rng.choice(marker.alleles), None)
        else:
            result[person] = (rng.choice(marker.alleles), rng.choice(marker.alleles))
    return result


CASES = [
    (trio(), ["fa", "ch"]),
    (first_cousin_mating(), ["X", "GF", "C2"]),
    (full_sib_mating(), ["C1", "C2", "F"]),
    (
        build_pedigree(
            ["F", "M1", "M2", "A", "B", "C"],
            [None, None, None, "F", "F", "A"],
            [None, None, None, "M1", "M2", "B"],
            [1, 2, 2, 1, 2, 2],
        ),
        ["C", "M1", "F"],
    ),
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("mutation", [None, "equal", "stepwise"])
def test_agrees_with_brute_force(case: int, mutation: str | None) -> None:
    ped, typed = CASES[case]
    marker = make_marker("M", {"9": 0.5, "10": 0.3, "10.2": 0.2}) if ped.size <= 6 else snp(0.3)
    spec = {
        None: None,
        "equal": MutationSpec("equal", rate=0.05),
        "stepwise": MutationSpec("stepwise", rate=0.05, rate2=0.01, range=0.5),
    }[mutation]
    model = MutationModel(female=spec, male=MutationSpec("equal", rate=0.02) if spec else None)
    for seed in range(3):
        data = random_typing(ped, marker, typed, seed)
        exact = marker_likelihood(ped, marker, data, model)
        assert exact == pytest.approx(
            brute_force_likelihood(ped, marker, data, model), rel=1e-12, abs=1e-300
        )


def test_x_linked_agrees_with_brute_force() -> None:
    ped = first_cousin_mating()
    xm = make_marker("DX", {"a": 0.2, "b": 0.8}, xlinked=True)
    for seed in range(4):
        data = random_typing(ped, xm, ["X", "GM", "C2", "S1"], seed)
        mut = MutationModel(
            female=MutationSpec("equal", rate=0.1), male=MutationSpec("equal", rate=0.2)
        )
        for model in (MutationModel(), mut):
            assert marker_likelihood(ped, xm, data, model) == pytest.approx(
                brute_force_likelihood(ped, xm, data, model), rel=1e-12, abs=1e-300
            )


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    p=st.lists(st.floats(0.05, 1.0), min_size=2, max_size=4),
    rate=st.floats(0.0, 0.2),
    who=st.sampled_from(["C1", "F", "S"]),
)
def test_genotype_probabilities_sum_to_one(p: list[float], rate: float, who: str) -> None:
    total = sum(p)
    marker = make_marker("M", {str(i + 1): x / total for i, x in enumerate(p)})
    ped = full_sib_mating()
    model = equal(rate)
    fixed = {"C2": (marker.alleles[0], marker.alleles[-1])}
    base = marker_likelihood(ped, marker, fixed, model)
    summed = sum(
        marker_likelihood(ped, marker, {**fixed, who: g}, model)
        for g in itertools.combinations_with_replacement(marker.alleles, 2)
    )
    assert summed == pytest.approx(base, rel=1e-12)


def test_zero_mutation_rate_equals_no_model() -> None:
    ped, typed = CASES[1]
    data = random_typing(ped, snp(0.3), typed, 5)
    for text in ("equal", "proportional"):
        model = MutationModel.both(MutationSpec(text, rate=0.0))
        assert marker_likelihood(ped, snp(0.3), data, model) == marker_likelihood(
            ped, snp(0.3), data
        )


@settings(max_examples=20, deadline=None)
@given(order=st.permutations(range(9)), seed=st.integers(0, 1000))
def test_invariant_to_renaming_and_reordering(order: list[int], seed: int) -> None:
    ped = first_cousin_mating()
    marker = make_marker("M", {"1": 0.2, "2": 0.3, "3": 0.5})
    data = random_typing(ped, marker, ["X", "GF", "C2", "W1"], seed)
    rename = {old: f"p{k}" for k, old in enumerate(reversed(ped.ids))}
    ids = [ped.ids[i] for i in order]
    parent = lambda idx: None if idx < 0 else rename[ped.ids[idx]]  # noqa: E731
    shuffled = build_pedigree(
        [rename[i] for i in ids],
        [parent(ped.father[ped.index(i)]) for i in ids],
        [parent(ped.mother[ped.index(i)]) for i in ids],
        [int(ped.sex[ped.index(i)]) for i in ids],
    )
    renamed = {rename[k]: g for k, g in data.items()}
    model = equal(0.01)
    assert marker_likelihood(shuffled, marker, renamed, model) == pytest.approx(
        marker_likelihood(ped, marker, data, model), rel=1e-13
    )


def test_splitting_an_unseen_allele_does_not_change_the_likelihood_without_mutation() -> None:
    # Without mutation, alleles nobody carries only enter through their total frequency.
    # (Mutation models renormalise over all alleles, so a split changes their rates: not tested.)
    ped = full_sib_mating()
    data = {"C1": ("1", "2"), "C2": ("2", "2")}
    m3 = make_marker("M", {"1": 0.1, "2": 0.2, "3": 0.7})
    m4 = make_marker("M", {"1": 0.1, "2": 0.2, "3": 0.35, "4": 0.35})
    for model in (MutationModel(), equal(0.0)):
        assert marker_likelihood(ped, m3, data, model) == pytest.approx(
            marker_likelihood(ped, m4, data, model), rel=1e-13
        )
    assert np.isfinite(marker_likelihood(ped, m4, data, MutationModel()))
