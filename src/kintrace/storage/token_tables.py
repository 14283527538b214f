"""Partner systems' API tokens (issue 18; migration 0017).

Kept apart from :mod:`kintrace.storage.tables` (imported by the package, so that
``Base.metadata`` always holds them) because they belong to one feature: the partner API
(:mod:`kintrace.partners.tokens`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kintrace.storage.tables import Base


class ApiToken(Base):
    """A token a partner system sends as ``Authorization: Bearer ...``; the table keeps only
    its SHA-256, never the token (shown once, when it is issued).

    ``scopes`` are what it may do (comma-separated: ``read_persons``, ``write_reports``,
    ``upload_lists``); ``partner`` the consent scope its reads are filtered by
    (``authorities``, ``red_cross``, ``dna_laboratory``); ``region_id`` limits it to one
    region's persons. It works until ``expires_at`` (a day, included) unless revoked.
    ``last_used_at`` is bookkeeping (written at most once a minute). Not backed up
    (:data:`kintrace.storage.backup.NOT_BACKED_UP`): a restore never brings back a revoked token.
    """

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info={"secret": True})
    scopes: Mapped[str] = mapped_column(String(100))
    partner: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
