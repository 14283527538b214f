"""``kintrace dossier``: write a person's case dossier (PDF), or verify one.

``kintrace dossier PERSON_ID --out FILE.pdf [--lang ru|uk|en]`` makes the dossier and records
it; ``kintrace dossier verify FILE.pdf`` says whether a file is a dossier this instance made,
unaltered (exit 0, "unaltered") or not (exit 1, naming the problem), and what has changed in
the case since. One command whose first argument decides, so that both forms work as written
(a Typer group with a callback could not take a person id where a sub-command name goes).
Register it in ``kintrace.cli.main.COMMANDS`` as ``kintrace.cli.dossier:dossier_command``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer

from kintrace.access import SYSTEM
from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    err_console,
    make_settings,
    reporting_errors,
)
from kintrace.errors import InvalidInput
from kintrace.instance import open_instance
from kintrace.storage.db import transaction
from kintrace.translation import LANGUAGES

VERIFY = "verify"
EXIT_ALTERED = 1
"""Exit status of ``verify`` for a file that is not an unaltered dossier of this instance."""


def _write_atomically(target: Path, data: bytes) -> Path:
    """Write bytes to a temporary file beside ``target``; return it (moved into place later)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(tmp)


def _make(
    person: str, out: Path | None, lang: str, database: str | None, data_dir: Path | None
) -> None:
    from kintrace.dossier.service import make_dossier

    if out is None:
        raise InvalidInput("--out FILE.pdf is required: where to write the dossier")
    if lang not in LANGUAGES:
        raise InvalidInput(f"--lang {lang!r}: use one of {', '.join(LANGUAGES)}")
    try:
        person_id = int(person)
    except ValueError:
        raise InvalidInput(
            f"{person!r} is neither a person id (a number) nor the word {VERIFY!r}"
        ) from None
    with open_instance(make_settings(database, data_dir)) as instance:
        partial: Path | None = None
        try:
            with transaction(instance.sessions) as session:
                session.info["reason"] = "case dossier made (CLI)"
                made = make_dossier(
                    session,
                    SYSTEM,
                    person_id,
                    lang=lang,
                    settings=instance.settings,
                    files=instance.files,
                )
                partial = _write_atomically(out, made.pdf)
                code, digest = made.record.code, made.record.sha256
            os.replace(partial, out)  # only once its record is committed
            partial = None
        finally:
            if partial is not None:
                partial.unlink(missing_ok=True)
    err_console.print(f"dossier {code} written to {out} (SHA-256 {digest})", highlight=False)


def _verify(file: Path | None, database: str | None, data_dir: Path | None) -> None:
    from kintrace.dossier.changes import describe
    from kintrace.dossier.service import verify_dossier

    if file is None:
        raise InvalidInput("kintrace dossier verify FILE.pdf: name the file to verify")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{file}: cannot read the file: {error.strerror}") from None
    with (
        open_instance(make_settings(database, data_dir)) as instance,
        transaction(instance.sessions) as session,
    ):
        result = verify_dossier(session, data, viewer=SYSTEM, settings=instance.settings)
        changes = [describe(change, "en") for change in result.changes]
    typer.echo(f"{file}: {result.problem()}")
    if result.changes_shown:
        if changes:
            typer.echo("changed in the case since:")
            for line in changes:
                typer.echo(f"  - {line}")
        else:
            typer.echo("nothing has changed in the case since")
    if not result.ok:
        raise typer.Exit(EXIT_ALTERED)


def dossier_command(
    target: str = typer.Argument(
        ..., metavar="PERSON_ID|verify", help="A person's id, or the word verify."
    ),
    file: Path | None = typer.Argument(None, metavar="FILE.pdf", help="With verify: the file."),
    out: Path | None = typer.Option(None, "--out", help="The PDF file to write."),
    lang: str = typer.Option("en", "--lang", help="The reader's language: ru, uk or en."),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
) -> None:
    """Write a person's case dossier (PDF), or verify one: kintrace dossier verify FILE.pdf.

    kintrace dossier PERSON_ID --out FILE.pdf [--lang ru|uk|en] writes and records the dossier.

    kintrace dossier verify FILE.pdf prints "unaltered" (exit 0) or names the problem (exit 1).
    """
    with reporting_errors():
        if target == VERIFY:
            if out is not None:
                raise InvalidInput("--out is for writing a dossier, not for verify")
            _verify(file, database, data_dir)
        else:
            if file is not None:
                raise InvalidInput(f"unexpected argument {str(file)!r}: did you mean --out?")
            _make(target, out, lang, database, data_dir)
