"""Benchmark: import and link a prisoner list against the persons, end to end (prints figures).

Run: ``uv run python benchmarks/bench_lists.py [ROWS] [PERSONS] [ENGINES] [--seed N]``, e.g.
``... 100000 1000000 sqlite,postgresql`` (the issue's aim; defaults 10000, 100000, sqlite).
A seeded synthetic population (:mod:`kintrace.linkage.synthetic`) gives the persons (the
Cyrillic requests side, inserted in bulk; not timed) and the list (the Latin-script side, its
first ROWS rows, written to a CSV file). Then it times what ``kintrace import FILE --kind
prisoner_list --source ... --published ...`` and ``kintrace link --list NAME`` do, each in its
transaction: read and validate the file, store the list, link it to every person, make a
report of every automatic link and recompute those persons' statuses. It prints rows per
second end to end, each stage's seconds, the peak resident memory of the process and how
many statuses changed. PostgreSQL: ``KINTRACE_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); a database is created and dropped.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from kintrace.cases.model import Sex
from kintrace.config import Settings
from kintrace.importers.persons import FIELD_LIMITS, parse_persons
from kintrace.importers.tabular import Row, Table, read_table
from kintrace.linkage.service import link_list
from kintrace.linkage.synthetic import generate_lists
from kintrace.lists.service import ListKind, content_hash, import_list
from kintrace.storage.audit import set_actor
from kintrace.storage.db import make_engine, migrate, session_factory, transaction
from kintrace.storage.tables import Person

PG = os.environ.get("KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
COLUMNS = ("id", "surname", "given_name", "patronymic", "sex", "birth_date", "region", "unit")


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


def population(
    rows: int, persons: int, seed: int
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return the persons' rows and the list's rows of one synthetic population."""
    side_a, side_b = generate_lists(int(max(persons, rows) / 0.7) + 100, seed=seed)
    return side_a[:persons], side_b[:rows]


def fill_persons(engine: Engine, rows: list[dict[str, str]]) -> None:
    """Insert the persons in bulk (as a registry import would store them; not timed)."""
    table = Table(
        Path("persons.csv"),
        COLUMNS,
        tuple(Row(i + 2, {c: r.get(c, "") for c in COLUMNS}) for i, r in enumerate(rows)),
    )
    now = datetime.now()
    values = []
    for record in parse_persons(table, default_sex=Sex.UNKNOWN):
        d, b = record.details, record.details.birth
        values.append(
            {
                "surname": d.surname, "given_name": d.given_name, "patronymic": d.patronymic,
                "script": d.script.value, "sex": d.sex.value,
                "birth_year": b.year if b else None, "birth_month": b.month if b else None,
                "birth_day": b.day if b else None,
                "birth_precision": b.precision.value if b else None,
                "home_region": d.home_region, "unit": d.unit, "rank": d.rank,
                "personal_number": d.personal_number, "created_at": now,
            }
        )  # fmt: skip
    with engine.begin() as conn:
        for start in range(0, len(values), 20000):
            conn.execute(insert(Person), values[start : start + 20000])
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def write_list(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r.get(c, "") for c in COLUMNS])


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def progress(message: str) -> None:
    """Say on stderr how far a long run is (a run cut off by a timeout still tells)."""
    print(f"  [{time.strftime('%H:%M:%S')}] {message}; peak {peak_mib():,.0f} MiB", file=sys.stderr,
          flush=True)  # fmt: skip


def run(kind: str, rows: int, persons: int, seed: int) -> None:
    people, listed = population(rows, persons, seed)
    progress(f"{kind}: population generated")
    with database(kind) as engine, tempfile.TemporaryDirectory() as folder:
        migrate(engine)
        fill_persons(engine, people)
        progress(f"{kind}: {len(people):,} persons stored (not timed)")
        path = Path(folder) / "pow.csv"
        write_list(path, listed)
        sessions = session_factory(engine)
        started = time.perf_counter()
        records = parse_persons(read_table(path, {}, required=("id",), limits=FIELD_LIMITS))
        with transaction(sessions) as session:
            import_list(
                session, path=path, name="pow", kind=ListKind.PRISONER_LIST, records=records,
                as_persons=False, actor_id=None, source="Ministry of Defence (other side)",
                published_on=date(2026, 10, 1), sha256=content_hash(path),
            )  # fmt: skip
        imported = time.perf_counter()
        progress(f"list imported in {imported - started:.1f} s")
        stages: dict[str, float] = {}
        last = [imported]

        def on_stage(stage: str) -> None:
            now = time.perf_counter()
            stages[stage] = now
            last[0] = now
            progress(f"stage {stage} begins at {now - started:.1f} s")

        with transaction(sessions) as session:
            set_actor(session, actor_id=None, reason="kintrace link --list pow")
            result = link_list(
                session, list_name="pow", on_stage=on_stage, status_settings=Settings(),
                today=date.today(),
            )  # fmt: skip
        done = time.perf_counter()
    total = done - started
    marks = sorted(stages.items(), key=lambda kv: kv[1])
    split = ", ".join(
        f"{name} {(marks[i + 1][1] if i + 1 < len(marks) else done) - at:.1f} s"
        for i, (name, at) in enumerate(marks)
    )
    print(
        f"{kind}: {len(listed):,} rows against {len(people):,} persons: {total:.1f} s end to end, "
        f"{len(listed) / total:,.0f} rows/s (import {imported - started:.1f} s; link "
        f"{done - imported:.1f} s: {split}); {result.automatic:,} linked, {result.review:,} "
        f"queued, {result.unmatched:,} unmatched, {result.duplicates:,} duplicate pairs; "
        f"{result.reports:,} reports, {result.statuses_changed:,} statuses changed; "
        f"peak memory {peak_mib():,.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=10_000)
    parser.add_argument("persons", nargs="?", type=int, default=100_000)
    parser.add_argument("engines", nargs="?", default="sqlite")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    for kind in arguments.engines.split(","):
        run(kind, arguments.rows, arguments.persons, arguments.seed)


if __name__ == "__main__":
    main()
