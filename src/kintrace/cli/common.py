"""What every command shares: the consoles, and turning a KintraceError into exit code 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from kintrace.errors import InvalidInput, KintraceError

if TYPE_CHECKING:
    from kintrace.config import Settings

console = Console()
err_console = Console(stderr=True)

EXIT_INPUT = 2
"""Exit status for bad input and every other KintraceError."""


def fail(error: KintraceError) -> NoReturn:
    """Print one line per problem on stderr and exit with status 2."""
    problems = error.problems if isinstance(error, InvalidInput) else (str(error),)
    for line in problems:
        # the problem is text, not markup: "[DVI]" in a message must be printed as written
        err_console.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_INPUT)


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn a KintraceError (or a busy database) raised inside the block into lines and exit 2."""
    try:
        yield
    except KintraceError as error:
        fail(error)
    except Exception as error:
        # imported here: SQLAlchemy takes a second to import, and most commands use no database
        from kintrace.storage.db import busy_error

        busy = busy_error(error)  # "database is locked", a lock timeout: busy, retry
        if busy is None:
            raise
        fail(busy)


def print_json(data: Any) -> None:
    """Print data as JSON on stdout, UTF-8, no rich markup."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


DATABASE_HELP = (
    "Database URL (SQLite or PostgreSQL); default: KINTRACE_DATABASE_URL or a SQLite file."
)
DATA_DIR_HELP = (
    "Folder for the SQLite file and attachments; default: KINTRACE_DATA_DIR or ./kintrace-data."
)


def make_settings(database: str | None, data_dir: Path | None) -> Settings:
    """Build settings from the environment, overridden by the command's options."""
    from kintrace.config import Settings  # pydantic-settings: only commands with an instance

    overrides: dict[str, Any] = {}
    if database:
        overrides["database_url"] = database
    if data_dir:
        overrides["data_dir"] = data_dir
    return Settings(**overrides)
