"""The news job of ``kintrace serve``: scan for news and mail it every minute, digests daily."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from sqlalchemy.orm import sessionmaker

from kintrace.config import Settings
from kintrace.notify.service import mail_news, scan
from kintrace.storage.audit import set_actor
from kintrace.storage.db import AuditedSession, retrying, transaction

log = logging.getLogger(__name__)

NEWS_REASON = "news of the cases for their families"
"""The reason kept in the change log with what the news job writes."""

NEWS_EVERY_S = 60.0
"""Seconds between two scans for news while the app runs."""

_ONE_SCAN_AT_A_TIME = threading.Lock()
"""A scan reads the marks of what was announced, then moves them: two at once in one process
(the day's job and the minute's, both started with ``kintrace serve``) would announce the same
news twice or, on a new instance, both write the first mark and one fail."""


def send_news(
    sessions: sessionmaker[AuditedSession], settings: Settings, *, daily: bool = False
) -> tuple[int, int]:
    """Scan for news and mail it (the day's digests too with ``daily``); return the counts."""

    def once() -> tuple[int, int]:
        with transaction(sessions) as session:
            set_actor(session, actor_id=None, reason=NEWS_REASON)
            now = datetime.now()
            made = scan(session, today=date.today(), now=now)
            mailed = mail_news(session, settings, daily=False, now=now)
            if daily:
                mailed += mail_news(session, settings, daily=True, now=now)
            return made, mailed

    with _ONE_SCAN_AT_A_TIME:
        return retrying(once)


async def every(
    seconds: float,
    job: Callable[[], object],
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Run ``job`` in a thread every ``seconds`` until cancelled; a failing run is logged."""
    while True:
        try:
            await asyncio.to_thread(job)
        except Exception as error:  # one bad run must not stop the next ones
            log.warning("the news job failed: %s", type(error).__name__)
        await sleep(seconds)
