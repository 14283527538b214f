"""Bayesian non-parametric latent-class capture-recapture, in the spirit of LCMCR.

Manrique-Vallier (2016), "Bayesian population size estimation using Dirichlet process mixtures",
*Biometrics* 72(4), 1246-1254; reference implementation: the R package LCMCR (``lcmCR``), whose
Gibbs sampler (``NPLCM_CR_Basic_Freq.cpp``) this one follows step for step.

Model: each person belongs to one of ``K`` latent classes (a truncated stick-breaking
Dirichlet process, weights ``nu``, concentration ``alpha ~ Gamma(a, b)``); within a class the
lists capture independently, list ``j`` with probability ``lambda[j, k] ~ Beta(1, 1)``. Persons
differ in catchability (the mixture) and lists become dependent through the classes, with no
log-linear model to choose. The unobserved count has the prior ``p(N) ∝ 1/N``, under which it
is drawn as ``n0 ~ NegBin(n, 1 - P(all zero))`` (data augmentation); as in LCMCR, draws above
``20 n`` are redrawn.

One sweep, per chain: classes of the observed persons by history (multinomial counts), the
``lambda`` from their Beta conditionals, the stick-breaking weights, then ``n0`` and the classes
of the unobserved, then ``alpha``. The chains run side by side from one seeded generator (a seed
gives the same draws); each starts from the lists' marginal capture rates, random stick-breaking
weights (as LCMCR) and the unobserved count that independent lists would imply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kintrace.estimation.diagnostics import ChainDiagnostics, diagnose
from kintrace.estimation.histories import CaptureHistories
from kintrace.estimation.poisson import FloatArray

TINY = 1e-300


@dataclass(frozen=True, slots=True)
class LatentClassSettings:
    """Sampler settings: the model's follow LCMCR's example (K = 10, a = b = 0.25); the run is
    shorter than that example's (4 chains of 1,000 + 1,000 x 5 sweeps instead of one of
    10,000 + 1,000 x 100), and the diagnostics say when that is not enough."""

    classes: int = 10
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    chains: int = 4
    burn_in: int = 1000
    draws: int = 1000
    thinning: int = 5


@dataclass(frozen=True, slots=True)
class LatentClassEstimate:
    """Posterior summary of the total population and the chains' diagnostics."""

    median: float
    mean: float
    ci_low: float
    ci_high: float
    samples: FloatArray
    diagnostics: ChainDiagnostics


def _log_beta(
    rng: np.random.Generator, a: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return ``log V`` and ``log(1 - V)`` for ``V ~ Beta(a, b)``, via two gamma draws."""
    ga = np.maximum(rng.standard_gamma(a), TINY)
    gb = np.maximum(rng.standard_gamma(b), TINY)
    total = np.log(ga + gb)
    return np.log(ga) - total, np.log(gb) - total


def _class_probabilities(log_weights: FloatArray) -> FloatArray:
    shifted = np.exp(log_weights - log_weights.max(axis=-1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=-1, keepdims=True), dtype=np.float64)


def _run_chains(
    members: FloatArray,
    counts: npt.NDArray[np.int64],
    settings: LatentClassSettings,
    rng: np.random.Generator,
) -> FloatArray:
    """Run all chains side by side (leading axis: chain) and return their kept draws of N."""
    c, k = settings.chains, settings.classes
    n = int(counts.sum())
    rate = np.clip((members * counts[:, None]).sum(axis=0) / n, 1e-6, 1 - 1e-6)
    log_lambda1 = np.tile(np.log(rate)[None, :, None], (c, 1, k))
    log_lambda0 = np.tile(np.log1p(-rate)[None, :, None], (c, 1, k))
    # start: random stick-breaking weights (as LCMCR), and the unobserved count that
    # independent lists with these capture rates imply
    log_v, log_1mv = _log_beta(rng, np.ones((c, k - 1)), np.ones((c, k - 1)))
    stick = np.concatenate([np.zeros((c, 1)), np.cumsum(log_1mv, axis=1)], axis=1)
    log_nu = np.concatenate([log_v + stick[:, :-1], stick[:, -1:]], axis=1)
    p_unseen = float(np.prod(1.0 - rate))
    n0 = np.full(c, int(round(n * p_unseen / (1.0 - p_unseen))), dtype=np.int64)
    z0 = rng.multinomial(n0, _class_probabilities(log_nu))
    alpha = np.ones(c)
    kept = np.empty((c, settings.draws))
    total_sweeps = settings.burn_in + settings.draws * settings.thinning
    for sweep in range(total_sweeps):
        # classes of the observed persons, by history
        log_w = log_nu[:, None, :] + members @ log_lambda1 + (1.0 - members) @ log_lambda0
        z = rng.multinomial(counts[None, :], _class_probabilities(log_w))
        # capture probabilities within classes (the unobserved are on no list)
        ones = members.T @ z
        class_sizes = z.sum(axis=1) + z0
        zeros = class_sizes[:, None, :] - ones
        log_lambda1, log_lambda0 = _log_beta(rng, 1.0 + ones, 1.0 + zeros)
        # stick-breaking weights
        after = (n + n0)[:, None] - np.cumsum(class_sizes, axis=1)
        log_v, log_1mv = _log_beta(rng, 1.0 + class_sizes[:, :-1], alpha[:, None] + after[:, :-1])
        stick = np.concatenate([np.zeros((c, 1)), np.cumsum(log_1mv, axis=1)], axis=1)
        log_nu = np.concatenate([log_v + stick[:, :-1], stick[:, -1:]], axis=1)
        # the unobserved: how many, and their classes
        log_zero = log_nu + log_lambda0.sum(axis=1)
        success = np.maximum(1.0 - np.exp(log_zero).sum(axis=1), TINY)
        n0 = rng.negative_binomial(n, success)
        while (too_many := n0 > 20 * n).any():
            n0[too_many] = rng.negative_binomial(n, success[too_many])
        z0 = rng.multinomial(n0, _class_probabilities(log_zero))
        # concentration of the Dirichlet process
        alpha = rng.gamma(settings.a_alpha + k - 1.0, 1.0 / (settings.b_alpha - log_nu[:, -1]))
        offset = sweep - settings.burn_in
        if offset >= 0 and offset % settings.thinning == 0:
            kept[:, offset // settings.thinning] = n + n0
    return kept


def estimate_lcm(
    table: CaptureHistories, *, seed: int, settings: LatentClassSettings | None = None
) -> LatentClassEstimate:
    """Draw the posterior of the total population with the latent-class model.

    Returns the posterior median, mean and equal-tailed 95% interval of ``N = n + n0`` over
    all chains' draws, and the chains' diagnostics.
    """
    chosen = settings or LatentClassSettings()
    members = table.membership().astype(np.float64)
    observed = table.counts > 0
    cells, counts = members[observed], table.counts[observed].astype(np.int64)
    samples = _run_chains(cells, counts, chosen, np.random.default_rng(seed))
    pooled = samples.ravel()
    low, median, high = np.quantile(pooled, [0.025, 0.5, 0.975])
    return LatentClassEstimate(
        median=float(median),
        mean=float(pooled.mean()),
        ci_low=float(low),
        ci_high=float(high),
        samples=samples,
        diagnostics=diagnose(samples),
    )
