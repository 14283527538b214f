"""Model averaging over decomposable graphs against Madigan & York (1997), as dga checks it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import gammaln, logsumexp

from kintrace.errors import InvalidInput
from kintrace.estimation.decomposable import (
    decomposable_graphs,
    estimate_decomposable,
    integer_grid,
    log_posterior,
)
from kintrace.estimation.histories import CaptureHistories
from kintrace.estimation.simulate import Population, simulate_table

# Madigan & York (1997), three lists; the dga example's vector x000, x100, x010, x110, ...
# (R array order: list 1 varies fastest), which is our history code order.
MY3 = CaptureHistories(("1", "2", "3"), np.array([60, 49, 4, 247, 112, 142, 12]))


def test_number_of_decomposable_graphs_is_the_number_of_labelled_chordal_graphs():
    # OEIS A058862: 1, 2, 8, 61, 822 labelled chordal graphs on 1..5 nodes
    assert [len(decomposable_graphs(k)) for k in (1, 2, 3, 4, 5)] == [1, 2, 8, 61, 822]


@pytest.mark.parametrize("k", [3, 4, 5])
def test_cliques_and_separators_satisfy_the_running_intersection_count(k):
    for graph in decomposable_graphs(k):
        assert sum(map(len, graph.cliques)) - sum(map(len, graph.separators)) == k
        for a, b in graph.edges:
            assert any({a, b} <= clique for clique in graph.cliques)


def test_madigan_and_york_three_list_example_as_in_dga():
    # dga tests/testthat/test-BMAfunctions.R "3 lists example against Madigan and York":
    # top model posterior probability 0.37, Bayes estimate (relative squared error loss) 731,
    # posterior mode 729; model-averaged Bayes estimate 731 and mode 728.
    n_missing = integer_grid(1, 300)
    total = n_missing + MY3.n_observed
    a, b = 13.14, 55.17
    log_prior = (
        total * np.log(b)
        - (total + a) * np.log(1 + b)
        + gammaln(total + a)
        - gammaln(total + 1)
        - gammaln(a)
    )
    graphs, weights = log_posterior(MY3, n_missing, delta=1.0, log_prior=log_prior)
    joint = np.exp(weights - logsumexp(weights))
    by_graph = joint.sum(axis=1)
    top = joint[int(np.argmax(by_graph))]
    assert round(float(by_graph.max()), 2) == 0.37
    assert round(float((top / total).sum() / (top / total**2).sum())) == 731
    assert total[int(np.argmax(top))] == 729
    averaged = joint.sum(axis=0)
    assert round(float((averaged / total).sum() / (averaged / total**2).sum())) == 731
    assert total[int(np.argmax(averaged))] == 728


def test_estimate_summarises_a_proper_posterior():
    estimate = estimate_decomposable(MY3)
    # The complete graph leaves the unobserved cell to the prior, which with dga's default
    # delta = 2^-K piles mass near N0 = 0: the lower bound may be the observed count.
    assert MY3.n_observed <= estimate.ci_low < estimate.median < estimate.ci_high
    assert estimate.ci_low < estimate.mean < estimate.ci_high
    assert estimate.graphs == 8 and 0 < estimate.top_probability <= 1


def test_interval_covers_a_simulated_size_with_list_dependence():
    population = Population(
        size=3000, capture_rates=(0.3, 0.25, 0.3, 0.2), heterogeneity_sd=0.1, group_effect=1.0
    )
    covered = 0
    for seed in range(4):
        table = simulate_table(population, np.random.default_rng(seed))
        estimate = estimate_decomposable(table)
        covered += estimate.ci_low <= population.size <= estimate.ci_high
    assert covered >= 3


def test_more_than_five_lists_are_refused():
    table = CaptureHistories(tuple("ABCDEF"), np.ones(63, dtype=np.int64))
    with pytest.raises(InvalidInput, match="at most 5 lists"):
        estimate_decomposable(table)
