"""An empty kintrace instance on each engine, for command-line tests that write data."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from conftest import PG_ADMIN_URL, _unavailable


def _fresh_pg_database() -> Iterator[str]:
    admin_url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as error:
        admin.dispose()
        _unavailable(str(error).splitlines()[0])
    name = f"kintrace_cli_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Return a function giving the URL of a new, empty database on the named engine."""
    cleanups: list[Iterator[str]] = []

    def make(engine: str) -> str:
        if engine == "sqlite":
            return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        maker = _fresh_pg_database()
        cleanups.append(maker)
        return next(maker)

    yield make
    for maker in cleanups:
        for _ in maker:
            pass


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, new_database: Callable[[str], str]) -> str:
    """The URL of a new, empty database: each test using it runs on SQLite and PostgreSQL."""
    return new_database(request.param)


@pytest.fixture
def runner() -> CliRunner:
    """A runner for the kintrace command line."""
    return CliRunner()
