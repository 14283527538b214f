"""Instance commands: init, serve, demo, backup, restore."""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn
from rich.markup import escape
from rich.progress import Progress

from kintrace.access import Role
from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    err_console,
    make_settings,
    print_json,
    reporting_errors,
)
from kintrace.instance import SECRET_FILE, check_serving, open_instance, weak_secret
from kintrace.storage.backup import backup, restore
from kintrace.storage.db import transaction
from kintrace.users.service import create_user, ensure_roles

DatabaseOpt = typer.Option(None, "--database", help=DATABASE_HELP)
DataDirOpt = typer.Option(None, "--data-dir", help=DATA_DIR_HELP)


def init(
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
    admin: str = typer.Option("admin", help="Username of the first administrator."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="Their password."
    ),
) -> None:
    """Create (or upgrade) the database and the first administrator."""
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        transaction(instance.sessions) as session,
    ):
        ensure_roles(session)
        create_user(session, username=admin, password=password, role=Role.ADMINISTRATOR)
        settings = instance.settings
    if not make_settings(database, data_dir).secret_key:
        err_console.print(f"the instance's secret key is in {settings.data_dir / SECRET_FILE}")
    err_console.print(f"kintrace is ready; sign in as [bold]{admin}[/] after `kintrace serve`.")


def serve(
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
    host: str | None = typer.Option(None, help="Address to listen on (default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port to listen on (default 8000)."),
    workers: int = typer.Option(
        1,
        min=1,
        max=64,
        help="Worker processes (uvicorn's); one of them runs the scheduled jobs.",
    ),
) -> None:
    """Serve the web app (refused on a public address with a known or short secret key)."""
    from kintrace.web.app import create_app  # the web app: only the commands that serve it

    with reporting_errors():
        settings = make_settings(database, data_dir)
        address = host or settings.host
        instance = open_instance(settings)
        check_serving(instance.settings, address)
        app = create_app(instance, daily_clocks=True) if workers == 1 else None
    why = weak_secret(instance.settings.secret_key)
    if why is not None:
        err_console.print(
            f"[bold yellow]warning:[/] KINTRACE_SECRET_KEY {why}; fine on {address} only"
        )
    if app is not None:
        from kintrace.web.serving import settle_collector

        settle_collector()
        uvicorn.run(app, host=address, port=port or settings.port, log_level="warning")
        return
    from kintrace.web.serving import set_worker_environment

    instance.engine.dispose()  # each worker opens its own connections
    set_worker_environment(settings)
    uvicorn.run(
        "kintrace.web.serving:worker_app",
        factory=True,
        workers=workers,
        host=address,
        port=port or settings.port,
        log_level="warning",
    )


def demo(
    data_dir: Path = typer.Option(
        Path("kintrace-data/demo"),
        "--data-dir",
        help="Folder of the demo instance: new, empty, or one an earlier demo built (reset).",
    ),
    persons: int = typer.Option(300, min=1, max=100_000, help="How many missing persons."),
    seed: int = typer.Option(2024, help="Seed of the demo data generator."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Build the demo data and stop."),
) -> None:
    """Build a fresh demo instance on SQLite with realistic data and serve it."""
    from kintrace.demo.load import load_demo, prepare_demo_folder
    from kintrace.web.app import create_app

    with reporting_errors():
        prepare_demo_folder(data_dir)
        settings = make_settings(None, data_dir)
        settings = settings.model_copy(
            update={
                "database_url": "",
                # e-mailed links point at the address the demo serves on
                "public_url": settings.public_url or f"http://{host}:{port}",
            }
        )
        instance = open_instance(settings)
        with Progress(console=err_console, transient=True) as progress:
            task = progress.add_task("demo data", total=persons)
            with transaction(instance.sessions) as session:
                summary = load_demo(
                    session,
                    persons=persons,
                    seed=seed,
                    progress=lambda n: progress.update(task, completed=n),
                )
    err_console.print(
        f"demo: {summary.persons} persons, {summary.requests} requests, "
        f"{summary.reports} reports in {settings.resolved_database_url}"
    )
    err_console.print("sign in with any of these (password [bold]demo[/]):")
    for username, role in summary.users:
        err_console.print(f"  {username:<12} {role}")
    if not settings.smtp_host:
        err_console.print(f"e-mails (sign-up, password reset) are written to {settings.outbox_dir}")
    if no_serve:
        return
    from kintrace.web.serving import settle_collector

    err_console.print(f"serving on [bold]http://{host}:{port}[/] (Ctrl+C stops)")
    app = create_app(instance, daily_clocks=True)
    settle_collector()
    uvicorn.run(app, host=host, port=port, log_level="warning")


def backup_command(
    target: Path = typer.Argument(..., help="The backup file to write (.tar.gz)."),
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
    json_out: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """Write a consistent, checked copy of the database and attachments to a new file."""
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        Progress(console=err_console, transient=True) as progress,
    ):
        task = progress.add_task("backup", total=None)
        manifest = backup(
            instance.engine,
            instance.files,
            target,
            lambda name: progress.update(task, description=f"backup {name}"),
        )
    if json_out:
        print_json(manifest)
    else:
        rows = sum(table["rows"] for table in manifest["tables"].values())
        err_console.print(
            f"backup written to {target}: {rows} rows, {len(manifest['attachments'])} attachments"
        )


def restore_command(
    source: Path = typer.Argument(..., help="A backup file written by `kintrace backup`."),
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
    json_out: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """Restore a backup into an empty instance: every checksum checked first, all or nothing."""
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        Progress(console=err_console, transient=True) as progress,
    ):
        task = progress.add_task("restore", total=None)
        manifest = restore(
            instance.engine,
            instance.files,
            source,
            lambda name: progress.update(task, description=f"restore {name}"),
        )
    for warning in manifest["warnings"]:
        err_console.print(f"[bold yellow]warning:[/] {escape(warning)}", highlight=False)
    if json_out:
        print_json(manifest)
    else:
        # the rows counted in the database after the write, not the manifest's figures
        rows = sum(manifest["tables"].values())
        err_console.print(f"restored {rows} rows and {len(manifest['attachments'])} attachments")


def register(app: typer.Typer) -> None:
    """Add the instance commands to the main app."""
    app.command()(init)
    app.command()(serve)
    app.command()(demo)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
