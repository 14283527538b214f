"""The database a linkage runs on: DuckDB embedded (the default) or Spark, local or a cluster.

:func:`linkage_api` gives the ``db_api`` that :func:`kintrace.linkage.model.link_features`
takes, for the length of a ``with`` block: ``None`` for DuckDB (the model makes its own
in-memory database), a Splink ``SparkAPI`` for Spark. For Spark it starts a session on the
master it is given (``local[*]``: every core of this machine; ``spark://host:7077`` and the
like: a cluster, this process being the driver) with

- the driver's memory (``driver_memory``: 4g unless told; Spark's 1g ran out at 10,000
  persons);
- Splink's similarity functions: its jar on ``spark.jars``, which Spark also ships to the
  executors of a cluster;
- in local mode, as many shuffle partitions as cores (Spark's 200 make 200 tasks of every
  small join), no web UI (no port taken) and no broadcast joins (the large-input blocking
  joins the records to themselves some forty times in one plan: a copy for each ran a 1 GiB
  driver out of memory); on a cluster Spark's own defaults and its adaptive plans stand;
- its scratch (local mode: a cluster's executors have their own), checkpoint and warehouse
  folders under ``work_dir`` (the instance's data folder);
- intermediate tables kept by ``persist`` (memory, then the executors' disks), which needs
  no folder shared by the machines of a cluster;

and stops it when the block ends. In a process that ``spark-submit`` started, the session
takes spark-submit's master, jars (give it Splink's jar) and memory instead. A session already
running in the process (a test's) is used as it is and left running. Spark runs one at a time
in a process (a lock): a run stops the session it started, which would end another's.

pyspark is imported here only, and only when Spark is asked for: ``kintrace --help`` and the
DuckDB path never load it (a JVM start takes seconds).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from kintrace.errors import InvalidInput

LinkEngine = Literal["duckdb", "spark"]
"""The engines a linkage runs on."""

ENGINES: tuple[str, ...] = get_args(LinkEngine)

DEFAULT_SPARK_MASTER = "local[*]"
DEFAULT_DRIVER_MEMORY = "4g"
"""Spark's own 1g ran out of heap planning and blocking 14,723 records (10,000 persons)."""

_LOCAL = re.compile(r"local(?:\[(?P<cores>\d+|\*)(?:,\d+)?\])?")
_SPARK_RUNS = threading.Lock()

SUBMITTED = "PYSPARK_GATEWAY_PORT"
"""Set in a process that spark-submit started: its --master, --jars and memory then stand."""


def check_engine(name: str) -> LinkEngine:
    """Return ``name`` as an engine, or raise :class:`InvalidInput` naming the choices."""
    if name == "duckdb":
        return "duckdb"
    if name == "spark":
        return "spark"
    raise InvalidInput(f"unknown linkage engine {name!r}: choose one of {', '.join(ENGINES)}")


def check_master(master: str) -> str:
    """Return the Spark master URL, or raise :class:`InvalidInput` when it is empty."""
    if not master.strip():
        raise InvalidInput("the Spark master URL is empty: give local[*] or a cluster's URL")
    return master.strip()


def local_cores(master: str) -> int | None:
    """Return the cores a local master uses (``local[4]``: 4), or ``None`` for a cluster.

    >>> local_cores("local[2]"), local_cores("local"), local_cores("spark://h:7077")
    (2, 1, None)
    """
    found = _LOCAL.fullmatch(master.strip())
    if found is None:
        return None
    cores = found.group("cores")
    if cores is None:
        return 1
    return os.cpu_count() or 1 if cores == "*" else int(cores)


@dataclass(frozen=True, slots=True)
class SparkOptions:
    """How to start Spark: the master URL, the folder its scratch files go under, and the
    driver's memory (in local mode the only JVM, so all the memory Spark has)."""

    master: str = DEFAULT_SPARK_MASTER
    work_dir: Path = Path("kintrace-data") / "spark"
    driver_memory: str = DEFAULT_DRIVER_MEMORY

    def __post_init__(self) -> None:
        check_master(self.master)


def spark_config(options: SparkOptions, jar: str) -> dict[str, str]:
    """Return the Spark configuration of a new session (pure: tested without a JVM)."""
    work = options.work_dir.resolve()
    config = {
        "spark.app.name": "kintrace-link",
        "spark.jars": jar,
        "spark.driver.memory": options.driver_memory,
        "spark.sql.warehouse.dir": str(work / "warehouse"),
        "spark.ui.showConsoleProgress": "false",
    }
    cores = local_cores(options.master)
    if cores is not None:
        config |= {
            # the scratch files of local mode (shuffles, persisted tables) go to the JVM's
            # temporary folder; spark.local.dir would do the same but warns that a cluster
            # manager overrides it
            "spark.driver.extraJavaOptions": f'-Djava.io.tmpdir="{work / "tmp"}"',
            "spark.sql.shuffle.partitions": str(cores),
            "spark.default.parallelism": str(cores),
            "spark.ui.enabled": "false",
            "spark.sql.autoBroadcastJoinThreshold": "-1",
        }
    return config


@contextmanager
def spark_session(options: SparkOptions) -> Iterator[Any]:
    """Start a Spark session (or take the one running); stop it at the end if it was started."""
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    try:
        running: Any = SparkSession.active()
    except PySparkRuntimeError:  # none is running
        running = None
    if running is not None:  # a test's session, or the caller's: not ours to stop
        yield running
        return
    work = options.work_dir.resolve()
    for folder in ("tmp", "warehouse", "checkpoints"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder
    if SUBMITTED not in os.environ:
        builder = builder.master(options.master.strip())
        for key, value in spark_config(options, similarity_jar_location()).items():
            builder = builder.config(key, value)
    session = builder.getOrCreate()
    try:
        session.sparkContext.setLogLevel("ERROR")
        session.sparkContext.setCheckpointDir(str(work / "checkpoints"))
        yield session
    finally:
        session.stop()


@contextmanager
def linkage_api(engine: LinkEngine, spark: SparkOptions | None = None) -> Iterator[Any]:
    """Give the Splink database API of ``engine`` for the block (``None``: a new DuckDB)."""
    if engine == "duckdb":
        yield None
        return
    from splink import SparkAPI

    with _SPARK_RUNS, spark_session(spark or SparkOptions()) as session:
        # Splink's SparkAPI is untyped
        yield SparkAPI(spark_session=session, break_lineage_method="persist")  # type: ignore[no-untyped-call]
