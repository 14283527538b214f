"""Pairs across two lists and pairs within them, each with its own prior (issue 19, cause 6)."""

from __future__ import annotations

import math

import pytest

from kintrace.linkage.model import LinkageSettings, link_features, list_priors
from kintrace.linkage.synthetic import generate_lists
from unit.linkage.test_model import f1, synthetic_features


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_each_class_s_prior_is_its_expected_matches_over_its_pairs() -> None:
    # lists of 5 and 5 records: 25 pairs across, 10 within each; Splink's one prior is 0.1
    scores = {
        (0, 5): (0.9, 0.0),
        (1, 6): (0.6, 0.0),
        (0, 1): (0.9, 0.0),
        (0, 2): (0.8, 0.0),
        (6, 7): (0.2, 0.0),
    }
    shift = list_priors(scores, 5, 10, 0.1)
    assert shift is not None
    base = math.log(0.1 / 0.9)
    matched = sum(
        _sigmoid(math.log(scores[p][0] / (1 - scores[p][0])) + shift.across)
        for p in [(0, 5), (1, 6)]
    )
    # one partner at most: n expected persons on both lists of 5 leave 5 − n alone on each
    assert shift.partner == pytest.approx(math.log(25 / (5 - matched) ** 2), rel=1e-6)
    for kind, pairs, members in (
        ("across", 25, [(0, 5), (1, 6)]),
        ("first", 10, [(0, 1), (0, 2)]),
        ("second", 10, [(6, 7)]),
    ):
        moved = getattr(shift, kind)
        expected = sum(
            _sigmoid(math.log(scores[p][0] / (1 - scores[p][0])) + moved) for p in members
        )
        assert _sigmoid(base + moved) == pytest.approx(max(expected, 0.5) / pairs, rel=1e-6)
        applied = moved + (shift.partner if kind == "across" else 0.0)
        for pair in members:
            p, bits = shift.apply(pair, scores[pair][0], 1.0)
            assert math.log(p / (1 - p)) == pytest.approx(
                math.log(scores[pair][0] / (1 - scores[pair][0])) + applied
            )
            assert bits == pytest.approx(1.0 + applied / math.log(2))
    # the first list repeats itself more than the second: its pairs within move down less
    assert shift.second < shift.first


def test_one_list_or_an_empty_class_has_no_shift() -> None:
    assert list_priors({(0, 1): (0.5, 0.0)}, 1, 2, 0.1) is None  # no pair within


def test_a_list_of_one_record_takes_the_other_list_s_prior_within() -> None:
    # one request against a list of 3: no pair within the first list
    shift = list_priors({(0, 1): (0.9, 0.0), (1, 2): (0.4, 0.0)}, 1, 4, 0.1)
    assert shift is not None
    assert shift.first == shift.second


@pytest.mark.slow
def test_the_lists_priors_raise_pairs_across_and_keep_f1() -> None:
    side_a, _ = generate_lists(1500, seed=8)
    features, truth = synthetic_features(1500, seed=8)
    split = len(side_a)
    runs = {
        on: link_features(
            features, min_probability=0.05, split=split, settings=LinkageSettings(list_priors=on)
        )
        for on in (False, True)
    }
    probability = {
        on: {(p.left, p.right): p.pairwise_probability or 0.0 for p in result.pairs}
        for on, result in runs.items()
    }
    across = [
        pair
        for pair in truth
        if (pair[0] < split) != (pair[1] < split) and pair in probability[False]
    ]
    assert sum(probability[True].get(p, 0.0) for p in across) > sum(
        probability[False][p] for p in across
    )
    found = {
        on: {(p.left, p.right) for p in result.pairs if p.match_probability >= 0.5}
        for on, result in runs.items()
    }
    assert f1(found[True], truth) >= f1(found[False], truth) - 0.002


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "edge"), [(8, 0.05), (3, 0.3)])
def test_the_pairs_asked_back_do_not_change_the_scores(seed: int, edge: float) -> None:
    # `kintrace link --min-probability 0` and the default: the same lists, the same scores.
    # With a higher joint edge more pairs lie below it: seed 3's lists have four that their
    # list's prior lifted over the edge when they were asked back (fails before)
    side_a, _ = generate_lists(1500, seed=seed)
    features, _ = synthetic_features(1500, seed=seed)
    split = len(side_a)
    settings = LinkageSettings(joint_edge=edge)
    runs = [
        {
            (p.left, p.right): p.match_probability
            for p in link_features(
                features, min_probability=floor, split=split, settings=settings
            ).pairs
        }
        for floor in (edge, 0.0005)
    ]
    assert len(runs[1]) > len(runs[0])
    assert {pair: runs[1][pair] for pair in runs[0]} == pytest.approx(runs[0], abs=1e-9)
    # and no pair asked back rises to where the default would have returned it
    assert {pair for pair, p in runs[1].items() if p >= edge} == set(runs[0])
