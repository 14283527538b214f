"""Fit log-linear capture-recapture models: abundance, standard error, fit statistics, intervals.

Follows Rcapture (Baillargeon & Rivest 2007, J. Stat. Softw. 19(5)):

- ``abundance = n + exp(intercept)``, ``n`` the number of persons observed; its standard error by
  the delta method, ``sqrt(exp(b0) + exp(2 b0) var(b0))`` (Rcapture's ``getN``), the first term
  being the Poisson variance of the unobserved count;
- ``deviance``, ``df`` and ``AIC`` are those of the Poisson glm on the ``2**K - 1`` observable
  cells, and ``BIC = AIC + (log n - 2) * rank``;
- Chao's lower-bound models drop their negative eta coefficients one at a time, the first one
  first, refitting each time (``closedp``'s ``neg = TRUE``);
- the 95% interval is the profile-likelihood interval of ``closedpCI.t``: for each candidate
  ``N`` the unobserved cell is set to ``N - n`` and the model refitted on all ``2**K`` cells; the
  multinomial profile log-likelihood is ``-(deviance - 2 c)/2`` with Cormack's (1992) correction
  ``c``; the bounds are where it falls ``qchisq(0.95, 1) / 2`` below its maximum. Where it never
  falls that far on the upper side (the data cannot bound the population) ``ci_high`` is None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from kintrace.estimation.histories import CaptureHistories
from kintrace.estimation.models import ModelSpec, design_matrix
from kintrace.estimation.poisson import FloatArray, PoissonFit, fit_poisson, independent_columns

RUNAWAY_FACTOR = 1000.0
"""An unobserved count above this many times the observed one means the model cannot estimate
the population from these lists (its maximum likelihood estimate does not exist and the fit
drifts off, as R's glm does too); such a fit is reported but never selected."""

UPPER_SEARCH_FACTORS = (3.0, 10.0, 100.0, 1000.0)
"""The upper bound is sought up to 3 N (Rcapture's ``fmaxSupCL``), then further out."""


@dataclass(frozen=True, slots=True)
class ModelEstimate:
    """One model's estimate of the total population (observed plus unobserved)."""

    name: str
    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    ci_low: float | None
    ci_high: float | None
    converged: bool
    n_observed: int

    @property
    def estimable(self) -> bool:
        """Whether the fit converged to a finite population below :data:`RUNAWAY_FACTOR`."""
        return (
            self.converged
            and math.isfinite(self.abundance)
            and self.abundance - self.n_observed <= RUNAWAY_FACTOR * self.n_observed
        )


def _fit(
    y: FloatArray,
    design: FloatArray,
    fixed: int,
    chao: bool,
    kept: tuple[int, ...],
    start: FloatArray | None = None,
) -> PoissonFit:
    """Fit, then for Chao's models drop negative heterogeneity coefficients one at a time."""
    fit = fit_poisson(y, design, kept=kept, start=start)
    while chao:
        negative = [
            column
            for column, value in zip(fit.kept, fit.coef, strict=True)
            if column >= fixed and value < 0
        ]
        if not negative:
            break
        fit = fit_poisson(y, design, kept=tuple(c for c in fit.kept if c != negative[0]))
    return fit


def _cormack_correction(n0: float, total: float) -> float:
    """Return Cormack's (1992) term turning the Poisson deviance into the multinomial one."""
    if total > 100:
        if n0 in (0.0, 1.0):
            return -total + 0.5 * math.log(2 * math.pi * total)
        return n0 - total - 0.5 * math.log(n0 / total)
    n0_log_n0 = n0 * math.log(n0) if n0 > 0 else 0.0
    return float(n0_log_n0 + gammaln(total + 1) - total * math.log(total) - gammaln(n0 + 1))


def profile_interval(
    y: FloatArray,
    design: FloatArray,
    fixed: int,
    chao: bool,
    abundance: float,
    level: float = 0.95,
    stderr: float = math.nan,
) -> tuple[float | None, float | None]:
    """Return the profile-likelihood interval of the abundance (Rcapture's ``closedpCI.t``).

    Args:
        y: counts of the observable histories.
        design: the model's design over those histories (intercept first).
        fixed: columns before the heterogeneity ones (for Chao's eta removal).
        chao: whether the model is one of Chao's lower-bound models.
        abundance: the model's Poisson estimate of N (sets the search range).
        level: coverage of the interval.
        stderr: its standard error (narrows the first brackets; optional).
    """
    n = float(y.sum())
    augmented = np.vstack([design, np.zeros((1, design.shape[1]))])
    augmented[-1, 0] = 1.0
    kept = independent_columns(augmented)
    threshold = chi2.ppf(level, 1) / 2.0

    warm: list[FloatArray] = []  # the last fitted means: each refit starts from them
    seen: dict[float, float] = {}  # a point asked twice gets the same answer (root brackets)

    def loglik(total: float) -> float:
        if total in seen:
            return seen[total]
        n0 = max(total - n, 0.0)
        counts = np.append(y, n0)
        start = None
        if warm:
            start = warm[0].copy()
            start[-1] = n0 + 0.1
        fit = _fit(counts, augmented, fixed, chao, kept, start)
        warm[:] = [fit.fitted]
        seen[total] = -(fit.deviance - 2.0 * _cormack_correction(n0, n + n0)) / 2.0
        return seen[total]

    top = 1.5 * abundance
    if not math.isfinite(top) or top - n < 1e-6:
        return n, n
    # Rcapture searches the maximum on (n, 1.5 N) and the bounds from there; we first try
    # brackets a few standard errors wide around the estimate (fewer refits, the same roots),
    # and fall back to Rcapture's ranges when they do not hold the point sought.
    spread = stderr if math.isfinite(stderr) and stderr > 0 else abundance - n
    spread = max(spread, 1.0)
    near = (max(n, abundance - 3.0 * spread), min(top, abundance + 0.5))
    best = minimize_scalar(
        lambda total: -loglik(total), bounds=near, method="bounded", options={"xatol": 1e-4}
    )
    if near[0] > n and best.x - near[0] < 1e-3:
        best = minimize_scalar(
            lambda total: -loglik(total), bounds=(n, top), method="bounded", options={"xatol": 1e-4}
        )
    n_max = float(best.x)
    level_value = -float(best.fun) - threshold

    def gap(total: float) -> float:
        return loglik(total) - level_value

    low: float | None = n
    if gap(n_max) > 0:
        for width in (2.5, 6.0, 15.0, math.inf):
            edge = max(n, n_max - width * spread)
            if gap(edge) < 0:
                low = float(brentq(gap, edge, n_max, xtol=1e-4))
                break
            if edge == n:
                break
    high: float | None = None
    start = n_max
    stops = [n_max + w * spread for w in (3.0, 8.0, 20.0)]
    stops += [max(factor * abundance, n_max + 1.0) for factor in UPPER_SEARCH_FACTORS]
    for stop in stops:
        if stop <= start:
            continue
        if gap(stop) < 0:
            high = float(brentq(gap, start, stop, xtol=1e-4))
            break
        start = stop
    return low, high


def fit_model(table: CaptureHistories, spec: ModelSpec, *, interval: bool = True) -> ModelEstimate:
    """Fit one model to a table and return its estimate (see the module docstring).

    >>> from kintrace.estimation.histories import CaptureHistories
    >>> from kintrace.estimation.models import parse_model
    >>> t = CaptureHistories(("A", "B"), np.array([60, 40, 20]))  # Lincoln-Petersen: 80*60/20
    >>> round(fit_model(t, parse_model("Mt", 2)).abundance, 6)
    240.0
    """
    y = table.counts.astype(np.float64)
    n = float(y.sum())
    design, fixed = design_matrix(spec, table.n_lists)
    chao = spec.heterogeneity == "Chao"
    fit = _fit(y, design, fixed, chao, independent_columns(design))
    b0 = float(fit.coef[0])
    var_b0 = float(fit.cov[0, 0])
    with np.errstate(over="ignore"):
        unobserved = math.exp(b0) if b0 < 700 else math.inf
        stderr = math.sqrt(unobserved + unobserved**2 * var_b0) if b0 < 350 else math.inf
    abundance = n + unobserved
    low: float | None = None
    high: float | None = None
    if interval and math.isfinite(abundance) and unobserved <= RUNAWAY_FACTOR * n:
        low, high = profile_interval(y, design, fixed, chao, abundance, stderr=stderr)
    return ModelEstimate(
        name=spec.name,
        abundance=abundance,
        stderr=stderr,
        deviance=fit.deviance,
        df=fit.df_residual,
        aic=fit.aic,
        bic=fit.aic + (math.log(n) - 2.0) * fit.rank,
        ci_low=low,
        ci_high=high,
        converged=fit.converged,
        n_observed=table.n_observed,
    )
