"""Gene dropping: founder frequencies, Mendelian children, and agreement with the likelihood."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kintrace.errors import PedigreeError
from kintrace.kinship.genotypes import Genotype
from kintrace.kinship.likelihood import marker_likelihood
from kintrace.kinship.markers import FrequencyTable, Marker, make_marker
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.pedigree import build_pedigree
from kintrace.kinship.simulate import simulate_alleles, simulate_data, simulate_genotypes

AUTO = make_marker("A", {"9": 0.1, "9.3": 0.2, "10": 0.3, "11": 0.4})
XM = make_marker("X", {"12": 0.25, "13": 0.75}, xlinked=True)
TABLE = FrequencyTable({"A": AUTO, "X": XM})
# Grandparents, their son and daughter, the daughter's husband, and two grandchildren.
PED = build_pedigree(
    ["GF", "GM", "SON", "DAU", "HUS", "GS", "GD"],
    [None, None, "GF", "GF", None, "HUS", "HUS"],
    [None, None, "GM", "GM", None, "DAU", "DAU"],
    [1, 2, 1, 2, 1, 1, 2],
)
FOUNDERS = [PED.index(p) for p in ("GF", "GM", "HUS")]


def test_founder_and_descendant_alleles_follow_the_frequency_table() -> None:
    n = 20_000
    sims = simulate_alleles(PED, AUTO, n, seed=7)
    for people in (FOUNDERS, [PED.index("GS"), PED.index("GD")]):
        alleles = sims[:, people, :].ravel()
        observed = np.bincount(alleles, minlength=AUTO.n_alleles) / alleles.size
        sigma = np.sqrt(AUTO.freqs * (1 - AUTO.freqs) / alleles.size)
        assert np.all(np.abs(observed - AUTO.freqs) < 5 * sigma * np.sqrt(2))


def test_children_are_mendelian_without_mutation() -> None:
    sims = simulate_alleles(PED, AUTO, 5_000, seed=3)
    for child in ("SON", "DAU", "GS", "GD"):
        i = PED.index(child)
        for side, parent in ((0, PED.father[i]), (1, PED.mother[i])):
            got = sims[:, i, side]
            assert np.all((got == sims[:, parent, 0]) | (got == sims[:, parent, 1]))


def test_x_linked_inheritance_without_mutation() -> None:
    sims = simulate_alleles(PED, XM, 5_000, seed=4)
    males = [i for i in range(PED.size) if PED.sex[i] == 1]
    for i in males:
        assert np.array_equal(sims[:, i, 0], sims[:, i, 1])
    son, dau, gd = PED.index("SON"), PED.index("DAU"), PED.index("GD")
    gm, gf, hus = PED.index("GM"), PED.index("GF"), PED.index("HUS")
    assert np.all((sims[:, son, 1] == sims[:, gm, 0]) | (sims[:, son, 1] == sims[:, gm, 1]))
    assert np.array_equal(sims[:, dau, 0], sims[:, gf, 1])  # father to daughter, always
    assert np.array_equal(sims[:, gd, 0], sims[:, hus, 1])


@pytest.mark.parametrize("marker", [AUTO, XM])
@pytest.mark.parametrize(
    "mutation",
    [
        MutationModel(),
        MutationModel(
            female=MutationSpec("equal", rate=0.2),
            male=MutationSpec("stepwise", rate=0.3, rate2=0.05, range=0.5),
        ),
    ],
)
def test_joint_genotype_frequencies_match_the_exact_likelihood(
    marker: Marker, mutation: MutationModel
) -> None:
    """P(GF, DAU, GS genotypes) from simulation against marker_likelihood, cell by cell."""
    m = marker
    n = 40_000
    data = simulate_data(PED, TABLE, n, seed=11, markers=[m.name], mutation=mutation)
    persons = ("GF", "DAU", "GS")
    counts: dict[tuple[Genotype, ...], int] = {}
    for d in data:
        key = tuple(d.genotype(m.name, p) for p in persons)
        counts[key] = counts.get(key, 0) + 1
    pairs = [
        (m.alleles[a], m.alleles[b])
        for a, b in itertools.combinations_with_replacement(range(2), 2)
    ]
    checked = 0
    for key in itertools.product(pairs, repeat=3):
        if m.xlinked and any(
            PED.sex[PED.index(p)] == 1 and g[0] != g[1] for p, g in zip(persons, key, strict=True)
        ):
            continue
        expected = marker_likelihood(PED, m, dict(zip(persons, key, strict=True)), mutation)
        observed = counts.get(key, 0) / n
        sigma = np.sqrt(max(expected, 1.0 / n) * (1 - expected) / n)
        assert abs(observed - expected) < 5 * sigma, (key, observed, expected)
        checked += 1
    assert checked >= 8


def test_simulation_is_reproducible_from_the_seed() -> None:
    a = simulate_genotypes(PED, TABLE, seed=5)
    b = simulate_genotypes(PED, TABLE, seed=5)
    assert a == b
    many = [simulate_genotypes(PED, TABLE, seed=s) for s in range(6)]
    assert any(g != a for g in many)
    assert set(a) == {"A", "X"}
    assert set(a["A"]) == set(PED.ids)
    generator = np.random.default_rng(9)
    sets = simulate_data(PED, TABLE, 3, seed=generator, typed=["GS"])
    assert [set(d.typed_persons()) for d in sets] == [{"GS"}] * 3


def test_unknown_sex_at_an_x_marker_is_an_error() -> None:
    ped = build_pedigree(["a"], [None], [None], [0])
    with pytest.raises(PedigreeError, match="person a: sex unknown"):
        simulate_alleles(ped, XM, 3)
