"""The demo generator: seeded, realistic, and contradictory the way real evidence is."""

from __future__ import annotations

from collections import Counter

from kintrace.cases.model import Script, detect_script
from kintrace.demo.generate import generate
from kintrace.reports.model import RETRACTION, SourceType


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    assert generate(seed=4, persons=30) == generate(seed=4, persons=30)
    assert generate(seed=4, persons=30) != generate(seed=5, persons=30)


def test_several_relatives_ask_about_most_persons() -> None:
    data = generate(seed=1, persons=200)
    counts = [len(p.requests) for p in data.persons]
    assert all(c >= 1 for c in counts)
    assert sum(c >= 2 for c in counts) > len(counts) / 2
    for person in data.persons:
        relations = [r.inquirer.relationship for r in person.requests]
        assert len(relations) == len(set(relations)) or len(relations) > 3


def test_names_are_russian_and_ukrainian_in_both_scripts() -> None:
    data = generate(seed=1, persons=300)
    scripts = Counter(detect_script(p.details.surname) for p in data.persons)
    assert scripts[Script.CYRILLIC] > 100
    assert scripts[Script.LATIN] > 10
    texts = [r.details.text for p in data.persons for r in p.reports]
    assert any(detect_script(t) is Script.LATIN for t in texts if t)


def test_reports_come_from_many_source_types_and_contradict_each_other() -> None:
    data = generate(seed=1, persons=300)
    sources = {r.source.type for p in data.persons for r in p.reports}
    for needed in (
        SourceType.OTHER_SIDE_CALL,
        SourceType.POW_LIST_OTHER_SIDE,
        SourceType.VIDEO_OTHER_SIDE,
        SourceType.COMRADE,
        SourceType.OFFICIAL_NOTIFICATION,
    ):
        assert needed in sources
    assert len(sources) >= 10
    alive = {"alive_serving", "wounded", "captured_reported", "captured_confirmed", "returned"}
    dead = {"dead_unrecovered", "remains_recovered", "identified", "declared_dead"}
    told_both = [
        p
        for p in data.persons
        if {r.details.claim for r in p.reports} & alive
        and {r.details.claim for r in p.reports} & dead
    ]
    assert len(told_both) >= 15
    assert any(r.details.claim == RETRACTION for p in data.persons for r in p.reports)


def test_retractions_name_an_earlier_report_of_the_same_person() -> None:
    data = generate(seed=3, persons=300)
    for person in data.persons:
        keys = [r.key for r in person.reports]
        for report in person.reports:
            if report.details.claim == RETRACTION:
                assert report.details.retracts in keys
