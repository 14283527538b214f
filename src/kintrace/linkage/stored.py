"""The persons a linkage run reads from the database, as plain details (no ORM objects)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import PersonDetails, Sex
from kintrace.storage.tables import Person

DETAIL_COLUMNS: tuple[str, ...] = (
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_precision",
    "home_region",
    "unit",
    "rank",
    "personal_number",
)
"""The columns of ``persons`` that linkage compares."""


def _sex(code: str) -> Sex:
    try:
        return Sex(code)
    except ValueError:
        return Sex.UNKNOWN


def standing_persons(session: Session) -> list[tuple[int, PersonDetails]]:
    """Return the id and details of every person not merged away, in id order.

    Read as plain columns, not as ORM objects: a million persons load in a fifth of the time
    and memory (a linkage run changes none of them).
    """
    query = select(Person.id, *(getattr(Person, name) for name in DETAIL_COLUMNS))
    rows = session.execute(query.where(Person.merged_into_id.is_(None)).order_by(Person.id))
    return [
        (
            r.id,
            PersonDetails(
                r.surname,
                r.given_name,
                r.patronymic,
                _sex(r.sex),
                None
                if r.birth_year is None
                else PartialDate(
                    r.birth_year,
                    r.birth_month,
                    r.birth_day,
                    Precision(r.birth_precision or Precision.YEAR.value),
                ),
                r.home_region,
                r.unit,
                r.rank,
                r.personal_number,
            ),
        )
        for r in rows
    ]
