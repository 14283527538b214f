"""The app of one worker process when ``kintrace serve --workers N`` runs several.

uvicorn starts each worker in a fresh process and builds its app from an import string: this
module's :func:`worker_app`, a factory. The worker reads its settings from the environment,
which ``kintrace serve`` set before starting them (``KINTRACE_DATABASE_URL`` and
``KINTRACE_DATA_DIR``; the secret key from the environment or ``<data_dir>/secret_key``).

The scheduled jobs (the daily clocks and digests, the news every minute) must run once per
instance, not once per worker: the worker that holds the lock file ``<data_dir>/serve-jobs.lock``
runs them. The lock is the operating system's (``flock``): it is let go when that process
ends however it ends, and the worker uvicorn starts in its place takes it again.
"""

from __future__ import annotations

import atexit
import fcntl
import gc
import os
from pathlib import Path
from typing import IO

from fastapi import FastAPI

from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.web.app import create_app

YOUNG_COLLECTION = 10_000
"""Allocations between two collections of the youngest generation in a serving process."""

JOBS_LOCK = "serve-jobs.lock"
"""The file in the data folder whose lock says which worker runs the scheduled jobs."""

_held: list[IO[bytes]] = []
"""The open lock file of this process, kept open (and so locked) while it lives."""


def take_jobs_lock(data_dir: Path) -> bool:
    """Take the scheduled jobs' lock for this process's life; say whether it was free."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / JOBS_LOCK).open("ab")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False
    _held.append(handle)
    return True


def worker_environment(settings: Settings) -> dict[str, str]:
    """The environment a worker needs to open the same instance as ``settings``."""
    return {
        "KINTRACE_DATABASE_URL": settings.database_url,
        "KINTRACE_DATA_DIR": str(settings.data_dir),
    }


def worker_app() -> FastAPI:
    """Build one worker's app (uvicorn's factory); the lock's holder runs the jobs."""
    settings = Settings()
    instance = open_instance(settings)
    app = create_app(instance, daily_clocks=take_jobs_lock(instance.settings.data_dir))
    settle_collector()
    return app


def settle_collector() -> None:
    """Keep the garbage collector off the objects of the start-up, and collect less often.

    A serving process holds some 320,000 objects tracked by Python's cycle collector after its
    imports and the app's set-up (SQLAlchemy's mappers, FastAPI's routes, the catalogues):
    every full collection went over all of them, a pause of 180-190 ms for every request in
    flight in the process, once every few hundred requests. They live as long as the process:
    frozen (``gc.freeze``, after a collection so that no garbage is kept) they are never
    scanned again, and a collection of the youngest generation every 10,000 allocations
    instead of 700 (a page makes thousands of short-lived objects, freed by their counts)
    took 19 ms of collections over 180 pages where there were 86 ms. The objects are
    unfrozen at exit, so that the interpreter's last collection can free them as before.
    Only serving processes call this (tests build many apps in one process).
    """
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, middle, oldest)


def set_worker_environment(settings: Settings) -> None:
    """Put the worker environment of ``settings`` in this process's, for the workers it starts."""
    os.environ.update(worker_environment(settings))
