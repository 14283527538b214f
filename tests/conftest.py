"""Shared fixtures: a migrated database on each engine, one rolled-back transaction per test.

Storage tests take the ``db`` fixture and run twice: on SQLite (always) and on PostgreSQL
(the server at ``KINTRACE_TEST_PG_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``,
where the run creates a database of its own and drops it at the end). Without a reachable
server the PostgreSQL runs skip with the reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os

# lxml is a development dependency (the PFIF schema tests); openpyxl would use it when present,
# and users' installs have it not: read and write workbooks as users' kintrace does.
os.environ.setdefault("OPENPYXL_LXML", "False")
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from kintrace.storage.db import AuditedSession, make_engine, migrate

PG_ADMIN_URL = os.environ.get(
    "KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable ({reason}); set KINTRACE_TEST_PG_URL to run these")


def fresh_pg_database(prefix: str = "kintrace_test") -> Iterator[str]:
    """Create a PostgreSQL database of our own, yield its URL, drop it afterwards."""
    admin_url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as error:
        admin.dispose()
        _unavailable(str(error).splitlines()[0])
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """Create a PostgreSQL database for this run; drop it afterwards."""
    yield from fresh_pg_database()


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    """A migrated PostgreSQL engine for the whole run."""
    engine = make_engine(pg_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated SQLite engine (a file) for the whole run."""
    path: Path = tmp_path_factory.mktemp("sqlite") / "kintrace.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """A migrated engine: each test using it runs on SQLite and on PostgreSQL."""
    name = "sqlite_engine" if request.param == "sqlite" else "pg_engine"
    result: Engine = request.getfixturevalue(name)
    return result


@pytest.fixture
def db(engine: Engine) -> Iterator[AuditedSession]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = AuditedSession(bind=connection, join_transaction_mode="create_savepoint")
    session.info["reason"] = "test"
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Leave the test process's garbage collector as it is.

    ``kintrace serve`` freezes the collector's view of a serving process's start-up objects
    (:func:`kintrace.web.serving.settle_collector`); tests that serve an app in their own
    process would freeze everything the test run holds. Here the call is only noted; a test in
    a fresh process checks what it does (tests/integration/cli/test_serve_workers.py).
    """
    seen: list[str] = []
    monkeypatch.setattr("kintrace.web.serving.settle_collector", lambda: seen.append("settled"))
    return seen
