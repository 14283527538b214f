"""The linkage model recovers a known truth, keeps twins apart and explains each pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from kintrace.cases.dates import parse_partial_date
from kintrace.cases.model import PersonDetails, Sex
from kintrace.importers.persons import parse_persons
from kintrace.importers.tabular import Row, Table
from kintrace.linkage.model import LinkageSettings, link_features
from kintrace.linkage.normalise import PersonFeatures, person_features
from kintrace.linkage.synthetic import generate_lists, true_pairs


def a_person(
    surname: str,
    given: str,
    patronymic: str = "",
    birth: str = "",
    region: str = "",
    unit: str = "",
) -> PersonFeatures:
    return person_features(
        PersonDetails(
            surname,
            given,
            patronymic,
            Sex.UNKNOWN,
            parse_partial_date(birth) if birth else None,
            region,
            unit,
        )
    )


def synthetic_features(
    persons: int, seed: int
) -> tuple[list[PersonFeatures], set[tuple[int, int]]]:
    side_a, side_b = generate_lists(persons, seed=seed)
    rows = side_a + side_b
    table = Table(
        Path("synthetic.csv"),
        tuple(rows[0]),
        tuple(
            Row(i + 2, {k: v for k, v in row.items() if k != "person"})
            for i, row in enumerate(rows)
        ),
    )
    records = parse_persons(table, default_sex=Sex.UNKNOWN)
    return [person_features(r.details) for r in records], true_pairs(rows)


def f1(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> float:
    hits = len(found & truth)
    return 2 * hits / (len(found) + len(truth))


def test_a_nickname_in_cyrillic_matches_the_full_name_in_latin() -> None:
    result = link_features(
        [
            a_person("Петров", "Саша", "Иванович", "1998", "Курская область", "в/ч 12345"),
            a_person(
                "PETROV", "Aleksandr", "Ivanovich", "03.05.1998", "Kurskaia oblast", "MU 12345"
            ),
            a_person("SIDOROV", "Oleg", "Petrovich", "1985"),
        ]
    )
    assert [(p.left, p.right) for p in result.pairs] == [(0, 1)]
    pair = result.pairs[0]
    assert pair.match_probability > 0.99
    assert pair.evidence["given_name"] in {"exact", "nickname"}
    assert pair.evidence["unit"] == "exact"
    assert pair.evidence["personal_number"] == "missing"
    assert result.clusters == (0, 0, 2)
    assert not result.trained


def test_twins_are_kept_apart() -> None:
    twins = [
        a_person("Коваленко", "Сергей", "Петрович", "14.03.1990", "Белгородская обл.", "в/ч 54321"),
        a_person("Коваленко", "Андрей", "Петрович", "14.03.1990", "Белгородская обл.", "в/ч 54321"),
    ]
    result = link_features(twins, min_probability=0.0)
    assert result.pairs and result.pairs[0].match_probability < 0.01
    assert result.clusters == (0, 1)


def test_swapped_surname_and_given_name_still_agree() -> None:
    result = link_features(
        [
            a_person("Коваленко", "Сергей", "", "14.03.1990"),
            a_person("Serhii", "KOVALENKO", "", "1990-03-14"),
        ]
    )
    assert [(p.left, p.right) for p in result.pairs] == [(0, 1)]


def test_day_and_month_swapped_is_partial_agreement() -> None:
    result = link_features(
        [
            a_person("Беляев", "Фёдор", "Павлович", "03.11.1982"),
            a_person("Belyaev", "Fedor", "Pavlovich", "1982-03-11"),
        ]
    )
    assert result.pairs[0].evidence["birth_date"] == "day_month_swapped"


def test_one_record_or_none_gives_nothing() -> None:
    assert link_features([]).pairs == ()
    assert link_features([a_person("Петров", "Иван")]).clusters == (0,)


def test_the_trained_model_recovers_the_truth_of_simulated_lists() -> None:
    features, truth = synthetic_features(700, seed=11)
    result = link_features(features, settings=LinkageSettings(min_records_to_train=500))
    assert result.trained
    found = {(p.left, p.right) for p in result.pairs}
    assert f1(found, truth) >= 0.97
    assert all(0.0 <= p.match_probability <= 1.0 for p in result.pairs)
    # clusters never join records that the pairs do not connect
    assert len(set(result.clusters)) <= len(features)


@pytest.mark.slow
def test_the_same_code_runs_on_spark(spark_api: object) -> None:
    features, truth = synthetic_features(120, seed=3)
    on_duckdb = link_features(features)
    on_spark = link_features(features, db_api=spark_api)
    assert {(p.left, p.right) for p in on_spark.pairs} == {
        (p.left, p.right) for p in on_duckdb.pairs
    }
    for spark_pair, duck_pair in zip(on_spark.pairs, on_duckdb.pairs, strict=True):
        assert spark_pair.match_probability == pytest.approx(duck_pair.match_probability, abs=1e-6)
        assert spark_pair.evidence == duck_pair.evidence
    assert on_spark.clusters == on_duckdb.clusters
    trained = link_features(
        features,
        db_api=spark_api,
        settings=LinkageSettings(min_records_to_train=100, u_max_pairs=1e4, em_max_iterations=2),
    )
    assert trained.trained
    assert f1({(p.left, p.right) for p in trained.pairs}, truth) >= 0.9
