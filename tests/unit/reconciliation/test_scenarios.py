"""Stories families live, each with the status, confidence band and flags the engine must give."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kintrace.errors import StoryError
from kintrace.reconciliation.clocks import ClockPolicy
from kintrace.reconciliation.model import (
    Assessment,
    AuthorityRequest,
    Flag,
    OfficialStatus,
    ReportInput,
    RequestKind,
    Role,
)
from kintrace.reconciliation.rules import reconcile
from kintrace.reports.model import Grade, SourceType, Status

TODAY = date(2023, 6, 1)


def a_report(
    key: str,
    on: str,
    source: str,
    grade: str,
    claim: str,
    retracts: str | None = None,
    text: str = "",
) -> ReportInput:
    """Build a report from the words a relative or an operator would use."""
    said = "retraction" if claim == "retraction" else Status(claim)
    return ReportInput(
        key, date.fromisoformat(on), SourceType(source), Grade.parse(grade), said, retracts, text
    )


def officially(status: str, since: str, authority: str = "ministry") -> OfficialStatus:
    """Build the official status."""
    return OfficialStatus(Status(status), date.fromisoformat(since), authority)


def assess(
    *reports: ReportInput, official: OfficialStatus | None = None, **kw: object
) -> Assessment:
    """Reconcile the reports as of TODAY."""
    return reconcile(list(reports), official, kw.pop("today", TODAY), **kw)  # type: ignore[arg-type]


def roles(result: Assessment) -> dict[str, Role]:
    return {w.report.key: w.role for w in result.reports}


def test_no_reports_at_all_leave_him_missing_with_low_confidence():
    result = assess(official=officially("missing", "2022-09-20"))

    assert result.status is Status.MISSING
    assert result.confidence <= 0.15
    assert result.reports == ()
    assert result.clocks.last_information == date(2022, 9, 20)
    assert result.clocks.court_date == date(2023, 3, 20)
    assert Flag.COURT_DATE_PASSED in result.flags
    assert Flag.OFFICIAL_DISAGREES not in result.flags


def test_no_reports_and_no_official_status_have_no_clock():
    result = assess()

    assert result.status is Status.MISSING
    assert result.clocks.court_date is None
    assert result.flags == ()


def test_prisoner_list_then_red_cross_confirms_captivity_against_the_official_missing():
    result = assess(
        a_report("r1", "2022-09-18", "unit_commander", "B3", "missing"),
        a_report("r2", "2022-10-05", "pow_list_other_side", "B2", "captured_reported"),
        a_report("r3", "2022-11-30", "red_cross", "A1", "captured_confirmed"),
        official=officially("missing", "2022-09-20"),
        today=date(2023, 1, 15),
    )

    assert result.status is Status.CAPTURED_CONFIRMED
    assert 0.85 <= result.confidence <= 1.0
    assert result.flags == (Flag.OFFICIAL_DISAGREES,)
    assert result.supporting == ("r2", "r3")
    assert result.superseded == ("r1",)
    assert result.since == date(2022, 11, 30)
    assert result.clocks.court_date is None


def test_prisoner_list_then_exchange_brings_him_home():
    result = assess(
        a_report("r1", "2022-05-02", "unit_commander", "B2", "missing"),
        a_report("r2", "2022-06-10", "pow_list_other_side", "C2", "captured_reported"),
        a_report("r3", "2022-08-01", "red_cross", "A1", "captured_confirmed"),
        a_report("r4", "2023-02-04", "exchange_list", "A1", "returned"),
        official=officially("captured_confirmed", "2022-08-15"),
    )

    assert result.status is Status.RETURNED
    assert result.confidence >= 0.85
    assert result.supporting == ("r4",)
    assert result.superseded == ("r1", "r2", "r3")
    assert result.contradicting == ()
    assert Flag.OFFICIAL_DISAGREES in result.flags
    assert Flag.STALE not in result.flags  # he is home: silence is expected
    assert result.clocks.court_date is None


def test_hospital_sighting_from_the_other_side_counts_as_captivity():
    result = assess(
        a_report("r1", "2022-09-18", "unit_commander", "B3", "missing"),
        a_report("r2", "2022-10-02", "other_side_call", "D3", "wounded", text="in their hospital"),
        official=officially("missing", "2022-09-20"),
        today=date(2022, 11, 1),
    )

    assert result.status is Status.CAPTURED_REPORTED
    assert 0.05 <= result.confidence <= 0.3  # one weak call, nothing more
    assert result.flags == (Flag.OFFICIAL_DISAGREES,)
    assert result.supporting == ("r2",)
    assert result.clocks.court_date == date(2023, 4, 2)


def test_contradictory_calls_of_equal_weight_leave_the_fate_unresolved():
    result = assess(
        a_report("r1", "2022-09-18", "unit_commander", "B3", "missing"),
        a_report("c1", "2022-10-01", "other_side_call", "D3", "dead_unrecovered", text="burned"),
        a_report("c2", "2022-10-09", "other_side_call", "D3", "captured_reported"),
        official=officially("missing", "2022-09-20"),
        today=date(2022, 12, 1),
    )

    assert result.status is Status.MISSING
    assert result.confidence <= 0.3
    assert Flag.CONTRADICTION in result.flags
    assert Flag.UNRESOLVED in result.flags
    assert Flag.OFFICIAL_DISAGREES not in result.flags
    assert set(result.contradicting) == {"c1", "c2"}
    assert result.supporting == ("r1",)


def test_rumour_of_life_after_burned_to_death_is_kept_but_does_not_win():
    result = assess(
        a_report("r1", "2022-07-01", "official_notification", "B2", "alive_serving"),
        a_report("r2", "2022-07-20", "comrade", "B2", "dead_unrecovered", text="burned in a tank"),
        a_report("r3", "2022-08-03", "other_side_call", "D3", "wounded", text="in a hospital"),
        today=date(2022, 9, 1),
    )

    assert result.status is Status.DEAD_UNRECOVERED
    assert 0.25 <= result.confidence <= 0.5
    assert Flag.CONTRADICTION in result.flags
    assert result.supporting == ("r2",)
    assert result.contradicting == ("r3",)
    assert result.superseded == ("r1",)


def test_false_death_notice_contradicted_by_a_video_of_him_as_a_prisoner():
    result = assess(
        a_report("r1", "2022-09-18", "unit_commander", "B3", "missing"),
        a_report("r2", "2022-10-10", "official_notification", "B2", "dead_unrecovered"),
        a_report("r3", "2022-12-01", "video_other_side", "C2", "captured_reported"),
        official=officially("dead_unrecovered", "2022-10-10"),
    )

    assert result.status is Status.CAPTURED_REPORTED
    assert 0.25 <= result.confidence <= 0.6
    assert Flag.CONTRADICTION in result.flags
    assert Flag.OFFICIAL_DISAGREES in result.flags
    assert result.supporting == ("r3",)
    assert result.contradicting == ("r2",)
    assert result.changes[-1].report == "r3"


def test_dna_identification_stands_against_a_later_rumour():
    result = assess(
        a_report("r1", "2022-09-18", "comrade", "C2", "dead_unrecovered"),
        a_report("r2", "2023-01-20", "remains_recovery", "B2", "remains_recovered"),
        a_report("r3", "2023-03-02", "dna_laboratory", "A1", "identified"),
        a_report("r4", "2023-04-11", "social_media", "C3", "captured_reported", text="seen alive"),
        official=officially("missing", "2022-09-20"),
    )

    assert result.status is Status.IDENTIFIED
    assert result.confidence >= 0.9
    assert result.contradicting == ("r4",)
    assert set(result.supporting) == {"r1", "r2", "r3"}
    assert Flag.CONTRADICTION in result.flags  # C3 is credible: it is shown, not hidden
    assert result.clocks.court_date is None
    assert Flag.STALE not in result.flags


def test_even_a_strong_report_of_life_does_not_undo_a_dna_identification():
    result = assess(
        a_report("r1", "2023-03-02", "dna_laboratory", "A1", "identified"),
        a_report("r2", "2023-05-01", "red_cross", "A1", "captured_confirmed"),
    )

    assert result.status is Status.IDENTIFIED
    assert result.contradicting == ("r2",)
    assert 0.5 <= result.confidence <= 0.6


def test_remains_handed_over_after_the_identification_end_the_story():
    result = assess(
        a_report("r1", "2022-09-18", "comrade", "C2", "dead_unrecovered"),
        a_report("r2", "2023-03-02", "dna_laboratory", "A1", "identified"),
        a_report("r3", "2023-04-20", "remains_recovery", "A1", "remains_returned"),
        official=officially("missing", "2022-09-20"),
        today=date(2024, 6, 1),
    )

    assert result.status is Status.REMAINS_RETURNED
    assert set(result.supporting) == {"r1", "r2", "r3"}
    assert result.since == date(2023, 4, 20)
    assert result.changes[-1].report == "r3"
    assert result.clocks.court_date is None
    assert Flag.STALE not in result.flags  # a year of silence after the burial is expected


def test_a_handover_told_by_a_weak_source_counts_only_as_remains_recovered():
    result = assess(
        a_report("r1", "2022-09-18", "comrade", "C2", "dead_unrecovered"),
        a_report("r2", "2023-04-20", "social_media", "B2", "remains_returned"),
    )

    assert result.status is Status.REMAINS_RECOVERED


def test_retracted_report_stays_in_the_history_but_is_not_weighed():
    result = assess(
        a_report("r1", "2022-09-18", "unit_commander", "B3", "missing"),
        a_report("r2", "2022-10-10", "official_notification", "B2", "dead_unrecovered"),
        a_report("r3", "2022-11-02", "official_notification", "B1", "retraction", retracts="r2"),
        official=officially("missing", "2022-09-20"),
    )

    assert result.status is Status.MISSING
    assert roles(result) == {"r1": Role.SUPPORTING, "r2": Role.RETRACTED, "r3": Role.RETRACTION}
    withdrawn = next(w for w in result.reports if w.report.key == "r2")
    assert withdrawn.retracted_by == "r3"
    assert Flag.CONTRADICTION not in result.flags


def test_retraction_of_an_unknown_report_is_an_error_naming_the_report():
    with pytest.raises(StoryError) as caught:
        assess(a_report("r3", "2022-11-02", "relative", "C2", "retraction", retracts="r9"))

    assert caught.value.problems == ("report 'r3': field 'retracts': unknown report 'r9'",)


def test_court_declaration_then_new_evidence_of_life():
    result = assess(
        a_report("r1", "2022-03-01", "unit_commander", "B2", "missing"),
        a_report("r2", "2022-11-20", "court", "A1", "declared_missing"),
        a_report("r3", "2023-02-14", "video_other_side", "C2", "captured_reported"),
        official=officially("declared_missing", "2022-11-20", "district court"),
    )

    assert result.status is Status.CAPTURED_REPORTED
    assert 0.3 <= result.confidence <= 0.6
    assert Flag.COURT_DECLARATION_CONTRADICTED in result.flags
    assert Flag.OFFICIAL_DISAGREES in result.flags
    assert result.supporting == ("r3",)
    assert result.superseded == ("r1", "r2")


def test_court_declaration_is_not_overturned_by_a_rumour():
    result = assess(
        a_report("r1", "2022-03-01", "unit_commander", "B2", "missing"),
        a_report("r2", "2022-11-20", "court", "A1", "declared_dead"),
        a_report("r3", "2023-02-14", "other_side_call", "D2", "captured_reported"),
    )

    assert result.status is Status.DECLARED_DEAD
    assert result.contradicting == ("r3",)
    assert Flag.CONTRADICTION in result.flags
    assert Flag.COURT_DECLARATION_CONTRADICTED not in result.flags


def test_missing_in_action_after_serving():
    result = assess(
        a_report("r1", "2022-08-01", "unit_commander", "B2", "alive_serving"),
        a_report("r2", "2022-09-18", "unit_commander", "B2", "missing"),
        today=date(2023, 4, 1),
    )

    assert result.status is Status.MISSING
    assert result.superseded == ("r1",)
    assert result.clocks.last_information == date(2022, 9, 18)  # when touch was lost
    assert result.clocks.court_date == date(2023, 3, 18)
    assert Flag.COURT_DATE_PASSED in result.flags
    assert Flag.STALE in result.flags


def test_court_period_follows_the_jurisdiction():
    result = assess(
        a_report("r1", "2022-08-31", "unit_commander", "B2", "missing"),
        today=date(2023, 1, 1),
        policy=ClockPolicy(court_after_months=12),
    )

    assert result.clocks.court_date == date(2023, 8, 31)
    assert Flag.COURT_DATE_PASSED not in result.flags


def test_an_authority_that_does_not_answer_is_overdue():
    sent = date(2023, 3, 1)
    late = AuthorityRequest(
        "q1", "ministry", sent, sent + timedelta(days=30), None, RequestKind.POW_LIST
    )
    answered = AuthorityRequest(
        "q2", "ombudsman", sent, sent + timedelta(days=30), date(2023, 3, 20)
    )
    result = assess(
        a_report("r1", "2023-02-01", "pow_list_other_side", "B2", "captured_reported"),
        requests=[late, answered],
    )

    assert Flag.OVERDUE in result.flags
    assert result.clocks.overdue_requests == (late,)


def test_a_weak_death_rumour_does_not_overturn_a_red_cross_registration():
    result = assess(
        a_report("r1", "2022-11-30", "red_cross", "A1", "captured_confirmed"),
        a_report("r2", "2023-02-01", "social_media", "E3", "dead_unrecovered"),
    )

    assert result.status is Status.CAPTURED_CONFIRMED
    assert result.contradicting == ("r2",)
    assert Flag.CONTRADICTION not in result.flags  # E3 is not credible
    assert result.confidence >= 0.85


def test_the_seed_story_a_call_from_the_other_side_against_a_death_notice():
    """The ministry tells the mother her son burned in a vehicle; a soldier of the other side
    calls her to say he is alive in a hospital. The call's source cannot be judged (F) and what
    it says is possibly true (3): it does not move the status, but the case must carry the
    contradiction flag and come to the analyst's worklist."""
    result = assess(
        a_report("r1", "2022-09-18", "unit_commander", "B3", "missing"),
        a_report(
            "r2", "2022-10-10", "official_notification", "B2", "dead_unrecovered",
            text="burned in a vehicle",
        ),
        a_report(
            "r3", "2022-11-02", "other_side_call", "F3", "captured_reported",
            text="alive, in a hospital",
        ),
        official=officially("dead_unrecovered", "2022-10-10"),
        today=date(2022, 12, 1),
    )  # fmt: skip

    assert result.status is Status.DEAD_UNRECOVERED  # the status does not move
    assert result.contradicting == ("r3",)
    assert Flag.CONTRADICTION in result.flags
    assert Flag.OFFICIAL_DISAGREES not in result.flags


@pytest.mark.parametrize(
    ("grade", "flagged"),
    [
        ("F1", True),
        ("F2", True),
        ("F3", True),
        ("F4", False),  # doubtful
        ("F5", False),  # improbable
        ("F6", False),  # nobody has judged it: a relative's own report until an analyst does
        ("E3", False),  # unreliable is not "cannot be judged"
        ("E2", False),  # an unreliable source, even saying something probably true
        ("D3", True),  # credible (0.24): it raised the flag before
    ],
)
def test_which_grades_of_a_contradicting_call_raise_the_flag(grade: str, flagged: bool):
    result = assess(
        a_report("r2", "2022-10-10", "official_notification", "B2", "dead_unrecovered"),
        a_report("r3", "2022-11-02", "other_side_call", grade, "captured_reported"),
        today=date(2022, 12, 1),
    )

    assert result.status is Status.DEAD_UNRECOVERED
    assert (Flag.CONTRADICTION in result.flags) is flagged
