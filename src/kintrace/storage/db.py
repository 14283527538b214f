"""Engines, sessions and migrations. SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

from kintrace.errors import ConfigurationError, Conflict
from kintrace.storage import audit, fields
from kintrace.storage.tables import Base

T = TypeVar("T")

MIGRATIONS = Path(__file__).parent / "migrations"


class AuditedSession(Session):
    """A session that keeps the history of every change (see :mod:`kintrace.storage.audit`)."""


audit.install(AuditedSession)
fields.install(AuditedSession)


LOCK_TIMEOUT_S = 30.0
"""How long a statement waits for a lock another transaction holds before it gives up.

Without it a command waits for ever behind a transaction that never ends; with it, it stops
with "busy, retry" (see :func:`busy_error`). SQLite's busy timeout retries with back-off
meanwhile, so short waits pass unnoticed.
"""


def _sqlite_pragmas(dbapi_connection: Any, _record: object, timeout_s: float) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the one writer
    cursor.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
    cursor.close()


def pool_capacity(engine: Engine) -> int | None:
    """How many connections the engine's pool lends at once (None: it sets no limit).

    The web app admits no more requests at a time than this (kintrace.web.deps.db_slot).
    """
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return None
    overflow: int = getattr(pool, "_max_overflow", 0)  # SQLAlchemy keeps it private; -1: none
    return None if overflow < 0 else pool.size() + overflow


def make_engine(url: str, *, lock_timeout_s: float | None = None) -> Engine:
    """Create the engine for a database URL; make the SQLite folder when needed.

    ``lock_timeout_s`` defaults to :data:`LOCK_TIMEOUT_S`.
    """
    timeout_s = LOCK_TIMEOUT_S if lock_timeout_s is None else lock_timeout_s
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise ConfigurationError(f"bad database URL {url!r}: {error}") from error
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, record: object) -> None:
            _sqlite_pragmas(dbapi_connection, record, timeout_s)

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    options = f"-c lock_timeout={int(timeout_s * 1000)}"
    return create_engine(parsed, pool_pre_ping=True, connect_args={"options": options})


_BUSY_SQLSTATES = {
    "55P03": "the database is busy: another command held a lock too long",
    "40001": "another command changed the same data at the same time",
    "40P01": "another command changed the same data at the same time (a deadlock)",
    "57014": "the database is busy: a statement waited longer than allowed",
    "23505": "another command wrote the same record at the same time ({constraint})",
}


def busy_error(error: BaseException) -> Conflict | None:
    """Say, as a Conflict, that ``error`` means the database was busy; None for other errors.

    Covers SQLite's "database is locked" and PostgreSQL's lock timeouts, serialization
    failures, deadlocks and unique keys written by two transactions at once. The message
    names no value, only the constraint.
    """
    if not isinstance(error, DBAPIError):
        return None
    orig = error.orig
    retry = "; nothing was written: run the command again"
    if isinstance(orig, sqlite3.OperationalError):
        text_ = str(orig).lower()
        if "locked" in text_ or "busy" in text_:
            return Conflict(f"the database is busy: another command held it too long{retry}")
        return None
    state = getattr(orig, "sqlstate", None)
    if state not in _BUSY_SQLSTATES:
        return None
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or "a unique key"
    said = _BUSY_SQLSTATES[state].format(constraint=constraint)
    return Conflict(said + retry)


def retrying(work: Callable[[], T], *, attempts: int = 3, first_wait: float = 0.25) -> T:
    """Run ``work`` (one whole transaction), again after a short wait while the database is busy.

    Only errors :func:`busy_error` recognises are retried — a lock held too long, a deadlock, a
    unique key two writers created at once — each attempt in a new transaction, waiting
    ``first_wait`` seconds and then four times as long; the last error is raised as it came.
    """
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            if attempt == attempts or busy_error(error) is None:
                raise
        time.sleep(wait)
        wait *= 4
    raise AssertionError("unreachable")  # pragma: no cover


def session_factory(engine: Engine) -> sessionmaker[AuditedSession]:
    """Return the session factory; the caller owns each transaction."""
    return sessionmaker(bind=engine, class_=AuditedSession, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[AuditedSession]) -> Iterator[AuditedSession]:
    """Open a session, commit when the block ends normally, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (the same migrations on every engine).

    Each migration is one transaction on every engine, its version stamp included: a process
    killed in the middle leaves the schema as it was before that migration. A database that an
    older, non-atomic upgrade left half done is refused with the way out.
    """
    if revision == "head" and schema_is_current(engine):
        return  # a read only: no write lock taken, so a command never waits behind a writer
    _refuse_interrupted_upgrade(engine)
    runner = _transactional_sqlite(engine) if _is_sqlite_file(engine) else engine
    try:
        command.upgrade(_alembic_config(runner), revision)
    except DBAPIError as error:
        if schema_is_current(engine):  # another process upgraded it at the same time
            return
        raise ConfigurationError(
            f"the database schema cannot be upgraded ({_first_line(error)}); nothing was "
            "changed. If an older kintrace was stopped during an upgrade, restore the last "
            "backup into a new database (`kintrace restore`)"
        ) from error
    finally:
        if runner is not engine:
            runner.dispose()


def _first_line(error: DBAPIError) -> str:
    return str(error.orig or error).strip().splitlines()[0]


def _is_sqlite_file(engine: Engine) -> bool:
    database = engine.url.database
    return engine.dialect.name == "sqlite" and bool(database) and database != ":memory:"


def _transactional_sqlite(engine: Engine) -> Engine:
    """Return an engine on the same SQLite file whose transactions include DDL.

    pysqlite opens a transaction only before INSERT, UPDATE and DELETE, so a migration's
    CREATE and ALTER statements would each commit on their own (a kill between them leaves
    tables without their version stamp). This engine turns pysqlite's own handling off and
    begins each transaction itself, taking the write lock at once (BEGIN IMMEDIATE), so that
    two processes upgrading together take turns.
    """
    runner = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(runner, "connect")
    def _connect(dbapi_connection: Any, record: object) -> None:
        dbapi_connection.isolation_level = None
        _sqlite_pragmas(dbapi_connection, record, LOCK_TIMEOUT_S)

    @event.listens_for(runner, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return runner


def _refuse_interrupted_upgrade(engine: Engine) -> None:
    """Refuse a database holding kintrace tables but no schema version (an interrupted init)."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables or not tables & set(Base.metadata.tables):
        return
    raise ConfigurationError(
        f"the database {engine.url.render_as_string(hide_password=True)} holds kintrace "
        "tables but no schema version: an older kintrace was stopped while creating it. "
        "Nothing was changed; if it holds nothing you need, delete it and run `kintrace init` "
        "again, else restore the last backup into a new database (`kintrace restore`)"
    )


def schema_is_current(engine: Engine) -> bool:
    """Say whether the database has every migration applied."""
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
