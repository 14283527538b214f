"""A local Spark session (one core) for the tests that run the model on Spark."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pyspark.sql import SparkSession
from splink import SparkAPI
from splink.backends.spark import similarity_jar_location


@pytest.fixture(scope="session")
def spark_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start Spark in local mode with Splink's similarity functions; stop it at the end."""
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("kintrace-tests")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # small data: whole-stage code generation and adaptive plans cost more than they save
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.driver.memory", "1g")
        # the large-input blocking joins the table to itself some forty times in one plan: a
        # broadcast copy for each ran the 1 GiB driver out of memory
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark-checkpoints")))
    try:
        yield SparkAPI(
            spark_session=spark, num_partitions_on_repartition=1, break_lineage_method="persist"
        )
    finally:
        spark.stop()
