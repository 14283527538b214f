"""The engine a linkage runs on: its name, and the Spark configuration of a new session.

These start no JVM: the runs on Spark are in tests/integration/cli/test_link_spark.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.config import Settings
from kintrace.errors import InvalidInput
from kintrace.linkage.engines import (
    SparkOptions,
    check_engine,
    linkage_api,
    local_cores,
    spark_config,
)


def test_an_engine_is_duckdb_or_spark() -> None:
    assert check_engine("duckdb") == "duckdb"
    assert check_engine("spark") == "spark"
    with pytest.raises(InvalidInput, match="'postgres'.*duckdb, spark"):
        check_engine("postgres")


def test_local_masters_use_their_cores_and_a_cluster_its_own() -> None:
    assert local_cores("local[3]") == 3
    assert local_cores("local[2,4]") == 2  # two cores, four retries
    assert local_cores("local") == 1
    assert local_cores("local[*]") and local_cores("local[*]") >= 1
    for cluster in ("spark://head:7077", "yarn", "k8s://https://api:6443", "local-cluster"):
        assert local_cores(cluster) is None


def test_local_mode_fits_the_partitions_to_the_cores_and_keeps_its_files_in_the_data_folder(
    tmp_path: Path,
) -> None:
    config = spark_config(SparkOptions("local[3]", tmp_path / "spark"), "/jars/similarity.jar")
    assert config["spark.jars"] == "/jars/similarity.jar"
    assert config["spark.sql.shuffle.partitions"] == config["spark.default.parallelism"] == "3"
    assert config["spark.sql.warehouse.dir"] == str(tmp_path / "spark" / "warehouse")
    assert str(tmp_path / "spark" / "tmp") in config["spark.driver.extraJavaOptions"]
    assert config["spark.ui.enabled"] == "false"
    assert config["spark.driver.memory"] == "4g"  # Spark's 1g ran out at 10,000 persons


def test_a_cluster_keeps_its_own_partitions_and_scratch_folders(tmp_path: Path) -> None:
    config = spark_config(SparkOptions("spark://head:7077", tmp_path), "/jars/similarity.jar")
    assert config["spark.jars"] == "/jars/similarity.jar"  # shipped to the executors
    for key in (
        "spark.sql.shuffle.partitions",
        "spark.driver.extraJavaOptions",
        "spark.ui.enabled",
    ):
        assert key not in config


def test_an_empty_master_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Spark master URL is empty"):
        SparkOptions("  ")


def test_duckdb_gives_no_api_so_the_model_makes_its_own() -> None:
    with linkage_api("duckdb") as api:
        assert api is None


def test_the_settings_name_the_engine_and_the_master(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert (Settings().link_engine, Settings().spark_master) == ("duckdb", "local[*]")
    monkeypatch.setenv("KINTRACE_LINK_ENGINE", "spark")
    monkeypatch.setenv("KINTRACE_SPARK_MASTER", "spark://head:7077")
    settings = Settings(data_dir=tmp_path)
    assert (settings.link_engine, settings.spark_master) == ("spark", "spark://head:7077")
    assert settings.spark_dir == tmp_path / "spark"
    monkeypatch.setenv("KINTRACE_SPARK_DRIVER_MEMORY", "12g")
    assert Settings().spark_driver_memory == "12g"
    options = SparkOptions(driver_memory=Settings().spark_driver_memory)
    assert spark_config(options, "x.jar")["spark.driver.memory"] == "12g"
    monkeypatch.setenv("KINTRACE_SPARK_DRIVER_MEMORY", "lots")
    with pytest.raises(ValidationError, match="spark_driver_memory"):
        Settings()


def test_the_link_command_refuses_a_bad_engine_and_a_master_without_spark(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("id,surname\n1,Петров\n", encoding="utf-8")
    out = ["link", str(a), "--out", str(tmp_path / "p.csv")]
    runner = CliRunner()
    unknown = runner.invoke(app, [*out, "--engine", "postgres"])
    assert unknown.exit_code == 2 and "unknown linkage engine 'postgres'" in unknown.stderr
    master = runner.invoke(app, [*out, "--spark-master", "local[2]"])
    assert master.exit_code == 2 and "--spark-master is for --engine spark" in master.stderr
    listed = runner.invoke(
        app,
        [
            "link",
            "--list",
            "x",
            "--engine",
            "spark",
            "--spark-master",
            "",
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert listed.exit_code == 2 and "Spark master URL is empty" in listed.stderr
    assert not (tmp_path / "p.csv").exists()


def test_linking_on_duckdb_never_loads_pyspark(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("id,surname,given_name\n1,Петров,Саша\n2,PETROV,Aleksandr\n", encoding="utf-8")
    probe = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from kintrace.cli.main import app\n"
        f"r = CliRunner().invoke(app, ['link', {str(a)!r}, '--out', {str(tmp_path / 'p.csv')!r}])\n"
        "print(json.dumps([r.exit_code, 'pyspark' in sys.modules, 'splink' in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [0, False, True]
