"""Recompute every person's assessed status in bulk: batches, worker processes, one transaction.

The process that holds the transaction picks the batches and writes; worker processes read
their batches on their own connections (:func:`recompute_all`), run the pure engine and say
what changed (:func:`~kintrace.reconciliation.service.changes_of`).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from kintrace.config import Settings
from kintrace.errors import Conflict
from kintrace.reconciliation.clocks import ClockPolicy
from kintrace.reconciliation.service import (
    Changes,
    assess_rows,
    changes_of,
    gather_rows,
    policy_of,
    store_rows,
    write_changes,
)
from kintrace.storage.db import make_engine
from kintrace.storage.tables import Person

_READER: Engine | None = None
"""A worker process's own connection to the database (see :func:`recompute_all`)."""

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

RECOMPUTE_LOCK = 7_305_161_001
"""PostgreSQL advisory lock key held by the transaction of a bulk recomputation."""


def _open_reader(url: str, parent: int) -> None:
    """Start a worker: die with ``parent``, then connect to ``url`` (nothing for an empty URL).

    Workers are spawned (a fresh interpreter, not a fork), so they never hold the parent's
    database connection: a fork would keep its socket open, and the parent's transaction
    "idle in transaction" with its locks, after the parent was killed.
    """
    _die_with(parent)
    global _READER
    _READER = make_engine(url) if url else None


def _die_with(parent: int) -> None:
    """End this process when ``parent`` ends, however it ends (SIGKILL included)."""
    if sys.platform == "linux":
        with suppress(OSError, AttributeError):  # a libc without prctl: the thread below
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)

    def watch() -> None:  # elsewhere than Linux, and a second guard on it
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _read_and_assess(ids: list[int], today: date, policy: ClockPolicy, reason: str) -> Changes:
    """Read a batch on the worker's own connection, assess it and say what it changes."""
    assert _READER is not None, "the worker has no database connection"
    with Session(_READER) as session:
        pending = assess_rows(gather_rows(session, ids), today, policy, reason)
        found = changes_of(session, pending)
        # lines for COPY made here, so that the writing process only sends them
        return found.encoded() if _READER.dialect.name == "postgresql" else found


def reader_url(session: Session) -> str | None:
    """Return the URL worker processes can read the session's database at (None: they can't).

    An in-memory SQLite database lives in this process only.
    """
    url = session.connection().engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def recompute_all(
    session: Session,
    *,
    today: date,
    settings: Settings,
    reason: str,
    batch: int = 2000,
    workers: int = 1,
    read_in_workers: bool = False,
    progress: Callable[[int], None] = lambda _n: None,
) -> tuple[int, int]:
    """Recompute every person in batches; return (persons seen, assessments changed).

    With ``workers > 1`` the pure assessment runs in that many processes while this one
    reads the next batch and writes the last: the database stays in one transaction here.
    With ``read_in_workers`` as well, each worker reads its batch on its own connection and
    this process only writes; the workers then see what is committed, not what this
    transaction wrote before, so use it only in a transaction that has not changed reports,
    official statuses or requests (as ``kintrace status recompute`` does).
    """
    policy = policy_of(settings)
    _hold_recompute_lock(session)
    seen = changed = 0
    last = 0
    url = reader_url(session) if read_in_workers and workers > 1 else None

    def next_ids() -> list[int]:
        nonlocal last
        ids = list(
            session.scalars(
                select(Person.id)
                .where(Person.id > last, Person.merged_into_id.is_(None))
                .order_by(Person.id)
                .limit(batch)
            )
        )
        if ids:
            last = ids[-1]
        return ids

    statistics = _Statistics(session)

    def store(pending: dict[int, dict[str, Any]]) -> int:
        stored = store_rows(session, pending)
        statistics.grew(stored)
        return stored

    def write(found: Changes) -> int:
        stale = write_changes(session, found)
        if not stale:
            return len(found.rows)
        again = assess_rows(gather_rows(session, sorted(stale)), today, policy, reason)
        return len(found.rows) - len(stale) + store(again)

    if workers <= 1:
        while ids := next_ids():
            changed += store(assess_rows(gather_rows(session, ids), today, policy, reason))
            seen += len(ids)
            progress(seen)
        return seen, changed
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_open_reader,
        initargs=(url or "", os.getpid()),
    ) as pool:
        running: deque[tuple[int, Future[Any]]] = deque()
        while True:
            ids = next_ids()
            if ids and url is not None:
                running.append(
                    (len(ids), pool.submit(_read_and_assess, ids, today, policy, reason))
                )
            elif ids:
                evidence = gather_rows(session, ids)
                running.append(
                    (len(ids), pool.submit(assess_rows, evidence, today, policy, reason))
                )
            if running and (not ids or len(running) > workers):
                size, future = running.popleft()
                changed += write(future.result()) if url is not None else store(future.result())
                seen += size
                progress(seen)
            if not ids and not running:
                return seen, changed


def _hold_recompute_lock(session: Session) -> None:
    """Take the recompute lock for this transaction, or say that another recompute holds it.

    Two recomputations would write the same current assessments; the second would wait on
    the first's row locks. On PostgreSQL it is refused at once; on SQLite the one writer
    lock does the same after the busy timeout.
    """
    if session.connection().dialect.name != "postgresql":
        return
    taken = session.scalar(select(func.pg_try_advisory_xact_lock(RECOMPUTE_LOCK)))
    if not taken:
        raise Conflict(
            "another status recompute is running on this database; "
            "nothing was changed: retry when it has finished"
        )


class _Statistics:
    """Keeps PostgreSQL's planner statistics of ``assessments`` up to date during a bulk run.

    Rows this transaction inserted are invisible to autovacuum, so on a table that was empty
    the planner goes on believing it small and looks a batch's current assessments up by
    scanning the whole table: quadratic. ``ANALYZE`` inside the transaction counts them; it
    runs each time the rows inserted have doubled, a few times in a run.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._on = session.connection().dialect.name == "postgresql"
        self._inserted = 0
        self._next = 10_000

    def grew(self, rows: int) -> None:
        self._inserted += rows
        if self._on and self._inserted >= self._next:
            self._session.execute(text("ANALYZE assessments"))
            self._next = 2 * self._inserted
