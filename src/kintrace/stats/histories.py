"""Capture histories from the database: which of the chosen lists each person is on.

A list record counts for a person when record linkage joined them and nobody undid it: its
link candidate is ``automatic`` (above the upper threshold) or ``confirmed`` by an analyst
(:mod:`kintrace.linkage.service`, ``links_of``). A record linked to a person later merged
into another counts for the person kept (``persons.merged_into_id`` always names the kept
person: a merge re-points earlier duplicates). Each person's set of lists is his history;
the histories are counted into the :class:`~kintrace.estimation.histories.CaptureHistories`
that the pure estimators take, for all persons or per stratum:

- ``region``: the person's regional desk (``(no desk)`` without one);
- ``month`` / ``quarter``: the period of disappearance, taken as the date of the last
  information in the person's current assessment (``unknown`` without one).

Only the lists chosen count; a person on none of them is not in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.errors import InvalidInput
from kintrace.estimation.histories import CaptureHistories
from kintrace.stats.service import NO_DESK
from kintrace.storage.tables import (
    Assessment,
    ImportedList,
    LinkCandidate,
    ListRecord,
    Person,
    Region,
)

LINKED = ("automatic", "confirmed")
"""Link candidate states under which a list record is a person's."""

MIN_LISTS, MAX_LISTS = 2, 5
"""How many lists an analyst may choose (the model search covers up to 5)."""

UNKNOWN = "unknown"
"""The period stratum of persons without a date of last information."""


class Strata(StrEnum):
    """How the persons are split before estimating (each stratum estimated on its own)."""

    NONE = "none"
    REGION = "region"
    MONTH = "month"
    QUARTER = "quarter"


@dataclass(frozen=True, slots=True)
class ListChoice:
    """An imported list as offered to the analyst: how many persons are linked to it."""

    id: int
    name: str
    kind: str
    rows: int
    persons: int


def available_lists(session: Session) -> list[ListChoice]:
    """Return every imported list with the number of distinct persons linked to it."""
    person = func.coalesce(Person.merged_into_id, Person.id)
    linked = dict(
        session.execute(
            select(ListRecord.list_id, func.count(person.distinct()))
            .join(LinkCandidate, LinkCandidate.list_record_id == ListRecord.id)
            .join(Person, Person.id == LinkCandidate.person_id)
            .where(LinkCandidate.state.in_(LINKED))
            .group_by(ListRecord.list_id)
        ).all()
    )
    rows = session.execute(
        select(
            ImportedList.id, ImportedList.name, ImportedList.kind, ImportedList.row_count
        ).order_by(ImportedList.imported_at, ImportedList.id)
    ).all()
    return [
        ListChoice(i, name, kind, count, int(linked.get(i, 0))) for i, name, kind, count in rows
    ]


def person_lists(session: Session, list_ids: Sequence[int]) -> dict[int, int]:
    """Return each person's lists among ``list_ids`` as a bit mask (bit ``j``: ``list_ids[j]``)."""
    bit = {list_id: j for j, list_id in enumerate(list_ids)}
    person = func.coalesce(Person.merged_into_id, Person.id)
    masks: dict[int, int] = {}
    for person_id, list_id in session.execute(
        select(person, ListRecord.list_id)
        .distinct()
        .select_from(LinkCandidate)
        .join(ListRecord, ListRecord.id == LinkCandidate.list_record_id)
        .join(Person, Person.id == LinkCandidate.person_id)
        .where(LinkCandidate.state.in_(LINKED), ListRecord.list_id.in_(list(list_ids)))
    ):
        masks[person_id] = masks.get(person_id, 0) | 1 << bit[list_id]
    return masks


def period_of(day: date | None, strata: Strata) -> str:
    """Return the period stratum of a date of last information.

    >>> period_of(date(2023, 5, 2), Strata.MONTH), period_of(date(2023, 5, 2), Strata.QUARTER)
    ('2023-05', '2023-Q2')
    """
    if day is None:
        return UNKNOWN
    if strata is Strata.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def strata_of(session: Session, person_ids: Sequence[int], strata: Strata) -> dict[int, str]:
    """Return the stratum of each person (all in one stratum ``""`` for :attr:`Strata.NONE`)."""
    if strata is Strata.NONE:
        return dict.fromkeys(person_ids, "")
    found: dict[int, str] = {}
    chunk = 5000  # bound the IN list (SQLite allows 32,766 parameters)
    for start in range(0, len(person_ids), chunk):
        ids = list(person_ids[start : start + chunk])
        if strata is Strata.REGION:
            regions = (
                select(Person.id, Region.name)
                .join(Region, Region.id == Person.region_id)
                .where(Person.id.in_(ids))
            )
            found.update((pid, name) for pid, name in session.execute(regions))
        else:
            days = select(Assessment.person_id, Assessment.last_information_on).where(
                Assessment.is_current, Assessment.person_id.in_(ids)
            )
            found.update((pid, period_of(day, strata)) for pid, day in session.execute(days))
    other = NO_DESK if strata is Strata.REGION else UNKNOWN
    return {pid: found.get(pid, other) for pid in person_ids}


def capture_histories(
    session: Session, list_ids: Sequence[int], strata: Strata = Strata.NONE
) -> tuple[tuple[str, ...], dict[str, CaptureHistories]]:
    """Count the histories of the persons linked to the chosen lists, per stratum.

    Returns the lists' names (in the order of ``list_ids``) and one table per stratum, strata
    in sorted order (``""`` alone without stratification). A stratum's table counts only its
    persons; a list may have nobody in a stratum.

    Raises:
        InvalidInput: fewer than 2 or more than 5 lists, a list named twice or unknown.
    """
    ids = list(list_ids)
    if not MIN_LISTS <= len(ids) <= MAX_LISTS:
        raise InvalidInput("choose from 2 to 5 lists")
    if len(set(ids)) != len(ids):
        raise InvalidInput("a list is chosen twice")
    names = dict(
        session.execute(
            select(ImportedList.id, ImportedList.name).where(ImportedList.id.in_(ids))
        ).all()
    )
    unknown = [i for i in ids if i not in names]
    if unknown:
        raise InvalidInput("a chosen list does not exist")
    lists = tuple(names[i] for i in ids)
    masks = person_lists(session, ids)
    stratum = strata_of(session, sorted(masks), strata)
    codes: dict[str, list[int]] = {}
    for person_id, mask in masks.items():
        codes.setdefault(stratum[person_id], []).append(mask)
    tables = {}
    for key in sorted(codes):
        counts = np.bincount(np.asarray(codes[key], dtype=np.int64), minlength=2 ** len(ids))
        tables[key] = CaptureHistories(lists=lists, counts=counts[1:].astype(np.int64))
    return lists, tables
