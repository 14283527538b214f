"""Benchmark: familial search at national scale (prints the figures).

Run: ``uv run python benchmarks/bench_familial.py [PROFILES] [FAMILIES] [THREADS] [--old]``
(default 10000 10000 2). Families are drawn like a national reference database: half trios
(typed father and mother, missing son), half an untyped father beside a typed mother and a
typed sister (missing son); 23 markers of the Norwegian table, no mutation. One profile in ten
is a missing son of a family (simulated from its parents); the others are unrelated. The
families are made and their tables built chunk by chunk (6,144 families; the next chunk in a
thread while the current one is screened, as :func:`kintrace.kinship.search.search_families`
does), and screened by :func:`kintrace.kinship.pruning.screen_pruned` with the earlier chunks'
best scores as floor; each chunk's best matches are merged. Prints the CPU seconds of the
tables and of the screen, the share of pairs summed exactly, the total wall time, the load
average, top-1 recall of the true families, peak memory and the 100,000 x 100,000
extrapolation. With ``--old`` the two-pass screen it replaced
(:func:`kintrace.kinship.screening.screen_certified`) runs on the first chunk too, and the two
answers are compared (scores bit for bit).

Figures (docs/kinship.md, "Familial search speed"; 2 shared cores, ``nice -n 10``):
20,000 x 20,000: tables 5.0 s CPU, screen 5.0 s CPU, 8.8 s elapsed (load 0.8; before: 6.8 s
and 7.9 s CPU, 13.8 s). 100,000 x 100,000: tables 20.6 s CPU, screen 85.4 s CPU, 77.9 s
elapsed on the 1.4 cores the machine gave (load 1.8), peak 835 MiB (before: 27.4 s and
160.0 s CPU, 133.8 s, 1,841 MiB); with chunks of 8,192: 21.7 s and 73.5 s CPU, 70.2 s,
1,005 MiB. Under a load of 10 the CPU seconds held (21.4 s and 80.8 s) while the run took
259 s. 2026-12-06, the sparse-product screen and cheaper tables, back to back under a load of
5.5-6.6: 100,000 x 100,000 tables 48.8 -> 39.5 s CPU, screen 210.0 -> 70.9 s CPU.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np
import numpy.typing as npt

from kintrace.kinship.datasets import CORE_23, norwegian_frequencies
from kintrace.kinship.genotypes import PedigreeData
from kintrace.kinship.pedfile import Family
from kintrace.kinship.pedigree import build_pedigree
from kintrace.kinship.pruning import screen_pruned
from kintrace.kinship.screening import screen_certified
from kintrace.kinship.search import (
    FamilyTables,
    build_family_tables,
    genotype_columns,
    prefetched,
)

TABLE = norwegian_frequencies().subset(CORE_23)
CHUNK = 6144
TOP = 5


TRIO = build_pedigree(["FA", "MO", "MP"], [None, None, "FA"], [None, None, "MO"], [1, 2, 1])
SIBS = build_pedigree(
    ["FA", "MO", "S", "MP"], [None, None, "FA", "FA"], [None, None, "MO", "MO"], [1, 2, 2, 1]
)


def simulate(
    n_families: int, n_profiles: int, seed: int = 3
) -> tuple[list[npt.NDArray[np.int16]], list[npt.NDArray[np.intp]], npt.NDArray[np.intp]]:
    """Families' alleles, the profiles' table columns per marker, each profile's true family.

    Returns:
        Per marker, (families, 3, 2) allele indices of the father, mother and sister (turned
        into :class:`Family` objects chunk by chunk by :func:`families`, to keep memory low);
        per marker, each profile's column; each profile's true family (-1: unrelated).
    """
    rng = np.random.default_rng(seed)
    truth = np.full(n_profiles, -1, dtype=np.intp)
    related = rng.choice(n_profiles, size=n_profiles // 10, replace=False)
    truth[related] = rng.choice(n_families, size=related.size, replace=False)
    alleles = []
    columns = []
    for name in TABLE.names:
        marker = TABLE[name]
        n = marker.n_alleles
        draw = rng.choice(n, size=(n_families, 3, 2), p=marker.freqs)  # father, mother, sister
        every = np.arange(n_families)
        sister = np.stack(
            [draw[:, 0, :][every, rng.integers(0, 2, n_families)],
             draw[:, 1, :][every, rng.integers(0, 2, n_families)]], axis=1,
        )  # fmt: skip
        son = np.stack(
            [draw[:, 0, :][every, rng.integers(0, 2, n_families)],
             draw[:, 1, :][every, rng.integers(0, 2, n_families)]], axis=1,
        )  # fmt: skip
        draw[:, 2, :] = sister
        alleles.append(draw.astype(np.int16))
        pairs = rng.choice(n, size=(n_profiles, 2), p=marker.freqs)
        pairs[related] = son[truth[related]]
        columns.append(genotype_columns(n)[pairs[:, 0], pairs[:, 1]])
    return alleles, columns, truth


def families(alleles: list[npt.NDArray[np.int16]], first: int, stop: int) -> list[Family]:
    """The families ``first`` to ``stop``: odd ones trios (typed father and mother), even ones
    an untyped father beside a typed mother and sister; the son missing."""
    typing: list[dict[str, dict[str, tuple[str, str]]]] = [{} for _ in range(first, stop)]
    for name, draw in zip(TABLE.names, alleles, strict=True):
        labels = TABLE[name].alleles
        for f in range(first, stop):
            (fa0, fa1), (mo0, mo1), (si0, si1) = draw[f].tolist()
            mother = (labels[mo0], labels[mo1])
            typing[f - first][name] = (
                {"FA": (labels[fa0], labels[fa1]), "MO": mother}
                if f % 2
                else {"MO": mother, "S": (labels[si0], labels[si1])}
            )
    return [
        Family(
            f"fam{f}",
            PedigreeData(SIBS if f % 2 == 0 else TRIO, TABLE.names, typing[f - first]),
            ("MP",),
        )
        for f in range(first, stop)
    ]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n_profiles = int(args[0]) if args else 10_000
    n_families = int(args[1]) if len(args) > 1 else 10_000
    threads = int(args[2]) if len(args) > 2 else 2
    old = "--old" in sys.argv
    start = time.perf_counter()
    alleles, columns, truth = simulate(n_families, n_profiles)
    sexes = np.ones(n_profiles, dtype=np.int8)
    print(
        f"familial search: {n_profiles:,} profiles x {n_families:,} families, 23 markers, "
        f"{threads} threads (simulated in {time.perf_counter() - start:.1f} s)"
    )
    best_rows = np.zeros((n_profiles, 0), dtype=np.intp)
    best = np.zeros((n_profiles, 0))
    made: list[float] = []  # CPU seconds making Family objects (the benchmark's own work)
    built: list[float] = []  # CPU seconds of build_family_tables

    def build(first: int) -> FamilyTables:
        cpu = time.thread_time()
        chunk = families(alleles, first, min(first + CHUNK, n_families))
        made.append(time.thread_time() - cpu)
        cpu = time.thread_time()
        tables = build_family_tables(chunk, TABLE)
        built.append(time.thread_time() - cpu)
        return tables

    screened = waited = reference = reference_cpu = 0.0
    summed = 0
    begin, begin_cpu = time.perf_counter(), time.process_time()
    chunks = prefetched(build, range(0, n_families, CHUNK))
    for first in range(0, n_families, CHUNK):
        start = time.perf_counter()
        tables = next(chunks)
        waited += time.perf_counter() - start
        floor = best[:, TOP - 1] if best.shape[1] >= TOP else None
        start = time.perf_counter()
        rows, scores, count = screen_pruned(
            tables, columns, sexes, top=TOP, threads=threads, floor=floor
        )
        new_wall = time.perf_counter() - start
        screened += new_wall
        summed += count
        if old and first == 0:
            start, cpu = time.perf_counter(), time.process_time()
            _, want, _ = screen_certified(tables, columns, sexes, top=TOP, threads=threads)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            reference += wall
            reference_cpu += cpu
            pairs = n_profiles * len(tables.families)
            print(
                f"  two-pass screen, first chunk ({len(tables.families):,} families): "
                f"{wall:.2f} s ({cpu:.2f} s CPU), {pairs / wall:,.0f} pairs/s; the threshold "
                f"screen on it: {new_wall:.2f} s, the same scores bit for bit: "
                f"{np.array_equal(want, scores)}"
            )
        best_rows = np.concatenate([best_rows, rows + first], axis=1)
        best = np.concatenate([best, scores], axis=1)
        order = np.lexsort((best_rows, -best), axis=-1)[:, :TOP]
        best_rows = np.take_along_axis(best_rows, order, axis=1)
        best = np.take_along_axis(best, order, axis=1)
        del tables
    total = time.perf_counter() - begin - reference
    total_cpu = time.process_time() - begin_cpu - reference_cpu
    built_cpu, made_cpu = sum(built), sum(made)
    screened_cpu = total_cpu - built_cpu - made_cpu
    pairs = n_profiles * n_families
    related = truth >= 0
    recall = float(np.mean(best_rows[related, 0] == truth[related])) if related.any() else 1.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  family tables      {built_cpu:8.2f} s CPU ({n_families / built_cpu:,.0f} families "
        f"per CPU second; built in a thread beside the screen; {made_cpu:.2f} s CPU more "
        "making the benchmark's Family objects)"
    )
    print(
        f"  screen             {screened_cpu:8.2f} s CPU ({screened:.2f} s wall; "
        f"{summed / pairs:.2%} of pairs summed exactly; {waited:.2f} s waiting for tables)"
    )
    print(f"  total              {total:8.2f} s wall ({total_cpu:.2f} s CPU, {threads} threads)")
    load = os.getloadavg()
    print(f"  load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end")
    print(f"  top-1 recall of the true family: {recall:.4f}; peak memory {peak:,.0f} MiB")
    scale = 1e10 / pairs
    family_scale = 100_000 / n_families
    print(
        f"  100,000 x 100,000 at these rates: screen {screened_cpu * scale:.0f} s CPU, tables "
        f"{built_cpu * family_scale:.0f} s CPU; on {threads} idle cores at least "
        f"{(screened_cpu * scale + built_cpu * family_scale) / threads:.0f} s"
    )


if __name__ == "__main__":
    main()
