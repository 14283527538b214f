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
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from kintrace.errors import ConfigurationError
from kintrace.storage import audit

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
    """Bring the database schema up to ``revision`` (the same migrations on every engine)."""
    command.upgrade(_alembic_config(engine), revision)


def schema_is_current(engine: Engine) -> bool:
    """Say whether the database has every migration applied."""
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
