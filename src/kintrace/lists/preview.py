"""The preview of a list import: what importing and linking would do, with nothing written.

The import and the linking run for real inside a savepoint that is then rolled back, so the
figures are those the real import followed by ``kintrace link --list`` gives on the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kintrace.config import Settings
from kintrace.importers.persons import PersonRecord
from kintrace.linkage.service import LinkRun, link_list
from kintrace.lists.service import ImportResult, ListKind, import_list


@dataclass(frozen=True, slots=True)
class Preview:
    """What an import and the linking of its list would do."""

    result: ImportResult
    run: LinkRun

    def figures(self) -> dict[str, Any]:
        """Return the figures as ``--dry-run --json`` prints them (see docs/lists.md)."""
        result, run = self.result, self.run
        return {
            "dry_run": True,
            "list": result.name,
            "rows": result.rows,
            "persons_created": result.persons_created,
            "source": result.source,
            "published": result.published_on.isoformat() if result.published_on else None,
            "linked": run.automatic,
            "queued": run.review,
            "created": result.persons_created,
            "automatic": run.automatic,
            "review": run.review,
            "duplicates": run.duplicates,
            "unmatched": run.unmatched,
            "reports": run.reports,
            "statuses_changed": run.statuses_changed,
        }


def preview_import(
    session: Session,
    *,
    path: Path,
    name: str,
    kind: ListKind,
    records: Sequence[PersonRecord],
    source: str | None,
    published_on: date | None,
    column_map: dict[str, str] | None,
    sha256: str,
    as_persons: bool,
    settings: Settings,
    today: date,
) -> Preview:
    """Import and link the list inside a savepoint, roll it back, return what it did."""
    savepoint = session.begin_nested()
    try:
        result = import_list(
            session,
            path=path,
            name=name,
            kind=kind,
            records=records,
            as_persons=as_persons,
            actor_id=None,
            source=source,
            published_on=published_on,
            column_map=column_map,
            sha256=sha256,
        )
        run = link_list(session, list_name=name, status_settings=settings, today=today)
    finally:
        savepoint.rollback()
        session.expire_all()
    return Preview(result, run)
