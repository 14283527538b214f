"""List commands: import a list file, export persons."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress

from kintrace.access import SYSTEM
from kintrace.cases.consent import PARTNER_SCOPES
from kintrace.cases.model import ConsentScope
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
from kintrace.importers.persons import PERSON_COLUMNS, PersonRecord
from kintrace.importers.tabular import parse_column_map
from kintrace.instance import open_instance
from kintrace.linkage.service import LinkRun, link_list
from kintrace.lists.export import export_rows, write_rows
from kintrace.lists.preview import Preview
from kintrace.lists.service import (
    ImportResult,
    ListKind,
    columns_for,
    content_hash,
    import_list,
    list_holding,
    read_list,
)
from kintrace.storage.audit import set_actor
from kintrace.storage.db import retrying, transaction


class _Preview(Exception):
    """Raised inside a dry run's transaction so that it is rolled back, carrying the figures."""

    def __init__(self, figures: dict[str, Any]) -> None:
        super().__init__("dry run")
        self.figures = figures


def _published(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise InvalidInput(f"--published: {text[:40]!r} is not a date YYYY-MM-DD") from error


def import_command(
    file: Path = typer.Argument(..., help="CSV (UTF-8, header row) or XLSX file."),
    list_name: str = typer.Option(
        ..., "--list", help="Name of the list, unique (e.g. 'UA-2023-05')."
    ),
    kind: ListKind = typer.Option(ListKind.OTHER, help="What the list is."),
    source: str | None = typer.Option(
        None,
        "--source",
        help="Who published the list (a source, graded like any other); its linked rows "
        "become reports from it.",
    ),
    published: str | None = typer.Option(
        None, "--published", help="When the list was published, YYYY-MM-DD."
    ),
    columns: str | None = typer.Option(
        None,
        help="Map standard columns to the file's headers: surname=last_name,... "
        "(default: the mapping of the source's last list, if this file has its headers).",
    ),
    persons: bool = typer.Option(
        False, "--persons", help="Also create a missing person per row (a registry import)."
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Show what the import and linking would do (linked, created, queued); write nothing.",
    ),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Import a list of persons (standard columns: id, surname, given_name, patronymic, sex,
    birth_date, age, report_date, region, unit, rank, personal_number). Every bad row is
    reported with file, row and field, and nothing is written unless every row is good. A file
    whose content was imported before adds nothing (exit 0) and names the list holding it."""
    with reporting_errors():
        published_on = _published(published)
        if not file.is_file():
            raise SourceFormatError(f"{file}: no such file")
        digest = content_hash(file)
        column_map = parse_column_map(columns, PERSON_COLUMNS)
        records: list[PersonRecord] | None = None
        if columns is not None or source is None:  # no saved mapping to look up: read first
            records = read_list(file, column_map)
        with open_instance(make_settings(database, data_dir)) as instance:
            with instance.sessions() as session:
                holding = list_holding(session, digest)
                earlier = (holding.id, holding.name) if holding is not None else None
            if earlier is not None:
                _say_imported_already(file, list_name, earlier, json_out)
                return
            if records is None:
                with instance.sessions() as session:
                    column_map, saved = columns_for(session, file, columns, source)
                records = read_list(file, column_map)
                if saved:
                    err_console.print(f"columns read with the mapping saved for {source!r}")

            def write(preview: bool) -> tuple[ImportResult, LinkRun | None]:
                with (
                    Progress(console=err_console, transient=True) as progress,
                    transaction(instance.sessions) as session,
                ):
                    set_actor(session, actor_id=SYSTEM.user_id, reason=f"import of {file.name}")
                    task = progress.add_task(f"import {file.name}", total=len(records))
                    result = import_list(
                        session,
                        path=file,
                        name=list_name,
                        kind=kind,
                        records=records,
                        as_persons=persons,
                        actor_id=None,
                        progress=lambda n: progress.update(task, completed=n),
                        source=source,
                        published_on=published_on,
                        column_map=column_map,
                        sha256=digest,
                    )
                    if not preview:
                        return result, None
                    progress.update(task, description=f"linking {list_name} (dry run)")
                    run = link_list(
                        session,
                        list_name=list_name,
                        status_settings=instance.settings,
                        today=date.today(),
                    )
                    raise _Preview(Preview(result, run).figures())

            if dry_run:
                try:
                    write(True)
                except _Preview as rolled_back:
                    _say_preview(rolled_back.figures, json_out)
                return
            # another import writing at the same moment: a short wait, then a new transaction
            result, _ = retrying(lambda: write(False))
    if json_out:
        figures: dict[str, Any] = {
            "list": result.name,
            "list_id": result.list_id,
            "rows": result.rows,
            "persons_created": result.persons_created,
        }
        if result.source is not None:
            figures |= {
                "kind": kind.value,
                "source": result.source,
                "published": result.published_on.isoformat() if result.published_on else None,
            }
        print_json(figures)
    else:
        err_console.print(
            f"imported {result.rows} rows into list {result.name!r}"
            + (f" from {result.source!r}" if result.source is not None else "")
            + (f"; {result.persons_created} persons created" if persons else "")
        )


def _say_imported_already(
    file: Path, list_name: str, earlier: tuple[int, str], json_out: bool
) -> None:
    """Say that this content is held by an earlier list and nothing was written."""
    if json_out:
        print_json(
            {
                "list": list_name,
                "already_imported": True,
                "imported_as": earlier[1],
                "list_id": earlier[0],
                "rows": 0,
                "persons_created": 0,
            }
        )
    else:
        console.print(
            f"{file.name} was imported already: list {earlier[1]!r} holds the same content "
            "(SHA-256); nothing written",
            highlight=False,
            soft_wrap=True,
        )


def _say_preview(figures: dict[str, Any], json_out: bool) -> None:
    if json_out:
        print_json(figures)
        return
    console.print(
        f"dry run, nothing written: {figures['rows']} rows would be imported into list "
        f"{figures['list']!r}"
        + (f" from {figures['source']!r}" if figures["source"] else "")
        + f"; {figures['persons_created']} persons created; "
        f"linking would link {figures['linked']} automatically "
        f"({figures['reports']} reports, {figures['statuses_changed']} statuses changed), "
        f"queue {figures['queued']} for review and {figures['duplicates']} duplicate persons, "
        f"and leave {figures['unmatched']} without a match",
        highlight=False,
        soft_wrap=True,
    )


def export_command(
    target: Path = typer.Argument(..., help="File to write: .csv, .xlsx or .json."),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    partner: str = typer.Option(
        "",
        "--partner",
        help="authorities, red_cross or dna_laboratory: only the persons whose relatives "
        "agreed to share with that partner (or whom no relative asked for).",
    ),
) -> None:
    """Export every person with official and assessed status (each case logs the export)."""
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        transaction(instance.sessions) as session,
    ):
        scope = partner_scope(partner)
        rows = export_rows(session, SYSTEM, partner=scope, log=True)
        count = write_rows(rows, target)
    err_console.print(f"exported {count} persons to {target}")


def partner_scope(text: str) -> ConsentScope | None:
    """Read ``--partner``: empty for every person, else a partner's consent scope."""
    if not text:
        return None
    if text not in {s.value for s in PARTNER_SCOPES}:
        names = ", ".join(s.value for s in PARTNER_SCOPES)
        raise InvalidInput(f"--partner: {text[:40]!r} is not one of {names}")
    return ConsentScope(text)


def register(app: typer.Typer) -> None:
    """Add the list commands to the main app."""
    app.command("import")(import_command)
    app.command("export")(export_command)
