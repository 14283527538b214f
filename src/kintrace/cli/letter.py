"""``kintrace letter KIND PERSON_ID --lang ru|uk|en --out FILE.pdf``: a letter from a case.

Writing the PDF records nothing; ``--sent`` also records the letter as sent today (an
authority request whose answer is due after ``KINTRACE_AUTHORITY_REPLY_DAYS``), in the same
transaction: the file is written first (whole, or not at all), then the request is committed.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from functools import partial
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
from kintrace.letters.model import (
    ADDRESSEES,
    LetterKind,
    parse_addressee,
    parse_kind,
    parse_language,
)
from kintrace.letters.pdf import letter_pdf
from kintrace.letters.service import record_sent, write_letter
from kintrace.storage.audit import set_actor
from kintrace.storage.db import transaction
from kintrace.web.i18n import tr

_KINDS = ", ".join(k.value for k in LetterKind)
_ADDRESSEES = "; ".join(
    f"{k.value}: {', '.join(a.value for a in allowed)}" for k, allowed in ADDRESSEES.items()
)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write the file beside its destination, then rename it there: whole or absent."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"--out: {folder} is not a folder")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def letter(
    kind: str = typer.Argument(..., help=f"What the letter asks for: {_KINDS}."),
    person_id: int = typer.Argument(..., help="The person's id."),
    lang: str = typer.Option(..., "--lang", help="Language of the letter: ru, uk or en."),
    out: Path = typer.Option(..., "--out", help="The PDF file to write."),
    to: str = typer.Option(
        "", "--to", help=f"Addressee (default: the first of the kind's): {_ADDRESSEES}."
    ),
    sent: bool = typer.Option(
        False,
        "--sent",
        help="Also record the letter as sent today: an authority request with its due date.",
    ),
    database: str | None = typer.Option(None, "--database", help=DATABASE_HELP),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
) -> None:
    """Write a letter to an authority from a person's case (names in the right case) as a PDF."""
    with reporting_errors():
        letter_kind = parse_kind(kind)
        language = parse_language(lang)
        addressee = parse_addressee(letter_kind, to)
        with (
            open_instance(make_settings(database, data_dir)) as instance,
            transaction(instance.sessions) as session,
        ):
            set_actor(session, actor_id=SYSTEM.user_id, reason=f"letter {letter_kind.value}")
            written = write_letter(
                session,
                SYSTEM,
                person_id,
                letter_kind,
                language,
                addressee=addressee,
                translate=partial(tr, language),
            )
            data = letter_pdf(written)
            due: date | None = None
            if sent:
                due = record_sent(
                    session,
                    SYSTEM,
                    person_id,
                    letter_kind,
                    authority=written.addressee,
                    sent_on=date.today(),
                    settings=instance.settings,
                ).due_on
            _write_atomically(out, data)
    err_console.print(f"letter written to {out}")
    if due is not None:
        err_console.print(f"recorded as sent; the answer is due on {due.isoformat()}")
