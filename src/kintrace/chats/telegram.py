"""Read a Telegram Desktop JSON export (``result.json``) into plain messages. Pure but for
:func:`read_export`, the thin file wrapper.

Telegram Desktop ("Export chat history", format JSON) writes one of two shapes:

- a single chat: ``{"name": ..., "type": ..., "id": ..., "messages": [...]}``;
- a full export of the account: ``{"chats": {"list": [{..., "messages": [...]}, ...]},
  "left_chats": {"list": [...]}, ...}``.

Each message has ``id`` (a number, unique within its chat), ``type`` (``"message"`` or
``"service"``: joins, pins, title changes, skipped here), ``date`` (local time, ISO 8601
without zone, e.g. ``"2023-03-14T18:02:11"``), ``from`` (the sender's display name, ``null``
for a deleted account) and ``text``: a string, or a list whose items are strings or text
entities ``{"type": "bold" | "link" | "mention" | ..., "text": "..."}``. The plain text is the
concatenation of the strings and the entities' ``text``. The format is described by
Telegram Desktop's exporter (``export_output_json.cpp`` in telegramdesktop/tdesktop); there
is no published schema, so the reader checks what it uses and names every message and field
it cannot read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kintrace.errors import SourceFormatError

MAX_PROBLEMS = 20
"""The problems listed before the reader stops listing (a broken file has thousands)."""

MAX_EXPORT_BYTES = 512 * 1024 * 1024
"""The largest export read (512 MiB): a chat of hundreds of thousands of messages fits."""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a chat as the export gives it, its text made plain.

    ``chat_id`` is the chat's id in a full export (message ids are unique only within a
    chat) and None in a single-chat export; ``index`` is the message's position (1-based)
    among the messages of the file.
    """

    message_id: int
    chat_id: int | None
    chat_name: str
    posted_at: datetime
    sender: str
    text: str
    index: int


def plain_text(value: object) -> str | None:
    """Return the plain text of a message's ``text`` (string or list of parts), or None.

    >>> plain_text(["Ищем ", {"type": "bold", "text": "Иванова"}, "!"])
    'Ищем Иванова!'
    >>> plain_text(42) is None
    True
    """
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return None
    parts: list[str] = []
    for item in value:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            parts.append(item["text"])
        else:
            return None
    return "".join(parts)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _chats(data: dict[str, Any]) -> list[tuple[int | None, str, object]] | None:
    """Return (chat id, chat name, messages) of each chat of the export, or None."""
    if "messages" in data:
        name = data.get("name")
        return [(None, name if isinstance(name, str) else "", data["messages"])]
    found: list[tuple[int | None, str, object]] = []
    seen = False
    for key in ("chats", "left_chats"):
        group = data.get(key)
        if not isinstance(group, dict) or not isinstance(group.get("list"), list):
            continue
        seen = True
        for chat in group["list"]:
            if not isinstance(chat, dict):
                return None
            chat_id = chat.get("id")
            name = chat.get("name")
            found.append(
                (
                    chat_id if _is_int(chat_id) else None,
                    name if isinstance(name, str) else "",
                    chat.get("messages", []),
                )
            )
    return found if seen else None


def _message(
    item: object, *, prefix: str, position: int, chat_id: int | None, chat_name: str, index: int
) -> tuple[ChatMessage | None, list[str]]:
    """Return the message (None for a service message) or the problems of one item.

    ``prefix`` names the file and chat; a message is named by its id when it has one, else
    by its position in the chat.
    """
    where = f"{prefix}message #{position}"
    if not isinstance(item, dict):
        return None, [f"{where}: not an object"]
    if item.get("type") == "service":
        return None, []
    problems: list[str] = []
    message_id = item.get("id")
    if not isinstance(message_id, int) or isinstance(message_id, bool) or message_id < 0:
        problems.append(f"{where}: field 'id': expected a whole number, got {message_id!r:.40}")
    else:
        where = f"{prefix}message {message_id}"
    raw_date = item.get("date")
    posted_at: datetime | None = None
    if isinstance(raw_date, str):
        try:
            posted_at = datetime.fromisoformat(raw_date.strip())
        except ValueError:
            posted_at = None
    if posted_at is None:
        problems.append(
            f"{where}: field 'date': expected 'YYYY-MM-DDTHH:MM:SS', got {raw_date!r:.40}"
        )
    sender = item.get("from")
    if sender is not None and not isinstance(sender, str):
        problems.append(f"{where}: field 'from': expected text or null")
    text = plain_text(item.get("text", ""))
    if text is None:
        problems.append(f"{where}: field 'text': expected text or a list of text parts")
    if problems:
        return None, problems
    assert isinstance(message_id, int) and posted_at is not None and text is not None
    return (
        ChatMessage(
            message_id=message_id,
            chat_id=chat_id,
            chat_name=chat_name,
            posted_at=posted_at.replace(tzinfo=None),
            sender=sender if isinstance(sender, str) else "",
            text=text,
            index=index,
        ),
        [],
    )


def parse_export(data: object, *, name: str = "result.json") -> list[ChatMessage]:
    """Return the messages (not the service messages) of a parsed Telegram export.

    Every message that cannot be read is named in one :class:`SourceFormatError` (at most
    :data:`MAX_PROBLEMS` of them), so that nothing of a broken file is imported.

    >>> data = {"name": "Ищем своих", "messages": [
    ...     {"id": 1, "type": "service", "date": "2023-03-01T10:00:00", "action": "join"},
    ...     {"id": 2, "type": "message", "date": "2023-03-01T10:05:00", "from": "Мария",
    ...      "text": ["Ищем ", {"type": "bold", "text": "Иванова"}]}]}
    >>> [(m.message_id, m.text) for m in parse_export(data)]
    [(2, 'Ищем Иванова')]
    """
    if not isinstance(data, dict):
        raise SourceFormatError(f"{name}: not a Telegram export (expected a JSON object)")
    chats = _chats(data)
    if chats is None:
        raise SourceFormatError(
            f"{name}: not a Telegram export: no 'messages' list and no 'chats.list' of chats"
        )
    problems: list[str] = []
    messages: list[ChatMessage] = []
    index = 0
    for chat_id, chat_name, items in chats:
        prefix = f"{name}: chat {chat_id}: " if chat_id is not None else f"{name}: "
        if not isinstance(items, list):
            problems.append(f"{prefix}field 'messages': expected a list")
            continue
        for position, item in enumerate(items, start=1):
            index += 1
            message, found = _message(
                item,
                prefix=prefix,
                position=position,
                chat_id=chat_id,
                chat_name=chat_name,
                index=index,
            )
            problems.extend(found)
            if message is not None:
                messages.append(message)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"{name}: ... and {len(problems) - MAX_PROBLEMS} more problem(s)")
        raise SourceFormatError(f"{len(problems)} problem(s) in {name}", shown)
    _check_unique(messages, name)
    return messages


def _check_unique(messages: Iterable[ChatMessage], name: str) -> None:
    seen: set[tuple[int | None, int]] = set()
    for message in messages:
        key = (message.chat_id, message.message_id)
        if key in seen:
            raise SourceFormatError(
                f"{name}: message {message.message_id}: field 'id': the same id twice in one chat"
            )
        seen.add(key)


def read_export(path: Path) -> list[ChatMessage]:
    """Read a ``result.json`` file (UTF-8, a byte-order mark allowed) into its messages."""
    if not path.is_file():
        raise SourceFormatError(f"{path}: no such file")
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise SourceFormatError(f"{path}: larger than {MAX_EXPORT_BYTES >> 20} MiB")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceFormatError(
            f"{path}: byte {error.start}: not UTF-8 (Telegram writes UTF-8 JSON)"
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceFormatError(
            f"{path}: line {error.lineno}, column {error.colno}: not JSON ({error.msg})"
        ) from error
    except RecursionError as error:
        raise SourceFormatError(f"{path}: not a Telegram export (nested too deeply)") from error
    return parse_export(data, name=path.name)
