"""``kintrace pfif export`` and ``kintrace pfif import``: PFIF 1.4 out of and into an instance."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import typer

from kintrace.access import SYSTEM
from kintrace.cases.model import ConsentScope
from kintrace.cases.views import log_cases
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
from kintrace.exchange.pfif import MAX_FILE_BYTES, parse_pfif, write_pfif
from kintrace.exchange.pfif_import import import_pfif
from kintrace.exchange.pfif_values import parse_time
from kintrace.exchange.service import DEFAULT_SCOPE, export_pfif, instance_domain
from kintrace.instance import open_instance
from kintrace.lists.service import content_hash, list_holding
from kintrace.storage.audit import set_actor
from kintrace.storage.db import retrying, transaction

pfif_app = typer.Typer(
    help="PFIF 1.4 (People Finder Interchange Format): export persons and notes, import them.",
    no_args_is_help=True,
)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write the whole file under a temporary name, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@pfif_app.command("export")
def export_command(
    target: Path = typer.Argument(..., help="PFIF file to write (XML)."),
    since: str | None = typer.Option(
        None,
        "--since",
        help="Only what was created or changed after this UTC time, YYYY-MM-DDTHH:MM:SSZ.",
    ),
    scope: ConsentScope = typer.Option(
        DEFAULT_SCOPE,
        "--scope",
        help="The sharing this file is: only persons (and relatives' reports) whose relatives "
        "consented to it go out.",
    ),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Export persons and their notes (requests, reports, assessed status) as PFIF 1.4."""
    with reporting_errors():
        after = None
        if since is not None:
            try:
                after = parse_time(since)
            except ValueError as error:
                raise InvalidInput(f"--since: {error}") from error
        with open_instance(make_settings(database, data_dir)) as instance:
            domain = instance_domain(instance.settings)
            with instance.sessions() as session:
                result = export_pfif(session, domain=domain, scope=scope, since=after)
                # each exported case logs the export, as the page's download does; the log
                # is kept only once the file is written
                what = f"pfif_export_{scope.value}"
                log_cases(session, SYSTEM, result.person_ids, "export", what)
                _write_atomically(target, write_pfif(result.document))
                session.commit()
    figures = {
        "file": str(target),
        "domain": domain,
        "persons": result.persons,
        "notes": result.notes,
        "withheld_without_consent": result.withheld,
    }
    if json_out:
        print_json(figures)
    else:
        err_console.print(
            f"exported {result.persons} persons and {result.notes} notes to {target} "
            f"(domain {domain}); {result.withheld} persons held back: no relative consented "
            f"to {scope.value}",
            highlight=False,
            soft_wrap=True,
        )


@pfif_app.command("import")
def import_command(
    source: Path = typer.Argument(..., help="PFIF 1.4 file to read (XML)."),
    list_name: str | None = typer.Option(
        None, "--list", help="Name of the list the file is kept as (default: from the file)."
    ),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Import PFIF 1.4 persons and notes, all or nothing: persons found again or created,
    notes as unverified reports. The same file again writes nothing and says so."""
    with reporting_errors():
        if not source.is_file():
            raise SourceFormatError(f"{source}: no such file")
        if source.stat().st_size > MAX_FILE_BYTES:
            raise SourceFormatError(f"{source}: larger than {MAX_FILE_BYTES} bytes")
        try:
            data = source.read_bytes()
        except OSError as error:
            raise SourceFormatError(f"{source}: cannot read: {error.strerror}") from error
        document = parse_pfif(data, str(source))
        digest = content_hash(source)
        name = list_name or f"PFIF {source.name} {digest[:12]}"
        with open_instance(make_settings(database, data_dir)) as instance:
            with instance.sessions() as session:
                holding = list_holding(session, digest)
                earlier = holding.name if holding is not None else None
            if earlier is not None:
                message = f"{source.name} was imported already as list {earlier!r}; nothing written"
                if json_out:
                    print_json({"already_imported": True, "imported_as": earlier})
                else:
                    console.print(message, highlight=False, soft_wrap=True)
                return
            domain = instance_domain(instance.settings)

            def write() -> dict[str, object]:
                with transaction(instance.sessions) as session:
                    set_actor(session, actor_id=SYSTEM.user_id, reason=f"PFIF import {source.name}")
                    result = import_pfif(
                        session,
                        document,
                        name=str(source),
                        list_name=name,
                        sha256=digest,
                        domain=domain,
                        actor_id=None,
                        settings=instance.settings,
                        today=date.today(),
                    )
                return {
                    "list": result.list_name,
                    "list_id": result.list_id,
                    "persons_created": result.persons_created,
                    "persons_found": result.persons_found,
                    "expired": result.expired,
                    "notes_imported": result.notes_imported,
                    "notes_known": result.notes_known,
                    "notes_without_claim": result.notes_without_claim,
                    "statuses_changed": result.statuses_changed,
                }

            figures = retrying(write)
    if json_out:
        print_json(figures)
    else:
        err_console.print(
            f"imported {source.name} as list {figures['list']!r}: "
            f"{figures['persons_created']} persons created, {figures['persons_found']} found "
            f"again, {figures['notes_imported']} notes as reports ({figures['notes_known']} "
            f"known already, {figures['notes_without_claim']} claiming nothing); "
            f"{figures['statuses_changed']} statuses changed",
            highlight=False,
            soft_wrap=True,
        )
