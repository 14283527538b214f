"""A schema upgrade is all or nothing on SQLite: a process killed mid-upgrade leaves it usable."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from kintrace.errors import ConfigurationError
from kintrace.storage.db import make_engine, migrate, schema_is_current

# stops the process hard (as a kill does) after the N-th SQL statement of the upgrade
KILLED_UPGRADE = """
import os, sys
from sqlalchemy import Engine, event
from kintrace.storage.db import make_engine, migrate
count = 0
@event.listens_for(Engine, "after_cursor_execute")
def _stop(*_args):
    global count
    count += 1
    if count == int(sys.argv[2]):
        os._exit(9)
migrate(make_engine(sys.argv[1]))
"""


def tables_of(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}


@pytest.mark.parametrize("after", [2, 5, 9, 20, 35, 60])
def test_an_upgrade_killed_after_any_statement_leaves_a_usable_database(
    tmp_path: Path, after: int
) -> None:
    path = tmp_path / "kintrace.sqlite3"
    url = f"sqlite:///{path}"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_UPGRADE, url, str(after)], capture_output=True, check=False
    )
    assert killed.returncode in (0, 9), killed.stderr.decode()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    found = tables_of(path) - {"alembic_version"}
    engine = make_engine(url)
    try:
        migrate(engine)  # the next command works
        assert schema_is_current(engine)
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from persons")).scalar() == 0
    finally:
        engine.dispose()
    assert found <= tables_of(path)


def test_tables_without_a_schema_version_are_refused_with_the_way_out(tmp_path: Path) -> None:
    """What an older, non-atomic kintrace left when killed during `init`."""
    path = tmp_path / "kintrace.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("create table attachments (id integer primary key)")
    engine = make_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(ConfigurationError, match="stopped while creating it") as caught:
            migrate(engine)
        assert "kintrace restore" in str(caught.value)
    finally:
        engine.dispose()
    assert tables_of(path) == {"attachments"}


def test_a_schema_behind_with_a_later_table_already_there_is_one_clear_error(
    tmp_path: Path,
) -> None:
    """An older upgrade stopped half way: version 1 stamped, a table of version 2 made."""
    path = tmp_path / "kintrace.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        migrate(engine, "0001")
        with engine.begin() as conn:
            conn.execute(text("create table dna_samples (id integer primary key)"))
        with pytest.raises(ConfigurationError, match="cannot be upgraded") as caught:
            migrate(engine)
        assert "dna_samples" in str(caught.value)
    finally:
        engine.dispose()
