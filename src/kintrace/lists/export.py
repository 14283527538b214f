"""Export persons in the standard columns, with official and assessed status."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl
from sqlalchemy.orm import Session

from kintrace.access import Viewer
from kintrace.cases.consent import consented_view
from kintrace.cases.consent_service import consents_of
from kintrace.cases.model import ConsentScope
from kintrace.cases.service import (
    birth_of,
    current_assessments,
    current_official,
    visible_persons,
)
from kintrace.cases.views import log_cases
from kintrace.errors import InvalidInput
from kintrace.lists.cells import csv_cell, xlsx_row
from kintrace.storage.tables import Person

EXPORT_COLUMNS = (
    "id",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "region",
    "unit",
    "rank",
    "personal_number",
    "official_status",
    "official_since",
    "assessed_status",
    "confidence",
    "flags",
)
FORMATS = (".csv", ".xlsx", ".json")


def export_rows(
    session: Session,
    viewer: Viewer,
    batch: int = 1000,
    *,
    partner: ConsentScope | None = None,
    log: bool = False,
) -> Iterator[dict[str, str]]:
    """Yield one row per person the viewer may see, in id order, in batches.

    For a ``partner`` (the authorities, the Red Cross, the DNA laboratory) only the persons
    :func:`kintrace.cases.consent.consented_view` lets go: no relative asked for him, or one
    who did agreed to share with that partner. With ``log``, each exported person's case
    logs the export (``case_views``, in the caller's transaction).
    """
    last = 0
    while True:
        persons = list(
            session.scalars(
                visible_persons(viewer).where(Person.id > last).order_by(Person.id).limit(batch)
            )
        )
        if not persons:
            return
        last = persons[-1].id
        if partner is not None:
            consents = consents_of(session, [p.id for p in persons])
            persons = [
                p
                for p in persons
                if consented_view(
                    (), given_by=lambda _: None, consents=consents[p.id], scope=partner
                ).person
            ]
        ids = [p.id for p in persons]
        if log:
            log_cases(session, viewer, ids, "export", f"export_{partner or 'all'}")
        assessed = current_assessments(session, ids)
        official = current_official(session, ids)
        for p in persons:
            birth = birth_of(p)
            a = assessed.get(p.id)
            o = official.get(p.id)
            yield {
                "id": str(p.id),
                "surname": p.surname,
                "given_name": p.given_name,
                "patronymic": p.patronymic,
                "sex": p.sex,
                "birth_date": birth.iso() if birth else "",
                "region": p.home_region,
                "unit": p.unit,
                "rank": p.rank,
                "personal_number": p.personal_number,
                "official_status": o.status if o else "",
                "official_since": o.since.isoformat() if o else "",
                "assessed_status": a.status if a else "",
                "confidence": f"{a.confidence:.2f}" if a else "",
                "flags": " ".join(a.flags) if a else "",
            }


def write_rows(rows: Iterator[dict[str, str]], target: Path) -> int:
    """Write rows to CSV, XLSX or JSON by the target's suffix; return how many.

    No cell becomes a spreadsheet formula (see :mod:`kintrace.lists.cells`): in CSV a text that
    begins with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading single quote; in XLSX it
    is kept exactly, as a string cell. JSON keeps every value as it is.
    """
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"{target}: unknown format; use one of {', '.join(FORMATS)}")
    tmp = target.with_name(target.name + ".partial")
    count = 0
    if suffix == ".csv":
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: csv_cell(v) for k, v in row.items()})
                count += 1
    elif suffix == ".xlsx":
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("persons")
        sheet.append(list(EXPORT_COLUMNS))
        for row in rows:
            sheet.append(xlsx_row(sheet, [row[c] for c in EXPORT_COLUMNS]))
            count += 1
        book.save(tmp)
    else:
        items: Sequence[dict[str, str]] = list(rows)
        count = len(items)
        tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(target)
    return count
