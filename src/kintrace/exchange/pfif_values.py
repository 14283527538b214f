"""PFIF 1.4 values: times, dates of birth, ages, statuses both ways, names. Pure.

See :mod:`kintrace.exchange.pfif` for the format and ``docs/pfif.md`` for the mapping.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from kintrace.reports.model import Status

CLAIM_STATUS: dict[Status, str] = {
    Status.ALIVE_SERVING: "believed_alive",
    Status.WOUNDED: "believed_alive",
    Status.CAPTURED_REPORTED: "believed_alive",
    Status.CAPTURED_CONFIRMED: "believed_alive",
    Status.RETURNED: "believed_alive",
    Status.MISSING: "believed_missing",
    Status.DECLARED_MISSING: "believed_missing",
    Status.DEAD_UNRECOVERED: "believed_dead",
    Status.REMAINS_RECOVERED: "believed_dead",
    Status.IDENTIFIED: "believed_dead",
    Status.REMAINS_RETURNED: "believed_dead",
    Status.DECLARED_DEAD: "believed_dead",
}
"""The PFIF note status each kintrace status (claimed or assessed) is written as.

A prisoner, a wounded man and a man come home are alive; a man declared missing by a court
is still missing; remains, recovered, identified or returned to the family, and a court's
declaration of death say he is dead. A relative's tracing request is written as
``information_sought``."""

STATUS_CLAIM: dict[str, Status] = {
    "information_sought": Status.MISSING,
    "is_note_author": Status.ALIVE_SERVING,
    "believed_alive": Status.ALIVE_SERVING,
    "believed_missing": Status.MISSING,
    "believed_dead": Status.DEAD_UNRECOVERED,
}
"""The claim a PFIF note of each status makes, read back into kintrace.

Someone looking for him does not know where he is (missing); a note written by the person
himself, or by someone who believes him alive, says he is alive; believed dead is dead with
no body recovered, the weakest claim of death. A note with no status claims nothing, unless
its author has been in contact with the person since (then he is alive)."""


_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$", re.ASCII)
_BIRTH = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
_AGE = re.compile(r"^(\d{1,3})(?:-(\d{1,3}))?$", re.ASCII)
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}


def format_time(moment: datetime) -> str:
    """Write an aware time as PFIF does: UTC, ``YYYY-MM-DDThh:mm:ssZ``.

    >>> from datetime import timedelta, timezone
    >>> format_time(datetime(2023, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=3))))
    '2023-05-01T09:30:00Z'
    """
    if moment.tzinfo is None:
        raise ValueError("a PFIF time needs its time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """Read a PFIF time (UTC, ``YYYY-MM-DDThh:mm:ssZ``, seconds' fractions dropped).

    >>> parse_time("2012-05-29T08:15:00Z")
    datetime.datetime(2012, 5, 29, 8, 15, tzinfo=datetime.timezone.utc)
    """
    match = _TIME.match(text.strip())
    if match is None:
        raise ValueError(f"{text[:40]!r} is not a UTC time YYYY-MM-DDThh:mm:ssZ")
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as error:
        raise ValueError(f"{text[:40]!r} is not a real time ({error})") from error


def parse_birth(text: str) -> tuple[int, int | None, int | None]:
    """Read a PFIF date of birth: ``YYYY-MM-DD``, or the approximate ``YYYY-MM`` or ``YYYY``.

    >>> parse_birth("1998-05"), parse_birth("1998-05-03")
    ((1998, 5, None), (1998, 5, 3))
    """
    match = _BIRTH.match(text.strip())
    if match is None:
        raise ValueError(f"{text[:40]!r} is not a date of birth YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        date(year, month or 1, day or 1)
    except ValueError as error:
        raise ValueError(f"{text[:40]!r} is not a real date ({error})") from error
    return year, month, day


def parse_age(text: str) -> tuple[int, int]:
    """Read a PFIF age: a whole number or an inclusive range ``35-45``.

    >>> parse_age("24"), parse_age("35-45")
    ((24, 24), (35, 45))
    """
    match = _AGE.match(text.strip())
    if match is None:
        raise ValueError(f"{text[:40]!r} is not an age (a whole number or a range 35-45)")
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    if high < low:
        raise ValueError(f"{text[:40]!r}: the range runs backwards")
    return low, high


def parse_boolean(text: str) -> bool | None:
    """Read ``author_made_contact`` (``true``/``false``, as XML Schema also ``1``/``0``)."""
    return _BOOLEAN.get(text.strip().lower())


def domain_of(record_id: str) -> str:
    """Return the home repository of a record id ``domain/local-id``.

    >>> domain_of("example.org/person.12")
    'example.org'
    """
    return record_id.split("/", 1)[0]


def note_status(claim: Status) -> str:
    """Return the PFIF note status a kintrace status is written as (see :data:`CLAIM_STATUS`);
    a status not mapped yet is written as not stated."""
    return CLAIM_STATUS.get(claim, "")


def note_claim(status: str, made_contact: bool | None) -> Status | None:
    """Return the claim a PFIF note makes (see :data:`STATUS_CLAIM`), or None: it claims nothing.

    >>> note_claim("believed_dead", None), note_claim("", True), note_claim("", False)
    (<Status.DEAD_UNRECOVERED: 'dead_unrecovered'>, <Status.ALIVE_SERVING: 'alive_serving'>, None)
    """
    if status in STATUS_CLAIM:
        return STATUS_CLAIM[status]
    return Status.ALIVE_SERVING if made_contact else None


# --- names ---------------------------------------------------------------------------------

_PATRONYMIC = re.compile(
    r"(ович|евич|ьич|ич|овна|евна|ична|инична|івна|ївна|ovich|evich|ovna|evna|ichna|ivna)$",
    re.IGNORECASE,
)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def is_patronymic(word: str) -> bool:
    """Say whether a word looks like an East Slavic patronymic (Петрович, Іванівна, Petrovich).

    >>> is_patronymic("Петрович"), is_patronymic("Іванівна"), is_patronymic("Сергей")
    (True, True, False)
    """
    return len(word) > 4 and bool(_PATRONYMIC.search(word))


def split_name(full_name: str, given_name: str = "", family_name: str = "") -> tuple[str, str, str]:
    """Return (surname, given name, patronymic) from a PFIF person's name fields.

    The family name is the surname when given; a last word of the given name that looks like a
    patronymic is the patronymic. From the full name alone: three or more words with a
    patronymic last are ``surname given patronymic`` (Russian and Ukrainian order), with one
    before the last ``given patronymic surname``; otherwise a Cyrillic name is read surname
    first, a Latin one surname last (Person Finder's English order).

    >>> split_name("", "Сергей Петрович", "Иванов")
    ('Иванов', 'Сергей', 'Петрович')
    >>> split_name("Иванов Сергей Петрович"), split_name("Sergei Petrovich Ivanov")
    (('Иванов', 'Сергей', 'Петрович'), ('Ivanov', 'Sergei', 'Petrovich'))
    >>> split_name("Коваленко Олена"), split_name("John Smith")
    (('Коваленко', 'Олена', ''), ('Smith', 'John', ''))
    """
    full = " ".join(full_name.split())
    given = " ".join(given_name.split())
    family = " ".join(family_name.split())
    if family:
        if not given and full:
            given = " ".join(w for w in full.split() if w not in family.split())
        words = given.split()
        if len(words) >= 2 and is_patronymic(words[-1]):
            return family, " ".join(words[:-1]), words[-1]
        return family, given, ""
    words = full.split() or given.split()
    if len(words) <= 1:
        return (words[0] if words else ""), "", ""
    if len(words) >= 3 and is_patronymic(words[-1]):
        return words[0], " ".join(words[1:-1]), words[-1]
    if len(words) >= 3 and is_patronymic(words[-2]):
        return words[-1], " ".join(words[:-2]), words[-2]
    if _CYRILLIC.search(full):
        return words[0], " ".join(words[1:]), ""
    return words[-1], " ".join(words[:-1]), ""


UNIT_LINE = "Unit: "
RANK_LINE = "Rank: "


def describe(unit: str, rank: str) -> str:
    """Return the description kintrace writes for a person: his unit and rank, one a line."""
    lines = [f"{UNIT_LINE}{unit}" if unit else "", f"{RANK_LINE}{rank}" if rank else ""]
    return "\n".join(line for line in lines if line)


def read_description(text: str) -> tuple[str, str]:
    """Return (unit, rank) from a description's ``Unit:`` and ``Rank:`` lines, if it has them.

    >>> read_description("Unit: в/ч 12345\\nRank: рядовой")
    ('в/ч 12345', 'рядовой')
    """
    unit = rank = ""
    for line in text.splitlines():
        if line.startswith(UNIT_LINE):
            unit = line[len(UNIT_LINE) :].strip()
        elif line.startswith(RANK_LINE):
            rank = line[len(RANK_LINE) :].strip()
    return unit, rank
