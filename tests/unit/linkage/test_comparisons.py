"""The comparisons: levels as data, compiled for Splink, and the evidence computed from them."""

from __future__ import annotations

import random

import duckdb
import pytest
from splink import DuckDBAPI, Linker

from kintrace.cases.model import PersonDetails
from kintrace.linkage.comparisons import (
    COMPARISONS,
    damerau_within,
    extra_comparison,
    gamma_sql,
)
from kintrace.linkage.model import (
    comparisons_for,
    extra_fields,
    features_table,
    link_features,
    settings_for,
)
from kintrace.linkage.normalise import ExtraField, ExtraKind, PersonFeatures, person_features
from unit.linkage.test_model import a_person, synthetic_features


def test_the_evidence_is_the_level_splink_scored() -> None:
    # The evidence of a returned pair is computed after scoring, from the same level
    # conditions: it must be the comparison vector Splink itself used.
    features, _ = synthetic_features(150, seed=4)
    features += [
        person_features(PersonDetails("capel", "benjamin", personal_number="4415928")),
        person_features(PersonDetails("capel", "joshua", personal_number="4415928")),
        a_person("lowe", "madeline", "", "1965-12-06", "sa", number="8520720"),
        a_person("lowe", "beau", "", "1965-12-06", "sa", number="8529720"),
    ]
    ours = link_features(features, min_probability=0.0)
    settings = settings_for(len(features), use_tf=True)
    settings.retain_matching_columns = True  # keeps Splink's own gamma_ columns
    api = DuckDBAPI()
    linker = Linker(api.register(features_table(features)), settings, log_level=None)
    theirs = linker.inference.predict(warning_mode="never").as_record_list()
    assert len(theirs) == ours.pairs_scored == len(ours.pairs)
    evidence = {(p.left, p.right): p.evidence for p in ours.pairs}
    levels_seen = set()
    for row in theirs:
        pair = (
            min(row["unique_id_l"], row["unique_id_r"]),
            max(row["unique_id_l"], row["unique_id_r"]),
        )
        for comparison in COMPARISONS:
            label = comparison.labels()[int(row[f"gamma_{comparison.name}"])]
            assert evidence[pair][comparison.name] == label, (pair, comparison.name)
            levels_seen.add((comparison.name, label))
    assert ("given_name", "different_same_number") in levels_seen
    assert ("given_name", "different_number_typo") in levels_seen
    assert ("given_name", "nickname") in levels_seen
    assert len(levels_seen) > 25


def test_gamma_sql_numbers_levels_as_splink_does() -> None:
    sex = next(c for c in COMPARISONS if c.name == "sex")
    assert gamma_sql(sex, "duckdb") == (
        "CASE WHEN sex_l IS NULL OR sex_r IS NULL THEN -1 WHEN sex_l = sex_r THEN 1 ELSE 0 END"
    )
    assert sex.labels() == {-1: "missing", 1: "exact", 0: "different"}


def test_extra_fields_get_comparisons_by_kind() -> None:
    words = extra_comparison(ExtraField("street"))
    code = extra_comparison(ExtraField("postcode", ExtraKind.CODE))
    assert [lv.label for lv in words.levels] == ["exact", "typo", "similar"]
    assert [lv.label for lv in code.levels] == ["exact", "typo"]
    assert words.levels[0].tf_column == "extra_street"
    records = [
        person_features(PersonDetails("Петров", "Иван"), {ExtraField("street"): "Садовая"}),
        person_features(PersonDetails("Petrov", "Ivan")),
    ]
    extras = extra_fields(records)
    assert extras == (ExtraField("street"),)
    assert [c.name for c in comparisons_for(extras)][-1] == "street"
    table = features_table(records, extras)
    assert table.column("extra_street").to_pylist() == ["sadova", None]


def test_without_the_guard_a_different_given_name_is_an_ordinary_disagreement() -> None:
    guarded = {c.name: c for c in comparisons_for(())}["given_name"]
    unguarded = {c.name: c for c in comparisons_for((), given_name_guard=False)}["given_name"]
    assert guarded.else_fixed_m and guarded.else_m < 1e-15
    assert not unguarded.else_fixed_m and unguarded.else_m == 0.02


def two_brothers_or_one_man(
    first: str, second: str, surname: str = "Коваленко"
) -> list[PersonFeatures]:
    """Two records that differ in given name, numbered ``first`` and ``second``.

    Surname, patronymic, birth date, region, unit and address agree: twins, or one man whose
    given name was replaced in one of the lists.
    """
    return [
        a_person(surname, given, "Петрович", "14.03.1990", "Белгородская обл.",
                 "в/ч 54321", number=number, address="ул. Садовая, 12", postcode="305000")
        for given, number in (("Сергей", first), ("Андрей", second))
    ]  # fmt: skip


@pytest.mark.parametrize(
    "first, second",
    [
        ("4512345", "4512346"),  # consecutive: twins enlisted together
        ("4512345", "4512354"),  # the last two digits transposed, 9 apart
        ("4512345", "4512355"),  # 10 apart
        ("AB123456", "AB123457"),  # a letter series, consecutive
        ("12345", "12845"),  # too short: one edit is no evidence
        ("4512345", "4519876"),  # two numbers
        ("4512345", ""),  # one number missing
    ],
)
def test_twins_with_neighbouring_or_missing_numbers_stay_guarded(first: str, second: str) -> None:
    result = link_features(two_brothers_or_one_man(first, second), min_probability=0.0)
    (pair,) = result.pairs
    assert pair.evidence["given_name"] == "different"
    assert pair.match_probability < 0.01
    assert result.clusters[0] != result.clusters[1]


@pytest.mark.parametrize(
    "first, second",
    [
        ("4512345", "4572345"),  # one substitution
        ("4512345", "4152345"),  # two neighbours transposed
        ("4512345", "4512305"),  # 40 apart: no neighbours
        ("4512345", "451235"),  # a digit dropped
        ("0451234", "451234"),  # a leading zero dropped: the same number
        ("AB123456", "AB124456"),
    ],
)
def test_a_replaced_given_name_yields_to_a_mistyped_long_number(first: str, second: str) -> None:
    # FEBRL-like: the given name was replaced and the personal number mistyped once
    result = link_features(two_brothers_or_one_man(first, second), min_probability=0.0)
    (pair,) = result.pairs
    assert pair.evidence["given_name"] == "different_number_typo"
    assert pair.evidence["personal_number"] == "typo"
    assert pair.match_probability >= 0.9
    assert result.clusters[0] == result.clusters[1]


@pytest.mark.slow
def test_the_mistyped_number_level_is_the_same_on_spark(spark_api: object) -> None:
    records = [
        *two_brothers_or_one_man("4512345", "4512346", "Коваленко"),
        *two_brothers_or_one_man("AB123456", "AB124456", "Шевчук"),
        *two_brothers_or_one_man("0451234", "451234", "Бондаренко"),
        *two_brothers_or_one_man("7654321", "", "Ткаченко"),
    ]
    on_duckdb = link_features(records, min_probability=0.0)
    on_spark = link_features(records, min_probability=0.0, db_api=spark_api)
    levels = {(p.left, p.right): p.evidence["given_name"] for p in on_duckdb.pairs}
    assert [levels[(0, 1)], levels[(2, 3)], levels[(4, 5)], levels[(6, 7)]] == [
        "different",
        "different_number_typo",
        "different_number_typo",
        "different",
    ]
    assert [(p.left, p.right, p.evidence) for p in on_spark.pairs] == [
        (p.left, p.right, p.evidence) for p in on_duckdb.pairs
    ]
    assert on_spark.clusters == on_duckdb.clusters


@pytest.mark.parametrize("distance", [1, 2])
def test_damerau_within_is_the_damerau_levenshtein_distance(distance: int) -> None:
    # short words of three letters make every kind of edit, transpositions among them
    rng = random.Random(3)
    words = ["", "a", "ab", "ba", "abc", "cab", "bca", "petrov", "pterov", "petrvo", "eptrov"]
    words += ["".join(rng.choice("abc") for _ in range(rng.randint(0, 6))) for _ in range(60)]
    pairs = [(a, b) for a in words for b in words]
    con = duckdb.connect()
    con.execute("CREATE TABLE p (x_l VARCHAR, x_r VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    rows = con.execute(
        f"SELECT x_l, x_r, {damerau_within('x', distance)},"
        f" damerau_levenshtein(x_l, x_r) <= {distance} FROM p"
    ).fetchall()
    assert len(rows) == len(pairs)
    assert [(a, b) for a, b, ours, theirs in rows if ours != theirs] == []
    assert sum(1 for *_, ours, _ in rows if ours) > len(words)  # more than the equal pairs
