"""Convergence diagnostics of Markov chain Monte Carlo draws of one scalar.

- Split R-hat: Gelman, Carlin, Stern, Dunson, Vehtari & Rubin (2013), *Bayesian Data Analysis*,
  3rd ed., section 11.4: each chain is cut in halves and the between- and within-half variances
  compared; values near 1 (below 1.01 in Vehtari et al. 2021) mean the chains agree.
- Effective sample size: BDA3 section 11.5, autocorrelations combined over chains and summed in
  pairs until a pair turns negative (Geyer's initial positive sequence).
- Geweke (1992) z-score per chain: the mean of the first 10% against the mean of the last 50%,
  each variance from batch means; ``|z| < 2`` is consistent with a stationary chain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kintrace.estimation.poisson import FloatArray


@dataclass(frozen=True, slots=True)
class ChainDiagnostics:
    """Diagnostics of ``chains`` chains of ``draws`` draws each."""

    chains: int
    draws: int
    split_rhat: float
    ess: float
    geweke_z: tuple[float, ...]


def split_rhat(samples: FloatArray) -> float:
    """Return split R-hat of a ``(chains, draws)`` array.

    >>> rng = np.random.default_rng(0)
    >>> round(split_rhat(rng.normal(size=(4, 1000))), 2)
    1.0
    """
    half = samples.shape[1] // 2
    halves = np.vstack([samples[:, :half], samples[:, half : 2 * half]])
    n = halves.shape[1]
    means = halves.mean(axis=1)
    within = float(halves.var(axis=1, ddof=1).mean())
    between = float(n * means.var(ddof=1))
    if within == 0.0:
        return 1.0 if between == 0.0 else math.inf
    pooled = (n - 1) / n * within + between / n
    return math.sqrt(pooled / within)


def effective_sample_size(samples: FloatArray) -> float:
    """Return the multi-chain effective sample size of a ``(chains, draws)`` array."""
    chains, n = samples.shape
    centred = samples - samples.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    autocov = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :n] / n
    within = float(samples.var(axis=1, ddof=1).mean())
    means = samples.mean(axis=1)
    between_over_n = float(means.var(ddof=1)) if chains > 1 else 0.0
    pooled = (n - 1) / n * within + between_over_n
    if pooled <= 0.0:
        return float(chains * n)
    rho = 1.0 - (within - autocov.mean(axis=0)) / pooled
    total = 0.0
    for t in range(0, n - 1, 2):
        pair = float(rho[t] + rho[t + 1])
        if pair < 0:
            break
        total += pair
    tau = max(2.0 * total - 1.0, 1.0 / math.log10(max(chains * n, 10)))
    return float(chains * n / tau)


def _batch_variance_of_mean(x: FloatArray) -> float:
    batches = max(int(math.sqrt(len(x))), 2)
    size = len(x) // batches
    means = x[: batches * size].reshape(batches, size).mean(axis=1)
    return float(means.var(ddof=1) / batches)


def geweke_z(chain: FloatArray, first: float = 0.1, last: float = 0.5) -> float:
    """Return Geweke's z-score comparing the start and the end of one chain."""
    n = len(chain)
    a = chain[: int(first * n)]
    b = chain[n - int(last * n) :]
    variance = _batch_variance_of_mean(a) + _batch_variance_of_mean(b)
    if variance == 0.0:
        return 0.0
    return float((a.mean() - b.mean()) / math.sqrt(variance))


def diagnose(samples: FloatArray) -> ChainDiagnostics:
    """Return every diagnostic of a ``(chains, draws)`` array."""
    return ChainDiagnostics(
        chains=samples.shape[0],
        draws=samples.shape[1],
        split_rhat=split_rhat(samples),
        ess=effective_sample_size(samples),
        geweke_z=tuple(geweke_z(chain) for chain in samples),
    )
