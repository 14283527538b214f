"""Kinship engine benchmark: LRs per second for typical pedigrees, and familial-search throughput.

Usage: ``uv run python benchmarks/bench_kinship.py [PROFILES] [FAMILIES] [THREADS]``
(defaults 10000 10000 2). Markers: the 23 core loci of the shipped Norwegian table. Everything
is seeded; figures are wall-clock on this machine.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from kintrace.kinship.datasets import CORE_23, norwegian_frequencies
from kintrace.kinship.genotypes import Genotype, PedigreeData
from kintrace.kinship.likelihood import marker_likelihood
from kintrace.kinship.lr import likelihood_ratio
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import Pedigree, build_pedigree, singletons
from kintrace.kinship.search import build_family_tables, profile_columns, screen

TABLE = norwegian_frequencies().subset(CORE_23)
STEPWISE = MutationModel.both(parse_mutation_spec("stepwise:rate=0.002,rate2=1e-6,range=0.1"))


def draw(rng: np.random.Generator, table: FrequencyTable) -> dict[str, Genotype]:
    result: dict[str, Genotype] = {}
    for name in table.names:
        m = table[name]
        a, b = rng.choice(m.n_alleles, size=2, p=m.freqs)
        result[name] = (m.alleles[a], m.alleles[b])
    return result


def child_of(
    rng: np.random.Generator, fa: dict[str, Genotype], mo: dict[str, Genotype]
) -> dict[str, Genotype]:
    return {m: (fa[m][rng.integers(2)], mo[m][rng.integers(2)]) for m in fa}


def data(ped: Pedigree, typed: dict[str, dict[str, Genotype]]) -> PedigreeData:
    markers = TABLE.names
    return PedigreeData(ped, markers, {m: {p: g[m] for p, g in typed.items()} for m in markers})


def cases(rng: np.random.Generator) -> dict[str, tuple[PedigreeData, PedigreeData]]:
    fa, mo = draw(rng, TABLE), draw(rng, TABLE)
    a, b = child_of(rng, fa, mo), child_of(rng, fa, mo)
    trio = build_pedigree(["F", "M", "A"], [None, None, "F"], [None, None, "M"], [1, 2, 1])
    sibs = build_pedigree(
        ["F", "M", "A", "B"], [None, None, "F", "F"], [None, None, "M", "M"], [1, 2, 1, 1]
    )
    loop = build_pedigree(
        ["GF", "GM", "S1", "S2", "W1", "H2", "C1", "C2", "X"],
        [None, None, "GF", "GF", None, None, "S1", "H2", "C1"],
        [None, None, "GM", "GM", None, None, "W1", "S2", "C2"],
        [1, 2, 1, 2, 2, 1, 1, 2, 1],
    )
    return {
        "paternity duo": (
            data(trio, {"F": fa, "A": a}),
            data(singletons(["F", "A"], [1, 1]), {"F": fa, "A": a}),
        ),
        "full siblings": (
            data(sibs, {"A": a, "B": b}),
            data(singletons(["A", "B"], [1, 1]), {"A": a, "B": b}),
        ),
        "first-cousin loop": (
            data(loop, {"X": a, "GF": fa, "C2": b}),
            data(singletons(["X", "GF", "C2"], [1, 1, 2]), {"X": a, "GF": fa, "C2": b}),
        ),
    }


def rate(fn: Callable[[], object], seconds: float = 1.0) -> tuple[float, float]:
    """Return calls per second of wall time and of this process's CPU time."""
    fn()  # warm the caches (allele models, lumping, elimination plans)
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        count += 1
    return count / elapsed, count / max(time.process_time() - cpu, 1e-9)


def bench_lr() -> None:
    rng = np.random.default_rng(1)
    print("LRs per second, 23 markers (each LR = 2 hypotheses x 23 marker likelihoods)")
    print("  (wall; CPU time in brackets, steadier on a shared machine)")
    for name, (h1, h2) in cases(rng).items():
        for label, model in (("no mutation", MutationModel()), ("stepwise", STEPWISE)):
            wall, cpu = rate(
                lambda h1=h1, h2=h2, model=model: likelihood_ratio(h1, h2, TABLE, model)
            )
            print(f"  {name:<18} {label:<12} {wall:10.1f} LR/s  ({cpu:8.1f} LR/s CPU)")


def families(rng: np.random.Generator, n: int) -> list[Family]:
    trio = build_pedigree(["FA", "MO", "MP"], [None, None, "FA"], [None, None, "MO"], [1, 2, 1])
    sib = build_pedigree(
        ["FA", "MO", "S", "MP"], [None, None, "FA", "FA"], [None, None, "MO", "MO"], [1, 2, 2, 1]
    )
    result = []
    for k in range(n):
        fa, mo = draw(rng, TABLE), draw(rng, TABLE)
        if k % 2:
            typed = {"FA": fa, "MO": mo}
            result.append(Family(f"fam{k}", data(trio, typed), ("MP",)))
        else:
            typed = {"MO": mo, "S": child_of(rng, fa, mo)}
            result.append(Family(f"fam{k}", data(sib, typed), ("MP",)))
    return result


def per_pair_lr(family: Family, profile: Profile) -> float:
    """The straightforward way: three pedigree likelihoods per marker and pair."""
    one = singletons(["x"], [1])
    total = 1.0
    for name in TABLE.names:
        typing = dict(family.data.typing[name])
        g = profile.genotypes[name]
        joint = marker_likelihood(family.data.pedigree, TABLE[name], {**typing, "MP": g})
        alone = marker_likelihood(family.data.pedigree, TABLE[name], typing)
        total *= joint / (alone * marker_likelihood(one, TABLE[name], {"x": g}))
    return total


def bench_search(n_profiles: int, n_families: int, threads: int) -> None:
    rng = np.random.default_rng(2)
    fams = families(rng, n_families)
    profiles = [Profile(f"p{k}", 1, draw(rng, TABLE)) for k in range(n_profiles)]
    print(f"\nFamilial search: {n_profiles} profiles x {n_families} families, 23 markers")
    start = time.perf_counter()
    tables = build_family_tables(fams, TABLE, dtype=np.float32)
    built = time.perf_counter() - start
    size = sum(t.nbytes for t in tables.log10_lr) / 2**20
    print(f"  precompute family tables      {built:8.2f} s  ({size:.0f} MiB, float32)")
    start = time.perf_counter()
    columns = profile_columns(profiles, tables.markers)
    sexes = np.array([p.sex for p in profiles], dtype=np.int8)
    coded = time.perf_counter() - start
    print(f"  code profiles                 {coded:8.2f} s")
    start = time.perf_counter()
    screen(tables, columns, sexes, top=5, threads=threads)
    wall = time.perf_counter() - start
    pairs = n_profiles * n_families
    print(f"  screen ({threads} threads, top 5)     {wall:8.2f} s  {pairs / wall:,.0f} pairs/s")
    sample = 20
    start = time.perf_counter()
    for k in range(sample):
        per_pair_lr(fams[k], profiles[k])
    slow = (time.perf_counter() - start) / sample
    print(
        f"  per-pair pedigree likelihoods {1 / slow:8.1f} pairs/s "
        f"(sample of {sample}; {pairs * slow / 3600:,.0f} h for all pairs, "
        f"{pairs * slow / wall:,.0f}x slower than the screen)"
    )


def main() -> None:
    n_profiles = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    n_families = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    bench_lr()
    bench_search(n_profiles, n_families, threads)


if __name__ == "__main__":
    main()
