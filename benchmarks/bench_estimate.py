"""Multiple systems estimation benchmark: seconds per family of estimators on 3 to 8 lists.

Usage: ``uv run python benchmarks/bench_estimate.py [OBSERVED] [SEED] [LISTS ...]``
(defaults 1000000 0 3 4 5 6 7 8). For each number of lists a population is simulated
(``kintrace.estimation.simulate``: log-normal catchability, two latent groups, list 2 fed by
list 1) whose size is set so that about OBSERVED persons are on at least one list; the persons'
histories are aggregated into cells, then each family runs as ``kintrace estimate`` runs it:

- log-linear: the named models plus, up to 5 lists, every subset of two-way terms, each with its
  profile-likelihood interval, and the selection by BIC;
- latent classes (``--lcm``, default sampler settings, seed fixed), with its diagnostics;
- decomposable graphs (``--decomposable``, up to 5 lists).

Figures are wall-clock seconds on this machine.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from kintrace.estimation.decomposable import MAX_LISTS, estimate_decomposable
from kintrace.estimation.lcm import estimate_lcm
from kintrace.estimation.models import default_models
from kintrace.estimation.selection import Criterion, fit_models, select_model
from kintrace.estimation.simulate import Population, simulate_table

RATES = (0.30, 0.25, 0.20, 0.30, 0.15, 0.25, 0.20, 0.10)


def population_for(observed: int, k: int, seed: int) -> Population:
    """Return a population whose lists see about ``observed`` persons (from a pilot run)."""
    pilot = Population(size=200_000, capture_rates=RATES[:k])
    seen = simulate_table(pilot, np.random.default_rng(seed + 1000)).n_observed
    return Population(size=round(observed * pilot.size / seen), capture_rates=RATES[:k])


def main(argv: list[str]) -> None:
    observed = int(argv[0]) if argv else 1_000_000
    seed = int(argv[1]) if len(argv) > 1 else 0
    list_counts = [int(a) for a in argv[2:]] or [3, 4, 5, 6, 7, 8]
    print(f"target observed persons {observed:,}, seed {seed}")
    header = (
        f"{'K':>2} {'true N':>10} {'observed':>10} {'simulate':>8} {'loglin':>7} {'models':>6} "
        f"{'selected':>14} {'N':>10} {'95% CI':>21} {'lcm':>6} {'median':>10} {'95% CI':>21} "
        f"{'R-hat':>6} {'ESS':>6} {'Geweke z':>24} {'dga':>6} {'median':>10} {'95% CI':>21}"
    )
    print(header)
    for k in list_counts:
        population = population_for(observed, k, seed)
        start = time.perf_counter()
        table = simulate_table(population, np.random.default_rng(seed))
        t_sim = time.perf_counter() - start

        start = time.perf_counter()
        specs = default_models(k)
        estimates = fit_models(table, specs)
        best = select_model(estimates, Criterion.BIC)
        t_loglin = time.perf_counter() - start

        start = time.perf_counter()
        latent = estimate_lcm(table, seed=seed)
        t_lcm = time.perf_counter() - start
        d = latent.diagnostics
        geweke = ",".join(f"{z:+.1f}" for z in d.geweke_z)

        if k <= MAX_LISTS:
            start = time.perf_counter()
            averaged = estimate_decomposable(table)
            t_dga = time.perf_counter() - start
            dga = (
                f"{t_dga:6.1f} {averaged.median:10.0f} "
                f"{f'{averaged.ci_low:.0f}-{averaged.ci_high:.0f}':>21}"
            )
        else:
            dga = f"{'n/a':>6} {'':>10} {'':>21}"
        best_ci = f"{best.ci_low or 0:.0f}-{best.ci_high or 0:.0f}"
        lcm_ci = f"{latent.ci_low:.0f}-{latent.ci_high:.0f}"
        print(
            f"{k:>2} {population.size:>10,} {table.n_observed:>10,} {t_sim:8.1f} {t_loglin:7.1f} "
            f"{len(estimates):>6} {best.name:>14} {best.abundance:10.0f} {best_ci:>21} "
            f"{t_lcm:6.1f} {latent.median:10.0f} {lcm_ci:>21} {d.split_rhat:6.3f} {d.ess:6.0f} "
            f"{geweke:>24} {dga}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
