"""A partner's page of persons: what the consent filter costs the case list.

Usage: ``uv run python benchmarks/bench_partner_reads.py [PERSONS] [ENGINES]``
(default 200000 sqlite,postgresql). Persons are inserted in bulk (not timed); two in five have
a tracing request (one in ten of those two), from relatives whose consent is the Red Cross, the
authorities or nothing, and one relative in twenty changed it since (``consent_changes``).
Then ``search_persons`` as ``GET /api/persons`` calls it (25 to a page, with the count):
an analyst's session (every person) against a Red Cross token
(``only=consented_persons(red_cross)``, :mod:`kintrace.partners.reads`), the first page, a
late page and a surname search; the median and worst of 5 runs of each are printed.
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
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from kintrace.access import Role, Viewer
from kintrace.cases.model import ConsentScope
from kintrace.cases.search import search_key
from kintrace.cases.service import search_persons
from kintrace.partners.reads import consented_persons
from kintrace.storage.db import make_engine, migrate, session_factory
from kintrace.storage.tables import ConsentChange, Inquirer, Person, TracingRequest

PG_ADMIN = os.environ.get(
    "KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SURNAMES = ("Петров", "Иванов", "Сидоренко", "Коваль", "Стасів", "Орлов", "Кузнецов", "Мельник")
CONSENTS = ("red_cross", "authorities", "", "red_cross,authorities")


def fill(url: str, count: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    rng = random.Random(5)
    now = datetime(2024, 1, 1)
    persons = []
    for i in range(count):
        surname = rng.choice(SURNAMES)
        persons.append(
            {
                "surname": surname,
                "given_name": "Иван",
                "patronymic": "Петрович",
                "script": "cyrillic",
                "sex": "male",
                "home_region": "",
                "unit": "",
                "rank": "",
                "personal_number": f"АВ-{i:07d}",
                "search_key": search_key(
                    surname=surname,
                    given_name="Иван",
                    patronymic="Петрович",
                    personal_number=f"АВ-{i:07d}",
                    unit="",
                ),  # fmt: skip
                "created_at": now,
            }
        )
    asked = [i + 1 for i in range(count) if i % 5 < 2]
    inquirers = [
        {
            "full_name": "relative",
            "relationship": "mother",
            "consent": rng.choice(CONSENTS),
            "created_at": now,
        }  # fmt: skip
        for _ in asked
    ]
    requests = [
        {
            "person_id": p,
            "inquirer_id": n + 1,
            "filed_on": date(2024, 1, 1),
            "channel": "web",
            "created_at": now,
        }  # fmt: skip
        for n, p in enumerate(asked)
    ]
    changes = [
        {"inquirer_id": n + 1, "scopes": rng.choice(CONSENTS), "changed_at": now}
        for n in range(0, len(asked), 20)
    ]
    with engine.begin() as connection:
        for table, data in (
            (Person, persons),
            (Inquirer, inquirers),
            (TracingRequest, requests),
            (ConsentChange, changes),
        ):
            for start in range(0, len(data), 10_000):
                connection.execute(insert(table), data[start : start + 10_000])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
    engine.dispose()


def run(url: str, count: int) -> None:
    fill(url, count)
    engine = make_engine(url)
    sessions = session_factory(engine)
    analyst = Viewer(None, Role.ANALYST)
    late = count // 25 // 2
    print(f"{engine.dialect.name}, {count:,} persons")
    for label, kwargs in (
        ("first page", {}),
        (f"page {late:,}", {"page": late}),
        ("'Стасів'", {"text": "Стасів"}),
    ):
        for who, only in (
            ("session", None),
            ("red cross", consented_persons(ConsentScope.RED_CROSS)),
        ):
            times, total = [], 0
            for _ in range(5):
                with sessions() as session:
                    started = time.perf_counter()
                    total = search_persons(session, analyst, only=only, **kwargs).total  # type: ignore[arg-type]
                    times.append(time.perf_counter() - started)
            print(
                f"  {label:14} {who:10} {total:>9,} persons  median "
                f"{statistics.median(times) * 1000:8.1f} ms  worst {max(times) * 1000:8.1f} ms"
            )
    engine.dispose()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    engines = (sys.argv[2] if len(sys.argv) > 2 else "sqlite,postgresql").split(",")
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{Path(folder) / 'partner.sqlite3'}", count)
    if "postgresql" in engines:
        admin_url = make_url(PG_ADMIN)
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        name = f"kintrace_bench_partner_{uuid.uuid4().hex[:8]}"
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
