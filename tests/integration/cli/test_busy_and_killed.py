"""A busy database is one clear line; a killed recompute leaves no process or lock behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import open_instance
from kintrace.reconciliation.bulk import RECOMPUTE_LOCK
from kintrace.storage import db
from kintrace.storage.db import transaction

KINTRACE = str(Path(sys.executable).parent / "kintrace")


def with_persons(url: str, folder: Path, persons: int = 12) -> None:
    with (
        open_instance(Settings(database_url=url, data_dir=folder)) as instance,
        transaction(instance.sessions) as session,
    ):
        load_demo(session, persons=persons, seed=9)


def recompute(runner: CliRunner, url: str, folder: Path) -> tuple[int, str]:
    # a later day changes the clocks, so that the recompute has assessments to write
    args = ["status", "recompute", "--today", "2031-01-01", "--database", url]
    result = runner.invoke(app, [*args, "--data-dir", str(folder)])
    return result.exit_code, result.stderr


def test_a_locked_sqlite_database_is_busy_retry_not_a_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kintrace.sqlite3"
    url = f"sqlite:///{path}"
    with_persons(url, tmp_path)
    monkeypatch.setattr(db, "LOCK_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        code, stderr = recompute(runner, url, tmp_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2
    assert "the database is busy" in stderr and "run the command again" in stderr
    assert "Traceback" not in stderr
    assert recompute(runner, url, tmp_path)[0] == 0  # and once it is free, it works


@pytest.mark.postgres
def test_a_second_recompute_on_postgresql_is_refused_at_once(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str]
) -> None:
    url = new_database("postgresql")
    with_persons(url, tmp_path)
    other = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with other.connect() as conn:
        conn.execute(text(f"SELECT pg_advisory_xact_lock({RECOMPUTE_LOCK})"))
        code, stderr = recompute(runner, url, tmp_path)
        conn.rollback()
    other.dispose()
    assert code == 2
    assert "another status recompute is running" in stderr


@pytest.mark.postgres
def test_a_lock_held_too_long_on_postgresql_is_busy_retry(
    runner: CliRunner,
    tmp_path: Path,
    new_database: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = new_database("postgresql")
    with_persons(url, tmp_path)
    monkeypatch.setattr(db, "LOCK_TIMEOUT_S", 0.2)
    other = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with other.connect() as conn:
        conn.execute(text("LOCK TABLE assessments IN ACCESS EXCLUSIVE MODE"))
        code, stderr = recompute(runner, url, tmp_path)
        conn.rollback()
    other.dispose()
    assert code == 2, stderr
    assert "the database is busy" in stderr and "Traceback" not in stderr


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.postgres
def test_a_killed_recompute_leaves_no_worker_and_the_next_one_runs(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str]
) -> None:
    url = new_database("postgresql")
    with_persons(url, tmp_path, persons=40)
    args = ["status", "recompute", "--database", url, "--data-dir", str(tmp_path)]
    parent = subprocess.Popen(
        [KINTRACE, *args, "--workers", "2", "--batch", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    for _ in range(600):  # until its worker processes have started (a guard, not a timing)
        workers = children_of(parent.pid)
        if len(workers) >= 2 or parent.poll() is not None:
            break
        time.sleep(0.05)
    assert parent.poll() is None, "the recompute ended before its workers started"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    for _ in range(400):
        if not any(alive(pid) for pid in workers):
            break
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers), "a worker outlived its parent"
    done = subprocess.run(
        [KINTRACE, *args, "--workers", "2", "--json"], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode()


def test_an_import_waits_out_a_short_lock_and_retries(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kintrace.sqlite3"
    url = f"sqlite:///{path}"
    with_persons(url, tmp_path, persons=2)
    listed = tmp_path / "list.csv"
    listed.write_text("id,surname\n1,Петров\n", encoding="utf-8")
    monkeypatch.setattr(db, "LOCK_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another writer, done a moment later
    release = threading.Timer(1.0, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        args = ["import", str(listed), "--list", "l", "--database", url]
        result = runner.invoke(app, [*args, "--data-dir", str(tmp_path)])
    finally:
        release.join()
        holder.close()
    assert result.exit_code == 0, result.output


def busy() -> OperationalError:
    return OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))


def test_retrying_runs_the_work_again_only_while_the_database_is_busy() -> None:
    calls: list[int] = []

    def twice_busy() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise busy()
        return "written"

    assert db.retrying(twice_busy, first_wait=0) == "written"
    assert len(calls) == 3

    def always_busy() -> str:
        raise busy()

    with pytest.raises(OperationalError):
        db.retrying(always_busy, attempts=2, first_wait=0)

    other: list[int] = []

    def broken() -> str:
        other.append(1)
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("no such table: x"))

    with pytest.raises(OperationalError):
        db.retrying(broken, first_wait=0)
    assert len(other) == 1  # not a busy database: no second try
