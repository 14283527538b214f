"""Benchmark: familial search at national scale (prints the figures).

Run: ``uv run python benchmarks/bench_familial.py [PROFILES] [FAMILIES] [THREADS] [--old]``
(default 10000 10000 2). Families are drawn like a national reference database: half trios
(typed father and mother, missing son), half an untyped father beside a typed mother and a
typed sister (missing son); 23 markers of the Norwegian table, no mutation. One profile in ten
is a missing son of a family (simulated from its parents); the others are unrelated. The
families' tables are built and screened in chunks of 8,192 families (memory stays bounded;
each chunk's best matches are merged), as :func:`kintrace.kinship.search.screen` does it: a
float32 bound pass, then exact sums of a few candidates per profile. Prints the seconds of
the tables and of the screen, pairs per second, how many profiles needed the exact fallback,
top-1 recall of the true families, and the extrapolation to 100,000 x 100,000. With
``--old`` the one-pass screen it replaced (:func:`screen_every_pair`) runs on the first chunk
too, and the two answers are compared (scores bit for bit).
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
from kintrace.kinship.search import build_family_tables, genotype_columns

TABLE = norwegian_frequencies().subset(CORE_23)
CHUNK = 8192
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
    built = built_cpu = screened = screened_cpu = 0.0
    summed = 0
    for first in range(0, n_families, CHUNK):
        start, cpu = time.perf_counter(), time.process_time()
        chunk = families(alleles, first, min(first + CHUNK, n_families))
        tables = build_family_tables(chunk, TABLE)
        built += time.perf_counter() - start
        built_cpu += time.process_time() - cpu
        floor = best[:, TOP - 1] if best.shape[1] >= TOP else None
        start, cpu = time.perf_counter(), time.process_time()
        rows, scores, count = screen_pruned(
            tables, columns, sexes, top=TOP, threads=threads, floor=floor
        )
        new_wall, new_cpu = time.perf_counter() - start, time.process_time() - cpu
        screened += new_wall
        screened_cpu += new_cpu
        summed += count
        if old and first == 0:
            start, cpu = time.perf_counter(), time.process_time()
            _, want, _ = screen_certified(tables, columns, sexes, top=TOP, threads=threads)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            pairs = n_profiles * len(chunk)
            print(
                f"  two-pass screen, first chunk ({len(chunk):,} families): {wall:.2f} s "
                f"({cpu:.2f} s CPU), {pairs / wall:,.0f} pairs/s; the threshold screen on it: "
                f"{new_wall:.2f} s ({new_cpu:.2f} s CPU), the same scores bit for bit: "
                f"{np.array_equal(want, scores)}"
            )
        best_rows = np.concatenate([best_rows, rows + first], axis=1)
        best = np.concatenate([best, scores], axis=1)
        order = np.lexsort((best_rows, -best), axis=-1)[:, :TOP]
        best_rows = np.take_along_axis(best_rows, order, axis=1)
        best = np.take_along_axis(best, order, axis=1)
    pairs = n_profiles * n_families
    related = truth >= 0
    recall = float(np.mean(best_rows[related, 0] == truth[related])) if related.any() else 1.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  family tables      {built:8.2f} s  ({built_cpu:.2f} s CPU; "
        f"{n_families / built:,.0f} families/s)"
    )
    print(
        f"  screen             {screened:8.2f} s  ({screened_cpu:.2f} s CPU; "
        f"{pairs / screened:,.0f} pairs/s; {summed / pairs:.2%} of pairs summed exactly)"
    )
    load = os.getloadavg()
    print(f"  load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end")
    print(f"  top-1 recall of the true family: {recall:.4f}; peak memory {peak:,.0f} MiB")
    scale = 1e10 / pairs
    print(
        f"  100,000 x 100,000 at these rates: screen {screened * scale:.0f} s "
        f"({screened_cpu * scale:.0f} s CPU, {screened_cpu * scale / threads:.0f} s on "
        f"{threads} idle cores), tables {built * 100_000 / n_families:.0f} s "
        f"({built_cpu * 100_000 / n_families:.0f} s CPU)"
    )


if __name__ == "__main__":
    main()
