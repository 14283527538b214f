"""The dossier tables: each case dossier made, and this instance's own identifier.

Kept apart from :mod:`kintrace.storage.tables` (imported by the package, so that
``Base.metadata`` always holds them) because they belong to one feature: the case dossier
(:mod:`kintrace.dossier`; migration 0011).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kintrace.storage.tables import Base


class InstanceIdentity(Base):
    """This instance's own identifier (one row, made with the first dossier), printed on
    every dossier so that a file can be traced to the instance that made it."""

    __tablename__ = "instance_identity"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DossierRecord(Base):
    """A case dossier (PDF) that was made: who, when, in which language, and what it said.

    ``sha256`` is the hash of the PDF bytes as written (a file is unaltered when its hash is
    found here); ``content_sha256`` the hash of ``snapshot``, the case data the dossier
    showed (canonical JSON), kept to say what changed in the case since. ``code`` is the
    dossier's number printed on its pages (``D-…``), chosen before the PDF is written, so the
    row is inserted once, complete, and never updated.
    """

    __tablename__ = "dossiers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    made_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(DateTime)
    lang: Mapped[str] = mapped_column(String(8))
    instance_id: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)
