"""Known answers for the weighing of evidence and the model of fates in time."""

from __future__ import annotations

import pytest

from kintrace.reconciliation.evidence import (
    Group,
    Strength,
    can_follow,
    counted_as,
    grade_factor,
    is_credible,
    strength,
    weight,
)
from kintrace.reports.model import Grade, SourceType, Status


@pytest.mark.parametrize(
    ("grade", "factor"),
    [("A1", 1.0), ("B2", 0.64), ("C3", 0.36), ("D3", 0.24), ("E3", 0.12), ("F6", 0.12)],
)
def test_grade_factor_multiplies_reliability_and_credibility(grade, factor):
    assert grade_factor(Grade.parse(grade)) == pytest.approx(factor)


@pytest.mark.parametrize(("grade", "credible"), [("D3", True), ("F3", False), ("A5", False)])
def test_credibility_threshold(grade, credible):
    assert is_credible(Grade.parse(grade)) is credible


def test_dna_identification_and_court_decisions_are_conclusive():
    assert strength(SourceType.DNA_LABORATORY, Status.IDENTIFIED) is Strength.CONCLUSIVE
    assert strength(SourceType.COURT, Status.DECLARED_DEAD) is Strength.CONCLUSIVE
    assert strength(SourceType.RED_CROSS, Status.CAPTURED_CONFIRMED) is Strength.STRONG
    assert strength(SourceType.OTHER_SIDE_CALL, Status.CAPTURED_REPORTED) is Strength.WEAK


def test_a_death_without_a_body_is_at_most_moderate():
    assert strength(SourceType.OFFICIAL_NOTIFICATION, Status.DEAD_UNRECOVERED) is Strength.MODERATE


def test_weak_confirmations_count_one_step_lower():
    assert (
        counted_as(SourceType.SOCIAL_MEDIA, Status.CAPTURED_CONFIRMED) is Status.CAPTURED_REPORTED
    )
    assert counted_as(SourceType.RELATIVE, Status.IDENTIFIED) is Status.REMAINS_RECOVERED
    assert counted_as(SourceType.RED_CROSS, Status.CAPTURED_CONFIRMED) is Status.CAPTURED_CONFIRMED
    assert counted_as(SourceType.HOSPITAL_RECORD, Status.WOUNDED) is Status.WOUNDED


def test_weight_is_grade_times_strength():
    assert weight(SourceType.DNA_LABORATORY, Grade.parse("A1"), Status.IDENTIFIED) == 1.0
    assert weight(SourceType.OTHER_SIDE_CALL, Grade.parse("D3"), Status.WOUNDED) == pytest.approx(
        0.072
    )


@pytest.mark.parametrize(
    ("earlier", "later", "possible"),
    [
        (Group.CAPTURED, Group.RETURNED, True),
        (Group.UNKNOWN, Group.DEAD, True),
        (Group.SERVING, Group.CAPTURED, True),
        (Group.DEAD, Group.DEAD, True),
        (Group.DEAD, Group.CAPTURED, False),
        (Group.DEAD, Group.RETURNED, False),
        (Group.CAPTURED, Group.UNKNOWN, False),
    ],
)
def test_which_fates_can_follow_which(earlier, later, possible):
    assert can_follow(earlier, later) is possible
