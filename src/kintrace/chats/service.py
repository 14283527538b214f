"""Import a chat export as mentions waiting for moderation; accept or reject them.

``import_chat`` reads the messages of a Telegram export (:mod:`kintrace.chats.telegram`),
finds the soldiers each mentions (:mod:`kintrace.chats.extract`) and stores each mention as
a row of a list of kind ``chat_export`` (so that record linkage links it to a person like
any list row, or leaves it linked to nobody, waiting with the list's other unmatched rows)
and a :class:`~kintrace.storage.chat_tables.ChatMention` holding the message and the
moderation. A list of kind ``chat_export`` claims nothing by itself (it is not in
:data:`kintrace.lists.evidence.KIND_CLAIMS`): a mention moves no status while it waits.

An analyst accepts a mention (:func:`accept_mention`): it becomes a report on the person its
row is linked to, from the chat's source (type ``social_media``, reliability E until an
analyst grades the chat otherwise), credibility 6 (cannot be judged: nobody has checked it),
the message as its text; the person's status is recomputed in the same transaction, and
undoing the row's link later retracts the report as for any list row. A rejected mention
(:func:`reject_mention`, with a reason) never counts; a mention with a scam signal
(:mod:`kintrace.chats.scam`) can only be rejected. Every decision is an audited update
(``change_log``): who, when, why.

The same messages imported again into the same list add nothing: a mention is known by its
chat, message id and position in the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.chats.extract import Mention, extract_mentions
from kintrace.chats.scam import scam_signals
from kintrace.chats.telegram import ChatMessage
from kintrace.config import Settings
from kintrace.errors import Conflict, InvalidInput, NotFound
from kintrace.lists.evidence import kept_person, list_source, recompute_persons
from kintrace.reports.model import UNGRADED_CREDIBILITY, ReportDetails
from kintrace.reports.service import record_report
from kintrace.storage.chat_tables import ChatMention
from kintrace.storage.tables import ImportedList, LinkCandidate, ListRecord, Person, Report, Source

CHAT_CREDIBILITY = UNGRADED_CREDIBILITY
"""The credibility of an accepted mention's claim: 6, cannot be judged (an unverified post)."""

CHAT_KIND = "chat_export"
"""The kind of a chat's list (``kintrace.lists.service.ListKind.CHAT_EXPORT``; the literal here
keeps the list importer, and openpyxl, out of the chat commands' start)."""

MAY_MODERATE = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
"""Who accepts and rejects chat mentions: those who decide record links."""

LINKED_STATES = ("automatic", "confirmed")
"""States of a link candidate that link a list row to its person."""


@dataclass(frozen=True, slots=True)
class FoundMention:
    """One mention of an import, as ``kintrace chat import --json`` prints it."""

    message_id: int
    surname: str
    given_name: str | None
    patronymic: str | None
    birth_year: int | None
    unit: str | None
    date: date | None
    place: str | None
    claim: str | None
    person_id: int | None
    scam: bool

    def as_json(self) -> dict[str, object]:
        """Return the mention as the JSON object of the command's output."""
        return {
            "message_id": self.message_id,
            "surname": self.surname,
            "given_name": self.given_name,
            "patronymic": self.patronymic,
            "birth_year": self.birth_year,
            "unit": self.unit,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "claim": self.claim,
            "person_id": self.person_id,
            "scam": self.scam,
        }


@dataclass(frozen=True, slots=True)
class ChatImport:
    """What an import read and wrote: messages read, mentions found (new ones stored)."""

    list_name: str
    messages: int
    mentions: tuple[FoundMention, ...]
    new: int
    linked: int


def record_key(message: ChatMessage, position: int) -> str:
    """Return the key of the ``position``-th mention of a message (unique in its list)."""
    chat = f"{message.chat_id}:" if message.chat_id is not None else ""
    return f"{chat}{message.message_id}:{position}"


def _chat_list(
    session: Session, *, name: str, chat_name: str, filename: str, sha256: str, actor_id: int | None
) -> ImportedList:
    """Return the chat list of this name, created (with its source) on first use."""
    imported = session.scalar(select(ImportedList).where(ImportedList.name == name))
    if imported is not None:
        if imported.kind != CHAT_KIND:
            raise Conflict(
                f"list {name!r} is a {imported.kind.replace('_', ' ')}, not a chat export; "
                "choose another --list name"
            )
        return imported
    source = list_source(session, f"Telegram: {chat_name or name}"[:300], "chat_export")
    imported = ImportedList(
        name=name,
        kind=CHAT_KIND,
        filename=filename[:300],
        sha256=sha256,
        row_count=0,
        imported_at=datetime.now(),
        imported_by=actor_id,
        source_id=source.id,
        published_on=None,
        column_map=None,
    )
    session.add(imported)
    session.flush()
    return imported


def _record(list_id: int, key: str, message: ChatMessage, mention: Mention) -> ListRecord:
    return ListRecord(
        list_id=list_id,
        record_id=key,
        line=message.index,
        surname=mention.surname[:200],
        given_name=(mention.given_name or "")[:200],
        patronymic=(mention.patronymic or "")[:200],
        sex=mention.sex,
        birth_year=mention.birth_year,
        birth_month=None,
        birth_day=None,
        birth_precision="year" if mention.birth_year is not None else None,
        report_date=mention.date or message.posted_at.date(),
        region="",
        unit=(mention.unit or "")[:200],
        rank="",
        personal_number="",
        extra={"place": mention.place or "", "claim": mention.claim or ""},
    )


def _mention_row(record: ListRecord, message: ChatMessage, mention: Mention) -> ChatMention:
    signals = scam_signals(message.text)
    return ChatMention(
        list_record_id=record.id,
        message_id=message.message_id,
        chat_id=message.chat_id,
        posted_at=message.posted_at,
        sender=message.sender[:200],
        text=message.text,
        claim=mention.claim.value if mention.claim is not None else None,
        claimed_on=mention.date,
        place=(mention.place or "")[:300],
        scam=bool(signals),
        scam_signals=signals,
        state="pending",
        reason="",
        created_at=datetime.now(),
    )


def linked_persons(session: Session, record_ids: Sequence[int]) -> dict[int, int]:
    """Return the person each of these list records is linked to (after merges)."""
    linked: dict[int, int] = {}
    for start in range(0, len(record_ids), 1000):
        chunk = record_ids[start : start + 1000]
        rows = session.execute(
            select(LinkCandidate.list_record_id, LinkCandidate.person_id).where(
                LinkCandidate.list_record_id.in_(chunk),
                LinkCandidate.state.in_(LINKED_STATES),
            )
        )
        for record_id, person_id in rows:
            if record_id is not None:
                linked[record_id] = kept_person(session, person_id)
    return linked


def import_chat(
    session: Session,
    *,
    messages: Sequence[ChatMessage],
    list_name: str,
    filename: str,
    sha256: str,
    actor_id: int | None,
    settings: Settings,
    today: date,
) -> ChatImport:
    """Store the new mentions of these messages in the chat list ``list_name`` and link them.

    The caller owns the transaction and has checked the whole file first
    (:func:`kintrace.chats.telegram.read_export`): nothing is half-written.
    """
    name = list_name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("--list: give the list a name of 1 to 200 characters")
    chat_name = next((m.chat_name for m in messages if m.chat_name), "")
    imported = _chat_list(
        session,
        name=name,
        chat_name=chat_name,
        filename=filename,
        sha256=sha256,
        actor_id=actor_id,
    )
    known = {
        key: record_id
        for key, record_id in session.execute(
            select(ListRecord.record_id, ListRecord.id).where(ListRecord.list_id == imported.id)
        )
    }
    found: list[tuple[ChatMessage, Mention, str]] = []
    for message in messages:
        for position, mention in enumerate(
            extract_mentions(message.text, posted=message.posted_at)
        ):
            found.append((message, mention, record_key(message, position + 1)))
    new = [(m, mention, key) for m, mention, key in found if key not in known]
    for message, mention, key in new:
        record = _record(imported.id, key, message, mention)
        session.add(record)
        session.flush()
        session.add(_mention_row(record, message, mention))
        known[key] = record.id
    linked = 0
    if new:
        imported.row_count = len(known)
        session.flush()
        has_persons = session.scalar(
            select(Person.id).where(Person.merged_into_id.is_(None)).limit(1)
        )
        if has_persons is not None:
            # Splink (and DuckDB) imported only when an import links: `chat pending|accept|reject`
            # start in a fraction of the time
            from kintrace.linkage.service import link_list

            run = link_list(session, list_name=name, status_settings=settings, today=today)
            linked = run.automatic
    persons = linked_persons(session, [known[key] for _, _, key in found])
    mentions = tuple(
        FoundMention(
            message_id=message.message_id,
            surname=mention.surname,
            given_name=mention.given_name,
            patronymic=mention.patronymic,
            birth_year=mention.birth_year,
            unit=mention.unit,
            date=mention.date,
            place=mention.place,
            claim=mention.claim.value if mention.claim is not None else None,
            person_id=persons.get(known[key]),
            scam=bool(scam_signals(message.text)),
        )
        for message, mention, key in found
    )
    return ChatImport(name, len(messages), mentions, len(new), linked)


@dataclass(frozen=True, slots=True)
class PendingMention:
    """A mention waiting for an analyst, with what the analyst needs to decide it."""

    mention: ChatMention
    record: ListRecord
    list_name: str
    person_id: int | None


def pending_mentions(session: Session, *, limit: int = 100) -> list[PendingMention]:
    """Return the mentions waiting for an analyst, oldest message first."""
    rows = session.execute(
        select(ChatMention, ListRecord, ImportedList.name)
        .join(ListRecord, ListRecord.id == ChatMention.list_record_id)
        .join(ImportedList, ImportedList.id == ListRecord.list_id)
        .where(ChatMention.state == "pending")
        .order_by(ChatMention.posted_at, ChatMention.id)
        .limit(limit)
    ).all()
    persons = linked_persons(session, [record.id for _, record, _ in rows])
    return [
        PendingMention(mention, record, name, persons.get(record.id))
        for mention, record, name in rows
    ]


def _pending(session: Session, viewer: Viewer, mention_id: int, action: str) -> ChatMention:
    viewer.require(MAY_MODERATE, "moderate chat mentions")
    mention = session.get(ChatMention, mention_id)
    if mention is None:
        raise NotFound(f"no chat mention {mention_id}")
    if mention.state != "pending":
        raise Conflict(f"chat mention {mention_id} is already {mention.state}")
    return mention


def accept_mention(
    session: Session, viewer: Viewer, mention_id: int, *, settings: Settings, today: date
) -> Report:
    """Accept a mention: it becomes a report on its linked person; the status is recomputed."""
    mention = _pending(session, viewer, mention_id, "accept")
    if mention.scam:
        raise Conflict(
            f"chat mention {mention_id} asks for money ({', '.join(mention.scam_signals)}): "
            "it never counts; reject it"
        )
    if mention.claim is None:
        raise Conflict(f"chat mention {mention_id} claims no fate; reject it")
    candidate = session.scalar(
        select(LinkCandidate)
        .where(
            LinkCandidate.list_record_id == mention.list_record_id,
            LinkCandidate.state.in_(LINKED_STATES),
        )
        .limit(1)
    )
    if candidate is None:
        raise Conflict(
            f"chat mention {mention_id} is linked to no person yet: confirm its link in the "
            "review queue, or open a case for it, first"
        )
    record = session.get(ListRecord, mention.list_record_id)
    assert record is not None
    imported = session.get(ImportedList, record.list_id)
    assert imported is not None and imported.source_id is not None
    source = session.get(Source, imported.source_id)
    person = session.get(Person, kept_person(session, candidate.person_id))
    assert source is not None and person is not None
    report = record_report(
        session,
        person=person,
        source=source,
        details=ReportDetails(
            claim=mention.claim,
            observed_on=mention.claimed_on or mention.posted_at.date(),
            credibility=CHAT_CREDIBILITY,
            text=mention.text,
            place=mention.place,
        ),
        actor_id=viewer.user_id,
        viewer=viewer,
    )
    mention.state = "accepted"
    mention.report_id = report.id
    mention.decided_by = viewer.user_id
    mention.decided_at = datetime.now()
    if candidate.report_id is None:
        candidate.report_id = report.id  # undoing the link retracts it, as for any list row
    session.flush()
    recompute_persons(
        session,
        [person.id],
        today=today,
        settings=settings,
        reason=f"chat {imported.name}: mention {mention_id} accepted",
    )
    return report


def reject_mention(
    session: Session, viewer: Viewer, mention_id: int, *, reason: str
) -> ChatMention:
    """Reject a mention with a reason: it never counts (kept, with who and why)."""
    mention = _pending(session, viewer, mention_id, "reject")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("field 'reason': say why the mention is rejected")
    mention.state = "rejected"
    mention.reason = reason[:2000]
    mention.decided_by = viewer.user_id
    mention.decided_at = datetime.now()
    session.flush()
    return mention
