"""Engines, sessions and migrations. SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from kintrace.errors import ConfigurationError
from kintrace.storage import audit
from kintrace.storage.tables import Base

MIGRATIONS = Path(__file__).parent / "migrations"


class AuditedSession(Session):
    """A session that keeps the history of every change (see :mod:`kintrace.storage.audit`)."""


audit.install(AuditedSession)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the one writer
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine for a database URL; make the SQLite folder when needed."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise ConfigurationError(f"bad database URL {url!r}: {error}") from error
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


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
        _sqlite_pragmas(dbapi_connection, record)

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
