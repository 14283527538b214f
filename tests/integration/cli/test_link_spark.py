"""``kintrace link`` on Spark (issue 18, "Beyond one machine"): the same results as on DuckDB.

One local Spark session (one core) serves the module: it is started the way the command
starts its own (:func:`kintrace.linkage.engines.spark_session`), and the command takes the
session running in the process instead of starting another (a JVM start costs seconds).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from integration.cli.test_lists_evidence import (
    PRISONERS,
    exported,
    import_args,
    reports_by_surname,
    with_registry,
)
from kintrace.cli.main import app
from kintrace.linkage.engines import SparkOptions, spark_session
from kintrace.linkage.synthetic import generate_lists

pytestmark = pytest.mark.slow

ABS_TOLERANCE = 1e-6
"""Probabilities agree to this: PAIRS.csv writes six decimals. Before rounding an untrained
model's are the same to the last bit (benchmarks/bench_link_engines.py 500: 270 pairs)."""


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    work = tmp_path_factory.mktemp("spark")
    with spark_session(SparkOptions("local[1]", work)) as session:
        assert (work / "checkpoints").is_dir()  # the scratch folders are where they were asked
        yield session


def splink_tables(session: Any) -> set[str]:
    """The tables Splink has made in the session (each run makes new ones)."""
    return {t.name for t in session.catalog.listTables() if t.name.startswith("__splink__")}


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = [c for c in rows[0] if c != "person"]  # the truth stays out of the file
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_pairs(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(r["left_id"], r["right_id"]): r for r in csv.DictReader(handle)}


def test_two_files_link_to_the_same_pairs_on_spark_as_on_duckdb(spark: Any, tmp_path: Path) -> None:
    side_a, side_b = generate_lists(30, seed=11)
    a = write_rows(tmp_path / "A.csv", side_a)
    b = write_rows(tmp_path / "B.csv", side_b)
    runner = CliRunner()
    found = {}
    before = splink_tables(spark)
    for engine in ("duckdb", "spark"):
        pairs, clusters = tmp_path / f"pairs-{engine}.csv", tmp_path / f"clusters-{engine}.csv"
        result = runner.invoke(
            app,
            ["link", str(a), str(b), "--out", str(pairs), "--clusters", str(clusters),
             "--min-probability", "0.01", "--engine", engine,
             "--data-dir", str(tmp_path / "instance")],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        found[engine] = (read_pairs(pairs), clusters.read_text(encoding="utf-8"))
        if engine == "duckdb":
            assert splink_tables(spark) == before  # DuckDB touched no Spark
    assert splink_tables(spark) > before  # the model ran on Spark
    duckdb_pairs, spark_pairs = found["duckdb"][0], found["spark"][0]
    assert len(duckdb_pairs) >= 10
    assert set(spark_pairs) == set(duckdb_pairs)
    for pair, row in duckdb_pairs.items():
        on_spark = spark_pairs[pair]
        for column in ("match_probability", "pairwise_probability"):
            assert float(on_spark[column]) == pytest.approx(float(row[column]), abs=ABS_TOLERANCE)
        assert {k: v for k, v in on_spark.items() if "probability" not in k} == {
            k: v for k, v in row.items() if "probability" not in k
        }  # the same weight and the same evidence, field by field
    assert found["spark"][1] == found["duckdb"][1]  # the same persons


def test_a_list_linked_on_spark_changes_the_same_statuses(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    figures, reports, statuses = {}, {}, {}
    for engine in ("duckdb", "spark"):
        url = f"sqlite:///{tmp_path / f'{engine}.sqlite3'}"
        with_registry(runner, tmp_path, url)
        pow_list = tmp_path / "pow.csv"
        pow_list.write_text(PRISONERS, encoding="utf-8")
        imported = runner.invoke(app, [*import_args(pow_list), "--database", url])
        assert imported.exit_code == 0, imported.output
        # as the app does: the engine comes from the settings
        monkeypatch.setenv("KINTRACE_LINK_ENGINE", engine)
        before = splink_tables(spark)
        result = runner.invoke(app, ["link", "--list", "pow-1", "--json", "--database", url])
        assert result.exit_code == 0, result.output
        assert (splink_tables(spark) > before) == (engine == "spark")
        figures[engine] = {k: v for k, v in json.loads(result.stdout).items() if k != "seconds"}
        reports[engine] = reports_by_surname(url)
        statuses[engine] = exported(runner, tmp_path, url)
    assert figures["spark"] == figures["duckdb"]
    assert (figures["spark"]["automatic"], figures["spark"]["statuses_changed"]) == (2, 2)
    assert reports["spark"] == reports["duckdb"]
    assert statuses["spark"] == statuses["duckdb"]
    assert statuses["spark"]["Петров"] == "captured_reported"
