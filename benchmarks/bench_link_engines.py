"""Benchmark: the same linkage on DuckDB and on Spark (local mode): time, quality, agreement.

Run: ``uv run python benchmarks/bench_link_engines.py [PERSONS ...] [--seed N]
[--master local[*]] [--engines duckdb,spark]`` (default 10000 persons, about 14,500 records
in two synthetic lists, :mod:`kintrace.linkage.synthetic`). For each size and engine it
prints the wall time of the model (training, scoring, weighing, clustering; the records are
normalised once, outside the timing), pairwise precision, recall and F1 at probability 0.5,
and for Spark the seconds its session took to start (a JVM; paid once per run of
``kintrace link``). The last line compares the engines: the pairs only one found, and the
largest difference of probability over the pairs both found. Spark samples pairs for u
with its own random numbers, so a trained model (1,000 records and more) differs a little;
an untrained one (fewer records) agrees to rounding.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from kintrace.cases.model import Sex
from kintrace.importers.persons import parse_persons
from kintrace.importers.tabular import Row, Table
from kintrace.linkage.engines import SparkOptions, check_engine, linkage_api
from kintrace.linkage.model import LinkageResult, link_features
from kintrace.linkage.normalise import PersonFeatures, person_features
from kintrace.linkage.synthetic import generate_lists, true_pairs


def features_of(rows: Sequence[dict[str, str]]) -> list[PersonFeatures]:
    table = Table(
        Path("synthetic.csv"),
        tuple(rows[0]),
        tuple(
            Row(i + 2, {k: v for k, v in r.items() if k != "person"}) for i, r in enumerate(rows)
        ),
    )
    return [person_features(r.details) for r in parse_persons(table, default_sex=Sex.UNKNOWN)]


def scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, ...]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--engines", default="duckdb,spark")
    args = parser.parse_args(argv)
    engines = [check_engine(name) for name in args.engines.split(",")]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {os.cpu_count()} cores, load average {load}, spark master {args.master}")
    print(
        f"{'persons':>8} {'records':>8} {'engine':<7} {'start s':>7} {'link s':>7} "
        f"{'P':>6} {'R':>6} {'F1':>6}"
    )
    work = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    for size in args.sizes:
        side_a, side_b = generate_lists(size, seed=args.seed)
        rows = side_a + side_b
        truth = true_pairs(rows)
        features = features_of(rows)
        results: dict[str, LinkageResult] = {}
        for engine in engines:
            started = time.perf_counter()
            with linkage_api(engine, SparkOptions(args.master, work)) as api:
                ready = time.perf_counter()
                result = link_features(features, split=len(side_a), db_api=api)
                done = time.perf_counter()
            results[engine] = result
            found = {(p.left, p.right) for p in result.pairs}
            precision, recall, f1 = scores(found, truth)
            print(
                f"{size:>8} {len(rows):>8} {engine:<7} {ready - started:7.1f} "
                f"{done - ready:7.1f} {precision:6.4f} {recall:6.4f} {f1:6.4f}",
                flush=True,
            )
        if len(results) == 2:
            first, second = (
                {(p.left, p.right): p.match_probability for p in r.pairs} for r in results.values()
            )
            both = first.keys() & second.keys()
            largest = max((abs(first[k] - second[k]) for k in both), default=math.nan)
            print(
                f"# {len(both)} pairs on both, {len(first.keys() ^ second.keys())} on one only; "
                f"largest difference of probability {largest:.3g}",
                flush=True,
            )


if __name__ == "__main__":
    main()
