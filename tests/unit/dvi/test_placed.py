"""Placement likelihoods with typed persons as phase variables equal brute force and peeling.

:func:`kintrace.dvi.placed.placed_log10_likelihoods` scores many placements of remains on one
family at once. Checked on random pedigrees (loops, one known parent, several generations),
random typing (full, one allele, untyped, typed at some markers only), mutation models (none,
equal, different for the two sexes, stepwise, which cannot be lumped) against the textbook sum
over every genotype of every person (:func:`kintrace.kinship.bruteforce.brute_force_likelihood`)
and against the kinship engine's peeling on larger ones.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from kintrace.dvi import placed as placed_module
from kintrace.dvi.data import with_victim
from kintrace.dvi.likelihoods import family_log10_likelihood, placed_log10_lrs
from kintrace.dvi.pairwise import _table_pairwise, has_mutation, pairwise_with_likelihoods
from kintrace.dvi.pairwise_direct import direct_rows
from kintrace.dvi.placed import (
    placed_log10_likelihoods,
    placed_marker_log10_likelihoods,
    placed_marker_log10_likelihoods_under,
)
from kintrace.errors import MendelianInconsistency
from kintrace.kinship.bruteforce import brute_force_likelihood
from kintrace.kinship.genotypes import Genotype, PedigreeData, is_typed
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel, parse_mutation_spec
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import build_pedigree


def _mutation(rng: random.Random) -> MutationModel:
    kind = rng.choice(["none", "equal", "sexes", "stepwise"])
    if kind == "none":
        return NO_MUTATION
    if kind == "equal":
        return MutationModel.both(parse_mutation_spec("equal:rate=0.05"))
    if kind == "sexes":
        return MutationModel(
            female=parse_mutation_spec("equal:rate=0.02"),
            male=parse_mutation_spec("proportional:rate=0.1"),
        )
    return MutationModel.both(parse_mutation_spec("stepwise:rate=0.05,rate2=0.001,range=0.1"))


def _random_family(
    rng: random.Random, size: int, n_alleles: int, n_markers: int
) -> tuple[Family, FrequencyTable, list[Profile]]:
    """A random pedigree (sometimes with a loop or a single known parent), typing and bodies."""
    alleles = [str(10 + k) for k in range(n_alleles)]
    table = FrequencyTable(
        {
            f"L{k}": make_marker(f"L{k}", dict(zip(alleles, _weights(rng, n_alleles), strict=True)))
            for k in range(n_markers)
        }
    )
    ids: list[str] = []
    fathers: list[str | None] = []
    mothers: list[str | None] = []
    sexes: list[int] = []
    for i in range(size):
        males = [p for p, s in zip(ids, sexes, strict=True) if s == 1]
        females = [p for p, s in zip(ids, sexes, strict=True) if s == 2]
        roll = rng.random()
        if i >= 2 and males and females and roll < 0.75:
            fathers.append(rng.choice(males))
            mothers.append(rng.choice(females))
        elif i >= 1 and females and roll < 0.85:
            fathers.append(None)
            mothers.append(rng.choice(females))
        else:
            fathers.append(None)
            mothers.append(None)
        ids.append(f"P{i}")
        sexes.append(rng.choice([1, 2]))
    ped = build_pedigree(ids, fathers, mothers, sexes)
    missing = tuple(rng.sample(ids, rng.randint(1, min(4, size - 1))))

    def genotype() -> Genotype:
        roll = rng.random()
        a, b = rng.choice(alleles), rng.choice(alleles)
        if roll < 0.12:
            return (a, None)
        if roll < 0.2:
            return (None, None)
        return (a, b)

    typing: dict[str, dict[str, Genotype]] = {m: {} for m in table.names}
    for pid in ids:
        if pid in missing or rng.random() < 0.4:
            continue
        for m in table.names:
            typing[m][pid] = genotype()
    family = Family("F", PedigreeData(ped, tuple(table.names), typing), missing)
    bodies = [
        Profile(f"V{v}", 1, {m: genotype() for m in table.names}) for v in range(len(missing) + 1)
    ]
    return family, table, bodies


def _weights(rng: random.Random, n: int) -> list[float]:
    w = [rng.uniform(0.2, 1.0) for _ in range(n)]
    return [x / sum(w) for x in w]


def _placements(
    rng: random.Random, family: Family, bodies: list[Profile], count: int
) -> list[dict[str, Profile]]:
    out: list[dict[str, Profile]] = [{}]
    for _ in range(count):
        persons = rng.sample(family.missing, rng.randint(1, len(family.missing)))
        used = rng.sample(bodies, len(persons))
        out.append(dict(zip(persons, used, strict=True)))
    return out


def _oracle(family: Family, table: FrequencyTable, mutation: MutationModel) -> float:
    total = 0.0
    for name in family.data.markers:
        genotypes = {p: g for p, g in family.data.typing.get(name, {}).items() if is_typed(g)}
        value = brute_force_likelihood(family.data.pedigree, table[name], genotypes, mutation)
        if value <= 0.0:
            return -math.inf
        total += math.log10(value)
    return total


def _joined(family: Family, placed: dict[str, Profile]) -> Family:
    for missing, profile in placed.items():
        family = with_victim(family, missing, profile)
    return family


def _close(a: float, b: float) -> bool:
    return (a == b == -math.inf) or abs(a - b) <= 1e-9 * max(1.0, abs(b))


@pytest.mark.parametrize("seed", range(40))
def test_placements_equal_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    family, table, bodies = _random_family(rng, rng.randint(3, 5), rng.choice([2, 3]), 2)
    mutation = _mutation(rng)
    placements = _placements(rng, family, bodies, 6)
    got, xlinked = placed_log10_likelihoods(family, placements, table, mutation)
    assert xlinked == []
    for placed, value in zip(placements, got, strict=True):
        expected = _oracle(_joined(family, placed), table, mutation)
        assert _close(float(value), expected), (placed.keys(), value, expected)


@pytest.mark.parametrize("seed", range(25))
def test_placements_equal_peeling_on_larger_families(seed: int) -> None:
    """Eight to fourteen persons, six to nine alleles: the kinship engine's exact peeling."""
    rng = random.Random(1000 + seed)
    family, table, bodies = _random_family(rng, rng.randint(8, 14), rng.randint(6, 9), 3)
    mutation = _mutation(rng)
    placements = _placements(rng, family, bodies, 12)
    got, _ = placed_log10_likelihoods(family, placements, table, mutation)
    for placed, value in zip(placements, got, strict=True):
        expected = family_log10_likelihood(_joined(family, placed), table, mutation)
        assert _close(float(value), expected), (placed.keys(), value, expected)


def test_the_grave_of_three_sons_and_five_grandsons() -> None:
    """The bench's grave: grandmother, wives and a granddaughter typed, eight missing; every
    placement of up to four bodies equals the kinship engine's peeling, and the LRs
    (:func:`placed_log10_lrs`) are the likelihood ratios of those numbers."""
    rng = random.Random(5)
    persons = [
        ("GF", None, None, 1), ("GM", None, None, 2), ("S1", "GF", "GM", 1),
        ("S2", "GF", "GM", 1), ("S3", "GF", "GM", 1), ("W1", None, None, 2),
        ("W2", None, None, 2), ("W3", None, None, 2), ("C1", "S1", "W1", 1),
        ("C2", "S1", "W1", 1), ("C3", "S2", "W2", 1), ("C4", "S2", "W2", 1),
        ("C5", "S3", "W3", 1), ("D3", "S3", "W3", 2),
    ]  # fmt: skip
    ped = build_pedigree(*(list(x) for x in zip(*persons, strict=True)))  # type: ignore[arg-type]
    alleles = [str(k) for k in range(7, 16)]
    table = FrequencyTable(
        {
            f"L{k}": make_marker(f"L{k}", dict(zip(alleles, _weights(rng, 9), strict=True)))
            for k in range(2)
        }
    )
    typing: dict[str, dict[str, Genotype]] = {
        m: {p: (rng.choice(alleles), rng.choice(alleles)) for p in ("GM", "W1", "W2", "W3", "D3")}
        for m in table.names
    }
    missing = ("S1", "S2", "S3", "C1", "C2", "C3", "C4", "C5")
    family = Family("G", PedigreeData(ped, tuple(table.names), typing), missing)
    bodies = [
        Profile(f"V{v}", 1, {m: (rng.choice(alleles), rng.choice(alleles)) for m in table.names})
        for v in range(4)
    ]
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.01"))
    placements = [
        dict(zip(rng.sample(missing, k), bodies[:k], strict=True)) for k in (1, 2, 2, 3, 3, 4, 4, 4)
    ]
    got, _ = placed_log10_likelihoods(family, placements, table, mutation)
    base = family_log10_likelihood(family, table, mutation)
    lrs = placed_log10_lrs(family, placements, table, mutation, base=base)
    for placed, value, lr in zip(placements, got, lrs, strict=True):
        expected = family_log10_likelihood(_joined(family, placed), table, mutation)
        assert _close(float(value), expected)
        own = sum(
            math.log10(
                table[m].freqs[table[m].index(p.genotypes[m][0])]
                * table[m].freqs[table[m].index(p.genotypes[m][1])]
                * (1 if p.genotypes[m][0] == p.genotypes[m][1] else 2)
            )
            for p in placed.values()
            for m in table.names
        )
        assert lr == pytest.approx(expected - base - own, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_markers_of_different_sizes_peeled_apart_equal_peeling(seed: int) -> None:
    """Markers of 2 to 12 alleles, many placements: the items are peeled in runs padded to
    different allele counts (:func:`kintrace.dvi.placed._by_width`); every likelihood equals
    the kinship engine's peeling of that placement, marker by marker."""
    rng = random.Random(300 + seed)
    family, _, _ = _random_family(rng, 9, 3, 1)
    sizes = [2, 3, 4, 6, 9, 12]
    table = FrequencyTable(
        {
            f"L{n}": make_marker(
                f"L{n}", dict(zip([str(k) for k in range(n)], _weights(rng, n), strict=True))
            )
            for n in sizes
        }
    )

    def genotype(name: str) -> Genotype:
        alleles = table[name].alleles
        return (rng.choice(alleles), rng.choice(alleles))

    typing = {
        m: {p: genotype(m) for p in family.data.typing[family.data.markers[0]]} for m in table.names
    }
    family = Family("F", PedigreeData(family.data.pedigree, tuple(table.names), typing),
                    family.missing)  # fmt: skip
    bodies = [
        Profile(f"V{v}", 1, {m: genotype(m) for m in table.names})
        for v in range(len(family.missing) + 2)
    ]
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.05"))
    placements = _placements(rng, family, bodies, 60)
    got, _ = placed_log10_likelihoods(family, placements, table, mutation)
    for placed, value in zip(placements, got, strict=True):
        expected = family_log10_likelihood(_joined(family, placed), table, mutation)
        assert _close(float(value), expected), (placed.keys(), value, expected)


@pytest.mark.parametrize("seed", range(12))
def test_several_mutation_models_at_once_equal_one_at_a_time(seed: int) -> None:
    """The items of several models peeled in the same batches: each model's likelihoods are
    those of a call with that model alone (a stepwise model, which cannot be lumped, beside
    lumped ones included)."""
    rng = random.Random(700 + seed)
    family, table, bodies = _random_family(rng, rng.randint(6, 11), rng.randint(3, 8), 3)
    placements = _placements(rng, family, bodies, 10)
    models = (_mutation(rng), NO_MUTATION, _mutation(rng))
    together, names, _ = placed_marker_log10_likelihoods_under(family, placements, table, models)
    assert together.shape == (3, len(placements), len(names))
    for k, mutation in enumerate(models):
        alone, _, _ = placed_marker_log10_likelihoods(family, placements, table, mutation)
        assert np.array_equal(np.isneginf(together[k]), np.isneginf(alone))
        finite = np.isfinite(alone)
        np.testing.assert_allclose(together[k][finite], alone[finite], rtol=1e-12, atol=1e-12)


def test_incompatible_placement_scores_minus_infinity() -> None:
    """A son who shares no allele with his typed mother (no mutation): likelihood 0."""
    ped = build_pedigree(["MO", "SON"], [None, None], [None, "MO"], [2, 1])
    table = FrequencyTable({"L": make_marker("L", {"1": 0.2, "2": 0.3, "3": 0.5})})
    family = Family("F", PedigreeData(ped, ("L",), {"L": {"MO": ("1", "1")}}), ("SON",))
    bodies = [Profile("A", 1, {"L": ("2", "3")}), Profile("B", 1, {"L": ("1", "3")})]
    got, _ = placed_log10_likelihoods(family, [{"SON": b} for b in bodies], table, NO_MUTATION)
    assert got[0] == -math.inf
    assert got[1] == pytest.approx(math.log10(0.2 * 0.2 * 0.5))  # p1² (mother) · p3 (father)
    assert np.isfinite(got[1])


@pytest.mark.parametrize("seed", range(30))
def test_pairwise_rows_scored_pair_by_pair_equal_the_tables(seed: int) -> None:
    """A family of its own shape is scored pair by pair (:mod:`kintrace.dvi.pairwise_direct`):
    LRs, incompatible markers (counted without mutation), informative persons and ``L(F)``
    equal the familial-search tables'."""
    rng = random.Random(2000 + seed)
    family, table, bodies = _random_family(rng, rng.randint(3, 8), rng.randint(2, 6), 3)
    bodies = [Profile(b.id, rng.choice([0, 1, 2]), b.genotypes) for b in bodies]
    mutation = _mutation(rng)
    try:
        expected, expected_family = _table_pairwise([family], bodies, table, mutation)
    except MendelianInconsistency:
        with pytest.raises(MendelianInconsistency):
            pairwise_with_likelihoods([family], bodies, table, mutation)
        return
    got, got_family = pairwise_with_likelihoods([family], bodies, table, mutation)
    assert direct_rows(family, bodies, table, mutation, mutation_used=has_mutation(mutation))
    np.testing.assert_allclose(got.log10_lr, expected.log10_lr, rtol=0, atol=1e-9)
    pairs = got.considered  # incompatible markers are read for sex-consistent pairs only
    assert got.incompatible[pairs].tolist() == expected.incompatible[pairs].tolist()
    considered = pairs.any(axis=1)
    assert got.identifiable[considered].tolist() == expected.identifiable[considered].tolist()
    assert got_family["F"] == pytest.approx(expected_family["F"], abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_items_alike_are_peeled_once_with_the_same_scores(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Placements repeated, and bodies with one genotype at some markers, make items alike
    (same marker, same alleles of every person): each is peeled once and every copy gets its
    score, the same as when every item is peeled (1e-12 relative, the same -inf)."""
    rng = random.Random(500 + seed)
    family, table, bodies = _random_family(rng, rng.randint(6, 10), rng.choice([2, 3, 6]), 3)
    twin = Profile("T", bodies[0].sex, dict(bodies[0].genotypes))
    bodies = [*bodies, twin]
    placements = _placements(rng, family, bodies, 10)
    placements += placements[:4] + [{p: twin} for p in family.missing]
    mutation = _mutation(rng)
    distinct = []
    original = placed_module._distinct_items

    def spy(flat_alleles: np.ndarray, n_markers: int) -> tuple[np.ndarray, np.ndarray]:
        first, inverse = original(flat_alleles, n_markers)
        distinct.append((len(first), len(inverse)))
        keys = np.concatenate(
            [
                flat_alleles.reshape(len(inverse), -1),
                (np.arange(len(inverse)) % n_markers)[:, None],
            ],
            axis=1,
        )
        assert np.array_equal(keys[first[inverse]], keys)  # a representative is alike
        return first, inverse

    monkeypatch.setattr(placed_module, "_distinct_items", spy)
    got, _ = placed_marker_log10_likelihoods(family, placements, table, mutation)[:2]
    assert distinct and all(d < n for d, n in distinct)
    monkeypatch.setattr(
        placed_module,
        "_distinct_items",
        lambda flat, k: (np.arange(len(flat)), np.arange(len(flat))),
    )
    want, _ = placed_marker_log10_likelihoods(family, placements, table, mutation)[:2]
    assert np.array_equal(np.isneginf(got), np.isneginf(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12, atol=1e-12)


def _min_weight_plan_every_cost(
    scopes: list[tuple[int, ...]], sizes: dict[int, int]
) -> tuple[tuple[tuple[tuple[int, ...], tuple[int, ...]], ...], int]:
    """The greedy plan with every variable's cost computed again at every step (the first
    version of ``placed._min_weight_plan``)."""
    active: dict[int, tuple[int, ...]] = dict(enumerate(scopes))
    next_id = len(active)
    by_var: dict[int, set[int]] = {}
    for fid, scope in active.items():
        for v in scope:
            by_var.setdefault(v, set()).add(fid)
    pending = set(by_var)
    steps = []
    largest = 1

    def cost(v: int) -> tuple[int, int]:
        union = {u for fid in by_var[v] for u in active[fid]}
        return math.prod(sizes[u] for u in union), v

    while pending:
        var = min(pending, key=cost)
        largest = max(largest, cost(var)[0])
        pending.remove(var)
        fids = tuple(sorted(by_var.pop(var)))
        union = {u for fid in fids for u in active.pop(fid)}
        out = tuple(sorted(union - {var}))
        for u in out:
            by_var[u] -= set(fids)
            by_var[u].add(next_id)
        active[next_id] = out
        steps.append((fids, out))
        next_id += 1
    return tuple(steps), largest


@pytest.mark.parametrize("seed", range(30))
def test_min_weight_plan_computing_changed_costs_only_is_the_same_plan(seed: int) -> None:
    rng = random.Random(seed)
    variables = list(range(rng.randint(2, 30)))
    sizes = {v: rng.choice([2, 2, 3, 5, 10]) for v in variables}
    scopes = [
        tuple(sorted(rng.sample(variables, rng.randint(1, min(4, len(variables))))))
        for _ in range(rng.randint(1, 40))
    ]
    assert placed_module._min_weight_plan(scopes, sizes) == _min_weight_plan_every_cost(
        scopes, sizes
    )


def test_the_grave_patterns_plans_are_the_same() -> None:
    ped = build_pedigree(
        ["GF", "GM", "S1", "S2", "W1", "C1", "C2", "C3"],
        [None, None, "GF", "GF", None, "S1", "S1", "S2"],
        [None, None, "GM", "GM", None, "W1", "W1", None],
        [1, 2, 1, 1, 2, 1, 1, 1],
    )  # fmt: skip
    for bits in range(1 << ped.size):
        key = tuple(
            placed_module.PHASED if bits >> i & 1 else placed_module.UNTYPED
            for i in range(ped.size)
        )
        scopes = placed_module._scopes(ped.father, ped.mother, key)
        sizes = placed_module._domains(key, 7)
        assert placed_module._min_weight_plan(scopes, sizes) == _min_weight_plan_every_cost(
            scopes, sizes
        )
