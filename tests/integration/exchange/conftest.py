"""Empty kintrace instances on each engine, for the PFIF exchange tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import fresh_pg_database


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Return a function giving the URL of a new, empty database on the named engine."""
    cleanups: list[Iterator[str]] = []

    def make(engine: str) -> str:
        if engine == "sqlite":
            return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        maker = fresh_pg_database("kintrace_pfif")
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
