"""The same field limits on every engine, checked before each flush.

SQLite stores a 300-character surname in a ``VARCHAR(200)`` and a NUL byte in any text;
PostgreSQL refuses both, so a row entered on one engine could not be restored into the other
(and a form field past its size was a server error on PostgreSQL only). Every string written
through a session is checked here against its column instead, whichever front end wrote it:

- no longer than the column's declared length (``String(n)``);
- no NUL and no other C0/C1 control character, except tab and line breaks in long text
  (``Text`` columns, where a report's wording may run over several lines);
- in short fields (names, places, units: ``String(n)``), no line break, tab, or the
  bidirectional marks and overrides that make a name display as another (RLO, U+202E).

A problem is an :class:`~kintrace.errors.InvalidInput` naming the field, never a value.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String, Text, event, inspect
from sqlalchemy.orm import Session

from kintrace.errors import InvalidInput

_LONG_TEXT_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SHORT_TEXT_BAD = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


def field_problems(obj: object) -> list[str]:
    """Say what is wrong with the strings of one mapped row (an empty list when nothing).

    >>> from kintrace.storage.tables import Region
    >>> field_problems(Region(code="UA-63", name="Харківська"))
    []
    >>> field_problems(Region(code="UA-63", name="x" * 201))
    ["field 'name': 201 characters, more than 200"]
    >>> field_problems(Region(code="UA\\u202e63", name="Kharkiv\\x00"))
    ["field 'code': a control or direction-override character", \
"field 'name': a control or direction-override character"]
    """
    problems: list[str] = []
    for attr in inspect(obj).mapper.column_attrs:
        value: Any = getattr(obj, attr.key, None)
        if not isinstance(value, str):
            continue
        column_type = attr.columns[0].type
        if isinstance(column_type, String) and not isinstance(column_type, Text):
            length = column_type.length
            if length is not None and len(value) > length:
                problems.append(f"field {attr.key!r}: {len(value)} characters, more than {length}")
            elif _SHORT_TEXT_BAD.search(value):
                problems.append(f"field {attr.key!r}: a control or direction-override character")
        elif isinstance(column_type, String) and _LONG_TEXT_BAD.search(value):
            problems.append(f"field {attr.key!r}: a control character")
    return problems


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    problems: list[str] = []
    for obj in [*session.new, *session.dirty]:
        problems += field_problems(obj)
    if problems:
        raise InvalidInput("; ".join(dict.fromkeys(problems)), list(dict.fromkeys(problems)))


def install(session_class: type[Session]) -> None:
    """Check every row written through sessions of this class (idempotent)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
