"""Estimates of the true numbers from the chosen lists, per stratum and summed.

Three families stand side by side so that their disagreement shows (issue 20;
``docs/estimation.md`` describes each and its assumptions):

- ``loglinear``: the log-linear model selected by BIC among the named models and every
  hierarchical model of two-way terms (``kintrace estimate``'s default search), with its 95%
  profile-likelihood interval (Rcapture's ``closedpCI.t``). The search is fitted without
  intervals and the selected model is then fitted again with its interval, which gives the
  same selection as the command (intervals do not enter AIC or BIC) in a fraction of the time;
- ``decomposable``: Bayesian model averaging over the decomposable graphs (in the spirit of
  the ``dga`` R package, Madigan & York 1997), posterior median and 95% interval;
- ``lcm``: the latent-class model (LCMCR, Manrique-Vallier 2016), run only when asked for,
  with the shorter sampler :data:`PAGE_LCM` so that the page answers in seconds; its
  diagnostics are shown beside it.

The sum over strata adds the strata's estimates, and its interval adds their bounds: for
independent strata that interval is wider than an exact one for the total (conservative).
A stratum where a list has nobody, or where a family cannot estimate, leaves that family
without a sum; the page says which stratum and why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from sqlalchemy.orm import Session

from kintrace.errors import InvalidInput
from kintrace.estimation.decomposable import estimate_decomposable
from kintrace.estimation.histories import CaptureHistories
from kintrace.estimation.lcm import LatentClassSettings, estimate_lcm
from kintrace.estimation.loglinear import fit_model
from kintrace.estimation.models import default_models, parse_model
from kintrace.estimation.selection import Criterion, fit_models, select_model
from kintrace.stats.histories import Strata, capture_histories

PAGE_LCM = LatentClassSettings(chains=2, burn_in=500, draws=500, thinning=2)
"""The latent-class sampler on the analysts' page: 2 chains of 500 + 500 x 2 sweeps."""

LCM_SEED = 0
"""The seed of the latent-class draws: the same lists give the same figures."""


class Method(StrEnum):
    """A family of estimators."""

    LOGLINEAR = "loglinear"
    DECOMPOSABLE = "decomposable"
    LCM = "lcm"


@dataclass(frozen=True, slots=True)
class Figure:
    """One family's estimate of the total population (or why there is none)."""

    method: Method
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    model: str = ""
    problem: str = ""
    detail: str = ""  # e.g. the latent-class chains' R-hat and effective sample size


@dataclass(frozen=True, slots=True)
class StratumEstimate:
    """The estimates of one stratum."""

    stratum: str
    table: CaptureHistories
    figures: dict[Method, Figure]

    @property
    def observed(self) -> int:
        """Persons documented on at least one of the lists in this stratum."""
        return self.table.n_observed


@dataclass(frozen=True, slots=True)
class EstimateRun:
    """Every stratum's estimates and their sums."""

    list_ids: tuple[int, ...]
    lists: tuple[str, ...]
    strata: Strata
    rows: list[StratumEstimate]
    total: dict[Method, Figure] = field(default_factory=dict)

    @property
    def observed(self) -> int:
        """Persons documented on at least one of the lists."""
        return sum(row.observed for row in self.rows)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _loglinear(table: CaptureHistories) -> Figure:
    searched = fit_models(table, default_models(table.n_lists), intervals=False)
    best = select_model(searched, Criterion.BIC)
    fitted = fit_model(table, parse_model(best.name, table.n_lists), interval=True)
    return Figure(
        Method.LOGLINEAR,
        _finite(fitted.abundance),
        _finite(fitted.ci_low),
        _finite(fitted.ci_high),
        model=fitted.name,
    )


def _decomposable(table: CaptureHistories) -> Figure:
    d = estimate_decomposable(table)
    return Figure(Method.DECOMPOSABLE, d.median, d.ci_low, d.ci_high, model=d.top_graph)


def _lcm(table: CaptureHistories) -> Figure:
    latent = estimate_lcm(table, seed=LCM_SEED, settings=PAGE_LCM)
    d = latent.diagnostics
    return Figure(
        Method.LCM,
        latent.median,
        latent.ci_low,
        latent.ci_high,
        detail=f"R-hat {d.split_rhat:.3f}, ESS {d.ess:.0f}",
    )


def estimate_table(table: CaptureHistories, methods: Sequence[Method]) -> dict[Method, Figure]:
    """Estimate one table with each family asked for; a family that cannot says why."""
    on_list = (table.membership() * table.counts[:, None]).sum(axis=0)
    empty = [name for name, n in zip(table.lists, on_list, strict=True) if n == 0]
    runners = {Method.LOGLINEAR: _loglinear, Method.DECOMPOSABLE: _decomposable, Method.LCM: _lcm}
    out: dict[Method, Figure] = {}
    for method in methods:
        if empty:
            out[method] = Figure(method, None, problem="a list has nobody in this stratum")
            continue
        try:
            with np.errstate(all="ignore"):
                out[method] = runners[method](table)
        except (InvalidInput, ValueError, ArithmeticError, np.linalg.LinAlgError) as error:
            out[method] = Figure(method, None, problem=str(error).splitlines()[0][:200])
    return out


def sum_strata(rows: Sequence[StratumEstimate], methods: Sequence[Method]) -> dict[Method, Figure]:
    """Add the strata's estimates and interval bounds (see the module docstring)."""
    total: dict[Method, Figure] = {}
    for method in methods:
        figures = [row.figures[method] for row in rows]
        missing = [row.stratum for row, f in zip(rows, figures, strict=True) if f.value is None]
        if missing or not figures:
            total[method] = Figure(method, None, problem="a stratum has no estimate")
            continue
        lows = [f.ci_low for f in figures]
        highs = [f.ci_high for f in figures]
        total[method] = Figure(
            method,
            sum(f.value for f in figures if f.value is not None),
            None if None in lows else sum(v for v in lows if v is not None),
            None if None in highs else sum(v for v in highs if v is not None),
            model=figures[0].model if len(figures) == 1 else "",
        )
    return total


def estimate_lists(
    session: Session,
    list_ids: Sequence[int],
    strata: Strata = Strata.NONE,
    *,
    methods: Sequence[Method] = (Method.LOGLINEAR, Method.DECOMPOSABLE),
) -> EstimateRun:
    """Read the histories of the chosen lists and estimate each stratum and their sum."""
    lists, tables = capture_histories(session, list_ids, strata)
    if not tables:
        raise InvalidInput("nobody is linked to the chosen lists")
    rows = [StratumEstimate(key, t, estimate_table(t, methods)) for key, t in tables.items()]
    return EstimateRun(tuple(list_ids), lists, strata, rows, sum_strata(rows, methods))


def history_counts(table: CaptureHistories) -> Mapping[str, int]:
    """Return the count of each observed history by its 0/1 pattern (list 1 first).

    >>> history_counts(CaptureHistories(("A", "B"), np.array([5, 0, 2])))
    {'10': 5, '01': 0, '11': 2}
    """
    k = table.n_lists
    return {
        "".join(str(code >> j & 1) for j in range(k)): int(n)
        for code, n in enumerate(table.counts.tolist(), start=1)
    }
