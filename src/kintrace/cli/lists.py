"""List commands: import a list file, export persons."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress

from kintrace.access import SYSTEM
from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    err_console,
    make_settings,
    print_json,
    reporting_errors,
)
from kintrace.importers.persons import FIELD_LIMITS, PERSON_COLUMNS, parse_persons
from kintrace.importers.tabular import parse_column_map, read_table
from kintrace.instance import open_instance
from kintrace.lists.export import export_rows, write_rows
from kintrace.lists.service import ImportResult, ListKind, import_list
from kintrace.storage.audit import set_actor
from kintrace.storage.db import retrying, transaction


def import_command(
    file: Path = typer.Argument(..., help="CSV (UTF-8, header row) or XLSX file."),
    list_name: str = typer.Option(
        ..., "--list", help="Name of the list, unique (e.g. 'UA-2023-05')."
    ),
    kind: ListKind = typer.Option(ListKind.OTHER, help="What the list is."),
    columns: str | None = typer.Option(
        None, help="Map standard columns to the file's headers: surname=last_name,..."
    ),
    persons: bool = typer.Option(
        False, "--persons", help="Also create a missing person per row (a registry import)."
    ),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Import a list of persons (standard columns: id, surname, given_name, patronymic, sex,
    birth_date, age, report_date, region, unit, rank, personal_number). Every bad row is
    reported with file, row and field, and nothing is written unless every row is good."""
    with reporting_errors():
        table = read_table(
            file, parse_column_map(columns, PERSON_COLUMNS), required=("id",), limits=FIELD_LIMITS
        )
        records = parse_persons(table)
        with open_instance(make_settings(database, data_dir)) as instance:

            def write() -> ImportResult:
                with (
                    Progress(console=err_console, transient=True) as progress,
                    transaction(instance.sessions) as session,
                ):
                    set_actor(session, actor_id=SYSTEM.user_id, reason=f"import of {file.name}")
                    task = progress.add_task(f"import {file.name}", total=len(records))
                    return import_list(
                        session,
                        path=file,
                        name=list_name,
                        kind=kind,
                        records=records,
                        as_persons=persons,
                        actor_id=None,
                        progress=lambda n: progress.update(task, completed=n),
                    )

            # another import writing at the same moment: a short wait, then a new transaction
            result = retrying(write)
    if json_out:
        print_json(
            {
                "list": result.name,
                "list_id": result.list_id,
                "rows": result.rows,
                "persons_created": result.persons_created,
            }
        )
    else:
        err_console.print(
            f"imported {result.rows} rows into list {result.name!r}"
            + (f"; {result.persons_created} persons created" if persons else "")
        )


def export_command(
    target: Path = typer.Argument(..., help="File to write: .csv, .xlsx or .json."),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
) -> None:
    """Export every person with official and assessed status."""
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        instance.sessions() as session,
    ):
        count = write_rows(export_rows(session, SYSTEM), target)
    err_console.print(f"exported {count} persons to {target}")


def register(app: typer.Typer) -> None:
    """Add the list commands to the main app."""
    app.command("import")(import_command)
    app.command("export")(export_command)
