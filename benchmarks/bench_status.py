"""Benchmark: how fast the reconciliation engine assesses stories (prints the figures).

Run: ``uv run python benchmarks/bench_status.py [STORIES]``. Stories are random but seeded
(3 to 15 reports each, every source type and claim); no database is touched.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from typing import Any

from kintrace.reconciliation.rules import reconcile
from kintrace.reconciliation.story import parse_story, story_result
from kintrace.reports.model import SourceType, Status


def random_story(rng: random.Random) -> dict[str, Any]:
    start = date(2022, 3, 1) + timedelta(days=rng.randrange(900))
    reports = []
    for index in range(rng.randint(3, 15)):
        reports.append(
            {
                "id": f"r{index}",
                "date": (start + timedelta(days=rng.randrange(400))).isoformat(),
                "source": rng.choice(list(SourceType)).value,
                "grade": rng.choice("ABCDEF") + rng.choice("123456"),
                "claim": rng.choice(list(Status)).value,
                "text": "…",
            }
        )
    official = {"status": "missing", "since": start.isoformat(), "authority": "ministry"}
    return {"today": "2026-11-01", "official": official, "reports": reports}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rng = random.Random(7)
    stories = [random_story(rng) for _ in range(count)]
    started = time.perf_counter()
    for raw in stories:
        story = parse_story(raw)
        story_result(story, reconcile(story.reports, story.official, story.today, story.policy))
    elapsed = time.perf_counter() - started
    reports = sum(len(s["reports"]) for s in stories)
    print(f"stories            {count}")
    print(f"reports            {reports}")
    print(f"assess (all)       {elapsed:.2f} s")
    print(f"assess per story   {elapsed / count * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
