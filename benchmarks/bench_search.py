"""Search by the stored search key: how long one search of the case list takes.

Usage: ``uv run python benchmarks/bench_search.py [PERSONS] [ENGINES]``
(default 200000 sqlite,postgresql). Persons get seeded Russian and Ukrainian names (a tenth
written in Latin capitals), units and personal numbers, inserted with their search keys in
bulk (not timed). Then ``search_persons`` as the case list and the JSON API call it (an
analyst: every person; 25 to a page, with the count) runs for queries in both scripts and
both cases, a personal number and a unit; the median and worst of 5 runs of each are printed.
PostgreSQL: ``KINTRACE_TEST_PG_URL`` (default the local server), in a database of its own.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from kintrace.access import Role, Viewer
from kintrace.cases.search import search_key
from kintrace.cases.service import search_persons
from kintrace.demo.names import MALE_NAMES, SURNAMES, latin
from kintrace.storage.db import make_engine, migrate, session_factory
from kintrace.storage.tables import Person

PG_ADMIN = os.environ.get(
    "KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
QUERIES = ("стасів", "Стасів", "STASIV", "Stasiv", "Петров Иван", "ab-1234", "А0224")


def rows(count: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for i in range(count):
        side = rng.choice(("ru", "uk"))
        surname = rng.choice(SURNAMES[side])  # type: ignore[index]
        given = rng.choice(MALE_NAMES[side])  # type: ignore[index]
        surname_text, given_text = surname, given.name
        if i % 10 == 0:
            surname_text, given_text = latin(surname, side).upper(), latin(given.name, side)  # type: ignore[arg-type]
        if i == count // 2:
            surname_text, given_text = "Стасів", "Микола"
        number = f"АВ-{rng.randrange(10**6):06d}"
        unit = f"в/ч {rng.choice('АВ')}{rng.randrange(10**4):04d}"
        out.append(
            {
                "surname": surname_text,
                "given_name": given_text,
                "patronymic": given.son,
                "script": "cyrillic",
                "sex": "male",
                "home_region": "",
                "unit": unit,
                "rank": "",
                "personal_number": number,
                "search_key": search_key(
                    surname=surname_text,
                    given_name=given_text,
                    patronymic=given.son,
                    personal_number=number,
                    unit=unit,
                ),
                "created_at": datetime(2024, 1, 1),
            }
        )
    return out


def run(url: str, count: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    data = rows(count)
    with engine.begin() as connection:
        for start in range(0, len(data), 10_000):
            connection.execute(insert(Person), data[start : start + 10_000])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE persons"))
    sessions = session_factory(engine)
    analyst = Viewer(None, Role.ANALYST)
    print(f"{engine.dialect.name}, {count:,} persons")
    for query in QUERIES:
        times, total = [], 0
        for _ in range(5):
            with sessions() as session:
                started = time.perf_counter()
                total = search_persons(session, analyst, text=query).total
                times.append(time.perf_counter() - started)
        print(
            f"  {query!r:14} {total:>7,} found  median {statistics.median(times) * 1000:7.1f} ms"
            f"  worst {max(times) * 1000:7.1f} ms"
        )
    engine.dispose()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    engines = (sys.argv[2] if len(sys.argv) > 2 else "sqlite,postgresql").split(",")
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{Path(folder) / 'search.sqlite3'}", count)
    if "postgresql" in engines:
        admin_url = make_url(PG_ADMIN)
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        name = f"kintrace_bench_search_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(admin_url.set(database=name).render_as_string(hide_password=False), count)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
