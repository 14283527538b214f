"""The case log ("who looked at my case"): what one logged view costs, and reading a page.

Usage: ``uv run python benchmarks/bench_case_views.py [ROWS]`` (default 1,000,000).
SQLite in a temporary folder: one person, then

- ``log_case`` in its own short transaction, 2,000 times (as a person page does: one insert
  added to the request's transaction): the median and 99th percentile of the whole
  transaction, and of the same transaction without the log row, for the difference;
- ROWS log rows of 1,000 persons in bulk (not timed), then the first and the last page of
  one person's log (``case_views``, 50 rows, newest first) and its count, 20 runs each.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert

from kintrace.access import Role, Viewer
from kintrace.cases.views import case_views, log_case
from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import CaseView, Person, Region


def _ms(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    return f"median {statistics.median(ordered) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms"


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), database_url="")
        with open_instance(settings) as instance:
            now = datetime.now()
            with transaction(instance.sessions) as db:
                region = Region(code="bench", name="Bench")
                db.add(region)
                db.flush()
                db.execute(insert(Person), [
                    {"surname": f"P{i}", "script": "latin", "sex": "male", "region_id": region.id,
                     "created_at": now} for i in range(1000)
                ])  # fmt: skip
            viewer = Viewer(None, Role.ANALYST)
            plain, logged = [], []
            for _ in range(2000):
                start = time.perf_counter()
                with transaction(instance.sessions) as db:
                    db.get(Person, 1)
                plain.append(time.perf_counter() - start)
                start = time.perf_counter()
                with transaction(instance.sessions) as db:
                    db.get(Person, 1)
                    log_case(db, viewer, 1, "view", "person_page")
                logged.append(time.perf_counter() - start)
            print(f"transaction without a log row: {_ms(plain)}")
            print(f"transaction with one log row:  {_ms(logged)}")
            with transaction(instance.sessions) as db:
                for first in range(0, rows, 50_000):
                    db.execute(insert(CaseView), [
                        {"person_id": 1 + i % 1000, "user_id": None, "role": "operator",
                         "region_id": region.id, "action": "view", "what": "person_page",
                         "at": now} for i in range(first, min(rows, first + 50_000))
                    ])  # fmt: skip
            with transaction(instance.sessions) as db:
                pages = case_views(db, viewer, 500).pages
                for page in (1, pages):
                    times = []
                    for _ in range(20):
                        start = time.perf_counter()
                        case_views(db, viewer, 500, page=page)
                        times.append(time.perf_counter() - start)
                    print(f"{rows:,} rows, page {page} of {pages} of one case: {_ms(times)}")


if __name__ == "__main__":
    main()
