"""COPY lines arrive in PostgreSQL as the values they encode."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text

from kintrace.storage.copy import copy_in, copy_line

pytestmark = pytest.mark.postgres

ROWS: list[tuple[Any, ...]] = [
    (1, "tab\there, new\nline, back\\slash, cr\r", 0.1 + 0.2, True, date(2024, 2, 29),
     datetime(2024, 3, 1, 12, 30, 5, 123456), ["a\tb", 'quote "', "Петров"], [1, 2]),
    (2, "", -0.0, False, None, None, [], None),
    (3, "\\N is text here", 1e-300, None, date(1, 1, 1), datetime(2026, 1, 1), None, {"k": 1}),
]  # fmt: skip


def test_what_goes_in_comes_back(pg_engine: Engine) -> None:
    with pg_engine.connect() as connection:
        connection.execute(
            text(
                "CREATE TEMPORARY TABLE copied (n int, t text, f float8, b boolean, d date,"
                " ts timestamp, j json, k json)"
            )
        )
        columns = ("n", "t", "f", "b", "d", "ts", "j", "k")
        copy_in(connection, "copied", columns, [copy_line(row) for row in ROWS])
        back = connection.execute(text("SELECT * FROM copied ORDER BY n")).all()
        connection.rollback()
    assert [tuple(row) for row in back] == ROWS
