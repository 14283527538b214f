"""The daily job's schedule: at start-up, then a few minutes after each midnight."""

from __future__ import annotations

import asyncio
from datetime import datetime

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
        asyncio.run(every_day(job, now=lambda: datetime(2026, 12, 4, 23, 0), sleep=sleep))
    assert len(runs) == 3  # at start-up, and after each of the first two midnights
    assert waits == [3900.0] * 3
