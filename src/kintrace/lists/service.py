"""Import a list file in one transaction; export persons in the standard columns."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kintrace.cases.service import add_person, get_or_create_region
from kintrace.errors import Conflict
from kintrace.importers.persons import FIELD_LIMITS, PERSON_COLUMNS, PersonRecord, parse_persons
from kintrace.importers.tabular import parse_column_map, read_table
from kintrace.lists.evidence import KIND_CLAIMS, list_source, saved_column_map
from kintrace.reports.model import check_date
from kintrace.storage.tables import ImportedList, ListRecord


class ListKind(StrEnum):
    """What an imported list is."""

    PRISONER_LIST = "prisoner_list"
    CASUALTY_LIST = "casualty_list"
    HOSPITAL_LIST = "hospital_list"
    EXCHANGE_LIST = "exchange_list"
    REPATRIATED_REMAINS = "repatriated_remains"
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
    source: str | None = None
    published_on: date | None = None


def content_hash(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in blocks (a list may be hundreds of MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_holding(session: Session, sha256: str) -> ImportedList | None:
    """Return the list imported earlier from a file of exactly these bytes, if any."""
    return session.scalar(
        select(ImportedList).where(ImportedList.sha256 == sha256).order_by(ImportedList.id).limit(1)
    )


INSERT_CHUNK = 5000
"""List rows per INSERT statement."""


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
    source: str | None = None,
    published_on: date | None = None,
    column_map: dict[str, str] | None = None,
    sha256: str | None = None,
) -> ImportResult:
    """Store a validated list and its rows (and, if asked, a person per row).

    ``source`` names who published the list (a source, created on first use; a list of a
    kind that claims something and names nobody is its own source, ``list NAME``) and
    ``published_on`` when; ``column_map`` is kept with the list, to read the publisher's next
    file the same way. The caller owns the transaction: either everything is written or
    nothing. The caller checks first that the content was not imported already
    (:func:`list_holding`).
    """
    if session.scalar(select(ImportedList).where(ImportedList.name == name)) is not None:
        raise Conflict(f"a list named {name!r} exists already; choose another --list name")
    if published_on is not None:
        check_date(published_on, "published", today=date.today())
    if source is None and kind.value in KIND_CLAIMS:
        source = f"list {name}"  # its own source, ungraded, until the publisher is named
    publisher = list_source(session, source, kind.value) if source is not None else None
    imported = ImportedList(
        name=name,
        kind=kind.value,
        filename=path.name,
        sha256=sha256 or content_hash(path),
        row_count=len(records),
        imported_at=datetime.now(),
        imported_by=actor_id,
        source_id=publisher.id if publisher is not None else None,
        published_on=published_on,
        column_map=dict(column_map) if column_map else None,
    )
    session.add(imported)
    session.flush()
    # the rows go in as one multi-row INSERT per chunk: added one by one to the session, each
    # flush walked every row added before (a 100,000-row list took minutes)
    rows: list[dict[str, object]] = []
    created = 0
    for index, record in enumerate(records, start=1):
        d = record.details
        b = d.birth
        rows.append(
            {
                "list_id": imported.id,
                "record_id": record.record_id,
                "line": record.line,
                "surname": d.surname,
                "given_name": d.given_name,
                "patronymic": d.patronymic,
                "sex": d.sex.value,
                "birth_year": b.year if b else None,
                "birth_month": b.month if b else None,
                "birth_day": b.day if b else None,
                "birth_precision": b.precision.value if b else None,
                "report_date": record.report_date,
                "region": d.home_region,
                "unit": d.unit,
                "rank": d.rank,
                "personal_number": d.personal_number,
                "extra": dict(record.extra),
            }
        )
        if as_persons:
            region = get_or_create_region(session, d.home_region) if d.home_region else None
            add_person(session, d, region=region, actor_id=actor_id)
            created += 1
        if len(rows) == INSERT_CHUNK:
            session.execute(insert(ListRecord), rows)
            rows = []
        progress(index)
    if rows:
        session.execute(insert(ListRecord), rows)
    session.flush()
    return ImportResult(
        imported.id,
        name,
        len(records),
        created,
        publisher.name if publisher is not None else None,
        published_on,
    )


def columns_for(
    session: Session, path: Path, columns: str | None, source: str | None
) -> tuple[dict[str, str], bool]:
    """Return the column mapping to read a list file with, and whether it is a saved one.

    Given columns win; without them, the mapping kept with the newest list of the same
    publisher is used when the file has every header it names (else the standard headers).
    """
    if columns is not None or source is None:
        return parse_column_map(columns, PERSON_COLUMNS), False
    saved = saved_column_map(session, source)
    if not saved:
        return {}, False
    headers = set(read_table(path).columns)
    if all(header in headers for header in saved.values()):
        return saved, True
    return {}, False


def read_list(path: Path, column_map: dict[str, str]) -> list[PersonRecord]:
    """Read and validate every row of a list file (one error naming each bad row and field)."""
    return parse_persons(read_table(path, column_map, required=("id",), limits=FIELD_LIMITS))
