"""Pairwise probabilities put together: each pair's probability given the pairs around it."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.linkage.joint import (
    MAX_ODDS,
    Neighbourhood,
    joint_probabilities,
    neighbourhoods,
    odds,
    partitions,
    together,
    triangle_correction,
    triangle_corrections,
    triangles,
)


def _odds_matrix(size: int, values: dict[tuple[int, int], float]) -> list[list[float]]:
    matrix = [[0.0] * size for _ in range(size)]
    for (i, j), value in values.items():
        matrix[i][j] = matrix[j][i] = value
    return matrix


def test_a_record_with_two_namesakes_that_are_two_men_gets_neither_at_pairwise_odds() -> None:
    # the request (0) scores 0.6 with each list entry; the entries are two men (odds 0):
    # P(0~1) = o / (1 + o + o) with o = 1.5, by hand 1.5 / 4
    pairwise = {(0, 1): 0.6, (0, 2): 0.6}
    hoods = neighbourhoods(pairwise)
    joint = joint_probabilities(pairwise, hoods, pairwise)
    assert joint[(0, 1)] == pytest.approx(0.375)
    assert joint[(0, 2)] == pytest.approx(0.375)


def test_a_weaker_rival_lowers_a_strong_pair_only_a_little() -> None:
    pairwise = {(0, 1): 0.99, (0, 2): 0.6}
    joint = joint_probabilities(pairwise, neighbourhoods(pairwise), pairwise)
    o1, o2 = 99.0, 1.5
    assert joint[(0, 1)] == pytest.approx(o1 / (1 + o1 + o2))
    assert joint[(0, 2)] == pytest.approx(o2 / (1 + o1 + o2))


def test_three_records_that_all_agree_stay_together() -> None:
    # a request written twice and one list entry: every pair is likely, none is a rival
    o = {(0, 1): 9.0, (0, 2): 4.0, (1, 2): 4.0}
    joined = together(_odds_matrix(3, o))
    all_three = o[(0, 1)] * o[(0, 2)] * o[(1, 2)]
    total = 1 + sum(o.values()) + all_three
    assert joined[0][1] == pytest.approx((o[(0, 1)] + all_three) / total)
    assert joined[1][2] == pytest.approx((o[(1, 2)] + all_three) / total)
    assert joined[0][1] > 0.9


def test_a_pair_without_rivals_keeps_its_pairwise_probability() -> None:
    pairwise = {(0, 1): 0.7, (2, 3): 0.55, (4, 5): 0.02}
    assert neighbourhoods(pairwise) == []
    assert joint_probabilities(pairwise, [], pairwise) == pairwise


def test_pairs_below_the_edge_do_not_make_rivals_but_count_inside_a_neighbourhood() -> None:
    # 0–2 is scored 0.03: below the edge, so 0–1 alone is no neighbourhood
    assert neighbourhoods({(0, 1): 0.8, (0, 2): 0.03}, edge=0.05) == []
    pairwise = {(0, 1): 0.8, (0, 2): 0.6, (1, 2): 0.03}
    (hood,) = neighbourhoods(pairwise, edge=0.05)
    assert hood.members == (0, 1, 2)
    assert hood.asks == ((0, 1), (0, 2))
    joint = joint_probabilities(pairwise, [hood], pairwise)
    # 1 and 2 being one person is possible (odds 0.03/0.97), so it is not quite o/(1+o1+o2)
    assert joint[(0, 1)] > 4.0 / (1 + 4.0 + 1.5)


def test_a_large_component_is_counted_pair_by_pair_over_the_strongest_neighbours() -> None:
    # a chain of 12 records: one component, too large to count whole
    pairwise = {(i, i + 1): 0.6 for i in range(11)}
    hoods = neighbourhoods(pairwise, exact_limit=9, local_limit=4)
    assert len(hoods) == 11
    for hood in hoods:
        (pair,) = hood.asks
        assert set(pair) <= set(hood.members)
        assert len(hood.members) <= 4
    assert hoods[5] == Neighbourhood((4, 5, 6, 7), ((5, 6),))


def test_certain_pairs_give_finite_probabilities() -> None:
    size = 9
    joined = together([[MAX_ODDS] * size for _ in range(size)])
    assert all(math.isfinite(x) for row in joined for x in row)
    assert joined[0][8] == pytest.approx(1.0)
    assert odds(1.0) == MAX_ODDS
    assert odds(0.0) == 0.0


def _set_partitions(size: int) -> list[list[int]]:
    """Every partition of range(size) as block labels, canonical (first-use order)."""
    seen = set()
    for labels in product(range(size), repeat=size):
        relabel: dict[int, int] = {}
        canonical = tuple(relabel.setdefault(label, len(relabel)) for label in labels)
        seen.add(canonical)
    return [list(p) for p in sorted(seen)]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda size: st.tuples(
            st.just(size),
            st.lists(
                st.sampled_from([0.0, 0.01, 0.2, 0.5, 0.8, 0.99]),
                min_size=size * (size - 1) // 2,
                max_size=size * (size - 1) // 2,
            ),
        )
    )
)
def test_the_count_agrees_with_brute_force_over_every_partition(
    case: tuple[int, list[float]],
) -> None:
    size, probabilities = case
    pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]
    o = {pair: odds(p) for pair, p in zip(pairs, probabilities, strict=True)}
    total = 0.0
    joined = dict.fromkeys(pairs, 0.0)
    for labels in _set_partitions(size):
        weight = math.prod(o[(i, j)] for i, j in pairs if labels[i] == labels[j])
        total += weight
        for i, j in pairs:
            if labels[i] == labels[j]:
                joined[(i, j)] += weight
    counted = together(_odds_matrix(size, o))
    for i, j in pairs:
        assert counted[i][j] == pytest.approx(joined[(i, j)] / total, abs=1e-12)


@pytest.mark.parametrize(("size", "bell"), [(1, 1), (2, 2), (3, 5), (4, 15), (9, 21147)])
def test_every_partition_is_listed_once(size: int, bell: int) -> None:
    joins = partitions(size)
    assert joins.shape == (bell, size * (size - 1) // 2)
    assert len({tuple(row) for row in joins}) == bell


def test_the_partner_term_counts_once_for_each_person_on_both_lists() -> None:
    # a request written twice (0, 1) on list A and its entry (2) on list B; the pairs across
    # hold the partner term t (natural log odds), which the person of all three earns once
    t = math.log(4.0)
    o = {(0, 1): 9.0, (0, 2): 4.0 * 3.0, (1, 2): 4.0 * 3.0}
    pairwise = {pair: value / (1 + value) for pair, value in o.items()}
    joint = joint_probabilities(pairwise, neighbourhoods(pairwise), pairwise, split=2, partner=t)
    plain = {pair: value / (4.0 if pair != (0, 1) else 1.0) for pair, value in o.items()}
    weights = {
        "none": 1.0,
        "01": plain[(0, 1)],
        "02": plain[(0, 2)] * 4.0,
        "12": plain[(1, 2)] * 4.0,
        "all": plain[(0, 1)] * plain[(0, 2)] * plain[(1, 2)] * 4.0,
    }
    total = sum(weights.values())
    assert joint[(0, 2)] == pytest.approx((weights["02"] + weights["all"]) / total)
    assert joint[(0, 1)] == pytest.approx((weights["01"] + weights["all"]) / total)


def test_the_partner_term_agrees_with_brute_force_over_every_partition() -> None:
    # records 0, 1, 2 on list A, 3, 4 on list B; a partition earns t for each person on both
    t, split = 1.3, 3
    pairs = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    values = [0.6, 0.01, 0.9, 0.3, 0.2, 0.7, 0.5, 0.8, 0.05, 0.4]
    pairwise = dict(zip(pairs, values, strict=True))
    hood = Neighbourhood(tuple(range(5)), tuple(pairs))
    joint = joint_probabilities(pairwise, [hood], pairwise, split=split, partner=t)

    def log_weight(labels: list[int]) -> float:
        found = 0.0
        for i, j in pairs:
            if labels[i] == labels[j]:
                across = (i < split) != (j < split)
                found += math.log(odds(pairwise[(i, j)])) - (t if across else 0.0)
        for block in set(labels):
            sides = {i < split for i in range(5) if labels[i] == block}
            found += t if len(sides) == 2 else 0.0
        return found

    _assert_brute_force(joint, 5, log_weight)


def test_three_records_sharing_a_name_count_it_once_per_record_that_joins() -> None:
    # surname 5.0, 6.0, 4.0 in the three pairs (all agree: the least, 4.0, is the pair too
    # many); the date agrees in two pairs and is missing in the third (nothing shared);
    # the priors -9 (across), -9 (across), -12 (within): the person holds two, the pairs three
    fields = [np.array([5.0, 2.0]), np.array([6.0, 0.0]), np.array([4.0, 2.0])]
    assert triangle_correction(fields, [-9.0, -9.0, -12.0]) == pytest.approx(-4.0 + 9.0)


def test_a_disagreement_is_never_taken_off() -> None:
    fields = [np.array([-3.0]), np.array([2.0]), np.array([2.0])]
    assert triangle_correction(fields, [0.0, 0.0, 0.0]) == pytest.approx(0.0)


def test_the_batched_corrections_are_each_triples_own() -> None:
    rng = np.random.default_rng(3)
    fields = rng.normal(size=(40, 3, 5))
    fields[::4] = np.abs(fields[::4])  # some triples agree on every field
    priors = rng.normal(-10.0, 2.0, size=(40, 3))
    batched = triangle_corrections(fields, priors)
    one_by_one = [
        triangle_correction(list(f), list(p)) for f, p in zip(fields, priors, strict=True)
    ]
    assert batched.tolist() == pytest.approx(one_by_one)
    assert batched[0] == pytest.approx(-fields[0].min(axis=0).sum() - priors[0].max())


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ((0, 0, 0), [1.0]),
        ((0, 0, 1), [0.0]),
        ((0, 0, 0, 0), [0.75, 0.75, 0.75, 0.75]),
        ((0, 0, 0, 1), [1.0, 0.0, 0.0, 0.0]),
    ],
)
def test_a_triple_counts_three_over_the_records_of_its_person(
    labels: tuple[int, ...], expected: list[float]
) -> None:
    # the triples of four records in order: 012, 013, 023, 123
    at = [list(map(int, p)) for p in _set_partitions(len(labels))].index(list(labels))
    assert triangles(len(labels))[at].tolist() == pytest.approx(expected)


def test_the_triangle_corrections_agree_with_brute_force_over_every_partition() -> None:
    # a partition's weight: the product of the odds of the pairs it joins, times, for every
    # three records in one person of r records, exp(correction × 3 / r)
    size = 5
    pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]
    values = [0.6, 0.01, 0.9, 0.3, 0.2, 0.7, 0.5, 0.8, 0.05, 0.4]
    pairwise = dict(zip(pairs, values, strict=True))
    trios = [(i, j, k) for i in range(size) for j in range(i + 1, size) for k in range(j + 1, size)]
    corrections = {trio: 0.3 * (n - 4) for n, trio in enumerate(trios)}
    hood = Neighbourhood(tuple(range(size)), tuple(pairs))
    joint = joint_probabilities(pairwise, [hood], pairwise, triples=corrections)

    def log_weight(labels: list[int]) -> float:
        found = sum(math.log(odds(pairwise[(i, j)])) for i, j in pairs if labels[i] == labels[j])
        for trio in trios:
            if len({labels[x] for x in trio}) == 1:
                found += corrections[trio] * 3 / labels.count(labels[trio[0]])
        return found

    _assert_brute_force(joint, size, log_weight)


def _assert_brute_force(
    joint: dict[tuple[int, int], float], size: int, log_weight: Callable[[list[int]], float]
) -> None:
    """Each pair's probability is the weight of the partitions joining it over all of them."""
    pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]
    total = 0.0
    joined = dict.fromkeys(pairs, 0.0)
    for labels in _set_partitions(size):
        weight = math.exp(log_weight(labels))
        total += weight
        for i, j in pairs:
            if labels[i] == labels[j]:
                joined[(i, j)] += weight
    for pair in pairs:
        assert joint[pair] == pytest.approx(joined[pair] / total, abs=1e-12)
