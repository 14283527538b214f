"""``kintrace chat``: import a relatives' chat export; moderate the soldiers' mentions in it.

``kintrace chat import result.json --list NAME [--json]`` reads a Telegram Desktop JSON
export, finds the messages that mention a soldier and stores each mention, linked to a
person by record linkage (or waiting with the list's unmatched rows); nothing counts until
an analyst accepts it (``kintrace chat accept ID``, or the web page /chats). ``kintrace chat
pending`` lists what waits; ``kintrace chat reject ID --reason ...`` rejects a mention.
See docs/chats.md.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from kintrace.access import SYSTEM
from kintrace.chats.service import (
    ChatImport,
    accept_mention,
    import_chat,
    pending_mentions,
    reject_mention,
)
from kintrace.chats.telegram import read_export
from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    console,
    err_console,
    make_settings,
    print_json,
    reporting_errors,
)
from kintrace.instance import open_instance
from kintrace.storage.audit import set_actor
from kintrace.storage.db import retrying, transaction

chat_app = typer.Typer(
    name="chat",
    help="Relatives' chat groups: import a Telegram export, moderate the mentions found.",
    no_args_is_help=True,
)


@chat_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="Telegram Desktop export, JSON (result.json)."),
    list_name: str = typer.Option(
        ..., "--list", help="Name of the chat list (the same name again adds new messages)."
    ),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the mentions found as JSON."),
) -> None:
    """Find the soldiers a chat export mentions; store each mention for moderation.

    The whole file is checked first (one error naming each message and field it cannot
    read; nothing written). Messages imported before into the same list add nothing.
    """
    with reporting_errors():
        messages = read_export(file)
        digest = hashlib.sha256(file.read_bytes()).hexdigest()  # read whole: the file was too
        with open_instance(make_settings(database, data_dir)) as instance:

            def write() -> ChatImport:
                with transaction(instance.sessions) as session:
                    set_actor(session, actor_id=None, reason=f"chat import of {file.name}")
                    return import_chat(
                        session,
                        messages=messages,
                        list_name=list_name,
                        filename=file.name,
                        sha256=digest,
                        actor_id=None,
                        settings=instance.settings,
                        today=date.today(),
                    )

            result = retrying(write)
    if json_out:
        print_json(
            {
                "messages": result.messages,
                "mentions": [m.as_json() for m in result.mentions],
            }
        )
        return
    scams = sum(m.scam for m in result.mentions)
    if result.new == 0:
        console.print(
            f"nothing new: the {len(result.mentions)} mention(s) of {file.name} are in list "
            f"{result.list_name!r} already",
            highlight=False,
            soft_wrap=True,
        )
        return
    console.print(
        f"read {result.messages} messages; {result.new} new mention(s) stored in list "
        f"{result.list_name!r}, {result.linked} linked to a person automatically, "
        f"{scams} flagged as scams; every mention waits for an analyst (kintrace chat pending)",
        highlight=False,
        soft_wrap=True,
    )


@chat_app.command("pending")
def pending_command(
    limit: int = typer.Option(100, min=1, max=10_000, help="Show at most this many."),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List the mentions waiting for an analyst."""
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        instance.sessions() as session,
    ):
        rows = [
            {
                "id": p.mention.id,
                "list": p.list_name,
                "message_id": p.mention.message_id,
                "posted_at": p.mention.posted_at.isoformat(),
                "surname": p.record.surname,
                "given_name": p.record.given_name or None,
                "patronymic": p.record.patronymic or None,
                "claim": p.mention.claim,
                "person_id": p.person_id,
                "scam": p.mention.scam,
                "text": p.mention.text,
            }
            for p in pending_mentions(session, limit=limit)
        ]
    if json_out:
        print_json(rows)
        return
    table = Table("id", "list", "posted", "name", "claim", "person", "scam", "message")
    for row in rows:
        name = " ".join(str(row[k]) for k in ("surname", "given_name", "patronymic") if row[k])
        table.add_row(
            str(row["id"]),
            str(row["list"]),
            str(row["posted_at"])[:16],
            name,
            str(row["claim"] or ""),
            str(row["person_id"] or "—"),
            "yes" if row["scam"] else "",
            str(row["text"])[:80],
        )
    console.print(table)


@chat_app.command("accept")
def accept_command(
    mention_id: int = typer.Argument(..., help="The mention's id (kintrace chat pending)."),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
) -> None:
    """Accept a mention: it becomes a report on its linked person (social media, low grade)."""
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        transaction(instance.sessions) as session,
    ):
        set_actor(session, actor_id=None, reason=f"chat mention {mention_id} accepted")
        report = accept_mention(
            session, SYSTEM, mention_id, settings=instance.settings, today=date.today()
        )
        report_id, person_id = report.id, report.person_id
    err_console.print(f"mention {mention_id} accepted: report {report_id} on person {person_id}")


@chat_app.command("reject")
def reject_command(
    mention_id: int = typer.Argument(..., help="The mention's id (kintrace chat pending)."),
    reason: str = typer.Option(..., "--reason", help="Why the mention does not count."),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
) -> None:
    """Reject a mention with a reason: it never counts (kept, with the reason)."""
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        transaction(instance.sessions) as session,
    ):
        set_actor(session, actor_id=None, reason=f"chat mention {mention_id} rejected")
        reject_mention(session, SYSTEM, mention_id, reason=reason)
    err_console.print(f"mention {mention_id} rejected")
