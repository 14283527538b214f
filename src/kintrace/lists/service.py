"""Import a list file in one transaction; export persons in the standard columns."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.cases.service import add_person, get_or_create_region
from kintrace.errors import Conflict
from kintrace.importers.persons import PersonRecord
from kintrace.storage.tables import ImportedList, ListRecord


class ListKind(StrEnum):
    """What an imported list is."""

    PRISONER_LIST = "prisoner_list"
    CASUALTY_LIST = "casualty_list"
    HOSPITAL_LIST = "hospital_list"
    EXCHANGE_LIST = "exchange_list"
    REQUESTS = "requests"
    CHAT_EXPORT = "chat_export"
    REGISTRY = "registry"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote."""

    list_id: int
    name: str
    rows: int
    persons_created: int


def import_list(
    session: Session,
    *,
    path: Path,
    name: str,
    kind: ListKind,
    records: Sequence[PersonRecord],
    as_persons: bool,
    actor_id: int | None,
    progress: Callable[[int], None] = lambda _n: None,
) -> ImportResult:
    """Store a validated list and its rows (and, if asked, a person per row).

    The caller owns the transaction: either everything is written or nothing.
    """
    if session.scalar(select(ImportedList).where(ImportedList.name == name)) is not None:
        raise Conflict(f"a list named {name!r} exists already; choose another --list name")
    imported = ImportedList(
        name=name,
        kind=kind.value,
        filename=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        row_count=len(records),
        imported_at=datetime.now(),
        imported_by=actor_id,
    )
    session.add(imported)
    session.flush()
    created = 0
    for index, record in enumerate(records, start=1):
        d = record.details
        b = d.birth
        session.add(
            ListRecord(
                list_id=imported.id,
                record_id=record.record_id,
                line=record.line,
                surname=d.surname,
                given_name=d.given_name,
                patronymic=d.patronymic,
                sex=d.sex.value,
                birth_year=b.year if b else None,
                birth_month=b.month if b else None,
                birth_day=b.day if b else None,
                birth_precision=b.precision.value if b else None,
                report_date=record.report_date,
                region=d.home_region,
                unit=d.unit,
                rank=d.rank,
                personal_number=d.personal_number,
                extra=dict(record.extra),
            )
        )
        if as_persons:
            region = get_or_create_region(session, d.home_region) if d.home_region else None
            add_person(session, d, region=region, actor_id=actor_id)
            created += 1
        if index % 1000 == 0:
            session.flush()
        progress(index)
    session.flush()
    return ImportResult(imported.id, name, len(records), created)
