"""The daily job's schedule: at start-up, then a few minutes after each midnight."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest

from kintrace.reconciliation.daily import every_day, seconds_to_next_run


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (datetime(2026, 12, 4, 23, 0), 3900.0),
        (datetime(2026, 12, 4, 0, 4), 24 * 3600.0 + 60),
        (datetime(2026, 12, 31, 12, 0), 12 * 3600.0 + 300),
    ],
)
def test_the_next_run_is_after_the_next_midnight(now: datetime, seconds: float) -> None:
    assert seconds_to_next_run(now) == seconds


def run_alone(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run ``coroutine`` on a loop of its own thread.

    A browser test's synchronous Playwright keeps an event loop running in the main thread,
    where ``asyncio.run`` would refuse to start.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def test_a_failing_night_does_not_stop_the_next_ones() -> None:
    runs: list[int] = []
    waits: list[float] = []

    def job() -> None:
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("database busy")

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        run_alone(every_day(job, now=lambda: datetime(2026, 12, 4, 23, 0), sleep=sleep))
    assert len(runs) == 3  # at start-up, and after each of the first two midnights
    assert waits == [3900.0] * 3
