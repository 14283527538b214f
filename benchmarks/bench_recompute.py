"""Benchmark: bulk recomputation of assessed statuses in SQLite and PostgreSQL (prints figures).

Run: ``uv run python benchmarks/bench_recompute.py [PERSONS] [PER_PERSON] [ENGINES] [WORKERS]``,
e.g. ``... 1000000 10 sqlite,postgresql`` (the issue's size; defaults 20000, 10, sqlite, and one
worker process per core, as ``kintrace status recompute`` uses on a large instance).
It fills a fresh database with synthetic persons and reports by bulk inserts (COPY on
PostgreSQL, then ANALYZE, as autovacuum would soon do; not timed as part of the
recomputation), then times ``kintrace status recompute``'s core
(:func:`kintrace.reconciliation.bulk.recompute_all`) and reports persons per second and
the peak resident memory of the process. PostgreSQL: ``KINTRACE_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); a database is created and dropped.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from kintrace.config import Settings
from kintrace.reports.model import SourceType, Status
from kintrace.storage.copy import copy_in, copy_line
from kintrace.storage.db import make_engine, migrate, session_factory, transaction
from kintrace.storage.tables import Person, Report, Source

PG = os.environ.get("KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CLAIMS = [s.value for s in Status]
SOURCES = list(SourceType)


@contextmanager
def database(kind: str) -> Iterator[Engine]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
            yield engine
            engine.dispose()
        return
    admin_url = make_url(PG).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"kintrace_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(engine: Engine, persons: int, per_person: int, seed: int = 1) -> int:
    """Insert synthetic persons with reports; return the number of reports."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 1)
    with engine.begin() as conn:
        conn.execute(
            insert(Source),
            [
                {"id": i + 1, "name": f"source {i}", "type": t.value, "created_at": now}
                for i, t in enumerate(SOURCES)
            ],
        )
        report_id = 0
        chunk = 20_000
        for start in range(0, persons, chunk):
            ids = range(start + 1, min(start + chunk, persons) + 1)
            conn.execute(
                insert(Person),
                [
                    {"id": i, "surname": f"Петров{i}", "script": "cyrillic", "sex": "male",
                     "created_at": now}
                    for i in ids
                ],
            )  # fmt: skip
            rows = []
            for pid in ids:
                first = date(2022, 3, 1) + timedelta(days=rng.randrange(1200))
                for _ in range(rng.randint(max(1, per_person - 3), per_person + 3)):
                    report_id += 1
                    rows.append(
                        {
                            "id": report_id,
                            "person_id": pid,
                            "source_id": rng.randrange(len(SOURCES)) + 1,
                            "claim": rng.choice(CLAIMS),
                            "observed_on": first + timedelta(days=rng.randrange(300)),
                            "reliability": rng.choice("ABCDEF"),
                            "credibility": rng.randint(1, 6),
                            "text": "",
                            "place": "",
                            "created_at": now,
                        }
                    )
            if conn.dialect.name == "postgresql":
                columns = list(rows[0])
                copy_in(conn, "reports", columns, [copy_line(r.values()) for r in rows])
            else:
                conn.execute(insert(Report), rows)
    return report_id


def main() -> None:
    persons = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    per_person = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    engines = (sys.argv[3] if len(sys.argv) > 3 else "sqlite").split(",")
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else (os.cpu_count() or 1)
    from kintrace.reconciliation.bulk import recompute_all

    for kind in engines:
        with database(kind) as engine:
            migrate(engine)
            started = time.perf_counter()
            reports = fill(engine, persons, per_person)
            if kind == "postgresql":
                with engine.connect() as conn:
                    conn.execute(text("ANALYZE"))
                    conn.commit()
            filled = time.perf_counter() - started
            sessions = session_factory(engine)
            started = time.perf_counter()
            with transaction(sessions) as session:
                seen, changed = recompute_all(
                    session,
                    today=date(2026, 11, 1),
                    settings=Settings(),
                    reason="benchmark",
                    workers=workers,
                    read_in_workers=True,
                )
            elapsed = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"engine              {kind} ({workers} worker processes)")
            print(f"persons             {seen}")
            print(f"reports             {reports}")
            print(f"fill (not timed)    {filled:.1f} s")
            print(f"recompute           {elapsed:.1f} s")
            print(f"persons per second  {seen / elapsed:,.0f}")
            print(f"assessments stored  {changed}")
            print(f"peak memory         {peak:,.0f} MiB (largest worker process: {child:,.0f} MiB)")
            print()


if __name__ == "__main__":
    main()
