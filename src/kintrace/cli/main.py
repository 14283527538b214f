"""The ``kintrace`` command: one Typer app; each domain adds its commands from its own module."""

from __future__ import annotations

import typer

from kintrace import __version__
from kintrace.cli import admin, dvi, lists
from kintrace.cli.kinship import kinship_app
from kintrace.cli.link import link as link_command
from kintrace.cli.status import app as status_app
from kintrace.cli.users import user_app

app = typer.Typer(
    name="kintrace",
    help="Trace missing service members: evidence, status, record linkage and DNA identification.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(status_app, name="status")


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


app.add_typer(kinship_app, name="kinship")
app.add_typer(user_app, name="user")


admin.register(app)
lists.register(app)
dvi.register(app)
app.command("link")(link_command)
