"""The preview of a PFIF import: what importing a file would create and change, nothing written.

The import (:func:`kintrace.exchange.pfif_import.import_pfif`) runs for real inside a savepoint
that is then rolled back, as a list's preview does (:mod:`kintrace.lists.preview`), so the
figures are those the import gives on the same data. The import is all or nothing: a file with
records it cannot take gives those records with their reasons instead, and importing it would
write nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kintrace.config import Settings
from kintrace.errors import SourceFormatError
from kintrace.exchange.pfif import PfifDocument
from kintrace.exchange.pfif_import import PfifImport, import_pfif


@dataclass(frozen=True, slots=True)
class PfifPreview:
    """What importing a PFIF file would do: the figures, or the records refused and why."""

    persons: int
    notes: int
    result: PfifImport | None
    refused: tuple[str, ...]

    @property
    def importable(self) -> bool:
        """Say whether the import would go through (no record refused)."""
        return self.result is not None

    def figures(self) -> dict[str, Any]:
        """Return the figures as the page shows them (the import's, or zeros when refused)."""
        result = self.result
        return {
            "persons": self.persons,
            "notes": self.notes,
            "persons_created": result.persons_created if result else 0,
            "persons_found": result.persons_found if result else 0,
            "expired": result.expired if result else 0,
            "notes_imported": result.notes_imported if result else 0,
            "notes_known": result.notes_known if result else 0,
            "notes_without_claim": result.notes_without_claim if result else 0,
            "statuses_changed": result.statuses_changed if result else 0,
            "refused": list(self.refused),
        }


def preview_pfif(
    session: Session,
    document: PfifDocument,
    *,
    name: str,
    list_name: str,
    sha256: str,
    domain: str,
    settings: Settings,
    today: date,
) -> PfifPreview:
    """Import the file inside a savepoint, roll it back, return what it did or what it refused.

    A list name taken already raises Conflict, as the import would.
    """
    persons = len(document.persons)
    notes = len(document.all_notes())
    savepoint = session.begin_nested()
    try:
        result = import_pfif(
            session,
            document,
            name=name,
            list_name=list_name,
            sha256=sha256,
            domain=domain,
            actor_id=None,
            settings=settings,
            today=today,
        )
    except SourceFormatError as error:
        return PfifPreview(persons, notes, None, tuple(error.problems))
    finally:
        savepoint.rollback()
        session.expire_all()
    return PfifPreview(persons, notes, result, ())
