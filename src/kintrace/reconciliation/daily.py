"""The daily clocks: flags that time alone raises, recomputed without anyone running a command.

Three flags change with the date and nothing else: ``overdue`` (an authority's answer is past
its due date), ``court_date_passed`` (a court may now declare the person) and ``stale`` (no
credible news for a long time). Time only ever raises them; a report, an answer or a merge
that lowers one recomputes its person at once. :func:`recompute_clocks` therefore picks the
persons whose current assessment lacks a flag the date now calls for, and recomputes only
them, a small batch per transaction, so that no writer waits long for the database lock
(SQLite has one). ``kintrace serve`` runs it at start-up and every day after midnight
(:func:`every_day`); ``kintrace status recompute --clocks`` runs it once, for cron.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, String, and_, cast, exists, not_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from kintrace.config import Settings
from kintrace.reconciliation.clocks import SETTLED
from kintrace.reconciliation.service import (
    assess_rows,
    changes_of,
    gather_rows,
    policy_of,
    write_changes,
)
from kintrace.storage.audit import set_actor
from kintrace.storage.db import AuditedSession, retrying, transaction
from kintrace.storage.tables import Assessment, AuthorityRequest, Person

log = logging.getLogger(__name__)

CLOCK_REASON = "the date moved on"
"""The reason kept with the assessments this job writes."""

BATCH = 200
"""Persons recomputed in one transaction: a few hundredths of a second of the writer lock."""


def _lacks(flag: str) -> ColumnElement[bool]:
    return not_(cast(Assessment.flags, String).like(f'%"{flag}"%'))


def clock_candidates(
    session: Session, *, today: date, settings: Settings, after: int = 0, limit: int = BATCH
) -> list[int]:
    """Return ids (above ``after``, ascending) of persons whose clock flags lag the date."""
    policy = policy_of(settings)
    stale_since = today - timedelta(days=policy.stale_after_days)
    late = exists().where(
        AuthorityRequest.person_id == Person.id,
        AuthorityRequest.replied_on.is_(None),
        AuthorityRequest.due_on < today,
    )
    lagging = or_(
        and_(Assessment.court_date <= today, _lacks("court_date_passed")),
        and_(
            Assessment.last_information_on <= stale_since,
            Assessment.status.not_in([s.value for s in SETTLED]),
            _lacks("stale"),
        ),
        and_(late, _lacks("overdue")),
    )
    return list(
        session.scalars(
            select(Person.id)
            .join(Assessment, (Assessment.person_id == Person.id) & Assessment.is_current)
            .where(Person.merged_into_id.is_(None), Person.id > after, lagging)
            .order_by(Person.id)
            .limit(limit)
        )
    )


def recompute_clocks(
    sessions: sessionmaker[AuditedSession],
    *,
    today: date,
    settings: Settings,
    batch: int = BATCH,
) -> tuple[int, int]:
    """Recompute the persons whose clock flags lag the date; return (persons, changed).

    Each batch is its own short transaction. A person whose assessment another writer
    replaced meanwhile is left as that writer computed it.
    """
    policy = policy_of(settings)
    seen = changed = 0
    after = 0

    def one_batch() -> tuple[list[int], int]:
        with transaction(sessions) as session:
            set_actor(session, actor_id=None, reason=CLOCK_REASON)
            ids = clock_candidates(
                session, today=today, settings=settings, after=after, limit=batch
            )
            if not ids:
                return ids, 0
            pending = assess_rows(gather_rows(session, ids), today, policy, CLOCK_REASON)
            found = changes_of(session, pending)
            stale = write_changes(session, found)
            return ids, len(found.rows) - len(stale)

    while True:
        # a web request holding the writer lock a moment: this batch again, in a new transaction
        ids, written = retrying(one_batch)
        if not ids:
            return seen, changed
        seen += len(ids)
        changed += written
        after = ids[-1]


def seconds_to_next_run(now: datetime, *, at_minute: int = 5) -> float:
    """Return the seconds from ``now`` to the next run: a few minutes after local midnight.

    >>> seconds_to_next_run(datetime(2026, 12, 4, 23, 0))
    3900.0
    """
    tomorrow = (now + timedelta(days=1)).date()
    run = datetime.combine(tomorrow, datetime.min.time()) + timedelta(minutes=at_minute)
    return (run - now).total_seconds()


async def every_day(
    job: Callable[[], object],
    *,
    now: Callable[[], datetime] = datetime.now,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Run ``job`` in a thread now and after each midnight, until cancelled.

    A failing run is logged (its kind only: no personal data) and the next one still comes.
    """
    while True:
        try:
            await asyncio.to_thread(job)
        except Exception as error:  # a bad night must not stop the nights after
            log.warning("daily clock recompute failed: %s", type(error).__name__)
        await sleep(seconds_to_next_run(now()))
