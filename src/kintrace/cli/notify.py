"""``kintrace notify``: find the news of the cases and mail it, for cron (serve does it itself)."""

from __future__ import annotations

from pathlib import Path

import typer

from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    err_console,
    make_settings,
    print_json,
    reporting_errors,
)


def notify(
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    daily: bool = typer.Option(
        False, "--daily", help="Also send the day's digests (once a day, e.g. from cron)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Tell the families what changed in their cases: in the app, and by e-mail as they chose.

    Finds what was written since the last run (statuses, reports, answers, late answers, court
    dates, identifications, the remains handover), keeps it for every relative who follows
    the person, and mails it: at once to those who chose so, and with --daily the digests.
    """
    with reporting_errors():
        # imported here: the command line starts without the database layer
        from kintrace.instance import open_instance
        from kintrace.notify.schedule import send_news

        settings = make_settings(database, data_dir)
        with open_instance(settings) as instance:
            made, mailed = send_news(instance.sessions, settings, daily=daily)
    if json_out:
        print_json({"notifications": made, "mails": mailed})
    else:
        err_console.print(f"{made} notifications, {mailed} e-mails sent")
