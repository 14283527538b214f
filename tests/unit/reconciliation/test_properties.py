"""Properties the engine keeps for any story: order, determinism, nothing vanishes."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.reconciliation.explain import explain
from kintrace.reconciliation.model import Assessment, OfficialStatus, ReportInput, Role
from kintrace.reconciliation.rules import reconcile
from kintrace.reconciliation.words import Lang
from kintrace.reports.model import Grade, Reliability, SourceType, Status

START = date(2022, 2, 24)
TODAY = date(2024, 1, 1)

grades = st.builds(Grade, st.sampled_from(Reliability), st.integers(1, 6))
days = st.integers(0, (TODAY - START).days)


@st.composite
def stories(draw: st.DrawFn, min_size: int = 0) -> list[ReportInput]:
    """Draw a person's reports: claims of any kind, and a few retractions of earlier ones."""
    count = draw(st.integers(min_size, 8))
    reports = [
        ReportInput(
            f"k{n}",
            START + timedelta(days=draw(days)),
            draw(st.sampled_from(SourceType)),
            draw(grades),
            draw(st.sampled_from(Status)),
        )
        for n in range(count)
    ]
    targets = draw(st.lists(st.sampled_from(reports), max_size=2)) if reports else []
    for n, target in enumerate(targets):
        later = target.date + timedelta(days=draw(st.integers(0, 60)))
        reports.append(
            ReportInput(
                f"x{n}",
                min(later, TODAY),
                draw(st.sampled_from(SourceType)),
                draw(grades),
                "retraction",
                target.key,
            )
        )
    return reports


officials = st.none() | st.builds(
    OfficialStatus,
    st.sampled_from(Status),
    st.just(START + timedelta(days=30)),
    st.just("ministry"),
)


@given(stories(), officials, st.randoms(use_true_random=False))
def test_the_order_of_the_reports_does_not_matter(reports, official, random):
    shuffled = list(reports)
    random.shuffle(shuffled)

    assert reconcile(shuffled, official, TODAY) == reconcile(reports, official, TODAY)


@given(stories(), officials)
def test_the_engine_is_deterministic(reports, official):
    first = reconcile(reports, official, TODAY)
    second = reconcile(list(reports), official, TODAY)

    assert first == second
    assert explain(first, Lang.RU) == explain(second, Lang.RU)


@given(stories(), officials)
def test_confidence_is_a_probability(reports, official):
    assert 0.0 <= reconcile(reports, official, TODAY).confidence <= 1.0


@given(stories(), officials)
def test_every_report_plays_exactly_one_role(reports, official):
    result = reconcile(reports, official, TODAY)

    assert sorted(w.report.key for w in result.reports) == sorted(r.key for r in reports)
    weighed = set(result.supporting) | set(result.contradicting) | set(result.superseded)
    assert len(weighed) == len(result.supporting + result.contradicting + result.superseded)
    withdrawn = {w.report.key for w in result.reports if w.role is Role.RETRACTED}
    assert weighed == {r.key for r in reports if not r.is_retraction} - withdrawn


def _named_everywhere(result: Assessment, keys: set[str]) -> bool:
    listed = {w.report.key for w in result.reports}
    texts = [explain(result, lang) for lang in Lang]
    return keys <= listed and all(f"[{key}]" in text for key in keys for text in texts)


@given(stories(), officials)
def test_the_explanation_names_every_report(reports, official):
    result = reconcile(reports, official, TODAY)

    assert _named_everywhere(result, {r.key for r in reports})


@settings(max_examples=200)
@given(stories(min_size=1), officials, st.data())
def test_adding_a_report_never_makes_a_report_vanish(reports, official, data):
    target = data.draw(st.sampled_from([r for r in reports if not r.is_retraction]))
    new = data.draw(
        st.builds(
            ReportInput,
            st.just("new"),
            st.just(target.date + timedelta(days=data.draw(st.integers(0, 30)))),
            st.sampled_from(SourceType),
            grades,
            st.sampled_from([*Status, "retraction"]),
        )
    )
    if new.claim == "retraction":
        new = ReportInput(new.key, new.date, new.source, new.grade, new.claim, target.key)

    before = reconcile(reports, official, TODAY)
    after = reconcile([*reports, new], official, TODAY)

    assert _named_everywhere(after, {w.report.key for w in before.reports} | {"new"})
    assert 0.0 <= after.confidence <= 1.0
