"""``kintrace token ...``: partner systems' API tokens, issued and revoked by an administrator.

``issue`` prints the token once (on stdout; everything else on stderr): the database keeps
only its SHA-256, so a lost token is revoked and a new one issued. ``list`` shows every
token with its state; ``revoke`` stops one at once. Each is kept in the change log with the
command that made it. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import typer
from sqlalchemy import select

from kintrace.cases.model import ConsentScope
from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    console,
    err_console,
    make_settings,
    print_json,
    reporting_errors,
)
from kintrace.errors import InvalidInput
from kintrace.instance import open_instance
from kintrace.partners.tokens import (
    issue_token,
    list_tokens,
    parse_token_scopes,
    revoke_token,
    token_state,
)
from kintrace.storage.audit import set_actor
from kintrace.storage.db import AuditedSession, transaction
from kintrace.storage.tables import Region
from kintrace.storage.token_tables import ApiToken

token_app = typer.Typer(help="Partner API tokens: issue (shown once), list, revoke.")

DatabaseOpt = typer.Option(None, "--database", help=DATABASE_HELP)
DataDirOpt = typer.Option(None, "--data-dir", help=DATA_DIR_HELP)
JsonOpt = typer.Option(False, "--json", help="Print JSON instead of text.")


@contextmanager
def _tokens(database: str | None, data_dir: Path | None, why: str) -> Iterator[AuditedSession]:
    with (
        reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        transaction(instance.sessions) as session,
    ):
        set_actor(session, actor_id=None, reason=why)
        yield session


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(f"{option}: {text[:40]!r} is not a date YYYY-MM-DD") from error


def _partner(text: str) -> ConsentScope:
    try:
        return ConsentScope(text)
    except ValueError as error:
        raise InvalidInput(f"--partner: {text[:40]!r} is not a consent scope") from error


@token_app.command("issue")
def issue(
    name: str = typer.Argument(..., help="Who the token is for, e.g. 'Red Cross tracing'."),
    scope: list[str] = typer.Option(
        ...,
        "--scope",
        help="read_persons, write_reports or upload_lists; repeat or separate with commas.",
    ),
    partner: str = typer.Option(
        ConsentScope.RED_CROSS.value,
        "--partner",
        help="Whose consent its reads follow: red_cross, authorities or dna_laboratory.",
    ),
    region: str | None = typer.Option(
        None, "--region", help="Only this region's persons (name or code)."
    ),
    expires: str | None = typer.Option(
        None, "--expires", help="Last day it works, YYYY-MM-DD (default: until revoked)."
    ),
    as_json: bool = JsonOpt,
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Issue a token and print it once: the database keeps only its SHA-256."""
    with _tokens(database, data_dir, f"kintrace token issue {name}") as session:
        issued = issue_token(
            session,
            name=name,
            scopes=parse_token_scopes(scope),
            partner=_partner(partner),
            region=region,
            expires_on=_day(expires, "--expires"),
            created_by=None,
            now=datetime.now(),
        )
        row = issued.row
        summary = _row(row, {}, date.today())
        summary["region"] = region
    if as_json:
        print_json({**summary, "token": issued.secret})
        return
    typer.echo(issued.secret)
    err_console.print(
        f"token {row.id} for {row.name}: {row.scopes}, partner {row.partner}; "
        "shown once, keep it in the partner's secret store",
        highlight=False,
    )


def _row(row: ApiToken, regions: dict[int, str], today: date) -> dict[str, object]:
    def at(moment: datetime | None) -> str | None:
        return moment.isoformat(timespec="seconds") if moment else None

    return {
        "id": row.id,
        "name": row.name,
        "scopes": row.scopes.split(","),
        "partner": row.partner,
        "region": regions.get(row.region_id) if row.region_id else None,
        "state": token_state(row, today),
        "created_at": at(row.created_at),
        "created_by": row.created_by,
        "expires": row.expires_on.isoformat() if row.expires_on else None,
        "revoked_at": at(row.revoked_at),
        "last_used_at": at(row.last_used_at),
    }


@token_app.command("list")
def list_command(
    as_json: bool = JsonOpt,
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """List every token (never the token itself): scopes, partner, region, state, last use."""
    with _tokens(database, data_dir, "kintrace token list") as session:
        regions = {r.id: r.name for r in session.scalars(select(Region))}
        tokens = list_tokens(session)
        rows = [_row(t, regions, date.today()) for t in tokens]
        scopes = [t.scopes for t in tokens]
    if as_json:
        print_json(rows)
        return
    for r, scope_text in zip(rows, scopes, strict=True):
        console.print(
            f"{r['id']}\t{r['name']}\t{scope_text}\t{r['partner']}\t{r['region'] or '-'}\t"
            f"{r['state']}\tlast used {r['last_used_at'] or 'never'}",
            highlight=False,
        )


@token_app.command("revoke")
def revoke(
    token_id: int = typer.Argument(..., metavar="ID", help="The token's number (token list)."),
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Revoke a token at once: every later use is refused (401)."""
    with _tokens(database, data_dir, f"kintrace token revoke {token_id}") as session:
        row = revoke_token(session, token_id, by=None, now=datetime.now())
        name = row.name
    err_console.print(f"token {token_id} ({name}) revoked", highlight=False)
