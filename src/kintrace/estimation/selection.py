"""Fit a set of log-linear models and pick the best by AIC or BIC.

The best model is the one with the smallest criterion among the estimable fits (see
``ModelEstimate.estimable``: a model whose maximum likelihood estimate does not exist, e.g. when
the lists barely overlap, runs away to an enormous unobserved count; it is reported but never
selected). Ties go to the model listed first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum

from kintrace.errors import InvalidInput
from kintrace.estimation.histories import CaptureHistories
from kintrace.estimation.loglinear import ModelEstimate, fit_model
from kintrace.estimation.models import ModelSpec


class Criterion(StrEnum):
    """Information criterion used to select a model.

    ``BIC`` is ``AIC + (log n - 2) * rank`` with ``n`` the number of persons observed
    (Rcapture's convention).
    """

    AIC = "aic"
    BIC = "bic"


def fit_models(
    table: CaptureHistories, specs: Sequence[ModelSpec], *, intervals: bool = True
) -> list[ModelEstimate]:
    """Fit every model in order (duplicates by name fitted once)."""
    seen: set[str] = set()
    estimates: list[ModelEstimate] = []
    for spec in specs:
        if spec.name in seen:
            continue
        seen.add(spec.name)
        estimates.append(fit_model(table, spec, interval=intervals))
    return estimates


def criterion_value(estimate: ModelEstimate, criterion: Criterion) -> float:
    """Return the estimate's AIC or BIC."""
    return estimate.aic if criterion is Criterion.AIC else estimate.bic


def select_model(estimates: Sequence[ModelEstimate], criterion: Criterion) -> ModelEstimate:
    """Return the estimate with the smallest criterion among usable fits.

    Raises:
        InvalidInput: when no model converged to a finite abundance.
    """
    usable = [e for e in estimates if e.estimable and math.isfinite(criterion_value(e, criterion))]
    if not usable:
        raise InvalidInput("no model converged to a finite estimate; the lists overlap too little")
    return min(usable, key=lambda e: criterion_value(e, criterion))
