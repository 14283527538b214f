"""Count persons by assessed status, region and month, and publish the counts without small cells.

Three tables are published, each a breakdown of the same total (the persons traced): by
assessed status (with a cell for persons not assessed yet), by regional desk (with a cell
for persons without a desk) and by month of disappearance (the month of the last information
in the current assessment, with a cell for persons without one), so that each breakdown sums
exactly to the total and what the reader can compute from it is known. A count from 1 to 4 is
hidden (primary suppression), and so are enough other cells that no hidden count can be worked
out from the totals (complementary suppression, :func:`suppress`). A hidden cell is published
as ``x`` and nothing else: no exact value in the page, its markup or the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.reports.model import Status
from kintrace.storage.tables import Assessment, Person, Region, Report, TracingRequest

SMALL_CELL = 5
"""Counts below this (and above 0) are hidden so that no one can be singled out."""

HIDDEN = "x"
"""What a hidden count is published as."""

NOT_ASSESSED = "not_assessed"
"""The status cell of persons without an assessment yet."""

NO_DESK = "(no desk)"
"""The region cell of persons without a regional desk."""

NO_DATE = "unknown"
"""The month cell of persons without a date of last information."""


def shown(count: int) -> str:
    """Return a standalone count for publication, hiding small ones.

    >>> shown(3), shown(12), shown(0)
    ('x', '12', '0')
    """
    return HIDDEN if 0 < count < SMALL_CELL else str(count)


@dataclass(frozen=True, slots=True)
class Suppression:
    """Which cells of a total and its breakdowns are hidden."""

    total: bool
    cells: Mapping[str, frozenset[str]]  # breakdown name -> hidden cell keys


def _pinned(hidden: list[int]) -> bool:
    """Tell whether hidden cells of known sum (a visible total) can be worked out.

    Zeros are always published, so a reader knows each hidden cell is at least 1: one hidden
    cell is its line's remainder, and cells that sum to their own number are all ones.
    """
    return len(hidden) == 1 or (len(hidden) > 1 and sum(hidden) == len(hidden))


def suppress(
    total: int, breakdowns: Mapping[str, Mapping[str, int]], small: int = SMALL_CELL
) -> Suppression:
    """Choose the cells to hide in breakdowns of one total, each summing to it. Pure.

    Primary: every count from 1 to ``small - 1``. Complementary, until nothing changes: in a
    breakdown whose hidden cells could be worked out from the visible total (one hidden cell,
    or hidden cells that can only all be ones), hide its smallest visible non-zero cell too,
    or the total when none is left. A hidden total hides every non-zero cell with it (one
    visible cell would give the total away through its breakdown's remainder); then each
    hidden cell can take many values. Zeros are never hidden, so a reader knows only that a
    hidden cell is at least 1.

    >>> s = suppress(12, {"status": {"a": 3, "b": 9}, "region": {"n": 6, "s": 6}})
    >>> s.total, sorted(s.cells["status"]), sorted(s.cells["region"])
    (False, ['a', 'b'], [])
    """
    for name, cells in breakdowns.items():
        if sum(cells.values()) != total:
            raise ValueError(f"breakdown {name!r} sums to {sum(cells.values())}, not {total}")
    hidden_total = 0 < total < small
    hidden = {
        name: {k for k, v in cells.items() if 0 < v < small or (hidden_total and v > 0)}
        for name, cells in breakdowns.items()
    }
    changed = True
    while changed and not hidden_total:
        changed = False
        for name, cells in breakdowns.items():
            values = [cells[k] for k in hidden[name]]
            if not values or not _pinned(values):
                continue
            visible = sorted((v, k) for k, v in cells.items() if v > 0 and k not in hidden[name])
            if visible:
                hidden[name].add(visible[0][1])
            else:
                hidden_total = True
            changed = True
    if hidden_total:  # the total's remainder in each breakdown would give it away
        hidden = {
            name: {k for k, v in cells.items() if v > 0} for name, cells in breakdowns.items()
        }
    return Suppression(hidden_total, {name: frozenset(keys) for name, keys in hidden.items()})


@dataclass(frozen=True, slots=True)
class Figures:
    """The exact counts (never published as such)."""

    persons: int
    requests: int
    reports: int
    by_status: dict[str, int]  # every status word and NOT_ASSESSED; sums to persons
    by_region: dict[str, int]  # every desk with persons and NO_DESK if any; sums to persons
    # month of disappearance (``YYYY-MM`` of the last information, NO_DATE if none); sums to
    # persons; empty when not counted
    by_month: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Cell:
    """A published count: its text, and its share of the total only when both are visible."""

    key: str
    text: str
    share: float | None


@dataclass(frozen=True, slots=True)
class PublicFigures:
    """The figures as published: hidden cells are ``x`` and carry no value."""

    persons: str
    requests: str
    reports: str
    by_status: list[Cell]
    by_region: list[Cell]
    by_month: list[Cell] = field(default_factory=list)


def publish(f: Figures, small: int = SMALL_CELL) -> PublicFigures:
    """Return the figures with small cells and their complements hidden. Pure."""
    breakdowns = {"status": f.by_status, "region": f.by_region}
    if f.by_month:
        breakdowns["month"] = f.by_month
    chosen = suppress(f.persons, breakdowns, small)

    def cells(name: str, counts: Mapping[str, int]) -> list[Cell]:
        out = []
        for key, n in counts.items():
            if key in chosen.cells[name]:
                out.append(Cell(key, HIDDEN, None))
            else:
                share = n / f.persons if f.persons and not chosen.total else None
                out.append(Cell(key, str(n), share))
        return out

    return PublicFigures(
        persons=HIDDEN if chosen.total else str(f.persons),
        requests=HIDDEN if 0 < f.requests < small else str(f.requests),
        reports=HIDDEN if 0 < f.reports < small else str(f.reports),
        by_status=cells("status", f.by_status),
        by_region=cells("region", f.by_region),
        by_month=cells("month", f.by_month) if f.by_month else [],
    )


def figures(session: Session) -> Figures:
    """Count persons, requests, reports, persons by assessed status and by region."""
    live = Person.merged_into_id.is_(None)
    persons = session.scalar(select(func.count()).select_from(Person).where(live)) or 0
    assessed: dict[str, int] = dict(
        session.execute(
            select(Assessment.status, func.count())
            .join(Person, Person.id == Assessment.person_id)
            .where(Assessment.is_current, live)
            .group_by(Assessment.status)
        ).all()
    )
    by_status = {s.value: assessed.get(s.value, 0) for s in Status}
    by_status[NOT_ASSESSED] = persons - sum(by_status.values())
    by_region: dict[str, int] = dict(
        session.execute(
            select(Region.name, func.count())
            .join(Person, Person.region_id == Region.id)
            .where(live)
            .group_by(Region.name)
            .order_by(func.count().desc(), Region.name)
        ).all()
    )
    without = persons - sum(by_region.values())
    if without:
        by_region[NO_DESK] = without
    by_month: dict[str, int] = {}
    for day, n in session.execute(
        select(Assessment.last_information_on, func.count())
        .join(Person, Person.id == Assessment.person_id)
        .where(Assessment.is_current, live, Assessment.last_information_on.is_not(None))
        .group_by(Assessment.last_information_on)
    ):
        key = NO_DATE if day is None else f"{day.year}-{day.month:02d}"
        by_month[key] = by_month.get(key, 0) + n
    by_month = dict(sorted(by_month.items()))
    undated = persons - sum(by_month.values())
    if undated:
        by_month[NO_DATE] = undated
    return Figures(
        persons=persons,
        requests=session.scalar(select(func.count()).select_from(TracingRequest)) or 0,
        reports=session.scalar(select(func.count()).select_from(Report)) or 0,
        by_status=by_status,
        by_region=by_region,
        by_month=by_month,
    )


def public_figures(session: Session) -> PublicFigures:
    """Return the figures as the public may see them."""
    return publish(figures(session))
