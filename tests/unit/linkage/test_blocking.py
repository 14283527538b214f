"""Blocking of pairs whose names leave no common key, and the birth-date levels (issue 19)."""

from __future__ import annotations

import pytest
from splink import DuckDBAPI, Linker

from kintrace.linkage.blocking import (
    BLOCKING_RULES,
    DOUBLY_MISSPELT,
    LARGE_BLOCKING_RULES,
    SECOND_LETTER,
    SURNAME_WITHIN,
    blocked_pairs_sql,
    blocking_rules_for,
)
from kintrace.linkage.model import LinkageSettings, features_table, link_features, settings_for
from kintrace.linkage.normalise import name_features
from unit.linkage.test_model import a_person, synthetic_features

# two records of one man whose names share neither a surname key, its prefix or suffix,
# nor a canonical given name, nor an initial with the other's year; each with the given-name
# level it expects
HARD_PAIRS = {
    # a vowel moved in each name, an age against a date
    "both names misspelt": (
        ("Гродеев", "Виатлий", "Ильич", "1981"),
        ("Gordeev", "Vitalii", "Ilich", "1981-03-03"),
        "near",
    ),
    "both names misspelt, a year off by one": (
        ("Гродеев", "Виатлий", "Ильич", "1980"),
        ("Gordeev", "Vitalii", "Ilich", "1981-03-03"),
        "near",
    ),
    # the given name in the surname's column and mistyped, a year off by one; a surname
    # ending -ец, which names share, so that orient_names leaves the columns as written
    "swapped, a vowel dropped": (
        ("Логунец", "Тимур", "", "1983"),
        ("Timr", "LOGUNETS", "Aleksandrovich", "1982-11-01"),
        "swapped",
    ),
}


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("case", HARD_PAIRS)
def test_both_names_misspelt_are_paired_by_their_consonants(case: str, large: bool) -> None:
    left, right, given_level = HARD_PAIRS[case]
    settings = LinkageSettings(large_input_records=2 if large else 400_000)
    result = link_features(
        [a_person(*left), a_person(*right)], min_probability=0.0, settings=settings
    )
    assert [(p.left, p.right) for p in result.pairs] == [(0, 1)]
    assert result.pairs[0].evidence["given_name"] == given_level


def test_the_consonant_rules_are_in_both_rule_sets_and_large_ones_need_a_year() -> None:
    assert set(DOUBLY_MISSPELT) <= set(BLOCKING_RULES)
    large = [rule for rule in LARGE_BLOCKING_RULES if "given_consonants" in rule]
    assert len(large) == 4 * len(DOUBLY_MISSPELT)
    assert all("birth_year" in rule for rule in large)


def test_a_misspelt_given_name_keeps_its_consonants_in_either_script() -> None:
    cyrillic = name_features("Гродеев", "Виатлий")
    latin = name_features("GORDEEV", "Vitalii")
    assert cyrillic["given_canonical"] != latin["given_canonical"]
    assert (cyrillic["surname_consonants"], cyrillic["given_consonants"]) == ("grdv", "vtl")
    assert (latin["surname_consonants"], latin["given_consonants"]) == ("grdv", "vtl")


def test_a_consonant_mistyped_inside_the_surname_with_a_misspelt_given_name_is_paired() -> None:
    # Казаренко for Kazachenko (a consonant, so no common skeleton), Никлай for Nikolai (no
    # common canonical name), no year on one side: only the surname's ends and the initial
    records = [("Казаренко", "Никлай"), ("Kazachenko", "Nikolai", "", "1980-05-05")]
    features = [a_person(*r) for r in records]
    assert features[0].given_canonical != features[1].given_canonical
    assert features[0].surname_consonants != features[1].surname_consonants
    result = link_features(features, min_probability=0.0)
    assert [(p.left, p.right) for p in result.pairs] == [(0, 1)]
    assert result.pairs[0].evidence["surname"] != "different"


@pytest.mark.parametrize(
    ("records", "given_level"),
    [
        # Слава stands for Vyacheslav among others; no year, nothing but the surname
        ((("Суханов", "Слава"), ("Sukhanov", "Vyacheslav", "", "1971-09-12")), "nickname"),
        # Ior: a given name its key does not read (its initial is e), one edit from Igor;
        # the year off by one
        (
            (
                ("Серов", "Игорь", "Петрович", "17.02.1990"),
                ("SEROV", "Ior", "Petrovich", "1991-02-17"),
            ),
            "near",
        ),
    ],
)
def test_a_nickname_or_an_unreadable_name_is_paired_without_a_common_year(
    records: tuple[tuple[str, ...], tuple[str, ...]], given_level: str
) -> None:
    result = link_features([a_person(*r) for r in records], min_probability=0.0)
    assert [(p.left, p.right) for p in result.pairs] == [(0, 1)]
    assert result.pairs[0].evidence["given_name"] == given_level


@pytest.mark.parametrize(
    ("first", "second", "level"),
    [
        ("18.10.1987", "21.10.1987", "different"),  # two days, not a typo: two dates
        ("18.10.1987", "19.10.1987", "typo"),  # the last digit
        ("18.10.1987", "28.10.1987", "typo"),  # the first digit
        ("12.10.1987", "21.10.1987", "typo"),  # transposed
        ("19.10.1987", "20.10.1987", "typo"),  # one day off
        ("18.10.1987", "1987-11-21", "year_only"),
        ("18.10.1987", "10.1987", "same_month"),
    ],
)
def test_a_birth_day_that_is_no_typo_is_another_date(first: str, second: str, level: str) -> None:
    result = link_features(
        [
            a_person("Лыков", "Дмитрий", "Павлович", first),
            a_person("Lykov", "Dmitrii", "Pavlovich", second),
        ],
        min_probability=0.0,
    )
    assert result.pairs[0].evidence["birth_date"] == level


def test_namesakes_born_in_one_month_are_not_linked_by_it() -> None:
    # one unit, the same surname and given name, other fathers: the shared month adds no
    # weight, where it used to make them one man (0.996)
    namesakes = [
        a_person("Лыков", "Дмитрий", "Павлович", "18.10.1987", unit="в/ч 49101"),
        a_person("Lykov", "Dmitrii", "Aleksandrovich", "1987-10-21", unit="military unit 49101"),
    ]
    same_year = [
        a_person("Лыков", "Дмитрий", "Павлович", "18.10.1987", unit="в/ч 49101"),
        a_person("Lykov", "Dmitrii", "Aleksandrovich", "1987-03-21", unit="military unit 49101"),
    ]
    month = link_features(namesakes, min_probability=0.0).pairs[0]
    year = link_features(same_year, min_probability=0.0).pairs[0]
    assert month.match_probability < 0.5
    assert month.match_weight < year.match_weight


@pytest.mark.slow
def test_the_new_rules_and_date_levels_are_the_same_on_spark(spark_api: object) -> None:
    records = [
        a_person(*HARD_PAIRS["both names misspelt"][0]),
        a_person(*HARD_PAIRS["both names misspelt"][1]),
        a_person(*HARD_PAIRS["swapped, a vowel dropped"][0]),
        a_person(*HARD_PAIRS["swapped, a vowel dropped"][1]),
        a_person("Лыков", "Дмитрий", "Павлович", "18.10.1987"),
        a_person("Lykov", "Dmitrii", "Pavlovich", "1987-10-21"),
        a_person("Суханов", "Слава"),
        a_person("Sukhanov", "Vyacheslav", "", "1971-09-12"),
    ]
    for large in (False, True):
        settings = LinkageSettings(large_input_records=2 if large else 400_000)
        on_duckdb = link_features(records, min_probability=0.0, settings=settings)
        on_spark = link_features(records, min_probability=0.0, settings=settings, db_api=spark_api)
        pairs = {(p.left, p.right): p.evidence for p in on_duckdb.pairs}
        assert {(0, 1), (2, 3), (4, 5)} <= set(pairs)
        assert pairs[(4, 5)]["birth_date"] == "different"
        assert large or (6, 7) in pairs
        assert [(p.left, p.right, p.evidence) for p in on_spark.pairs] == [
            (p.left, p.right, p.evidence) for p in on_duckdb.pairs
        ]


@pytest.mark.parametrize(
    "records",
    [
        # a letter mistyped second, no date on one side, a nickname: Теачев Толик
        (("Теачев", "Толик", "Андреевич"), ("Tkačev", "Anatolij", "", "1960-04-03")),
        # a letter dropped second, an age against a date
        (("Похоров", "Николай", "", ""), ("PROXOROV", "Nikolaj", "", "1970-08-07")),
        # a letter added second
        (("Клоролов", "Владимир"), ("Korolov", "Vladimir", "", "1987-09-20")),
    ],
)
def test_a_letter_mistyped_second_in_the_surname_is_paired_without_a_common_year(
    records: tuple[tuple[str, ...], tuple[str, ...]],
) -> None:
    features = [a_person(*r) for r in records]
    left, right = features
    assert left.surname_key[:3] != right.surname_key[:3]
    assert left.surname_consonants != right.surname_consonants
    result = link_features(features, min_probability=0.0)
    assert [(p.left, p.right) for p in result.pairs] == [(0, 1)]


def test_the_second_letter_rules_join_on_one_expression_per_side() -> None:
    assert set(SECOND_LETTER) <= set(BLOCKING_RULES)
    for rule in SECOND_LETTER:
        assert " OR " not in rule  # an equality per side keeps the join a hash join


@pytest.mark.parametrize(
    "records",
    [
        # a vowel dropped from the surname, a consonant of the given name mistyped; no year
        (("Цветкв", "Виктлр"), ("Цветков", "Виктор", "", "1986-01-09")),
        (("Наумв", "Евшений", "Олегович"), ("Наумов", "Евгений", "", "1963")),
    ],
)
def test_an_unknown_given_name_near_the_partners_is_paired_by_the_surnames_consonants(
    records: tuple[tuple[str, ...], tuple[str, ...]],
) -> None:
    features = [a_person(*r) for r in records]
    left, right = features
    assert left.surname_key != right.surname_key
    assert left.surname_consonants == right.surname_consonants
    assert left.given_consonants != right.given_consonants  # not the doubly-misspelt rule
    assert f"|{right.given_canonical}|" in left.given_near
    result = link_features(features, min_probability=0.0)
    assert [(p.left, p.right) for p in result.pairs] == [(0, 1)]


@pytest.mark.parametrize("large", [False, True])
def test_the_blocked_pairs_are_splinks_with_the_first_rule_that_joins_them(large: bool) -> None:
    # kintrace groups the rules' joins itself (blocked_pairs_sql) where Splink excludes
    # the pairs of each rule's predecessors: the pairs and their match keys must agree
    features, _ = synthetic_features(300, seed=5)
    rules = blocking_rules_for((), large=large)
    api = DuckDBAPI()
    table = api.register(features_table(features))
    ours = {
        (int(r["join_key_l"]), int(r["join_key_r"])): int(r["match_key"])
        for r in api.query_sql(blocked_pairs_sql(rules, table.physical_name)).as_record_list()
    }
    settings = settings_for(len(features), use_tf=False, blocking_rules=rules)
    linker = Linker(table, settings, log_level=None)
    theirs = {
        (int(r["unique_id_l"]), int(r["unique_id_r"])): int(r["match_key"])
        for r in linker.inference.predict(warning_mode="never").as_record_list()
    }
    assert ours == theirs
    assert len(set(ours.values())) >= 10  # many rules found pairs first


def test_namesakes_whose_surnames_only_begin_alike_are_no_candidates() -> None:
    # the three first letters and the given name join them; the surnames are five edits
    # apart (SURNAME_WITHIN), and nothing else joins them
    apart = link_features([a_person("Кузнецов", "Иван"), a_person("Кузьмин", "Иван")])
    assert apart.pairs_scored == 0
    # three edits apart, the given name and year in common: still scored
    near = link_features(
        [a_person("Лисов", "Иван", "", "1980"), a_person("Лев", "Иван", "", "1980-02-03")],
        min_probability=0.0,
    )
    assert near.pairs_scored == 1
    assert "levenshtein(l.surname_key, r.surname_key) <= 3" in SURNAME_WITHIN


def test_a_record_without_a_surname_is_still_paired_by_its_given_name_and_year() -> None:
    # the surname distance of the rules without the surname is unknown, not too far
    result = link_features(
        [
            a_person("", "Сергей", "Иванович", "1990"),
            a_person("Петров", "Сергей", "Иванович", "1990"),
        ],
        min_probability=0.0,
    )
    assert result.pairs_scored == 1
