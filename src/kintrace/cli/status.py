"""``kintrace status``: assess a person's status from a story file, touching no database."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from kintrace.cases.dates import check_day
from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    err_console,
    make_settings,
    print_json,
    reporting_errors,
)
from kintrace.errors import StoryError
from kintrace.reconciliation.rules import reconcile
from kintrace.reconciliation.story import decode_story, parse_story, story_result
from kintrace.reconciliation.words import Lang

if TYPE_CHECKING:
    from kintrace.instance import Instance

app = typer.Typer(
    name="status",
    help="Assess what the evidence supports about a missing person.",
    no_args_is_help=True,
)


def read_story(path: Path) -> Any:
    """Read and decode a story file, or raise StoryError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoryError(f"{path}: no such file", [f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        message = f"{path}: cannot read the file: {error}"
        raise StoryError(message, [message]) from error
    try:
        return decode_story(text, source=str(path))
    except json.JSONDecodeError as error:
        message = (
            f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        )
        raise StoryError(message, [message]) from error


@app.command()
def assess(
    story: Path = typer.Argument(..., help="The person's story: a JSON file.", show_default=False),
    lang: Lang = typer.Option(Lang.EN, "--lang", help="Language of the explanation."),
) -> None:
    """Print the assessed status, confidence, flags and explanation of one story as JSON."""
    with reporting_errors():
        parsed = parse_story(read_story(story))
        assessment = reconcile(
            parsed.reports, parsed.official, parsed.today, parsed.policy, parsed.requests
        )
        print_json(story_result(parsed, assessment, lang))


def auto_workers(persons: int, batch: int) -> int:
    """Use every core once there are enough batches to keep them busy; one process else."""
    return (os.cpu_count() or 1) if persons > 4 * batch else 1


@app.command()
def recompute(
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    today: str | None = typer.Option(
        None, help="Assess as of this day (YYYY-MM-DD); default: today."
    ),
    reason: str = typer.Option("bulk recomputation", help="Why: kept with every new assessment."),
    batch: int = typer.Option(2000, min=1, help="Persons per batch."),
    workers: int = typer.Option(
        0,
        min=0,
        help="Processes that assess beside the one that reads and writes "
        "(0: one per core when there are more than a few thousand persons).",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    clocks: bool = typer.Option(
        False,
        "--clocks",
        help="Only the persons whose date-driven flags (overdue, court date passed, stale) "
        "lag the date, in short transactions: for a daily cron job.",
    ),
) -> None:
    """Recompute every person's assessed status in one transaction; changes are kept as history.

    With --clocks, only the persons whose date-driven flags the date has moved past, a few
    hundred per transaction (``kintrace serve`` does the same every day by itself).
    """
    with reporting_errors():
        try:
            day = date.fromisoformat(today) if today else date.today()
        except ValueError:
            raise StoryError(
                f"--today: {today!r} is not a date (YYYY-MM-DD)",
                [f"--today: {today!r} is not a date (YYYY-MM-DD)"],
            ) from None
        check_day(day, "--today")
        # imported here: `status assess` touches no database and needs none of these
        from kintrace.instance import open_instance
        from kintrace.reconciliation.daily import recompute_clocks

        settings = make_settings(database, data_dir)
        with open_instance(settings) as instance:
            started = time.perf_counter()
            if clocks:
                seen, changed = recompute_clocks(instance.sessions, today=day, settings=settings)
            else:
                seen, changed = _recompute_everyone(instance, day, reason, batch, workers)
            elapsed = time.perf_counter() - started
    figures = {"persons": seen, "changed": changed, "seconds": round(elapsed, 3)}
    if json_out:
        print_json(figures)
    else:
        rate = seen / elapsed if elapsed > 0 else 0.0
        err_console.print(
            f"recomputed {seen} persons ({changed} changed) in {elapsed:.1f} s, {rate:,.0f}/s"
        )


def _recompute_everyone(
    instance: Instance, day: date, reason: str, batch: int, workers: int
) -> tuple[int, int]:
    """Recompute every person in one transaction, with a progress bar."""
    from rich.progress import Progress
    from sqlalchemy import func, select

    from kintrace.reconciliation.bulk import recompute_all
    from kintrace.storage.db import transaction
    from kintrace.storage.tables import Person

    with transaction(instance.sessions) as session:
        total = session.scalar(select(func.count()).select_from(Person)) or 0
        if workers == 0:
            workers = auto_workers(total, batch)
        with Progress(console=err_console, transient=True) as progress:
            task = progress.add_task("recompute", total=total)
            return recompute_all(
                session,
                today=day,
                settings=instance.settings,
                reason=reason,
                batch=batch,
                workers=workers,
                read_in_workers=True,  # this transaction changes no report
                progress=lambda n: progress.update(task, completed=n),
            )
