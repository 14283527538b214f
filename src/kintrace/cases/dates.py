"""Dates as people give them: a day, a month, a year, or an age at a date. Pure.

A relative may know only the year of birth, or only that he was 24 when the list was made.
:class:`PartialDate` keeps what is known and says how precise it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kintrace.errors import InvalidInput


class Precision(StrEnum):
    """How much of a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    AGE = "age"  # only an age at a known date: the year is known to within one


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a day, a month or a year.

    For precision ``AGE`` the year is the later of the two possible birth years
    (``reference.year - age``), and ``year - 1`` is equally possible.
    """

    year: int
    month: int | None = None
    day: int | None = None
    precision: Precision = Precision.DAY

    def __post_init__(self) -> None:
        if self.month is not None and self.day is not None:
            date(self.year, self.month, self.day)  # raises ValueError when impossible

    @classmethod
    def from_age(cls, age: int, at: date) -> PartialDate:
        """Return the birth date implied by an age at a date (a year, give or take one).

        >>> PartialDate.from_age(24, date(2023, 5, 1)).year
        1999
        """
        return cls(at.year - age, None, None, Precision.AGE)

    def earliest(self) -> date:
        """Return the first day the date may be."""
        if self.precision is Precision.AGE:
            return date(self.year - 1, 1, 1)
        return date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        """Return ISO text with only the known parts: ``1998``, ``1998-05``, ``1998-05-03``.

        >>> parse_partial_date("03.05.1998").iso(), parse_partial_date("05.1998").iso()
        ('1998-05-03', '1998-05')
        """
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return ("~" if self.precision is Precision.AGE else "") + self.iso()


_DMY = re.compile(r"^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4})$", re.ASCII)
_YMD = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$", re.ASCII)
_MY = re.compile(r"^(\d{1,2})[./\- ](\d{4})$", re.ASCII)
_YM = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)
_Y = re.compile(r"^(\d{4})$", re.ASCII)
_TIME = re.compile(r"(?<=[0-9])(?:T|\s+)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
"""A time of day after a date, as spreadsheets export a date cell (``1990-05-12 00:00:00``)."""
_OF_BIRTH = r"г\.?\s*р\.?|р\.?\s*н\.?"
"""«Year of birth» as lists abbreviate it: г.р. (Russian), р.н. (Ukrainian)."""
_YEAR_WORD = re.compile(
    rf"(?<=[0-9])\s*(?:{_OF_BIRTH}|г\.?|р\.?|года|год|року|рік|yob|y\.?o\.?b\.?)$",
    re.IGNORECASE,
)
"""A word that says «year» or «year of birth» after a date (``1990 г.р.``, ``1990 р.н.``)."""
_WORDS = re.compile(
    r"^(?:([0-9]{1,2})[\s.\-/]*)?([^\W\d_]{3,})\.?,?[\s.\-/]*(?:([0-9]{1,2}),?\s+)?([0-9]{4})$"
)

MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: ("январь", "января", "січень", "січня", "january"),
    2: ("февраль", "февраля", "лютий", "лютого", "february"),
    3: ("март", "марта", "березень", "березня", "march"),
    4: ("апрель", "апреля", "квітень", "квітня", "april"),
    5: ("май", "мая", "травень", "травня", "may"),
    6: ("июнь", "июня", "червень", "червня", "june"),
    7: ("июль", "июля", "липень", "липня", "july"),
    8: ("август", "августа", "серпень", "серпня", "august"),
    9: ("сентябрь", "сентября", "вересень", "вересня", "september"),
    10: ("октябрь", "октября", "жовтень", "жовтня", "october"),
    11: ("ноябрь", "ноября", "листопад", "листопада", "november"),
    12: ("декабрь", "декабря", "грудень", "грудня", "december"),
}
"""Each month's name in Russian and Ukrainian (nominative and genitive) and in English."""

YEAR_MIN = 1880
"""Earliest year kintrace reads in a date (the oldest soldiers of the wars it serves)."""
YEAR_MAX = 2100
"""Latest year kintrace reads in a date (so that date arithmetic never overflows)."""

DATE_FORMATS = "dd.mm.yyyy, yyyy-mm-dd, mm.yyyy or yyyy"


def month_of_word(word: str) -> int | None:
    """Return the month a written month name or its abbreviation of three letters or more gives.

    >>> month_of_word("мая"), month_of_word("Сент"), month_of_word("листоп"), month_of_word("Jan")
    (5, 9, 11, 1)
    >>> month_of_word("ма") is None, month_of_word("мартышка") is None
    (True, True)
    """
    key = word.lower().rstrip(".")
    if len(key) < 3:
        return None
    found = {m for m, names in MONTH_WORDS.items() for name in names if name.startswith(key)}
    return found.pop() if len(found) == 1 else None


def parse_partial_date(text: str) -> PartialDate:
    """Parse a date as lists and families write it, keeping only what it gives.

    Read: ``dd.mm.yyyy`` (``.``, ``/``, ``-`` or a space between), ``yyyy-mm-dd`` (also with
    ``.`` or ``/``, and with a spreadsheet's time of day after it), ``mm.yyyy``, ``yyyy-mm``,
    ``yyyy``; a day and month that fit only the other way round are read so (``10.21.1987``
    is October 21, ``1986-25-08`` August 25); the month may be a word or its abbreviation in
    Russian, Ukrainian or English (``12 мая 1990``, ``12 травня 1990``, ``May 12, 1990``,
    ``сент. 1990``); a closing «year» or «year of birth» is dropped (``1990 г.р.``,
    ``12.05.1990 г.``, ``1990 р.н.``). A year of two digits is refused: its century is a
    guess (:func:`parse_birth_date` reads one for a birth date).

    >>> parse_partial_date("1998")
    PartialDate(year=1998, month=None, day=None, precision=<Precision.YEAR: 'year'>)
    >>> [parse_partial_date(t).iso() for t in ("1990 г.р.", "12 мая 1990 г.", "May 1990")]
    ['1990', '1990-05-12', '1990-05']
    """
    value = _YEAR_WORD.sub("", _TIME.sub("", text.strip())).strip()
    partial = _parse(value, text)
    if not YEAR_MIN <= partial.year <= YEAR_MAX:
        raise InvalidInput(f"impossible date {text!r} (year outside {YEAR_MIN}..{YEAR_MAX})")
    return partial


def _month_day(month: int, day: int) -> tuple[int, int]:
    """Return month and day, swapped where only the other order is a month (10.21.1987 is
    October 21, 1986-25-08 August 25)."""
    return (day, month) if month > 12 >= day else (month, day)


def _parse(value: str, text: str) -> PartialDate:
    try:
        if m := _DMY.match(value):
            return PartialDate(int(m[3]), *_month_day(int(m[2]), int(m[1])), Precision.DAY)
        if m := _YMD.match(value):
            return PartialDate(int(m[1]), *_month_day(int(m[2]), int(m[3])), Precision.DAY)
        if (m := _MY.match(value)) or (m := _YM.match(value)):
            year, month = (int(m[2]), int(m[1])) if m.re is _MY else (int(m[1]), int(m[2]))
            if not 1 <= month <= 12:
                raise ValueError(f"month {month}")
            return PartialDate(year, month, None, Precision.MONTH)
        if m := _Y.match(value):
            return PartialDate(int(m[1]), None, None, Precision.YEAR)
        if (m := _WORDS.match(value)) and (named := month_of_word(m[2])) and not (m[1] and m[3]):
            if written_day := m[1] or m[3]:
                return PartialDate(int(m[4]), named, int(written_day), Precision.DAY)
            return PartialDate(int(m[4]), named, None, Precision.MONTH)
    except ValueError as error:
        raise InvalidInput(f"impossible date {text!r} ({error})") from error
    raise InvalidInput(f"bad date {text!r}: expected {DATE_FORMATS}")


_TWO_DIGIT_DATE = re.compile(r"^(\d{1,2})([./])(\d{1,2})\2(\d{2})$", re.ASCII)
"""A day, month and two-digit year with dots or slashes (``06.10.03``, ``6/10/03``); with
dashes it could as well be a short ISO date, year first, and is refused."""
_TWO_DIGIT_YEAR = re.compile(rf"^(\d{{1,2}})\s*(?:{_OF_BIRTH}|г\.|р\.)$", re.ASCII)
"""A year of one or two digits with its word (``73 г.р.``, ``3 г.р.``, ``85 р.н.``): bare, it
could as well be an age written in the wrong column, and is refused."""
SERVICE_AGES = (14, 90)
"""The youngest and oldest age at which kintrace reads a person as listed (as for ages)."""


def parse_birth_date(text: str, at: date) -> PartialDate:
    """Parse a birth date as :func:`parse_partial_date` does, reading a two-digit year too.

    A list of soldiers writes ``06.10.03``, ``73 г.р.`` or ``3 г.р.``: of the centuries, only
    one makes the person 14 to 90 years old at ``at`` (the row's report date, else today),
    since that span is shorter than a century; where none does, the date is refused. A bare
    ``40`` (an age in the wrong column?) and ``03-10-06`` (yy-mm-dd?) stay refused. A list of
    an earlier war with two-digit years must give its report dates: without them, today is
    the reference.

    >>> [parse_birth_date(t, date(2024, 5, 1)).iso() for t in ("06.10.03", "73 г.р.", "1990")]
    ['2003-10-06', '1973', '1990']
    >>> parse_birth_date("01.01.20", date(2024, 5, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kintrace.errors.InvalidInput: two-digit year in '01.01.20': no century makes the person ...
    """
    value = _TIME.sub("", text.strip()).strip()
    if whole := _TWO_DIGIT_DATE.match(value):
        day, month, short = whole[1], whole[3], whole[4]
    elif year_only := _TWO_DIGIT_YEAR.match(value):
        day, month, short = "", "", year_only[1]
    else:
        return parse_partial_date(text)
    youngest, oldest = SERVICE_AGES
    years = [
        c + int(short) for c in (1800, 1900, 2000) if youngest <= at.year - c - int(short) <= oldest
    ]
    if len(years) != 1:
        raise InvalidInput(
            f"two-digit year in {text!r}: no century makes the person {youngest} to {oldest}"
            f" years old on {at.isoformat()}; write the year in full"
        )
    if not day:
        return parse_partial_date(str(years[0]))
    return parse_partial_date(f"{day}.{month}.{years[0]}")


def check_day(day: date, what: str) -> date:
    """Return the day if its year is within YEAR_MIN..YEAR_MAX, else raise InvalidInput.

    >>> check_day(date(9999, 12, 31), "--today")
    Traceback (most recent call last):
    ...
    kintrace.errors.InvalidInput: --today: 9999-12-31 is outside the years 1880..2100
    """
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise InvalidInput(f"{what}: {day.isoformat()} is outside the years {YEAR_MIN}..{YEAR_MAX}")
    return day


def parse_full_date(text: str) -> date:
    """Parse a date known to the day (``dd.mm.yyyy`` or ``yyyy-mm-dd``)."""
    partial = parse_partial_date(text)
    if partial.month is None or partial.day is None:
        raise InvalidInput(f"date {text!r} must give the day: dd.mm.yyyy or yyyy-mm-dd")
    return date(partial.year, partial.month, partial.day)
