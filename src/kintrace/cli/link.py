"""``kintrace link FILE_A [FILE_B] --out PAIRS.csv``: link person lists file to file, no database.

With one file it finds the duplicates in it; with two it links A to B and finds the
duplicates within each. ``PAIRS.csv`` has ``left_id,right_id,match_probability`` and then
the evidence: the match weight, which file each id comes from, each field's level of
agreement and the pair's probability on its own (``match_probability`` is the probability
given the pairs around it: a record with two namesakes who are two men gets neither at the
odds the pair alone would give). ``CLUSTERS.csv`` has ``id,cluster_id`` (and the file) for
every record.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from kintrace.cases.model import Sex
from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    console,
    err_console,
    make_settings,
    print_json,
    reporting_errors,
)
from kintrace.errors import InvalidInput, SourceFormatError
from kintrace.importers.persons import FIELD_LIMITS, PERSON_COLUMNS, PersonRecord, parse_persons
from kintrace.importers.tabular import parse_column_map, read_table
from kintrace.linkage.comparisons import COMPARISONS
from kintrace.linkage.engines import SparkOptions, check_engine, check_master, linkage_api
from kintrace.linkage.model import LinkageResult, LinkageSettings, link_features
from kintrace.linkage.normalise import PersonFeatures, person_features
from kintrace.lists.cells import csv_row

if TYPE_CHECKING:
    from kintrace.config import Settings

PAIRS_HEADER = ("left_id", "right_id", "match_probability")
"""The fixed first columns of PAIRS.csv; other tools read them by name."""

_STAGES = ("prepare", "train", "score", "weigh", "cluster")


@dataclass(frozen=True, slots=True)
class _Source:
    label: str
    records: tuple[PersonRecord, ...]


def _read_sources(paths: Sequence[Path], column_map: dict[str, str]) -> list[_Source]:
    """Read and validate every file; raise one error listing every problem of every file."""
    problems: list[str] = []
    sources: list[_Source] = []
    for path in paths:
        try:
            table = read_table(path, column_map, required=("id",), limits=FIELD_LIMITS)
            records = parse_persons(table, default_sex=Sex.UNKNOWN)
        except InvalidInput as error:
            problems.extend(error.problems)
            continue
        sources.append(_Source(path.name, tuple(records)))
    if problems:
        raise SourceFormatError(f"{len(problems)} problem(s) in the input", problems)
    return sources


def _write_atomically(path: Path, rows: list[list[str]]) -> None:
    """Write a CSV next to its destination, then rename it there, so it is whole or absent.

    A cell that a spreadsheet would read as a formula is quote-prefixed (record ids cannot
    begin so: the importer refuses them; a file name or an evidence word could).
    """
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerows(csv_row(row) for row in rows)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _pair_rows(result: LinkageResult, ids: Sequence[str], labels: Sequence[str]) -> list[list[str]]:
    header = [
        *PAIRS_HEADER,
        "match_weight",
        "left_file",
        "right_file",
        *(c.name for c in COMPARISONS),
        "pairwise_probability",
    ]
    rows = [header]
    for pair in result.pairs:
        rows.append(
            [
                ids[pair.left],
                ids[pair.right],
                f"{pair.match_probability:.6f}",
                f"{pair.match_weight:.3f}",
                labels[pair.left],
                labels[pair.right],
                *(pair.evidence.get(c.name, "") for c in COMPARISONS),
                f"{pair.pairwise_probability:.6f}" if pair.pairwise_probability is not None else "",
            ]
        )
    return rows


def _cluster_rows(
    result: LinkageResult, ids: Sequence[str], labels: Sequence[str]
) -> list[list[str]]:
    numbers: dict[int, int] = {}
    rows = [["id", "cluster_id", "file"]]
    for index, cluster in enumerate(result.clusters):
        number = numbers.setdefault(cluster, len(numbers) + 1)
        rows.append([ids[index], str(number), labels[index]])
    return rows


def _check_outputs(out: Path, clusters: Path | None, inputs: Sequence[Path]) -> None:
    problems = []
    for target in (out, clusters):
        if target is None:
            continue
        if any(target.resolve() == path.resolve() for path in inputs):
            problems.append(f"{target}: would overwrite an input file")
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            problems.append(f"{target}: folder {folder} does not exist")
    if clusters is not None and clusters.resolve() == out.resolve():
        problems.append(f"{clusters}: --clusters and --out name the same file")
    if problems:
        raise InvalidInput(problems[0], problems)


def link(
    files: list[Path] | None = typer.Argument(
        None,
        help="One CSV/XLSX file to deduplicate, or two to link (A then B).",
        show_default=False,
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the scored pairs to this CSV."),
    clusters: Path | None = typer.Option(
        None, "--clusters", help="Also write each record's person (cluster) to this CSV."
    ),
    min_probability: float = typer.Option(
        0.5, "--min-probability", min=0.0, max=1.0, help="Write pairs at or above this."
    ),
    columns: str | None = typer.Option(
        None, "--columns", help="Map standard columns to the file's headers: surname=last_name,..."
    ),
    list_name: str | None = typer.Option(
        None, "--list", help="Link this imported list to the persons in the database instead."
    ),
    upper: float = typer.Option(
        0.95, "--upper", min=0.0, max=1.0, help="With --list: link automatically at or above."
    ),
    lower: float | None = typer.Option(
        None,
        "--lower",
        min=0.0,
        max=1.0,
        help="With --list: queue for review at or above (default: --min-probability, 0.5).",
    ),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    json_out: bool = typer.Option(False, "--json", help="With --list: print the figures as JSON."),
    no_twins_guard: bool = typer.Option(
        False,
        "--no-twins-guard",
        help="Files to file only: the lists hold no two relatives (a register of one person "
        "per family), so a wholly different given name is an ordinary disagreement instead "
        "of keeping twins and brothers apart.",
    ),
    engine: str | None = typer.Option(
        None,
        "--engine",
        help="Where the model runs: duckdb (embedded) or spark (Splink's Spark backend); "
        "default: KINTRACE_LINK_ENGINE or duckdb.",
        show_default=False,
    ),
    spark_master: str | None = typer.Option(
        None,
        "--spark-master",
        help="With --engine spark: local[*] (every core here) or a cluster's URL "
        "(spark://host:7077); default: KINTRACE_SPARK_MASTER or local[*].",
        show_default=False,
    ),
) -> None:
    """Link person lists: file to file (duplicates in one file, or matches between two), or
    an imported list to the persons in the database (--list NAME)."""
    if list_name is not None:
        with reporting_errors():
            settings = _engine_settings(engine, spark_master, database, data_dir)
            if files or out is not None:
                raise InvalidInput("--list links an imported list: give no files and no --out")
            if no_twins_guard:
                raise InvalidInput("--no-twins-guard is for files: persons have relatives")
            _link_list(
                list_name, upper, min_probability if lower is None else lower, settings, json_out
            )
        return
    started = time.perf_counter()
    with reporting_errors():
        settings = _engine_settings(engine, spark_master, database, data_dir)
        files = files or []
        if out is None:
            raise InvalidInput("--out is required when linking files")
        if lower is not None:
            raise InvalidInput("--lower is for --list; files take --min-probability")
        if not 1 <= len(files) <= 2:
            raise InvalidInput(f"give one or two files, not {len(files)}")
        _check_outputs(out, clusters, files)
        sources = _read_sources(files, parse_column_map(columns, PERSON_COLUMNS))
        labels: list[str] = []
        ids: list[str] = []
        records: list[PersonRecord] = []
        for source in sources:
            labels += [source.label] * len(source.records)
            ids += [r.record_id for r in source.records]
            records += source.records
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=False,
        ) as progress:
            normalising = progress.add_task("normalising records", total=len(records))
            features: list[PersonFeatures] = []
            for record in records:
                features.append(person_features(record.details))
                progress.advance(normalising)
            modelling = progress.add_task("linking", total=len(_STAGES))

            def on_stage(stage: str) -> None:
                progress.update(
                    modelling,
                    description=f"linking: {stage}",
                    completed=_STAGES.index(stage) if stage in _STAGES else 0,
                )

            if settings.link_engine == "spark":
                progress.update(modelling, description="linking: starting spark")
            spark = SparkOptions(
                settings.spark_master, settings.spark_dir, settings.spark_driver_memory
            )
            with linkage_api(settings.link_engine, spark) as db_api:
                result = link_features(
                    features,
                    min_probability=min_probability,
                    settings=LinkageSettings(given_name_guard=not no_twins_guard),
                    on_stage=on_stage,
                    split=len(sources[0].records) if len(sources) == 2 else None,
                    db_api=db_api,
                )
            progress.update(modelling, description="linking: done", completed=len(_STAGES))
        _write_atomically(out, _pair_rows(result, ids, labels))
        if clusters is not None:
            _write_atomically(clusters, _cluster_rows(result, ids, labels))
    persons = len(set(result.clusters))
    elapsed = time.perf_counter() - started
    console.print(
        f"{len(records)} records, {result.pairs_scored} pairs scored, "
        f"{len(result.pairs)} pairs at or above {min_probability:g}, {persons} persons, "
        f"{'trained on these data' if result.trained else 'prior model (too few records)'}, "
        f"{elapsed:.1f} s",
        highlight=False,
        soft_wrap=True,
    )


def _engine_settings(
    engine: str | None, spark_master: str | None, database: str | None, data_dir: Path | None
) -> Settings:
    """Return the settings with the engine and Spark master the options name over them."""
    settings = make_settings(database, data_dir)
    chosen = check_engine(engine) if engine is not None else settings.link_engine
    if spark_master is not None and chosen != "spark":
        raise InvalidInput("--spark-master is for --engine spark")
    master = settings.spark_master if spark_master is None else spark_master
    if chosen == "spark":
        master = check_master(master)  # refused before any file or database is read
    return settings.model_copy(update={"link_engine": chosen, "spark_master": master})


def _link_list(
    name: str,
    upper: float,
    lower: float,
    settings: Settings,
    json_out: bool,
) -> None:
    """Link an imported list to the persons, in one transaction; print the figures."""
    # imported here: linking files touches no database
    from kintrace.instance import open_instance
    from kintrace.linkage.service import link_list
    from kintrace.storage.audit import set_actor
    from kintrace.storage.db import transaction

    started = time.perf_counter()
    with (
        open_instance(settings) as instance,
        transaction(instance.sessions) as session,
        Progress(
            TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console
        ) as progress,
    ):
        set_actor(session, actor_id=None, reason=f"kintrace link --list {name}")
        task = progress.add_task("linking")
        run = link_list(
            session,
            list_name=name,
            upper=upper,
            lower=lower,
            on_stage=lambda stage: progress.update(task, description=f"linking: {stage}"),
            status_settings=instance.settings,
            today=date.today(),
        )
    figures = {
        "list": name,
        "records": run.records,
        "persons": run.persons,
        "automatic": run.automatic,
        "review": run.review,
        "duplicates": run.duplicates,
        "unmatched": run.unmatched,
        "pairs_scored": run.pairs_scored,
        "reports": run.reports,
        "statuses_changed": run.statuses_changed,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if json_out:
        print_json(figures)
    else:
        console.print(
            f"{run.records} records of {name!r} against {run.persons} persons: "
            f"{run.automatic} linked automatically, {run.review} to review, "
            f"{run.duplicates} duplicate persons to review, {run.unmatched} without a match; "
            f"{run.reports} reports made, {run.statuses_changed} statuses changed "
            f"({run.pairs_scored} pairs scored, {figures['seconds']} s)",
            highlight=False,
            soft_wrap=True,
        )
