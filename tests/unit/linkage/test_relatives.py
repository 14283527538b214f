"""The twins guard yields only to two lists that show no relatives of their own."""

from __future__ import annotations

import pytest

from kintrace.cases.dates import parse_partial_date
from kintrace.cases.model import PersonDetails, Sex
from kintrace.linkage.model import LinkageSettings, link_features
from kintrace.linkage.normalise import PersonFeatures, person_features
from kintrace.linkage.relatives import guard_yield

# one man on each list; list B wrote a wholly different given name for him
MEN = (
    ("Коваленко", "Сергей", "Andrei", "14.03.1990"),
    ("Петров", "Иван", "Nikolai", "02.07.1985"),
    ("Сидоренко", "Олег", "Viktor", "21.11.1979"),
    ("Мельник", "Павел", "Iurii", "30.01.1994"),
    ("Бондаренко", "Роман", "Maksim", "09.09.1988"),
    ("Шевчук", "Денис", "Igor", "17.05.1983"),
)


def a_record(surname: str, given: str, birth: str) -> PersonFeatures:
    return person_features(
        PersonDetails(surname, given, "", Sex.UNKNOWN, parse_partial_date(birth), "", "")
    )


def two_lists(twins: bool = False) -> tuple[list[PersonFeatures], list[PersonFeatures]]:
    side_a = [a_record(surname, given, birth) for surname, given, _, birth in MEN]
    side_b = [a_record(surname.upper(), other, birth) for surname, _, other, birth in MEN]
    if twins:  # brothers born the same day, on each list
        side_a += [a_record("Гончаренко", "Сергей", "04.04.1991")]
        side_a += [a_record("Гончаренко", "Андрей", "04.04.1991")]
        side_b += [a_record("Tkachenko", "Oleg", "12.12.1992")]
        side_b += [a_record("Tkachenko", "Pavel", "12.12.1992")]
    return side_a, side_b


def test_the_share_is_hand_derived() -> None:
    # 6 and 6 records: 15 + 15 pairs within, 36 across; none within: 1 * 36 / 30 expected
    assert guard_yield(within=0, cross=6, sizes=(6, 6)) == pytest.approx(1 - 1.2 / 6)
    # two pairs within lists of 8: 3 * 64 / 56 relatives expected across
    assert guard_yield(within=2, cross=6, sizes=(8, 8)) == pytest.approx(1 - (3 * 64 / 56) / 6)
    assert guard_yield(within=5, cross=3, sizes=(8, 8)) == 0.0
    assert guard_yield(within=0, cross=0, sizes=(8, 8)) == 0.0
    assert guard_yield(within=0, cross=1, sizes=(1, 1)) == 0.0  # no pairs within


def test_lists_with_no_relatives_let_the_guard_yield() -> None:
    side_a, side_b = two_lists()
    result = link_features(side_a + side_b, split=len(side_a))
    assert sorted((p.left, p.right) for p in result.pairs) == [(i, i + 6) for i in range(6)]
    assert all(0.5 < p.match_probability <= 0.8 for p in result.pairs)
    assert all(p.evidence["given_name"] == "different" for p in result.pairs)
    clustered = link_features(
        side_a + side_b, split=len(side_a), settings=LinkageSettings(cluster_probability=0.7)
    )
    assert clustered.clusters == tuple(range(6)) * 2


def test_one_list_or_a_list_with_relatives_keeps_the_guard() -> None:
    side_a, side_b = two_lists()
    assert link_features(side_a + side_b).pairs == ()  # no split: one list
    off = LinkageSettings(guard_from_lists=False)
    assert link_features(side_a + side_b, split=len(side_a), settings=off).pairs == ()
    side_a, side_b = two_lists(twins=True)
    result = link_features(side_a + side_b, split=len(side_a), min_probability=0.0)
    assert all(p.match_probability < 0.5 for p in result.pairs)
    assert len(set(result.clusters)) == len(side_a + side_b)


def test_the_guard_yields_alike_on_spark(spark_api: object) -> None:
    side_a, side_b = two_lists()
    on_duckdb = link_features(side_a + side_b, split=len(side_a)).pairs
    on_spark = link_features(side_a + side_b, split=len(side_a), db_api=spark_api).pairs
    assert [(p.left, p.right) for p in on_spark] == [(p.left, p.right) for p in on_duckdb]
    assert len(on_spark) == len(MEN)
    for spark_pair, duck_pair in zip(on_spark, on_duckdb, strict=True):
        assert spark_pair.match_probability == pytest.approx(duck_pair.match_probability, abs=1e-9)
