"""Reconcile all of a person's reports into one assessed status, with its reasons. Pure.

The engine walks the reports in time (date, then weight, then a stable key) and keeps one
current fate. Each report either agrees with it, moves it on (a plausible change: captured,
then returned), or contradicts it (an impossible change: dead, then seen alive); a
contradiction is decided by weight. At the end every report gets one role: supporting,
contradicting, superseded, retracted or retraction. docs/status.md tells the whole story.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from kintrace.errors import StoryError
from kintrace.reconciliation.clocks import SETTLED, ClockPolicy, run_clocks
from kintrace.reconciliation.evidence import (
    ALIVE,
    GROUP,
    LEGAL,
    RANK,
    Group,
    Strength,
    at_least,
    can_follow,
    counted_as,
    is_conclusive,
    is_credible,
    raises_contradiction,
    weight,
)
from kintrace.reconciliation.model import (
    Assessment,
    AuthorityRequest,
    ChangeReason,
    Clocks,
    Flag,
    OfficialStatus,
    ReportInput,
    Role,
    StatusChange,
    WeighedReport,
)
from kintrace.reports.model import Grade, Reliability, SourceType, Status

TRANSITION_SHARE = 0.5
"""A plausible change needs this share of the weight standing behind the current fate."""

OVERTURN_MARGIN = 1.1
"""A contradiction wins when it outweighs the current fate by this factor, loses when it is
outweighed by it; in between the evidence is unresolved and the status falls back to missing."""

NO_EVIDENCE_CONFIDENCE = 0.1
"""The confidence of ``missing`` when no report supports it."""

DEFAULT_POLICY = ClockPolicy()


@dataclass(slots=True)  # not frozen: made 10^7 times in a bulk run, never changed
class _Item:
    """A report ready for weighing."""

    report: ReportInput
    claim: Status
    weight: float
    group: Group
    credible: bool
    conclusive: bool
    moderate: bool  # at least moderate evidence
    order: tuple[date, float, str, str, str, str, str]  # see _order

    @property
    def key(self) -> str:
        return self.report.key

    @property
    def date(self) -> date:
        return self.report.date

    @property
    def dna(self) -> bool:
        return self.conclusive and self.claim is Status.IDENTIFIED

    @property
    def legal(self) -> bool:
        return self.claim in LEGAL


@dataclass(frozen=True, slots=True)
class _Kind:
    """What the engine derives from a report's source, grade and claim alone."""

    claim: Status
    weight: float
    group: Group
    credible: bool
    conclusive: bool
    moderate: bool
    claim_text: str
    grade_text: str


_KINDS: dict[tuple[SourceType, Reliability, int, Status], _Kind] = {}
"""Memo of :func:`_kind`: at most 14 sources x 36 grades x 11 claims entries. Keyed by the
grade's parts, which hash faster than the grade."""


def _kind(source: SourceType, grade: Grade, claim: Status) -> _Kind:
    key = (source, grade.reliability, grade.credibility, claim)
    found = _KINDS.get(key)
    if found is None:
        counted = counted_as(source, claim)
        found = _KINDS[key] = _Kind(
            claim=counted,
            weight=weight(source, grade, claim),
            group=GROUP[counted],
            credible=is_credible(grade),
            conclusive=is_conclusive(source, counted),
            moderate=at_least(source, counted, Strength.MODERATE),
            claim_text=str(claim),
            grade_text=str(grade),
        )
    return found


def _item(report: ReportInput) -> _Item:
    claim = report.claim
    assert isinstance(claim, Status), "a retraction is not weighed"
    kind = _kind(report.source, report.grade, claim)
    return _Item(
        report=report,
        claim=kind.claim,
        weight=kind.weight,
        group=kind.group,
        credible=kind.credible,
        conclusive=kind.conclusive,
        moderate=kind.moderate,
        order=_order(report, kind.weight, kind.claim_text, kind.grade_text),
    )


def _order(
    report: ReportInput, weight_: float, claim_text: str, grade_text: str
) -> tuple[date, float, str, str, str, str, str]:
    """Sort by date, heavier first, then by content, so that input order never matters.

    ``claim_text`` and ``grade_text`` are the report's claim and grade as text (memoised by
    :func:`_kind` for the reports that are weighed).
    """
    return (
        report.date,
        -weight_,
        claim_text,
        report.source.value,
        grade_text,
        report.text,
        report.key,
    )


def noisy_or(weights: Iterable[float]) -> float:
    """Return the chance that at least one of independent reports is right.

    >>> round(noisy_or([0.5, 0.5]), 2)
    0.75
    """
    return 1.0 - math.prod(1.0 - w for w in weights)


class _Fold:
    """The walk through time: the current fate and what stands behind it."""

    __slots__ = (
        "status",
        "group",
        "start",
        "by_group",
        "lost",
        "contested",
        "unresolved",
        "changes",
        "_unsure",
        "_dna",
    )

    def __init__(self) -> None:
        self.status = Status.MISSING
        self.group = Group.UNKNOWN
        self.start: date | None = None
        self.by_group: dict[Group, list[_Item]] = {}  # the reports seen, by fate
        self.lost: set[str] = set()
        self.contested: set[str] = set()
        self.unresolved = False
        self.changes: list[StatusChange] = []
        # kept as reports arrive, so that weighing a report does not go over the others:
        self._unsure: dict[Group, float] = {}  # by fate: the product of (1 - weight), no courts
        self._dna: set[Group] = set()  # the fates a DNA identification supports

    def supporters(self) -> list[_Item]:
        return self.by_group.get(self.group, [])

    def standing(self) -> float:
        """Weigh the evidence behind the current fate; a court's decision is not evidence.

        The noisy-or (:func:`noisy_or`) of the supporters' weights, multiplied out in the
        order they arrived.
        """
        return 1.0 - self._unsure.get(self.group, 1.0)

    def add(self, item: _Item) -> None:
        group = item.group
        self.by_group.setdefault(group, []).append(item)
        if not item.legal:
            self._unsure[group] = self._unsure.get(group, 1.0) * (1.0 - item.weight)
        if item.dna:
            self._dna.add(group)
        if group is self.group:
            self._agree(item)
        elif item.conclusive:
            dna_backed = self.group in self._dna
            if dna_backed and not can_follow(self.group, item.group):
                self.lost.add(item.key)
            else:
                self._adopt(item, ChangeReason.CONCLUSIVE)
        elif not item.credible:
            self.lost.add(item.key)
        else:
            self._weigh(item)

    def _weigh(self, item: _Item) -> None:
        standing = self.standing()
        plausible = can_follow(self.group, item.group)
        reason = ChangeReason.TRANSITION if plausible else ChangeReason.OVERTURN
        if self.group in self._dna:
            self.lost.add(item.key)
        elif self.group is Group.UNKNOWN or standing == 0.0:
            # Nothing is known, or only a court spoke: a court's decision yields to
            # evidence, not to rumour.
            if self.status in LEGAL and not item.moderate:
                self.lost.add(item.key)
            else:
                self._adopt(item, reason)
        elif plausible:
            later = self.start is None or item.date > self.start
            enough = item.weight >= standing * TRANSITION_SHARE if later else item.weight > standing
            if enough:
                self._adopt(item, reason)
            else:
                self.lost.add(item.key)
        elif item.weight > standing * OVERTURN_MARGIN:
            self._adopt(item, reason)
        elif item.weight * OVERTURN_MARGIN >= standing:
            self._unresolve(item)
        else:
            self.lost.add(item.key)

    def _agree(self, item: _Item) -> None:
        if item.credible and RANK.get(item.claim, 0) > RANK.get(self.status, 0):
            self.status = item.claim
            self.unresolved = False
            self._change(item, ChangeReason.CONCLUSIVE if item.conclusive else ChangeReason.UPGRADE)

    def _adopt(self, item: _Item, reason: ChangeReason) -> None:
        self.group, self.start, self.unresolved = item.group, item.date, False
        backers = [i for i in self.supporters() if i.credible] or [item]
        self.status = max(backers, key=lambda i: RANK.get(i.claim, 0)).claim
        self._change(item, reason)

    def _unresolve(self, item: _Item) -> None:
        self.contested.update(i.key for i in self.supporters())
        self.contested.add(item.key)
        self.group, self.start, self.unresolved = Group.UNKNOWN, item.date, True
        self.status = Status.MISSING
        self._change(item, ChangeReason.UNRESOLVED)

    def _change(self, item: _Item, reason: ChangeReason) -> None:
        self.changes.append(StatusChange(item.date, self.status, item.key, reason))

    def role(self, item: _Item) -> Role:
        if item.group is self.group:
            return Role.SUPPORTING
        if item.key in self.lost or item.key in self.contested:
            return Role.CONTRADICTING
        before = self.start is None or item.date <= self.start
        if before and can_follow(item.group, self.group):
            return Role.SUPERSEDED
        return Role.CONTRADICTING

    def since(self) -> date | None:
        dates = [i.date for i in self.supporters() if i.claim is self.status and i.credible]
        return min(dates) if dates else self.start


def retraction_problems(
    reports: Sequence[ReportInput], name: Callable[[str], str] = lambda key: f"report {key!r}"
) -> list[str]:
    """List what is wrong with the keys and retractions of the reports, one line each."""
    problems: list[str] = []
    by_key: dict[str, ReportInput] = {}
    for report in reports:
        if report.key in by_key:
            problems.append(f"{name(report.key)}: field 'id': the same id is used twice")
        by_key.setdefault(report.key, report)
    for report in reports:
        if report.retracts is None and not report.is_retraction:
            continue  # the common case: nothing to check
        where = f"{name(report.key)}: field 'retracts'"
        target = None if report.retracts is None else by_key.get(report.retracts)
        if not report.is_retraction:
            if report.retracts is not None:
                problems.append(f"{where}: only a report with claim 'retraction' retracts")
        elif report.retracts is None:
            problems.append(f"{where}: a retraction must name the report it retracts")
        elif report.retracts == report.key:
            problems.append(f"{where}: a report cannot retract itself")
        elif target is None:
            problems.append(f"{where}: unknown report {report.retracts!r}")
        elif target.is_retraction:
            problems.append(f"{where}: a retraction cannot be retracted; file the report again")
        elif target.date > report.date:
            problems.append(f"{where}: retracts {name(target.key)}, which is dated later")
    return problems


def reconcile(
    reports: Sequence[ReportInput],
    official: OfficialStatus | None,
    today: date,
    policy: ClockPolicy = DEFAULT_POLICY,
    requests: Sequence[AuthorityRequest] = (),
) -> Assessment:
    """Assess what the evidence supports about one person, with its reasons and flags.

    Raises StoryError when keys repeat or a retraction names no known report.

    >>> from kintrace.reports.model import Grade, SourceType
    >>> def report(key, day, source, grade, claim):
    ...     return ReportInput(key, date.fromisoformat(day), SourceType(source),
    ...                        Grade.parse(grade), Status(claim))
    >>> result = reconcile(
    ...     [report("r1", "2022-09-18", "unit_commander", "B3", "missing"),
    ...      report("r2", "2022-10-05", "pow_list_other_side", "B2", "captured_reported"),
    ...      report("r3", "2022-11-30", "red_cross", "A1", "captured_confirmed")],
    ...     OfficialStatus(Status.MISSING, date(2022, 9, 20), "ministry"),
    ...     today=date(2023, 1, 15))
    >>> result.status.value, result.confidence, [f.value for f in result.flags]
    ('captured_confirmed', 0.938, ['official_disagrees'])
    >>> result.supporting, result.superseded, result.since
    (('r2', 'r3'), ('r1',), datetime.date(2022, 11, 30))
    """
    problems = retraction_problems(reports)
    if problems:
        raise StoryError(f"{len(problems)} problem(s) in the reports", problems)
    retracted_by: dict[str, str] = {}
    retractions = [r for r in reports if r.is_retraction]
    for r in sorted(retractions, key=lambda r: (r.date, r.key)):
        if r.retracts is not None:
            retracted_by.setdefault(r.retracts, r.key)  # the first withdrawal counts
    items = [_item(r) for r in reports if not r.is_retraction and r.key not in retracted_by]
    items.sort(key=lambda i: i.order)
    fold = _Fold()
    for item in items:
        fold.add(item)
    weighed = [WeighedReport(i.report, i.weight, i.claim, fold.role(i)) for i in items]
    if retractions:
        weighed = _with_retractions(items, weighed, reports, retracted_by)
    status = fold.status
    clocks = run_clocks(_last_information(items, official), status, requests, today, policy)
    flags = _flags(fold, weighed, official, clocks, today, policy)
    return Assessment(
        status=status,
        confidence=_confidence(weighed),
        since=fold.since(),
        flags=flags,
        reports=tuple(weighed),
        changes=tuple(fold.changes),
        clocks=clocks,
        official=official,
        today=today,
    )


def _with_retractions(
    items: Sequence[_Item],
    weighed: list[WeighedReport],
    reports: Sequence[ReportInput],
    retracted_by: dict[str, str],
) -> list[WeighedReport]:
    """Put the retractions and the reports they withdrew among the weighed reports, in order."""
    ordered = [(i.order, w) for i, w in zip(items, weighed, strict=True)]
    for report in reports:
        if report.is_retraction:
            order = _order(report, 0.0, str(report.claim), str(report.grade))
            ordered.append((order, WeighedReport(report, 0.0, None, Role.RETRACTION)))
        elif report.key in retracted_by:
            kind = _kind(report.source, report.grade, Status(report.claim))
            w = WeighedReport(
                report, kind.weight, kind.claim, Role.RETRACTED, retracted_by[report.key]
            )
            ordered.append((_order(report, w.weight, kind.claim_text, kind.grade_text), w))
    ordered.sort(key=lambda pair: pair[0])
    return [w for _, w in ordered]


def _last_information(items: Sequence[_Item], official: OfficialStatus | None) -> date | None:
    """Date the last credible news of the person, or when touch was lost after it.

    News is a credible report of a fate (not ``missing``, not a court's decision). A report
    or official status of ``missing`` dated after the last news marks when touch was lost.
    """
    news = max((i.date for i in items if i.credible and i.group is not Group.UNKNOWN), default=None)
    lost_touch = [i.date for i in items if i.claim is Status.MISSING]
    if official is not None and official.status is Status.MISSING:
        lost_touch.append(official.since)
    after_news = [d for d in lost_touch if news is None or d > news]
    if after_news:
        return min(after_news)
    if news is not None:
        return news
    return min((i.date for i in items), default=None)


def _confidence(weighed: Sequence[WeighedReport]) -> float:
    """Combine the supporting weights, discounted by half the contradicting weight."""
    support = [w.weight for w in weighed if w.role is Role.SUPPORTING]
    against = noisy_or(w.weight for w in weighed if w.role is Role.CONTRADICTING)
    base = noisy_or(support) if support else NO_EVIDENCE_CONFIDENCE
    return round(min(1.0, max(0.0, base * (1.0 - against / 2.0))), 3)


def _flags(
    fold: _Fold,
    weighed: Sequence[WeighedReport],
    official: OfficialStatus | None,
    clocks: Clocks,
    today: date,
    policy: ClockPolicy,
) -> tuple[Flag, ...]:
    """Raise the flags of an assessment, in the order Flag lists them."""
    status = fold.status
    days = clocks.days_since_last_information
    raised = {
        Flag.CONTRADICTION: any(
            w.role is Role.CONTRADICTING and raises_contradiction(w.report.grade) for w in weighed
        ),
        Flag.OFFICIAL_DISAGREES: official is not None and official.status is not status,
        Flag.COURT_DATE_PASSED: clocks.court_date is not None and today >= clocks.court_date,
        Flag.OVERDUE: bool(clocks.overdue_requests),
        Flag.STALE: days is not None and days >= policy.stale_after_days and status not in SETTLED,
        Flag.COURT_DECLARATION_CONTRADICTED: GROUP[status] in ALIVE
        and any(w.counted_as in LEGAL and w.role is not Role.RETRACTED for w in weighed),
        Flag.UNRESOLVED: fold.unresolved,
    }
    return tuple(flag for flag in Flag if raised[flag])
