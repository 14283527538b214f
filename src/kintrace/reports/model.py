"""The words of evidence: statuses, source types and the Admiralty grade. Pure.

The Admiralty (NATO) code grades a piece of information twice: the *reliability* of its
source, A (completely reliable) to F (cannot be judged), and the *credibility* of the
information itself, 1 (confirmed by other sources) to 6 (truth cannot be judged).
See ``../shared/reference/admiralty-code.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kintrace.errors import InvalidInput


class Status(StrEnum):
    """What happened to a missing person, as claimed by a report or assessed from all of them.

    - ``alive_serving``: alive and with his unit.
    - ``wounded``: alive and wounded (in hospital or evacuated).
    - ``captured_reported``: said to be a prisoner (a list, a call, a video), not confirmed.
    - ``captured_confirmed``: a prisoner, confirmed (Red Cross registration, official).
    - ``missing``: whereabouts unknown.
    - ``dead_unrecovered``: reported dead, body not recovered.
    - ``remains_recovered``: remains recovered, not yet identified.
    - ``identified``: remains identified (DNA or otherwise).
    - ``remains_returned``: identified remains handed over to the family.
    - ``returned``: came home (exchange, release, escape).
    - ``declared_missing``: a court declared him missing.
    - ``declared_dead``: a court declared him dead.
    """

    ALIVE_SERVING = "alive_serving"
    WOUNDED = "wounded"
    CAPTURED_REPORTED = "captured_reported"
    CAPTURED_CONFIRMED = "captured_confirmed"
    MISSING = "missing"
    DEAD_UNRECOVERED = "dead_unrecovered"
    REMAINS_RECOVERED = "remains_recovered"
    IDENTIFIED = "identified"
    REMAINS_RETURNED = "remains_returned"
    RETURNED = "returned"
    DECLARED_MISSING = "declared_missing"
    DECLARED_DEAD = "declared_dead"


RETRACTION = "retraction"
"""The claim word of a report that withdraws an earlier report."""


class SourceType(StrEnum):
    """Who or what gave the information."""

    OFFICIAL_NOTIFICATION = "official_notification"
    UNIT_COMMANDER = "unit_commander"
    COMRADE = "comrade"
    HOSPITAL_RECORD = "hospital_record"
    POW_LIST_OTHER_SIDE = "pow_list_other_side"
    VIDEO_OTHER_SIDE = "video_other_side"
    OTHER_SIDE_CALL = "other_side_call"
    RED_CROSS = "red_cross"
    EXCHANGE_LIST = "exchange_list"
    SOCIAL_MEDIA = "social_media"
    RELATIVE = "relative"
    DNA_LABORATORY = "dna_laboratory"
    REMAINS_RECOVERY = "remains_recovery"
    COURT = "court"


class Reliability(StrEnum):
    """Admiralty source reliability."""

    A = "A"  # completely reliable
    B = "B"  # usually reliable
    C = "C"  # fairly reliable
    D = "D"  # not usually reliable
    E = "E"  # unreliable
    F = "F"  # reliability cannot be judged


DEFAULT_RELIABILITY: dict[SourceType, Reliability] = {
    SourceType.OFFICIAL_NOTIFICATION: Reliability.B,
    SourceType.UNIT_COMMANDER: Reliability.B,
    SourceType.COMRADE: Reliability.C,
    SourceType.HOSPITAL_RECORD: Reliability.A,
    SourceType.POW_LIST_OTHER_SIDE: Reliability.C,
    SourceType.VIDEO_OTHER_SIDE: Reliability.C,
    SourceType.OTHER_SIDE_CALL: Reliability.D,
    SourceType.RED_CROSS: Reliability.A,
    SourceType.EXCHANGE_LIST: Reliability.A,
    SourceType.SOCIAL_MEDIA: Reliability.E,
    SourceType.RELATIVE: Reliability.C,
    SourceType.DNA_LABORATORY: Reliability.A,
    SourceType.REMAINS_RECOVERY: Reliability.B,
    SourceType.COURT: Reliability.A,
}
"""The reliability a source of each type gets until an analyst grades it otherwise."""

CREDIBILITY_LABELS: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}
"""The written meaning of each credibility (Admiralty code), as forms show it."""

UNGRADED_CREDIBILITY = 6
"""The credibility of a claim nobody has judged yet (a relative's report until an analyst does)."""

UNGRADED_RELIABILITY = Reliability.F
"""The reliability of a relative's own source until an analyst grades it: cannot be judged."""

EARLIEST_DATE = date(1900, 1, 1)
"""No event kintrace records (report, official status, request, answer) is older than this."""

LATEST_DATE = date(2100, 12, 31)
"""Nor later than this (an answer's due date is the only future date kintrace keeps)."""


def date_problems(value: date, field: str, *, today: date, future: bool = False) -> list[str]:
    """List what is wrong with the date of an event: before 1900, after 2100, or in the future.

    >>> date_problems(date(1, 1, 1), "since", today=date(2026, 1, 1))
    ["field 'since': 0001-01-01 is before 1900"]
    >>> date_problems(date(2026, 1, 2), "since", today=date(2026, 1, 1))
    ["field 'since': 2026-01-02 is in the future"]
    """
    if value < EARLIEST_DATE:
        return [f"field {field!r}: {value.isoformat()} is before {EARLIEST_DATE.year}"]
    if value > LATEST_DATE:
        return [f"field {field!r}: {value.isoformat()} is after {LATEST_DATE.year}"]
    if not future and value > today:
        return [f"field {field!r}: {value.isoformat()} is in the future"]
    return []


def check_date(value: date, field: str, *, today: date, future: bool = False) -> None:
    """Raise InvalidInput when :func:`date_problems` finds something wrong."""
    problems = date_problems(value, field, today=today, future=future)
    if problems:
        raise InvalidInput(problems[0], problems)


_GRADE = re.compile(r"^([A-F])([1-6])$")


@dataclass(frozen=True, slots=True)
class Grade:
    """An Admiralty grade such as ``B2``: source reliability and information credibility."""

    reliability: Reliability
    credibility: int

    @classmethod
    def parse(cls, text: str) -> Grade:
        """Parse ``"B2"`` into a grade.

        >>> Grade.parse("b2")
        Grade(reliability=<Reliability.B: 'B'>, credibility=2)
        """
        match = _GRADE.match(text.strip().upper())
        if match is None:
            raise InvalidInput(
                f"bad grade {text!r}: expected a letter A-F and a digit 1-6, e.g. B2"
            )
        return cls(Reliability(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.reliability.value}{self.credibility}"


@dataclass(frozen=True, slots=True)
class SourceDetails:
    """Who or what gives information, and how reliable it is judged to be."""

    name: str
    type: SourceType
    reliability: Reliability | None = None  # None: the default for the type

    @property
    def effective_reliability(self) -> Reliability:
        """Return the reliability an analyst set, or the default for the source type."""
        return self.reliability or DEFAULT_RELIABILITY[self.type]


@dataclass(frozen=True, slots=True)
class ReportDetails:
    """One claim of one source about one person at one time and place.

    ``claim`` is a :class:`Status` word or ``"retraction"``; a retraction names the report
    it withdraws in ``retracts`` (a key the caller understands: a stored id or a story id).
    """

    claim: str
    observed_on: date
    credibility: int
    text: str = ""
    place: str = ""
    retracts: str | None = None


@dataclass(frozen=True, slots=True)
class OfficialStatusDetails:
    """What an authority says, kept apart from what the evidence supports."""

    status: Status
    since: date
    authority: str
