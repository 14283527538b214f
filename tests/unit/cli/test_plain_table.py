"""The table printed without rich's layout is the text rich's ``Table`` prints, byte for byte."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.errors import MarkupError
from rich.table import Table

from kintrace.cli.plain_table import plain_table_text, print_table

COLUMNS = ("family", "missing", "remains", "LR", "posterior", "conclusion")


def _rich(
    console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:  # noqa: E501
    view = Table(title=title)
    for column in columns:
        view.add_column(column)
    for row in rows:
        view.add_row(*row)
    console.print(view)


def _both(
    rows: Sequence[Sequence[str]], title: str = "DVI identifications", **console: object
) -> tuple[str, str, bool]:  # noqa: E501
    ours, theirs = io.StringIO(), io.StringIO()
    mine = Console(file=ours, **console)  # type: ignore[arg-type]
    plain = plain_table_text(mine, title, COLUMNS, rows) is not None
    try:
        print_table(mine, title, COLUMNS, rows)
    except MarkupError as error:  # a cell "[/]": rich refuses it, and so does print_table
        ours.write(f"MarkupError: {error}")
    try:
        _rich(Console(file=theirs, **console), title, COLUMNS, rows)  # type: ignore[arg-type]
    except MarkupError as error:
        theirs.write(f"MarkupError: {error}")
    return ours.getvalue(), theirs.getvalue(), plain


ROWS = [
    ("F1", "F1MP", "V0", "3.64799e+07", "-", "undisputed"),
    ("F2", "F2MP", "-", "-", "-", "no match"),
    ("F10", "F10-S1/x", "U12", "1.2", "0.999937", "inconclusive"),
]


def test_the_dvi_table_is_rich_text_and_takes_the_plain_path() -> None:
    ours, theirs, plain = _both(ROWS)
    assert plain
    assert ours == theirs


@pytest.mark.parametrize("width", [40, 59, 60, 61, 62, 63, 80, 200])
def test_any_width_is_rich_text(width: int) -> None:
    ours, theirs, plain = _both(ROWS, width=width)
    assert ours == theirs
    assert plain == (width >= 66)


@pytest.mark.parametrize(
    "console",
    [{"force_terminal": True}, {"force_terminal": True, "color_system": "truecolor"},
     {"record": True}, {"quiet": True}, {"soft_wrap": True}, {"no_color": True},
     {"force_terminal": True, "no_color": True}, {"legacy_windows": True}],
)  # fmt: skip
def test_other_consoles_get_rich_text(console: dict[str, object]) -> None:
    ours, theirs, _ = _both(ROWS, **console)
    assert ours == theirs


@pytest.mark.parametrize(
    "cell",
    ["[bold]x[/]", "[/]", "a:smile:b", ":thumbs_up:", "a\\b", "日本", "é", " x", "x ", "a  b", "",
     "-", "a\tb", "[x]", "a]b", "1.5e+3", "x" * 70, "a b c"],
)  # fmt: skip
def test_awkward_cells_are_rich_text(cell: str) -> None:
    ours, theirs, _ = _both([*ROWS, ("F3", cell, "V1", "-", "-", "probable")])
    assert ours == theirs


def test_no_rows_and_awkward_titles_are_rich_text() -> None:
    assert _both([])[0] == _both([])[1]
    for title in ("x", "DVI [b]identifications[/b]", "a" * 100, "ab", "abc"):
        ours, theirs, _ = _both(ROWS, title=title)
        assert ours == theirs, title


def test_a_capture_gets_the_table() -> None:
    console = Console(file=io.StringIO())
    with console.capture() as capture:
        print_table(console, "DVI identifications", COLUMNS, ROWS)
    reference = Console(file=io.StringIO())
    with reference.capture() as theirs:
        _rich(reference, "DVI identifications", COLUMNS, ROWS)
    assert capture.get() == theirs.get()
    assert console.file.getvalue() == ""  # type: ignore[attr-defined]


_CELL = st.text(alphabet=st.sampled_from("ab-./+eF0123456789 :[]_é"), max_size=14)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL, _CELL, _CELL), min_size=1, max_size=6),
    st.integers(min_value=30, max_value=140),
    st.text(alphabet=st.sampled_from("abc XYZ"), min_size=1, max_size=30),
)
def test_random_tables_are_rich_text(rows: list[tuple[str, ...]], width: int, title: str) -> None:
    ours, theirs, _ = _both(rows, title=title, width=width)
    assert ours == theirs


_SAFE = st.text(alphabet=st.sampled_from("ab-./+eF0123456789"), min_size=1, max_size=14)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_SAFE, _SAFE, _SAFE, _SAFE, _SAFE, _SAFE), min_size=1, max_size=6),
    st.integers(min_value=60, max_value=140),
    st.text(alphabet=st.sampled_from("abcXYZ"), min_size=1, max_size=30),
)
def test_random_plain_tables_take_the_plain_path(
    rows: list[tuple[str, ...]], width: int, title: str
) -> None:
    ours, theirs, plain = _both(rows, title=title, width=width)
    assert ours == theirs
    natural = max(len(line) for line in _both(rows, title=title, width=1000)[1].splitlines())
    assert plain == (natural <= width)
