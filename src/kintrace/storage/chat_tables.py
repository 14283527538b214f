"""The chat mentions table: a soldier named in a relatives' chat message, waiting for moderation.

Kept apart from :mod:`kintrace.storage.tables` (imported by the package, so that
``Base.metadata`` always holds it) because it belongs to one feature: chat imports.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kintrace.storage.tables import Base


class ChatMention(Base):
    """A soldier a chat message mentions: the message kept, the moderation decided once.

    The mention's name, birth year and unit are on its list record (``list_record_id``),
    which record linkage links to a person like any list row. ``state`` is ``pending``
    (waits for an analyst; counts for nothing), ``accepted`` (``report_id``: the
    ``social_media`` report it became) or ``rejected`` (``reason``: why; never counts). A
    message with a scam signal (``scam``) can only be rejected.
    """

    __tablename__ = "chat_mentions"
    id: Mapped[int] = mapped_column(primary_key=True)
    list_record_id: Mapped[int] = mapped_column(ForeignKey("list_records.id"), unique=True)
    message_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    posted_at: Mapped[datetime] = mapped_column(DateTime)
    sender: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    scam: Mapped[bool] = mapped_column(Boolean, default=False)
    scam_signals: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
