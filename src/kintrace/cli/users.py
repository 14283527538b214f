"""``kintrace user ...``: what an administrator does for one account from the machine.

Lift a sign-in lock, end someone's sessions, set a new password, turn off a lost second
factor. (Creating users and changing roles will live here too.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import typer

from kintrace.cli.common import DATA_DIR_HELP, DATABASE_HELP, err_console, make_settings
from kintrace.cli.common import reporting_errors as _reporting_errors
from kintrace.instance import Instance, open_instance
from kintrace.storage.audit import set_actor
from kintrace.storage.db import AuditedSession, transaction
from kintrace.users import throttle
from kintrace.users.second_factor import remove_second_factor
from kintrace.users.service import get_user, set_password
from kintrace.users.sessions import end_user_sessions

user_app = typer.Typer(help="One account: unlock it, end its sessions, reset its password.")

DatabaseOpt = typer.Option(None, "--database", help=DATABASE_HELP)
DataDirOpt = typer.Option(None, "--data-dir", help=DATA_DIR_HELP)
UsernameArg = typer.Argument(..., help="The user's sign-in name.")


@contextmanager
def _account(
    database: str | None, data_dir: Path | None, why: str
) -> Iterator[tuple[Instance, AuditedSession]]:
    with (
        _reporting_errors(),
        open_instance(make_settings(database, data_dir)) as instance,
        transaction(instance.sessions) as session,
    ):
        set_actor(session, actor_id=None, reason=why)
        yield instance, session


@user_app.command("unlock")
def unlock(
    username: str = UsernameArg,
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Lift the lock that failed sign-ins put on an account, and forget its failures."""
    with _account(database, data_dir, f"kintrace user unlock {username}") as (instance, session):
        get_user(session, username)
        lifted = throttle.unlock(session, secret=instance.settings.secret_key, username=username)
    err_console.print(f"{username}: " + ("unlocked" if lifted else "was not locked"))


@user_app.command("sessions-end")
def sessions_end(
    username: str = UsernameArg,
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """End every session of a user: each browser must sign in again."""
    why = f"kintrace user sessions-end {username}"
    with _account(database, data_dir, why) as (_instance, session):
        user = get_user(session, username)
        ended = end_user_sessions(session, user.id, reason="ended by administrator", now=now())
    err_console.print(f"{username}: {ended} session{'' if ended == 1 else 's'} ended")


@user_app.command("password")
def password(
    username: str = UsernameArg,
    new_password: str = typer.Option(
        ...,
        "--password",
        prompt="New password",
        hide_input=True,
        confirmation_prompt=True,
        help="The new password (asked for when not given).",
    ),
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Set a user's password; every session of theirs ends."""
    with _account(database, data_dir, f"kintrace user password {username}") as (_i, session):
        user = get_user(session, username)
        ended = set_password(session, user, new_password, now=now())
    err_console.print(f"{username}: password set, {ended} session(s) ended")


@user_app.command("second-factor-off")
def second_factor_off(
    username: str = UsernameArg,
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Turn off a user's second factor (a lost phone); their sessions end."""
    why = f"kintrace user second-factor-off {username}"
    with _account(database, data_dir, why) as (_instance, session):
        user = get_user(session, username)
        remove_second_factor(user)
        session.flush()
        end_user_sessions(session, user.id, reason="second factor removed", now=now())
    err_console.print(f"{username}: second factor off; they enrol again at /account")


def now() -> datetime:
    """Return the time the command acts at."""
    return datetime.now()
