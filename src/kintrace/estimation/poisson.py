"""Poisson log-linear regression by iteratively reweighted least squares.

The iteration follows R's ``glm.fit`` (R Core Team, ``stats`` package) step for step, because the
published capture-recapture figures we reproduce (Rcapture, Baillargeon & Rivest 2007) come from
``glm(family = poisson)``: start from ``mu = y + 0.1``, at most 25 iterations, stop when the
relative change of the deviance is below ``1e-8``; a column that is a linear combination of the
columns before it is aliased (its coefficient is dropped and the rank falls), as R's pivoting QR
does with tolerance ``1e-11``. The covariance of the coefficients is ``(X' W X)^-1`` with the
weights of the last iteration (R's ``summary.glm`` for the Poisson family, dispersion 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.linalg
from scipy.special import gammaln

FloatArray = npt.NDArray[np.float64]

MAX_ITERATIONS = 25
EPSILON = 1e-8
ALIAS_TOLERANCE = 1e-9
"""Relative norm below which a column is aliased (R: 1e-11 with Householder QR; Gram-Schmidt
here is run twice, which leaves rounding noise near 1e-15, far below this)."""


@dataclass(frozen=True, slots=True)
class PoissonFit:
    """A fitted Poisson log-linear model.

    ``coef`` and ``cov`` hold the non-aliased columns only, in the order of ``kept`` (indices
    into the design's columns); ``rank == len(kept)``.
    """

    coef: FloatArray
    cov: FloatArray
    kept: tuple[int, ...]
    fitted: FloatArray
    deviance: float
    df_residual: int
    aic: float
    rank: int
    converged: bool


def poisson_deviance(y: FloatArray, mu: FloatArray) -> float:
    """Return the Poisson deviance ``2 * sum(y log(y / mu) - (y - mu))`` (``0 log 0 = 0``)."""
    positive = y > 0
    term = float(np.dot(y[positive], np.log(y[positive] / mu[positive])))
    return 2.0 * (term - float(np.sum(y - mu)))


def poisson_aic(y: FloatArray, mu: FloatArray, rank: int) -> float:
    """Return ``-2 * sum(log dpois(y, mu)) + 2 * rank``, R's AIC of a Poisson glm."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_mu_term = np.where(y > 0, y * np.log(mu), 0.0)
    loglik = np.sum(log_mu_term - mu - gammaln(y + 1.0))
    return float(-2.0 * loglik + 2.0 * rank)


def independent_columns(design: FloatArray) -> tuple[int, ...]:
    """Return the columns kept in order, dropping each one that the columns before it span.

    The criterion is R's ``dqrdc2``: a column whose norm, after removing its projection on the
    kept columns, falls below :data:`ALIAS_TOLERANCE` times its own norm is aliased.
    """
    kept: list[int] = []
    basis = np.zeros((design.shape[0], 0))
    for j in range(design.shape[1]):
        column = design[:, j]
        norm = float(np.linalg.norm(column))
        if norm == 0.0:
            continue
        residual = column - basis @ (basis.T @ column)
        residual = residual - basis @ (basis.T @ residual)  # twice is enough (Kahan)
        rest = float(np.linalg.norm(residual))
        if rest > ALIAS_TOLERANCE * norm:
            kept.append(j)
            basis = np.column_stack([basis, residual / rest])
    return tuple(kept)


def fit_poisson(
    y: FloatArray,
    design: FloatArray,
    *,
    offset: FloatArray | None = None,
    kept: tuple[int, ...] | None = None,
    start: FloatArray | None = None,
) -> PoissonFit:
    """Fit ``log E[y] = offset + design @ beta`` by Poisson maximum likelihood (R's glm.fit).

    ``design`` must hold the intercept column if one is wanted. ``kept`` may pass the
    non-aliased columns when the caller has already computed them for this design. ``start``
    may pass fitted means to start from instead of R's ``y + 0.1`` (a profile likelihood refits
    nearly the same data many times); the optimum is the same.

    >>> y = np.array([10.0, 20.0, 40.0])
    >>> x = np.column_stack([np.ones(3), np.arange(3.0)])
    >>> fit = fit_poisson(y, x)
    >>> [round(float(c), 6) for c in fit.coef], abs(round(fit.deviance, 9))
    ([2.302585, 0.693147], 0.0)
    """
    columns = independent_columns(design) if kept is None else kept
    x = design[:, list(columns)]
    off = np.zeros_like(y) if offset is None else offset
    mu = y + 0.1 if start is None else np.maximum(start, 1e-10)
    eta = np.log(mu)
    dev_old = poisson_deviance(y, mu)
    coef: FloatArray = np.zeros(x.shape[1])
    converged = False
    r_factor: FloatArray = np.eye(x.shape[1])
    for _ in range(MAX_ITERATIONS):
        z = eta - off + (y - mu) / mu
        weights = np.sqrt(mu)
        q, r_factor = np.linalg.qr(x * weights[:, None])
        coef = scipy.linalg.solve_triangular(r_factor, q.T @ (z * weights), check_finite=False)
        eta = x @ coef + off
        mu = np.exp(eta)
        dev = poisson_deviance(y, mu)
        if not math.isfinite(dev):
            break
        if abs(dev - dev_old) / (abs(dev) + 0.1) < EPSILON:
            converged = True
            dev_old = dev
            break
        dev_old = dev
    # (np.linalg.inv: scipy's solve_triangular with a matrix right-hand side starts BLAS
    # threads that cost a hundred times the work on these small matrices)
    r_inv = np.linalg.inv(r_factor)
    cov = r_inv @ r_inv.T
    rank = len(columns)
    return PoissonFit(
        coef=coef,
        cov=cov,
        kept=columns,
        fitted=mu,
        deviance=dev_old,
        df_residual=len(y) - rank,
        aic=poisson_aic(y, mu, rank),
        rank=rank,
        converged=converged,
    )
