"""What goes into and comes out of the reconciliation engine: plain frozen dataclasses. Pure.

Every report carries a ``key`` (a string) chosen by the caller: a database id, a story id, or
anything else unique within one person's reports. The engine only compares and echoes keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from kintrace.reports.model import RETRACTION, Grade, SourceType, Status

Claim = Status | Literal["retraction"]
"""What a report says: a status, or the withdrawal of an earlier report."""


@dataclass(frozen=True, slots=True)
class ReportInput:
    """One report about one person: who said what, when, with which grade."""

    key: str
    date: date
    source: SourceType
    grade: Grade
    claim: Claim
    retracts: str | None = None
    text: str = ""

    @property
    def is_retraction(self) -> bool:
        """Tell whether this report withdraws an earlier one."""
        return self.claim == RETRACTION


@dataclass(frozen=True, slots=True)
class OfficialStatus:
    """What the authority says, since when, and which authority says it."""

    status: Status
    since: date
    authority: str


class RequestKind(StrEnum):
    """What a request to an authority asks for."""

    STATUS_CHANGE = "status_change"  # change the official status
    POW_LIST = "pow_list"  # put the person on the prisoner-of-war lists for exchanges
    DNA_TEST = "dna_test"  # take or compare DNA samples
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class AuthorityRequest:
    """A request sent to an authority, with the date its answer is due and the reply date."""

    key: str
    authority: str
    sent: date
    due: date
    replied: date | None = None
    kind: RequestKind = RequestKind.OTHER


class Flag(StrEnum):
    """Something about a person's case that needs a human's attention.

    - ``contradiction``: a credible report disagrees with the assessed status.
    - ``official_disagrees``: the official status differs from the assessed one.
    - ``court_date_passed``: a court may now declare the person missing or dead.
    - ``overdue``: an authority has not answered a request by its due date.
    - ``stale``: no credible information for a long time (90 days by default).
    - ``court_declaration_contradicted``: a court declared the person missing or dead, and
      later evidence says he is alive.
    - ``unresolved``: credible reports of different fates weigh about the same, so the
      assessed status falls back to ``missing``.
    """

    CONTRADICTION = "contradiction"
    OFFICIAL_DISAGREES = "official_disagrees"
    COURT_DATE_PASSED = "court_date_passed"
    OVERDUE = "overdue"
    STALE = "stale"
    COURT_DECLARATION_CONTRADICTED = "court_declaration_contradicted"
    UNRESOLVED = "unresolved"


class Role(StrEnum):
    """The part a report plays in an assessment; every report has exactly one.

    - ``supporting``: says what the assessment says (the same fate).
    - ``contradicting``: disagrees, and was kept and weighed but outweighed.
    - ``superseded``: was consistent with the timeline but describes an earlier state.
    - ``retracted``: withdrawn by a later report; not weighed.
    - ``retraction``: the report that withdraws another one.
    """

    SUPPORTING = "supporting"
    CONTRADICTING = "contradicting"
    SUPERSEDED = "superseded"
    RETRACTED = "retracted"
    RETRACTION = "retraction"


class ChangeReason(StrEnum):
    """Why the assessed status changed at a step of the history."""

    TRANSITION = "transition"  # a plausible change of fate, e.g. captured then returned
    UPGRADE = "upgrade"  # the same fate, better established, e.g. reported then confirmed
    OVERTURN = "overturn"  # stronger evidence proved the earlier assessment wrong
    CONCLUSIVE = "conclusive"  # a DNA identification or a court decision
    UNRESOLVED = "unresolved"  # equally weighty reports disagree: back to missing


@dataclass(slots=True)  # not frozen: made for every report of a bulk run; never changed
class WeighedReport:
    """A report as the engine weighed it: its weight, the claim it counted as, and its role."""

    report: ReportInput
    weight: float
    counted_as: Status | None  # None for a retraction
    role: Role
    retracted_by: str | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One step of the assessed status through time, with the report that caused it."""

    date: date
    status: Status
    report: str
    reason: ChangeReason


@dataclass(frozen=True, slots=True)
class Clocks:
    """The dates that run for a case: last information, court date, late answers."""

    last_information: date | None
    days_since_last_information: int | None
    court_date: date | None
    overdue_requests: tuple[AuthorityRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the evidence supports about one person, with its reasons."""

    status: Status
    confidence: float
    since: date | None
    flags: tuple[Flag, ...]
    reports: tuple[WeighedReport, ...]  # in the order the engine weighed them
    changes: tuple[StatusChange, ...]
    clocks: Clocks
    official: OfficialStatus | None
    today: date

    def keys(self, role: Role) -> tuple[str, ...]:
        """Return the keys of the reports playing ``role``, in weighing order."""
        return tuple(w.report.key for w in self.reports if w.role == role)

    @property
    def supporting(self) -> tuple[str, ...]:
        """Return the keys of the supporting reports."""
        return self.keys(Role.SUPPORTING)

    @property
    def contradicting(self) -> tuple[str, ...]:
        """Return the keys of the contradicting reports."""
        return self.keys(Role.CONTRADICTING)

    @property
    def superseded(self) -> tuple[str, ...]:
        """Return the keys of the superseded reports."""
        return self.keys(Role.SUPERSEDED)
