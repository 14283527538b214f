"""Likelihood ratios: hand-derived indices, exclusions, mutation, X-linked, theta, direct match."""

from __future__ import annotations

import itertools
import math

import pytest

from kintrace.errors import MendelianInconsistency, PedigreeError
from kintrace.kinship.genotypes import Genotype, PedigreeData
from kintrace.kinship.lr import likelihood_ratio
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.pedigree import build_pedigree, singletons
from kintrace.kinship.relationships import (
    Relationship,
    avuncular_lr,
    direct_match_lr,
    grandparent_lr,
    half_sibling_lr,
    paternity_lr,
    relationship_lr,
    sibling_lr,
)

P = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4}
TABLE = FrequencyTable({"M": make_marker("M", P)})

# (k0, k1, k2): probabilities that A and B share 0, 1 or 2 alleles identical by descent.
KAPPA = {
    Relationship.PARENT_CHILD: (0.0, 1.0, 0.0),
    Relationship.FULL_SIBLINGS: (0.25, 0.5, 0.25),
    Relationship.HALF_SIBLINGS: (0.5, 0.5, 0.0),
    Relationship.GRANDPARENT: (0.5, 0.5, 0.0),
    Relationship.AVUNCULAR: (0.5, 0.5, 0.0),
}


def hwe(g: tuple[str, str]) -> float:
    x, y = g
    return P[x] ** 2 if x == y else 2 * P[x] * P[y]


def ibd_lr(kappa: tuple[float, float, float], a: tuple[str, str], b: tuple[str, str]) -> float:
    """The textbook LR ``k0 + k1 P(B | one allele of A IBD) / P(B) + k2 [B = A] / P(B)``."""
    k0, k1, k2 = kappa
    # One allele of B is a copy of a random allele of A, the other drawn from the population.
    one = 0.0
    for shared in a:
        x, y = b
        if x == y:
            one += 0.5 * (P[x] if shared == x else 0.0)
        else:
            one += 0.5 * ((P[y] if shared == x else 0.0) + (P[x] if shared == y else 0.0))
    same = 1.0 if sorted(a) == sorted(b) else 0.0
    return k0 + k1 * one / hwe(b) + k2 * same / hwe(b)


GENOTYPES = list(itertools.combinations_with_replacement("abc", 2))


@pytest.mark.parametrize("relationship", list(Relationship))
def test_standard_indices_equal_the_ibd_formula(relationship: Relationship) -> None:
    for ga, gb in itertools.product(GENOTYPES, repeat=2):
        result = relationship_lr(relationship, {"M": ga}, {"M": gb}, TABLE)
        assert result.lr_total == pytest.approx(ibd_lr(KAPPA[relationship], ga, gb), rel=1e-12)


def test_paternity_index_hand_formulas() -> None:
    pa, pb = P["a"], P["b"]

    def pi(father: Genotype, child: Genotype) -> float:
        return paternity_lr({"M": father}, {"M": child}, TABLE).lr_total

    assert pi(("a", "a"), ("a", "b")) == pytest.approx(1 / (2 * pa), rel=1e-14)
    assert pi(("a", "a"), ("a", "a")) == pytest.approx(1 / pa, rel=1e-14)
    assert pi(("a", "b"), ("a", "a")) == pytest.approx(1 / (2 * pa), rel=1e-14)
    assert pi(("a", "b"), ("a", "c")) == pytest.approx(1 / (4 * pa), rel=1e-14)
    assert pi(("a", "b"), ("a", "b")) == pytest.approx((pa + pb) / (4 * pa * pb), rel=1e-14)
    assert pi(("a", "b"), ("c", "d")) == 0.0


def test_other_index_hand_formulas() -> None:
    pa, pb = P["a"], P["b"]
    a_b, a_a = {"M": ("a", "b")}, {"M": ("a", "a")}
    assert sibling_lr(a_a, a_a, TABLE).lr_total == pytest.approx(
        (1 + pa) ** 2 / (4 * pa**2), rel=1e-14
    )
    assert sibling_lr(a_b, a_b, TABLE).lr_total == pytest.approx(
        (1 + pa + pb + 2 * pa * pb) / (8 * pa * pb), rel=1e-14
    )
    for index in (half_sibling_lr, grandparent_lr, avuncular_lr):
        assert index(a_a, a_b, TABLE).lr_total == pytest.approx((1 + 1 / (2 * pa)) / 2)


def test_total_is_the_product_over_markers_and_untyped_markers_give_one() -> None:
    table = FrequencyTable(
        {"M": make_marker("M", P), "N": make_marker("N", {"1": 0.5, "2": 0.25, "3": 0.25})}
    )
    result = paternity_lr(
        {"M": ("a", "a"), "N": ("2", "3")}, {"M": ("a", "b"), "N": (None, None)}, table
    )
    assert [m.marker for m in result.markers] == ["M", "N"]
    assert result.markers[1].lr == 1.0
    assert result.lr_total == pytest.approx(5.0, rel=1e-14)
    assert result.log10_lr_total == pytest.approx(math.log10(5.0), rel=1e-14)


def test_exclusion_without_mutation_and_mutation_explains_it() -> None:
    father, child = {"M": ("a", "a")}, {"M": ("b", "b")}
    excluded = paternity_lr(father, child, TABLE)
    assert excluded.lr_total == 0.0
    assert excluded.log10_lr_total is None
    rate = 0.003
    model = MutationModel.both(MutationSpec("equal", rate=rate))
    explained = paternity_lr(father, child, TABLE, model)
    # The father's a mutates to b (rate / 3); the untyped mother's allele x is drawn with p_x
    # and may mutate too, so she passes b with q_b = p_b (1 - rate) + (1 - p_b) rate / 3.
    pb = P["b"]
    q_b = pb * (1 - rate) + (1 - pb) * rate / 3
    assert explained.lr_total == pytest.approx(rate / 3 * q_b / pb**2, rel=1e-12)
    male_only = MutationModel(male=MutationSpec("equal", rate=rate))
    assert paternity_lr(father, child, TABLE, male_only).lr_total == pytest.approx(
        rate / 3 / pb, rel=1e-12
    )
    female_only = MutationModel(female=MutationSpec("equal", rate=rate))
    assert paternity_lr(father, child, TABLE, female_only).lr_total == 0.0


def test_stepwise_mutation_of_one_step_explains_a_paternity_inconsistency() -> None:
    m = make_marker("S", {"9": 0.2, "10": 0.3, "11": 0.4, "11.3": 0.1})
    table = FrequencyTable({"S": m})
    spec = MutationSpec("stepwise", rate=0.002, rate2=1e-6, range=0.1)
    model = MutationModel(male=spec)
    result = paternity_lr({"S": ("9", "9")}, {"S": ("10", "10")}, table, model)
    # Integer group {9, 10, 11}: weights 0.1 (one step) and 0.01 (two steps) share rate.
    m_9_10 = 0.002 * 0.1 / 0.11
    assert result.lr_total == pytest.approx(m_9_10 / 0.3, rel=1e-12)


def paternity_data(child_sex: int, father: Genotype, child: Genotype) -> tuple[PedigreeData, ...]:
    related = build_pedigree(
        ["F", "MO", "C"], [None, None, "F"], [None, None, "MO"], [1, 2, child_sex]
    )
    unrelated = singletons(["F", "C"], [1, child_sex])
    typing = {"X": {"F": father, "C": child}}
    return PedigreeData(related, ("X",), typing), PedigreeData(unrelated, ("X",), typing)


def test_x_linked_father_daughter_and_father_son() -> None:
    table = FrequencyTable({"X": make_marker("X", P, xlinked=True)})
    h1, h2 = paternity_data(2, ("a", "a"), ("a", "b"))
    assert likelihood_ratio(h1, h2, table).lr_total == pytest.approx(1 / (2 * P["a"]))
    h1, h2 = paternity_data(2, ("a", "a"), ("a", "a"))
    assert likelihood_ratio(h1, h2, table).lr_total == pytest.approx(1 / P["a"])
    h1, h2 = paternity_data(2, ("a", "a"), ("b", "c"))
    assert likelihood_ratio(h1, h2, table).lr_total == 0.0
    # A father gives his son no X: the son's genotype says nothing about paternity.
    h1, h2 = paternity_data(1, ("a", "a"), ("b", "b"))
    assert likelihood_ratio(h1, h2, table).lr_total == pytest.approx(1.0)


def test_x_linked_sisters_share_the_fathers_allele() -> None:
    table = FrequencyTable({"X": make_marker("X", P, xlinked=True)})
    sisters = build_pedigree(
        ["F", "MO", "A", "B"], [None, None, "F", "F"], [None, None, "MO", "MO"], [1, 2, 2, 2]
    )
    typing = {"X": {"A": ("a", "a"), "B": ("a", "a")}}
    h1 = PedigreeData(sisters, ("X",), typing)
    h2 = PedigreeData(singletons(["A", "B"], [2, 2]), ("X",), typing)
    # X-linked full sisters: k0 = 0, k1 = 1/2, k2 = 1/2 (the paternal X is always shared).
    pa = P["a"]
    expected = 0.5 * (pa**3) / pa**4 + 0.5 * pa**2 / pa**4
    assert likelihood_ratio(h1, h2, table).lr_total == pytest.approx(expected, rel=1e-12)


def test_theta_paternity_index_balding_nichols() -> None:
    theta = 0.03
    pa = P["a"]
    father, child = {"M": ("a", "a")}, {"M": ("a", "b")}
    h1 = relationship_lr(Relationship.PARENT_CHILD, father, child, TABLE, theta=theta)
    # pedprobr: each component of a hypothesis draws its founder alleles on its own.
    assert h1.lr_total == pytest.approx(1 / (2 * pa * (1 + theta)), rel=1e-12)
    shared = relationship_lr(
        Relationship.PARENT_CHILD, father, child, TABLE, theta=theta, theta_scope="all"
    )
    # All founders of a hypothesis share the draws (NRC II 4.10): (1 + 2θ) / 2(2θ + (1 - θ) p).
    assert shared.lr_total == pytest.approx(
        (1 + 2 * theta) / (2 * (2 * theta + (1 - theta) * pa)), rel=1e-12
    )


def test_direct_match() -> None:
    ref, same = {"M": ("a", "b")}, {"M": ("b", "a")}
    assert direct_match_lr(ref, same, TABLE).lr_total == pytest.approx(1 / (2 * 0.1 * 0.2))
    assert direct_match_lr(ref, {"M": ("a", "c")}, TABLE).lr_total == 0.0
    half = direct_match_lr(ref, {"M": ("a", None)}, TABLE)
    assert half.lr_total == pytest.approx(1 / (1 - 0.9**2), rel=1e-12)


def test_inconsistent_under_both_hypotheses_names_the_marker() -> None:
    fam = build_pedigree(["F", "MO", "C"], [None, None, "F"], [None, None, "MO"], [1, 2, 1])
    typing = {"M": {"F": ("a", "a"), "MO": ("a", "a"), "C": ("b", "b")}}
    h1 = PedigreeData(fam, ("M",), typing)
    with pytest.raises(MendelianInconsistency, match="marker M"):
        likelihood_ratio(h1, h1, TABLE, sources=("h1.ped", "h2.ped"))


def test_typed_person_missing_from_one_hypothesis_is_named() -> None:
    fam = build_pedigree(["F", "MO", "C"], [None, None, "F"], [None, None, "MO"], [1, 2, 1])
    h1 = PedigreeData(fam, ("M",), {"M": {"F": ("a", "a"), "C": ("a", "b")}}, {"C": 4})
    h2 = PedigreeData(singletons(["F", "C"], [1, 1]), ("M",), {"M": {"F": ("a", "a")}})
    with pytest.raises(PedigreeError) as error:
        likelihood_ratio(h1, h2, TABLE, sources=("h1.ped", "h2.ped"))
    assert error.value.problems == ("h1.ped:4: person C: marker M: typed here but not in h2.ped",)


def test_per_marker_mutation_models() -> None:
    table = FrequencyTable({"M": make_marker("M", P), "N": make_marker("N", P)})
    father = {"M": ("a", "a"), "N": ("a", "a")}
    child = {"M": ("b", "b"), "N": ("b", "b")}
    h1 = relationship_lr(Relationship.PARENT_CHILD, father, child, table)
    assert h1.lr_total == 0.0
    related = build_pedigree(["A", "MO", "B"], [None, None, "A"], [None, None, "MO"], [1, 2, 1])
    typing = {m: {"A": father[m], "B": child[m]} for m in ("M", "N")}
    data1 = PedigreeData(related, ("M", "N"), typing)
    data2 = PedigreeData(singletons(["A", "B"], [1, 1]), ("M", "N"), typing)
    models = {
        "M": MutationModel(male=MutationSpec("equal", rate=0.01)),
        "N": MutationModel(male=MutationSpec("equal", rate=0.02)),
    }
    result = likelihood_ratio(data1, data2, table, models)
    assert [m.lr for m in result.markers] == pytest.approx(
        [0.01 / 3 / P["b"], 0.02 / 3 / P["b"]], rel=1e-12
    )
