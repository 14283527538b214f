"""Simulated populations of known size, seen by overlapping lists, to check the estimators.

Each person has a catchability drawn from a log-normal distribution (heterogeneous capture: some
persons are much easier to document than others) and belongs to one of two latent groups whose
lists differ (half of the lists find group 0 more often, the others group 1). On top of that,
list 2 depends on list 1 directly: a person on list 1 is added to list 2 with probability
``referral`` (as when one organisation passes its cases to another). Every capture probability
is capped at 0.95.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kintrace.estimation.histories import CaptureHistories, from_patterns


@dataclass(frozen=True, slots=True)
class Population:
    """How a simulated population is seen: its true size and the lists' base capture rates."""

    size: int
    capture_rates: tuple[float, ...]
    heterogeneity_sd: float = 0.5
    group_share: float = 0.3
    group_effect: float = 2.0
    referral: float = 0.3


def simulate_patterns(population: Population, rng: np.random.Generator) -> npt.NDArray[np.int8]:
    """Return the ``(size, K)`` 0/1 matrix of who is on which list, everyone included."""
    k = len(population.capture_rates)
    base = np.asarray(population.capture_rates, dtype=np.float64)
    size = population.size
    catchability = rng.lognormal(
        -(population.heterogeneity_sd**2) / 2, population.heterogeneity_sd, size
    )
    group = rng.random(size) < population.group_share
    favour = np.where(np.arange(k) % 2 == 0, population.group_effect, 1 / population.group_effect)
    factor = np.where(group[:, None], favour[None, :], 1.0)
    probability = np.minimum(base[None, :] * catchability[:, None] * factor, 0.95)
    patterns = (rng.random((size, k)) < probability).astype(np.int8)
    if k >= 2:
        referred = (patterns[:, 0] == 1) & (rng.random(size) < population.referral)
        patterns[referred, 1] = 1
    return patterns


def simulate_table(
    population: Population, rng: np.random.Generator, lists: tuple[str, ...] | None = None
) -> CaptureHistories:
    """Return the capture histories of a simulated population (the unseen left out)."""
    patterns = simulate_patterns(population, rng)
    names = lists or tuple(f"L{j + 1}" for j in range(len(population.capture_rates)))
    return from_patterns(
        names, patterns.astype(np.int64), np.ones(patterns.shape[0], dtype=np.int64)
    )
