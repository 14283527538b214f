"""Publishing estimates: only what an analyst publishes ever reaches the public figures.

A publication stores the figures the server computed itself from the lists and strata the
analyst chose (never figures sent by the browser); a withdrawal is a new row naming the
publication it takes back, so the history of what the public was shown is kept whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from kintrace.access import Role, Viewer
from kintrace.errors import Conflict, InvalidInput, NotFound
from kintrace.stats.estimates import Method, estimate_lists
from kintrace.stats.histories import Strata
from kintrace.stats.service import shown
from kintrace.storage.stats_tables import PublishedEstimate

MAY_ESTIMATE = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
"""Who may run estimates on the lists and publish or withdraw them."""

MAX_NOTE = 2000
"""Longest note kept with a publication or a withdrawal."""


@dataclass(frozen=True, slots=True)
class PublicEstimate:
    """A published estimate as the public sees it: no personal data, no exact small counts."""

    id: int
    lists: tuple[str, ...]
    strata: str
    method: str
    model: str
    observed: str  # persons on at least one of the lists, small counts hidden (``shown``)
    value: float
    ci_low: float | None
    ci_high: float | None
    note: str
    published_at: datetime


def publish_estimate(
    session: Session,
    viewer: Viewer,
    *,
    list_ids: Sequence[int],
    strata: Strata,
    method: Method,
    note: str = "",
    now: datetime,
) -> PublishedEstimate:
    """Compute the estimate of the chosen lists again and store it as published."""
    viewer.require(MAY_ESTIMATE, "publish estimates")
    if len(note) > MAX_NOTE:
        raise InvalidInput("the note is longer than 2000 characters")
    run = estimate_lists(session, list_ids, strata, methods=(method,))
    figure = run.total[method]
    if figure.value is None:
        raise InvalidInput("these lists give no estimate to publish")
    row = PublishedEstimate(
        action="publish",
        lists=list(run.lists),
        strata=strata.value,
        method=method.value,
        model=figure.model,
        observed=run.observed,
        value=figure.value,
        ci_low=figure.ci_low,
        ci_high=figure.ci_high,
        note=note.strip(),
        published_by=viewer.user_id,
        published_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _withdrawal_of(session: Session, estimate_id: int) -> PublishedEstimate | None:
    return session.scalars(
        select(PublishedEstimate).where(
            PublishedEstimate.action == "withdraw", PublishedEstimate.withdraws_id == estimate_id
        )
    ).first()


def withdraw_estimate(
    session: Session, viewer: Viewer, estimate_id: int, *, note: str = "", now: datetime
) -> PublishedEstimate:
    """Take a published estimate off the public figures (a new row; the publication stays)."""
    viewer.require(MAY_ESTIMATE, "withdraw estimates")
    if len(note) > MAX_NOTE:
        raise InvalidInput("the note is longer than 2000 characters")
    published = session.get(PublishedEstimate, estimate_id)
    if published is None or published.action != "publish":
        raise NotFound("no such published estimate")
    if _withdrawal_of(session, estimate_id) is not None:
        raise Conflict("the estimate was withdrawn already")
    row = PublishedEstimate(
        action="withdraw",
        withdraws_id=published.id,
        lists=list(published.lists),
        strata=published.strata,
        method=published.method,
        model=published.model,
        observed=published.observed,
        value=published.value,
        ci_low=published.ci_low,
        ci_high=published.ci_high,
        note=note.strip(),
        published_by=viewer.user_id,
        published_at=now,
    )
    session.add(row)
    session.flush()
    return row


def estimate_history(session: Session) -> list[PublishedEstimate]:
    """Return every publication and withdrawal, newest first (analysts' page)."""
    return list(
        session.scalars(
            select(PublishedEstimate).order_by(
                PublishedEstimate.published_at.desc(), PublishedEstimate.id.desc()
            )
        )
    )


def public_estimates(session: Session) -> list[PublicEstimate]:
    """Return the estimates published and not withdrawn, oldest first."""
    withdrawal = aliased(PublishedEstimate)
    rows = session.scalars(
        select(PublishedEstimate)
        .outerjoin(withdrawal, withdrawal.withdraws_id == PublishedEstimate.id)
        .where(PublishedEstimate.action == "publish", withdrawal.id.is_(None))
        .order_by(PublishedEstimate.published_at, PublishedEstimate.id)
    )
    return [
        PublicEstimate(
            id=r.id,
            lists=tuple(r.lists),
            strata=r.strata,
            method=r.method,
            model=r.model,
            observed=shown(r.observed),
            value=r.value,
            ci_low=r.ci_low,
            ci_high=r.ci_high,
            note=r.note,
            published_at=r.published_at,
        )
        for r in rows
    ]
