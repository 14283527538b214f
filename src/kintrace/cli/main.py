"""The ``kintrace`` command: one Typer app whose commands load only when used.

Adding a command is one line in ``COMMANDS`` below, in the order ``kintrace --help`` lists it::

    "NAME": Lazy("kintrace.cli.MODULE:ATTR", "The first paragraph of the command's help."),

ATTR is a ``typer.Typer`` (a group of sub-commands, like ``kinship``) or a function (one
command, like ``dvi``); functions come before groups, the order eager Typer lists them in.
The help text must be the command's own first paragraph, line breaks included
(``tests/unit/cli/test_lazy_cli.py`` compares them). ``plain_options=True`` (a function only)
converts its plain option values without pydantic (:mod:`kintrace.cli.plain_options`), for a
command whose start-up time matters. This module imports nothing but Typer:
``kintrace --help`` never imports a command module (see :mod:`kintrace.cli.lazy`).
"""

from __future__ import annotations

import typer

from kintrace import __version__
from kintrace.cli.lazy import Lazy, LazyGroup

COMMANDS: dict[str, Lazy] = {
    "init": Lazy(
        "kintrace.cli.admin:init", "Create (or upgrade) the database and the first administrator."
    ),
    "serve": Lazy(
        "kintrace.cli.admin:serve",
        "Serve the web app (refused on a public address with a known or short secret key).",
    ),
    "demo": Lazy(
        "kintrace.cli.admin:demo",
        "Build a fresh demo instance on SQLite with realistic data and serve it.",
    ),
    "backup": Lazy(
        "kintrace.cli.admin:backup_command",
        "Write a consistent, checked copy of the database and attachments to a new file.",
    ),
    "restore": Lazy(
        "kintrace.cli.admin:restore_command",
        "Restore a backup into an empty instance: every checksum checked first, all or nothing.",
    ),
    "import": Lazy(
        "kintrace.cli.lists:import_command",
        "Import a list of persons (standard columns: id, surname, given_name, patronymic, sex,\n"
        "birth_date, age, report_date, region, unit, rank, personal_number). Every bad row is\n"
        "reported with file, row and field, and nothing is written unless every row is good. "
        "A file\nwhose content was imported before adds nothing (exit 0) and names the list "
        "holding it.",
    ),
    "export": Lazy(
        "kintrace.cli.lists:export_command",
        "Export every person with official and assessed status (each case logs the export).",
    ),
    "dvi": Lazy(
        "kintrace.cli.dvi:dvi_command",
        "Identify remains against reference families jointly (pairwise LR, undisputed, joint).",
        plain_options=True,
    ),
    "link": Lazy(
        "kintrace.cli.link:link",
        "Link person lists: file to file (duplicates in one file, or matches between two), or\n"
        "an imported list to the persons in the database (--list NAME).",
    ),
    "estimate": Lazy(
        "kintrace.cli.estimate:estimate",
        "Estimate the total number of persons from overlapping lists (no database).",
    ),
    "dossier": Lazy(
        "kintrace.cli.dossier:dossier_command",
        "Write a person's case dossier (PDF), or verify one: kintrace dossier verify FILE.pdf.",
    ),
    "letter": Lazy(
        "kintrace.cli.letter:letter",
        "Write a letter to an authority from a person's case (names in the right case) as a PDF.",
    ),
    "notify": Lazy(
        "kintrace.cli.notify:notify",
        "Tell the families what changed in their cases: in the app, and by e-mail as they chose.",
    ),
    "status": Lazy(
        "kintrace.cli.status:app", "Assess what the evidence supports about a missing person."
    ),
    "kinship": Lazy(
        "kintrace.cli.kinship:kinship_app", "DNA kinship: likelihood ratios and familial search."
    ),
    "user": Lazy(
        "kintrace.cli.users:user_app",
        "Users: add, list, disable, set role or region, unlock, reset.",
    ),
    "pfif": Lazy(
        "kintrace.cli.pfif:pfif_app",
        "PFIF 1.4 (People Finder Interchange Format): export persons and notes, import them.",
    ),
    "token": Lazy(
        "kintrace.cli.tokens:token_app",
        "Partner API tokens: issue (shown once), list, revoke.",
    ),
    "chat": Lazy(
        "kintrace.cli.chat:chat_app",
        "Relatives' chat groups: import a Telegram export, moderate the mentions found.",
    ),
}
"""Every command: name -> where it lives and its short help, in the order of ``--help``."""


class KintraceGroup(LazyGroup):
    """The top-level group: its commands are ``COMMANDS``."""

    table = COMMANDS


app = typer.Typer(
    name="kintrace",
    help="Trace missing service members: evidence, status, record linkage and DNA identification.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=KintraceGroup,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kintrace {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Trace missing service members: evidence, status, record linkage and DNA identification."""
