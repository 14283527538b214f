"""PFIF 1.4 export and import: how long they take and how large the file is.

Usage: ``uv run python benchmarks/bench_pfif.py [PERSONS] [ENGINES]`` (default 10000 sqlite;
ENGINES a comma-separated choice of sqlite, postgresql). Each person gets a relative's
request with consent to the Red Cross and three reports, inserted in bulk (not timed). Then
the export (gathering and consent, then writing the XML), the reading of the file, and its
import into an empty database (persons created, notes made reports, statuses recomputed) are
timed, with the file's size and the process's peak memory. PostgreSQL:
``KINTRACE_TEST_PG_URL`` (default the local server), in databases of its own, dropped after.
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
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from kintrace.config import Settings
from kintrace.demo.names import MALE_NAMES, SURNAMES
from kintrace.exchange.pfif import parse_pfif, write_pfif
from kintrace.exchange.pfif_import import import_pfif
from kintrace.exchange.service import export_pfif
from kintrace.storage.audit import set_actor
from kintrace.storage.db import make_engine, migrate, session_factory, transaction
from kintrace.storage.tables import Inquirer, Person, Report, Source, TracingRequest

PG_ADMIN = os.environ.get(
    "KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CLAIMS = ("missing", "captured_reported", "wounded", "dead_unrecovered", "returned")


@contextmanager
def database(engine_name: str, folder: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database on the engine; drop it afterwards."""
    if engine_name == "sqlite":
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    admin = create_engine(make_url(PG_ADMIN), isolation_level="AUTOCOMMIT")
    name = f"kintrace_bench_pfif_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(url: str, count: int, seed: int = 11) -> None:
    """Insert persons, consenting relatives' requests and three reports each, in bulk."""
    rng = random.Random(seed)
    engine = make_engine(url)
    migrate(engine)
    now = datetime.now()
    with engine.begin() as conn:
        source_id = conn.execute(
            insert(Source).values(name="unit", type="unit_commander", created_at=now)
        ).inserted_primary_key[0]
        persons, inquirers, requests, reports = [], [], [], []
        for i in range(1, count + 1):
            side = rng.choice(("ru", "uk"))
            given = rng.choice(MALE_NAMES[side])  # type: ignore[index]
            persons.append(
                {
                    "id": i,
                    "surname": rng.choice(SURNAMES[side]),  # type: ignore[index]
                    "given_name": given.name,
                    "patronymic": given.son,
                    "script": "cyrillic",
                    "sex": "male",
                    "birth_year": rng.randrange(1965, 2005),
                    "birth_precision": "year",
                    "home_region": "Курская область",
                    "unit": f"в/ч {rng.randrange(10**5):05d}",
                    "rank": "рядовой",
                    "created_at": now,
                }
            )
            inquirers.append(
                {
                    "id": i,
                    "full_name": "Мать",
                    "relationship": "mother",
                    "phone": "+7 555 000-00-00",
                    "consent": "red_cross",
                    "created_at": now,
                }
            )
            requests.append(
                {
                    "person_id": i,
                    "inquirer_id": i,
                    "filed_on": date(2023, 1, 5),
                    "channel": "web",
                    "circumstances": "последний звонок 12 марта",
                    "created_at": now,
                }
            )
            reports += [
                {
                    "person_id": i,
                    "source_id": source_id,
                    "claim": rng.choice(CLAIMS),
                    "observed_on": date(2022, rng.randrange(1, 13), rng.randrange(1, 29)),
                    "reliability": "B",
                    "credibility": 3,
                    "text": "сообщение командира",
                    "created_at": now,
                }
                for _ in range(3)
            ]
        for table, rows in (
            (Person, persons),
            (Inquirer, inquirers),
            (TracingRequest, requests),
            (Report, reports),
        ):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
    engine.dispose()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(engine_name: str, count: int, folder: Path) -> None:
    with database(engine_name, folder) as source_url, database(engine_name, folder) as target_url:
        fill(source_url, count)
        engine = make_engine(source_url)
        started = time.perf_counter()
        with session_factory(engine)() as session:
            result = export_pfif(session, domain="bench.example.org")
        gathered = time.perf_counter()
        data = write_pfif(result.document)
        written = time.perf_counter()
        engine.dispose()
        document = parse_pfif(data, "bench.xml")
        read = time.perf_counter()
        target = make_engine(target_url)
        migrate(target)
        settings = Settings(database_url=target_url, data_dir=folder)
        before = time.perf_counter()
        with transaction(session_factory(target)) as session:
            set_actor(session, actor_id=None, reason="bench")
            imported = import_pfif(
                session,
                document,
                name="bench.xml",
                list_name="bench",
                sha256="0" * 64,
                domain="other.example.org",
                actor_id=None,
                settings=settings,
                today=date.today(),
            )
        done = time.perf_counter()
        with session_factory(target)() as session:
            stored = len(list(session.scalars(select(Report.id))))
        target.dispose()
    print(
        f"{engine_name}: {count} persons, {result.notes} notes; export {gathered - started:.1f} s "
        f"gathering + {written - gathered:.1f} s writing ({len(data) / 2**20:.1f} MiB, "
        f"{count / (written - started):.0f} persons/s); reading {read - written:.1f} s; import "
        f"{done - before:.1f} s ({imported.persons_created} persons, {imported.notes_imported} "
        f"notes -> {stored} reports, {count / (done - before):.0f} persons/s); "
        f"peak {peak_mib():.0f} MiB"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    engines = sys.argv[2].split(",") if len(sys.argv) > 2 else ["sqlite"]
    with tempfile.TemporaryDirectory() as folder:
        for engine_name in engines:
            run(engine_name, count, Path(folder))


if __name__ == "__main__":
    main()
