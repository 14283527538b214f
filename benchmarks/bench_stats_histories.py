"""Estimates page: seconds to read capture histories from linked lists and to estimate.

    uv run python benchmarks/bench_stats_histories.py [PERSONS] [LISTS]

PERSONS persons (default 20,000) in 4 regions are stored in a new SQLite database with LISTS
lists (default 5) linked to them: each list holds each person independently, with a
probability from 0.3 to 0.5 per list, so PERSONS is the true total the estimates should cover.
Prints the seconds of reading the histories (``capture_histories``) without strata and by
region, and of the log-linear and decomposable estimates the page shows, then the
latent-class model with the page's short sampler (``PAGE_LCM``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from kintrace.stats.estimates import Method, estimate_lists
from kintrace.stats.histories import Strata, capture_histories
from kintrace.storage.db import make_engine, migrate, session_factory, transaction
from kintrace.storage.tables import ImportedList, LinkCandidate, ListRecord, Person, Region

NOW = datetime(2026, 1, 1)


def build(db_url: str, persons: int, lists: int) -> list[int]:
    engine = make_engine(db_url)
    migrate(engine)
    rng = np.random.default_rng(1)
    with transaction(session_factory(engine)) as db:
        db.execute(insert(Region), [{"code": f"R{i}", "name": f"Region {i}"} for i in range(4)])
        db.execute(
            insert(Person),
            [
                {"surname": f"P{i}", "script": "latin", "sex": "male", "created_at": NOW,
                 "region_id": 1 + i % 4}
                for i in range(persons)
            ],
        )  # fmt: skip
        on = rng.random((persons, lists)) < rng.uniform(0.3, 0.5, lists)
        ids = []
        record = candidate = 0
        for j in range(lists):
            lst = ImportedList(
                name=f"L{j + 1}", kind="prisoner_list", filename="x.csv", sha256=f"{j:064d}",
                row_count=int(on[:, j].sum()), imported_at=NOW,
            )  # fmt: skip
            db.add(lst)
            db.flush()
            ids.append(lst.id)
            members = np.flatnonzero(on[:, j])
            db.execute(
                insert(ListRecord),
                [{"id": record + k + 1, "list_id": lst.id, "record_id": str(k), "line": k + 2,
                  "sex": "male", "extra": {}} for k in range(len(members))],
            )  # fmt: skip
            db.execute(
                insert(LinkCandidate),
                [{"id": candidate + k + 1, "person_id": int(p) + 1,
                  "list_record_id": record + k + 1, "probability": 0.99, "state": "automatic",
                  "evidence": {}, "created_at": NOW} for k, p in enumerate(members)],
            )  # fmt: skip
            record += len(members)
            candidate += len(members)
    engine.dispose()
    return ids


def main() -> None:
    persons = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    lists = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        started = time.perf_counter()
        ids = build(url, persons, lists)
        print(
            f"{persons:,} persons on {lists} lists built in {time.perf_counter() - started:.1f} s"
        )
        engine = make_engine(url)
        with transaction(session_factory(engine)) as db:
            for strata in (Strata.NONE, Strata.REGION):
                t = time.perf_counter()
                _, tables = capture_histories(db, ids, strata)
                print(f"histories ({strata.value}, {len(tables)} tables): "
                      f"{time.perf_counter() - t:.2f} s")  # fmt: skip
            for methods in ((Method.LOGLINEAR,), (Method.DECOMPOSABLE,), (Method.LCM,)):
                t = time.perf_counter()
                run = estimate_lists(db, ids, Strata.NONE, methods=methods)
                f = run.total[methods[0]]
                print(f"{methods[0].value}: {time.perf_counter() - t:.1f} s, "
                      f"{f.value or 0:,.0f} ({f.ci_low or 0:,.0f} - {f.ci_high or 0:,.0f}) "
                      f"{f.model} {f.detail}")  # fmt: skip
        engine.dispose()


if __name__ == "__main__":
    main()
