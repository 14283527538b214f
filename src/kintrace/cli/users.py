"""``kintrace user ...``: what an administrator does for one account from the machine.

Add users and list them, disable or enable an account, set its role or region, lift a
sign-in lock, end someone's sessions, set a new password, turn off a lost second factor.
Every change is kept in the change log with the command that made it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import typer
from sqlalchemy import select

from kintrace.access import Role
from kintrace.cli.common import (
    DATA_DIR_HELP,
    DATABASE_HELP,
    console,
    err_console,
    make_settings,
    print_json,
)
from kintrace.cli.common import reporting_errors as _reporting_errors
from kintrace.errors import InvalidInput
from kintrace.instance import Instance, open_instance
from kintrace.notify.mail import send_account_link
from kintrace.storage.audit import set_actor
from kintrace.storage.db import AuditedSession, transaction
from kintrace.storage.tables import Region
from kintrace.users import throttle
from kintrace.users.accounts import (
    SET_PASSWORD,
    Outgoing,
    all_users,
    issue_token,
    normal_email,
    region_by_code,
    set_active,
    set_region,
    set_role,
)
from kintrace.users.passwords import check_new_password, hash_password
from kintrace.users.second_factor import remove_second_factor
from kintrace.users.service import create_user, get_user, set_password
from kintrace.users.sessions import end_user_sessions

user_app = typer.Typer(help="Users: add, list, disable, set role or region, unlock, reset.")

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


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = Role.PUBLIC
    if role is Role.PUBLIC:
        names = ", ".join(r.value for r in Role if r is not Role.PUBLIC)
        raise InvalidInput(f"field 'role': {value[:40]!r} is not one of {names}")
    return role


@user_app.command("add")
def add(
    username: str = UsernameArg,
    role: str = typer.Option(..., "--role", help="relative, operator, analyst, dna_lab, ..."),
    name: str = typer.Option("", "--name", help="The name shown (default: the username)."),
    region: str | None = typer.Option(None, "--region", help="Region code (operators need one)."),
    email: str | None = typer.Option(
        None, "--email", help="E-mail address; without --password it gets a link to set one."
    ),
    new_password: str | None = typer.Option(
        None, "--password", help="The password (asked for unless --email or --no-password)."
    ),
    no_password: bool = typer.Option(
        False, "--no-password", help="A relative served by a desk only: cannot sign in."
    ),
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Add a user: with a password, an e-mailed link to choose one, or (relatives) neither."""
    with _reporting_errors():
        chosen = _role(role)
    if new_password is None and email is None and not no_password:
        new_password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _account(database, data_dir, f"kintrace user add {username}") as (instance, session):
        address = normal_email(email) if email else None
        if no_password and chosen is not Role.RELATIVE:
            raise InvalidInput("field 'role': only a relative may have no password")
        if new_password:
            check_new_password(new_password, email=address, username=username)
        region_id = region_by_code(session, region).id if region else None
        user = create_user(
            session,
            username=username,
            password="",
            role=chosen,
            display_name=name,
            region_id=region_id,
        )
        user.password_hash = hash_password(new_password) if new_password else ""
        user.email = address
        user.email_confirmed_at = now() if address and new_password else None
        session.flush()
        sent = None
        if address and not new_password:
            token = issue_token(session, user, SET_PASSWORD, now=now())
            sent = send_account_link(instance.settings, Outgoing(user, "welcome", token))
    how = "with a password"
    if sent is not None:
        how = "a link to set the password was sent" if sent else "the e-mail could not be sent"
    elif not new_password:
        how = "no password: served by a desk"
    err_console.print(f"{username}: added as {chosen.value} ({how})")


@user_app.command("list")
def list_users(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """List the users: role, region, active, locked, second factor, last sign-in."""
    with _account(database, data_dir, "kintrace user list") as (instance, session):
        regions = {r.id: r.code for r in session.scalars(select(Region))}
        secret = instance.settings.secret_key
        rows = [
            {
                "username": u.username,
                "name": u.display_name,
                "role": u.role,
                "region": regions.get(u.region_id) if u.region_id else None,
                "active": u.active,
                "locked": throttle.is_locked(session, secret=secret, username=u.username),
                "second_factor": u.totp_confirmed_at is not None,
                "email": u.email,
                "email_confirmed": u.email_confirmed_at is not None,
                "signs_in": bool(u.password_hash),
                "last_signed_in_at": (
                    u.last_signed_in_at.isoformat(timespec="seconds")
                    if u.last_signed_in_at
                    else None
                ),
            }
            for u in all_users(session)
        ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        flags = [
            "active" if row["active"] else "disabled",
            *(["locked"] if row["locked"] else []),
            *(["2fa"] if row["second_factor"] else []),
        ]
        console.print(
            f"{row['username']}\t{row['role']}\t{row['region'] or '-'}\t{','.join(flags)}"
            f"\t{row['last_signed_in_at'] or 'never'}",
            highlight=False,
            markup=False,
        )


@user_app.command("disable")
def disable(
    username: str = UsernameArg,
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Disable an account: it cannot sign in and every session of it ends."""
    with _account(database, data_dir, f"kintrace user disable {username}") as (_i, session):
        set_active(session, get_user(session, username), False, now=now())
    err_console.print(f"{username}: disabled")


@user_app.command("enable")
def enable(
    username: str = UsernameArg,
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Enable a disabled account again."""
    with _account(database, data_dir, f"kintrace user enable {username}") as (_i, session):
        set_active(session, get_user(session, username), True, now=now())
    err_console.print(f"{username}: enabled")


@user_app.command("set-role")
def set_role_command(
    username: str = UsernameArg,
    role: str = typer.Argument(..., help="relative, operator, analyst, dna_lab, reviewer, ..."),
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Give a user another role; their sessions end."""
    why = f"kintrace user set-role {username} {role}"
    with _account(database, data_dir, why) as (_i, session):
        set_role(session, get_user(session, username), _role(role), now=now())
    err_console.print(f"{username}: role {role}")


@user_app.command("set-region")
def set_region_command(
    username: str = UsernameArg,
    region: str = typer.Argument(..., help="A region code, or 'none'."),
    database: str | None = DatabaseOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Move a user to another region's desk ('none': no region); their sessions end."""
    why = f"kintrace user set-region {username} {region}"
    with _account(database, data_dir, why) as (_i, session):
        user = get_user(session, username)
        region_id = None if region == "none" else region_by_code(session, region).id
        set_region(session, user, region_id, now=now())
    err_console.print(f"{username}: region {region}")


def now() -> datetime:
    """Return the time the command acts at."""
    return datetime.now()
