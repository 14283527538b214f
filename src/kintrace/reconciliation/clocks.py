"""The clocks of a case: last information, the court date, late answers from authorities. Pure.

The law lets a court declare a person missing (or dead) when there has been no information
about him for some time: six months by default. The period is a setting of the jurisdiction,
carried by :class:`ClockPolicy`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kintrace.reconciliation.model import AuthorityRequest, Clocks
from kintrace.reports.model import Status


@dataclass(frozen=True, slots=True)
class ClockPolicy:
    """The periods of one jurisdiction.

    ``court_after_months``: months without information after which a court may declare the
    person missing or dead; ``stale_after_days``: days without information after which a case
    is flagged ``stale``; ``reply_days``: days an authority has to answer a request that
    carries no due date of its own.
    """

    court_after_months: int = 6
    stale_after_days: int = 90
    reply_days: int = 30


COURT_RELEVANT = frozenset(
    {
        Status.MISSING,
        Status.DECLARED_MISSING,
        Status.CAPTURED_REPORTED,
        Status.DEAD_UNRECOVERED,
        Status.REMAINS_RECOVERED,
    }
)
"""Assessed statuses for which a court declaration is still a question.

Not for a confirmed prisoner, a man alive, returned or identified, nor one already declared dead.
"""

SETTLED = frozenset({Status.IDENTIFIED, Status.REMAINS_RETURNED, Status.RETURNED})
"""Assessed statuses after which silence is expected: no ``stale`` flag."""


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later, or the month's last day when it is shorter.

    >>> add_months(date(2022, 8, 31), 6)
    datetime.date(2023, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(sent: date, policy: ClockPolicy) -> date:
    """Return the date an answer is due when the request names none."""
    return sent + timedelta(days=policy.reply_days)


def is_overdue(request: AuthorityRequest, today: date) -> bool:
    """Tell whether an authority has still not answered a request past its due date."""
    return request.replied is None and today > request.due


def run_clocks(
    last_information: date | None,
    status: Status,
    requests: Iterable[AuthorityRequest],
    today: date,
    policy: ClockPolicy,
) -> Clocks:
    """Compute the clocks of a case from its last information and its requests.

    >>> run_clocks(date(2022, 11, 30), Status.MISSING, (), date(2023, 1, 15), ClockPolicy())
    Clocks(last_information=datetime.date(2022, 11, 30), days_since_last_information=46, \
court_date=datetime.date(2023, 5, 30), overdue_requests=())
    """
    days = None if last_information is None else max(0, (today - last_information).days)
    court = None
    if last_information is not None and status in COURT_RELEVANT:
        court = add_months(last_information, policy.court_after_months)
    overdue = tuple(
        sorted(
            (r for r in requests if is_overdue(r, today)),
            key=lambda r: (r.due, r.sent, r.key),
        )
    )
    return Clocks(last_information, days, court, overdue)
