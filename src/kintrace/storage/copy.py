"""Bulk inserts through PostgreSQL's COPY, text format.

Rows are encoded as lines where they are computed (a worker process may do it), so that the
process holding the transaction only streams text to the server.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection

if TYPE_CHECKING:
    import psycopg

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _json(value: list[Any] | dict[str, Any]) -> str:
    if value and isinstance(value, list) and all(type(v) is int for v in value):
        return "[" + ", ".join(map(str, value)) + "]"  # what json.dumps writes, faster
    return _text(json.dumps(value, ensure_ascii=False))


_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: _text,
    int: str,
    float: repr,
    bool: lambda value: "t" if value else "f",
    date: date.isoformat,
    datetime: datetime.isoformat,
    list: _json,
    dict: _json,
    type(None): lambda _value: "\\N",
}


def copy_field(value: object) -> str:
    r"""Encode one value as a field of COPY's text format.

    >>> [copy_field(v) for v in (None, True, 2.5, date(2024, 1, 2), ["a"], [1, 2], "x\ty\\")]
    ['\\N', 't', '2.5', '2024-01-02', '["a"]', '[1, 2]', 'x\\ty\\\\']
    """
    encode = _BY_TYPE.get(type(value))
    if encode is None:
        raise TypeError(f"COPY cannot encode a {type(value).__name__}")
    return encode(value)


def copy_line(values: Iterable[object]) -> str:
    """Encode one row as a line of COPY's text format."""
    return "\t".join(map(copy_field, values)) + "\n"


def copy_in(
    connection: Connection, table: str, columns: Sequence[str], lines: Iterable[str]
) -> None:
    """Send lines made by :func:`copy_line` to ``table`` in one COPY, in the current transaction."""
    raw = cast("psycopg.Connection[Any]", connection.connection.dbapi_connection)
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        copy.write("".join(lines))
