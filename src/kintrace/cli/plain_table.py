"""Print a simple table as rich's ``Table`` prints it, without laying it out through rich.

``kintrace dvi`` prints one row per missing person; rich measured, wrapped and rendered every
cell as styled segments, 0.09 s for 150 rows and 0.37 s for 500 on this machine, more than
the solve of a small case. Where the result is plain text anyway (no colours: output to a file
or a pipe), every cell is plain ASCII that rich would print as it is, and the table fits the
console's width as it stands, the text rich would print is simple: each column as wide as its
widest cell, one space either side, the title centred above. :func:`print_table` writes that
text through the console as one segment (so capture, recording and ``quiet`` behave as
before); in every other case (a terminal with colours, a table too wide,
a cell with markup, emoji codes or wide characters, no rows) it prints rich's ``Table``
itself. ``tests/unit/cli/test_plain_table.py`` compares the two texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment

_PLAIN_CELL = re.compile(r"(?:[!-9;-Z^-~]+(?: [!-9;-Z^-~]+)*)?")
"""Printable ASCII words, single spaces between them; no ``[``, ``]``, ``\\`` (markup) or ``:``
(emoji codes), no leading, trailing or double spaces (which wrapping could move)."""


def plain_table_text(
    console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> str | None:
    """The text rich would print for this table on ``console``, or None where that is not sure.

    The table is rich's default ``Table(title=title)`` with each column added by header only
    and each row's cells given as strings.
    """
    if (
        not rows
        or console.color_system is not None
        or console.legacy_windows
        or console.is_jupyter
        or console.soft_wrap
        or not console.encoding.lower().startswith("utf")
        or not _PLAIN_CELL.fullmatch(title)
    ):
        return None
    widths = [len(header) for header in columns]
    for row in rows:
        if len(row) != len(widths):
            return None
        for k, cell in enumerate(row):
            if not _PLAIN_CELL.fullmatch(cell):
                return None
            if len(cell) > widths[k]:
                widths[k] = len(cell)
    for header in columns:
        if not _PLAIN_CELL.fullmatch(header):
            return None
    bars = [w + 2 for w in widths]
    table_width = sum(bars) + len(bars) + 1
    if table_width > console.width or len(title) > table_width:
        return None
    excess = table_width - len(title)
    lines = [" " * (excess // 2) + title + " " * (excess - excess // 2)]
    lines.append("┏" + "┳".join("━" * b for b in bars) + "┓")
    lines.append(
        "┃" + "┃".join(f" {h.ljust(w)} " for h, w in zip(columns, widths, strict=True)) + "┃"
    )
    lines.append("┡" + "╇".join("━" * b for b in bars) + "┩")
    for row in rows:
        lines.append(
            "│" + "│".join(f" {c.ljust(w)} " for c, w in zip(row, widths, strict=True)) + "│"
        )
    lines.append("└" + "┴".join("─" * b for b in bars) + "┘")
    return "\n".join(lines)


class _Written:
    """Text the console writes as it is: one segment, no measuring, wrapping or markup."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Segment(self.text)


def print_table(
    console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    """Print the table on ``console`` exactly as rich's ``Table`` prints it."""
    text = plain_table_text(console, title, columns, rows)
    if text is not None:
        console.print(_Written(text + "\n"), crop=False, end="")
        return
    from rich.table import Table

    view = Table(title=title)
    for column in columns:
        view.add_column(column)
    for row in rows:
        view.add_row(*row)
    console.print(view)
