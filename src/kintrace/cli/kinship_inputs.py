"""What ``kintrace kinship`` and ``kintrace dvi`` share to read their inputs and options.

Kept apart from :mod:`kintrace.cli.kinship` so that ``kintrace dvi`` does not import the
kinship command's own modules (likelihood ratios, familial search, its rich table) at start.
"""

from __future__ import annotations

import math
from pathlib import Path

from kintrace.cli.common import err_console
from kintrace.errors import InvalidInput, SourceFormatError
from kintrace.kinship.markers import FrequencyTable, parse_frequency_csv
from kintrace.kinship.mutation import MutationSpec, parse_mutation_spec

MUTATION_HELP = "MODEL or MODEL:key=value,... (equal, proportional, random, stepwise, onestep, dawid, trivial; keys rate, rate2, range, seed)"  # noqa: E501


def read_text(path: Path) -> str:
    """The file's UTF-8 text; a file that cannot be read is a SourceFormatError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceFormatError(f"{path}: cannot read: {error}") from error


def frequencies(path: Path) -> FrequencyTable:
    """The frequency table of a CSV file (a note on stderr if some marker was rescaled)."""
    table = parse_frequency_csv(read_text(path), source=str(path))
    rescale_note(table, str(path))
    return table


def rescale_note(table: FrequencyTable, source: str) -> None:
    """Print one line on stderr when some of the table's markers were rescaled to sum to 1."""
    note = table.rescale_note(source)
    if note is not None:
        err_console.print(note, highlight=False, soft_wrap=True, markup=False)


def finite(value: float, option: str) -> float:
    """Return a numeric option's value, or refuse nan and infinity (no comparison catches nan)."""
    if not math.isfinite(value):
        raise InvalidInput(f"{option}: {value} is not a finite number")
    return value


def mutation_spec(text: str | None, option: str) -> MutationSpec | None:
    """The mutation model an option names (None without one); errors name the option."""
    if text is None:
        return None
    try:
        return parse_mutation_spec(text)
    except InvalidInput as error:
        raise InvalidInput(
            f"{option}: {error}", problems=[f"{option}: {p}" for p in error.problems]
        ) from error


def xlinked_markers(table: FrequencyTable) -> set[str]:
    """The names of the table's X-linked markers."""
    return {name for name in table.names if table[name].xlinked}
