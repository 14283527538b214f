"""The latent-class sampler on simulated populations of known size, and its diagnostics."""

from __future__ import annotations

import numpy as np
import pytest

from kintrace.estimation.diagnostics import effective_sample_size, geweke_z, split_rhat
from kintrace.estimation.lcm import LatentClassSettings, estimate_lcm
from kintrace.estimation.simulate import Population, simulate_table

SHORT = LatentClassSettings(chains=2, burn_in=1000, draws=500, thinning=4)

# Heterogeneous capture (log-normal catchability, two latent groups that lists find unequally)
# and a direct dependence of list 2 on list 1.
HETEROGENEOUS = Population(size=2000, capture_rates=(0.3, 0.25, 0.2, 0.3))


def test_interval_covers_the_true_size_in_most_seeds():
    covered = 0
    for seed in range(5):
        table = simulate_table(HETEROGENEOUS, np.random.default_rng(100 + seed))
        estimate = estimate_lcm(table, seed=seed, settings=SHORT)
        assert estimate.ci_low <= estimate.median <= estimate.ci_high
        assert estimate.ci_low >= table.n_observed
        covered += estimate.ci_low <= HETEROGENEOUS.size <= estimate.ci_high
    assert covered >= 4


def test_same_seed_same_draws_other_seed_other_draws(hare):
    first = estimate_lcm(hare, seed=7, settings=SHORT)
    again = estimate_lcm(hare, seed=7, settings=SHORT)
    other = estimate_lcm(hare, seed=8, settings=SHORT)
    assert np.array_equal(first.samples, again.samples)
    assert not np.array_equal(first.samples, other.samples)
    assert first.samples.shape == (2, 500)
    assert (first.samples >= hare.n_observed).all()


def test_split_rhat_is_one_for_agreeing_chains_and_large_for_stuck_ones():
    rng = np.random.default_rng(0)
    agreeing = rng.normal(size=(4, 2000))
    assert split_rhat(agreeing) == pytest.approx(1.0, abs=0.01)
    stuck = agreeing + np.array([0.0, 0.0, 0.0, 3.0])[:, None]
    assert split_rhat(stuck) > 1.5
    drifting = agreeing + np.linspace(0, 3, 2000)[None, :]
    assert split_rhat(drifting) > 1.2
    assert abs(geweke_z(drifting[0])) > 3
    assert abs(geweke_z(agreeing[0])) < 3


def test_effective_sample_size_of_independent_and_autocorrelated_draws():
    rng = np.random.default_rng(1)
    independent = rng.normal(size=(4, 5000))
    assert effective_sample_size(independent) == pytest.approx(20000, rel=0.1)
    phi = 0.9
    ar = np.zeros((4, 5000))
    for t in range(1, 5000):
        ar[:, t] = phi * ar[:, t - 1] + rng.normal(size=4)
    expected = 20000 * (1 - phi) / (1 + phi)
    assert effective_sample_size(ar) == pytest.approx(expected, rel=0.25)
