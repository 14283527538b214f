"""The worklist's stored work flags (issue 16; migration 0018).

One row of ``work_flags`` per person whose current assessment carries a flag that puts the
case on the worklist, with the assessment's values the worklist filters and sorts on, so that
a page of the worklist and its count read an index instead of every current assessment (whose
flags are JSON text, matched with ``LIKE``).

It is derived data: :func:`refresh_work_flags` rewrites the rows of some persons from their
current assessments, and :func:`kintrace.reconciliation.service.write_changes`, the one place
that writes assessments, calls it for every person it gives a new one. A backup copies it like
any other table, so a restore brings it back in step with the assessments it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Date,
    ForeignKey,
    Index,
    String,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from kintrace.storage.tables import Assessment, Base, Person

WORK_FLAG_NAMES = ("overdue", "official_disagrees", "contradiction", "court_date_passed")
"""The assessment flags that put a case on the worklist; each is a column of ``work_flags``."""

NO_NEWS = date(1, 1, 1)
"""``silent_key`` of a case without any dated information: it sorts before every date."""

NO_COURT = date(9999, 12, 31)
"""``court_key`` of a case without a court date: it sorts after every date."""


class WorkFlags(Base):
    """A case on the worklist: which work flags its current assessment carries, and its keys.

    ``region_id`` is the person's desk, copied when the row is written (a person's desk is
    set when he is recorded and never changed afterwards), so that a desk's worklist and its
    count read this table's indexes only; merged duplicates keep their row and are left out
    by the worklist's query.
    ``status`` is the current assessment's status; ``silent_key`` its date of last
    information (:data:`NO_NEWS` where it has none) and ``court_key`` its court date
    (:data:`NO_COURT` where it has none): non-null, so that one ascending index serves
    "longest silent first" (nulls first) and one descending index "newest news first" (nulls
    last) on both engines. Each index ends with ``person_id``, the worklist's tie-break.
    """

    __tablename__ = "work_flags"
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    overdue: Mapped[bool] = mapped_column(Boolean)
    official_disagrees: Mapped[bool] = mapped_column(Boolean)
    contradiction: Mapped[bool] = mapped_column(Boolean)
    court_date_passed: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(32))
    silent_key: Mapped[date] = mapped_column(Date)
    court_key: Mapped[date] = mapped_column(Date)
    __table_args__ = (
        Index("ix_work_flags_silent", "silent_key", "person_id"),
        Index("ix_work_flags_court", "court_key", "person_id"),
        Index("ix_work_flags_status", "status", "silent_key", "person_id"),
        Index("ix_work_flags_region_silent", "region_id", "silent_key", "person_id"),
        Index("ix_work_flags_region_court", "region_id", "court_key", "person_id"),
    )


Index("ix_work_flags_recent", WorkFlags.silent_key.desc(), WorkFlags.person_id)
Index(
    "ix_work_flags_region_recent",
    WorkFlags.region_id,
    WorkFlags.silent_key.desc(),
    WorkFlags.person_id,
)


def flag_column(name: str) -> Mapped[bool]:
    """Return the column of one work flag (a name of :data:`WORK_FLAG_NAMES`)."""
    if name not in WORK_FLAG_NAMES:
        raise ValueError(f"not a work flag: {name!r}")
    column: Mapped[bool] = getattr(WorkFlags, name)
    return column


def _carries(name: str) -> ColumnElement[bool]:
    # flags are a JSON list; its text form holds each flag in double quotes
    return cast(Assessment.flags, String).like(f'%"{name}"%')


def _among(column: Mapped[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN (ids)`` with the ids written into the SQL (integers from the database)."""
    return column.in_(bindparam("ids", [int(i) for i in ids], expanding=True, literal_execute=True))


_COLUMNS = ["person_id", "region_id", *WORK_FLAG_NAMES, "status", "silent_key", "court_key"]


def refresh_work_flags(connection: Connection, person_ids: Sequence[int] | None = None) -> None:
    """Rewrite the work flags of some persons (None: everyone) from their current assessments.

    The caller owns the transaction.
    """
    if person_ids is not None and not person_ids:
        return
    flags = [_carries(name) for name in WORK_FLAG_NAMES]
    chosen = [Assessment.is_current, or_(*flags)]
    removal = delete(WorkFlags)
    if person_ids is not None:
        chosen.append(_among(Assessment.person_id, person_ids))
        removal = removal.where(_among(WorkFlags.person_id, person_ids))
    rows = (
        select(
            Assessment.person_id,
            Person.region_id,
            *flags,
            Assessment.status,
            func.coalesce(Assessment.last_information_on, literal(NO_NEWS, Date)),
            func.coalesce(Assessment.court_date, literal(NO_COURT, Date)),
        )
        .join(Person, Person.id == Assessment.person_id)
        .where(*chosen)
    )
    connection.execute(removal)
    connection.execute(insert(WorkFlags).from_select(_COLUMNS, rows))
