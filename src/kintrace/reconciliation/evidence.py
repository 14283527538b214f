"""How much a report weighs, what it counts as, and which fates may follow which. Pure.

The weight of a report is a number in (0, 1]::

    weight = reliability factor (A-F) x credibility factor (1-6) x strength of its kind

The first two come from the Admiralty grade; the third from what kind of evidence it is
(a DNA identification is conclusive, a call from the other side is weak). See docs/status.md.
"""

from __future__ import annotations

from enum import StrEnum

from kintrace.reports.model import Grade, Reliability, SourceType, Status


class Strength(StrEnum):
    """How strong a kind of evidence is, whatever its grade."""

    CONCLUSIVE = "conclusive"  # a DNA identification, a court decision
    STRONG = "strong"  # Red Cross registration, exchange list, hospital record, video
    MODERATE = "moderate"  # comrade, unit commander, relative, a published prisoner list
    WEAK = "weak"  # a call from the other side, social media


STRENGTH_FACTOR: dict[Strength, float] = {
    Strength.CONCLUSIVE: 1.0,
    Strength.STRONG: 0.9,
    Strength.MODERATE: 0.6,
    Strength.WEAK: 0.3,
}

RELIABILITY_FACTOR: dict[Reliability, float] = {
    Reliability.A: 1.0,
    Reliability.B: 0.8,
    Reliability.C: 0.6,
    Reliability.D: 0.4,
    Reliability.E: 0.2,
    Reliability.F: 0.3,  # cannot be judged: a new source earns trust by its track record
}

CREDIBILITY_FACTOR: dict[int, float] = {
    1: 1.0,  # confirmed by other independent sources
    2: 0.8,  # probably true
    3: 0.6,  # possibly true
    4: 0.3,  # doubtful
    5: 0.1,  # improbable
    6: 0.4,  # cannot be judged
}

CREDIBLE_GRADE = 0.2
"""A report whose grade factor reaches this is credible: it raises flags and moves the status.

D3 (0.24) is credible; E3 (0.12), F3 (0.18) and anything graded 5 are not (F1-F3 still raise
the ``contradiction`` flag: see :func:`raises_contradiction`).
"""

SOURCE_STRENGTH: dict[SourceType, Strength] = {
    SourceType.OFFICIAL_NOTIFICATION: Strength.STRONG,
    SourceType.UNIT_COMMANDER: Strength.MODERATE,
    SourceType.COMRADE: Strength.MODERATE,
    SourceType.HOSPITAL_RECORD: Strength.STRONG,
    SourceType.POW_LIST_OTHER_SIDE: Strength.MODERATE,
    SourceType.VIDEO_OTHER_SIDE: Strength.STRONG,  # he is seen: direct evidence of life
    SourceType.OTHER_SIDE_CALL: Strength.WEAK,
    SourceType.RED_CROSS: Strength.STRONG,
    SourceType.EXCHANGE_LIST: Strength.STRONG,
    SourceType.SOCIAL_MEDIA: Strength.WEAK,
    SourceType.RELATIVE: Strength.MODERATE,
    SourceType.DNA_LABORATORY: Strength.STRONG,
    SourceType.REMAINS_RECOVERY: Strength.STRONG,
    SourceType.COURT: Strength.STRONG,
}

_OTHER_SIDE = frozenset(
    {SourceType.POW_LIST_OTHER_SIDE, SourceType.VIDEO_OTHER_SIDE, SourceType.OTHER_SIDE_CALL}
)
_RANKS = (Strength.WEAK, Strength.MODERATE, Strength.STRONG, Strength.CONCLUSIVE)


class Group(StrEnum):
    """The fate a status word speaks of; words of one group agree with each other."""

    UNKNOWN = "unknown"  # missing, declared_missing
    SERVING = "serving"
    WOUNDED = "wounded"
    CAPTURED = "captured"
    RETURNED = "returned"
    DEAD = (
        "dead"  # dead_unrecovered, declared_dead, remains_recovered, identified, remains_returned
    )


GROUP: dict[Status, Group] = {
    Status.MISSING: Group.UNKNOWN,
    Status.DECLARED_MISSING: Group.UNKNOWN,
    Status.ALIVE_SERVING: Group.SERVING,
    Status.WOUNDED: Group.WOUNDED,
    Status.CAPTURED_REPORTED: Group.CAPTURED,
    Status.CAPTURED_CONFIRMED: Group.CAPTURED,
    Status.RETURNED: Group.RETURNED,
    Status.DEAD_UNRECOVERED: Group.DEAD,
    Status.DECLARED_DEAD: Group.DEAD,
    Status.REMAINS_RECOVERED: Group.DEAD,
    Status.IDENTIFIED: Group.DEAD,
    Status.REMAINS_RETURNED: Group.DEAD,
}

RANK: dict[Status, int] = {
    Status.DECLARED_MISSING: 1,
    Status.CAPTURED_CONFIRMED: 1,
    Status.DECLARED_DEAD: 1,
    Status.REMAINS_RECOVERED: 2,
    Status.IDENTIFIED: 3,
    Status.REMAINS_RETURNED: 4,  # identified remains handed over to the family: the end
}
"""How well established a word is within its group; absent words rank 0."""

LEGAL = frozenset({Status.DECLARED_MISSING, Status.DECLARED_DEAD})
"""Words that record a court's decision, a legal act rather than evidence of fate."""

ALIVE = frozenset({Group.SERVING, Group.WOUNDED, Group.CAPTURED, Group.RETURNED})

_FOLLOWERS: dict[Group, frozenset[Group]] = {
    Group.UNKNOWN: frozenset(Group),
    Group.SERVING: frozenset(Group),
    Group.WOUNDED: frozenset(Group),
    Group.RETURNED: frozenset(Group),
    # A prisoner comes back, dies, or is seen serving or wounded at home; he does not go
    # back to "whereabouts unknown" on a mere absence of news.
    Group.CAPTURED: frozenset(
        {Group.CAPTURED, Group.RETURNED, Group.DEAD, Group.SERVING, Group.WOUNDED}
    ),
    Group.DEAD: frozenset({Group.DEAD}),
}


def can_follow(earlier: Group, later: Group) -> bool:
    """Tell whether a person in fate ``earlier`` can plausibly be in fate ``later`` afterwards.

    >>> can_follow(Group.CAPTURED, Group.RETURNED), can_follow(Group.DEAD, Group.CAPTURED)
    (True, False)
    """
    return later in _FOLLOWERS[earlier]


def grade_factor(grade: Grade) -> float:
    """Return reliability factor x credibility factor of an Admiralty grade, in (0, 1].

    >>> grade_factor(Grade.parse("B2"))
    0.64
    """
    return round(RELIABILITY_FACTOR[grade.reliability] * CREDIBILITY_FACTOR[grade.credibility], 6)


def is_credible(grade: Grade) -> bool:
    """Tell whether a grade is good enough for a report to raise flags and move the status."""
    return grade_factor(grade) >= CREDIBLE_GRADE


FLAGGING_CREDIBILITY = 3
"""The worst credibility (3: possibly true) at which a report from a source that cannot be
judged (reliability F) still raises the ``contradiction`` flag."""


def raises_contradiction(grade: Grade) -> bool:
    """Tell whether a contradicting report of this grade must bring the case to an analyst.

    A credible grade does (see :func:`is_credible`). So does a source that *cannot be judged*
    (F: a new source with no track record, such as a soldier of the other side calling a
    mother) when the information itself is judged possibly true or better (F1, F2, F3):
    F is not E (unreliable), and what such a source says is exactly what an analyst has to
    look at. Such a report still does not move the status: its weight stays what it is.
    Not E, not a credibility of 4 or 5 (doubtful, improbable), and not 6 (cannot be judged:
    a relative's own ungraded report is F6 until an analyst grades it).

    >>> [raises_contradiction(Grade.parse(g)) for g in ("D3", "F3", "F1", "F4", "F6", "E3")]
    [True, True, True, False, False, False]
    """
    if is_credible(grade):
        return True
    return grade.reliability is Reliability.F and grade.credibility <= FLAGGING_CREDIBILITY


def strength(source: SourceType, claim: Status) -> Strength:
    """Return how strong a report of this kind is for this claim.

    A DNA laboratory's identification and a court's declaration are conclusive. A death
    without a body (``dead_unrecovered``) is at most moderate, whoever reports it: such
    notices are often wrong in war.

    >>> strength(SourceType.DNA_LABORATORY, Status.IDENTIFIED)
    <Strength.CONCLUSIVE: 'conclusive'>
    """
    if source is SourceType.DNA_LABORATORY and claim is Status.IDENTIFIED:
        return Strength.CONCLUSIVE
    if source is SourceType.COURT and claim in LEGAL:
        return Strength.CONCLUSIVE
    base = SOURCE_STRENGTH[source]
    if claim is Status.DEAD_UNRECOVERED and _RANKS.index(base) > _RANKS.index(Strength.MODERATE):
        return Strength.MODERATE
    return base


def counted_as(source: SourceType, claim: Status) -> Status:
    """Return the status a claim counts as, given who makes it.

    A wounded man the other side talks about is in their hands; "confirmed" captivity, an
    identification and the handover of identified remains need strong evidence, otherwise
    they count as the step below (remains that nobody has identified: ``remains_recovered``).

    >>> counted_as(SourceType.OTHER_SIDE_CALL, Status.WOUNDED)
    <Status.CAPTURED_REPORTED: 'captured_reported'>
    """
    if claim is Status.WOUNDED and source in _OTHER_SIDE:
        return Status.CAPTURED_REPORTED
    weak = _RANKS.index(strength(source, claim)) < _RANKS.index(Strength.STRONG)
    if weak and claim is Status.CAPTURED_CONFIRMED:
        return Status.CAPTURED_REPORTED
    if weak and claim in (Status.IDENTIFIED, Status.REMAINS_RETURNED):
        return Status.REMAINS_RECOVERED
    return claim


def weight(source: SourceType, grade: Grade, claim: Status) -> float:
    """Return the weight of a report in (0, 1]: grade factor x strength factor.

    >>> weight(SourceType.RED_CROSS, Grade.parse("A1"), Status.CAPTURED_CONFIRMED)
    0.9
    """
    kind = strength(source, counted_as(source, claim))
    return round(grade_factor(grade) * STRENGTH_FACTOR[kind], 6)


def is_conclusive(source: SourceType, claim: Status) -> bool:
    """Tell whether a report of this kind settles its claim (DNA identification, court)."""
    return strength(source, claim) is Strength.CONCLUSIVE


def at_least(source: SourceType, claim: Status, floor: Strength) -> bool:
    """Tell whether a report of this kind is at least as strong as ``floor``."""
    return _RANKS.index(strength(source, claim)) >= _RANKS.index(floor)
