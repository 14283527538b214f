"""Units, regions, ranks, personal numbers and dates → comparison columns."""

from __future__ import annotations

import pytest

from kintrace.cases.dates import parse_partial_date
from kintrace.cases.model import PersonDetails, Sex
from kintrace.linkage.normalise import (
    birth_features,
    name_features,
    normalise_personal_number,
    normalise_rank,
    normalise_region,
    normalise_unit,
    person_features,
)


@pytest.mark.parametrize(
    "text",
    ["в/ч 12345", "войсковая часть 12345", "военная часть №12345", "military unit 12345",
     "MU 12345", "m/u 12345", "12345", "В/Ч-12345"],
)  # fmt: skip
def test_a_unit_number_is_found_however_written(text: str) -> None:
    assert normalise_unit(text) == "12345"


def test_ukrainian_unit_letters_are_kept_in_either_script() -> None:
    assert normalise_unit("в/ч А0224") == normalise_unit("military unit A0224") == "A0224"
    assert normalise_unit("no number") == ""


@pytest.mark.parametrize(
    "text",
    ["Курская область", "Курская обл.", "Kurskaya oblast'", "Kurskaia oblast", "Kursk region",
     "46", "RU-KRS", "КУРСКАЯ ОБЛ"],
)  # fmt: skip
def test_a_region_is_one_code_by_name_abbreviation_transliteration_or_number(text: str) -> None:
    assert normalise_region(text) == "RU-KRS"


@pytest.mark.parametrize(
    ("text", "code"),
    [("Курской области", "RU-KRS"), ("Курской обл.", "RU-KRS"), ("Иркутской обл.", "RU-IRK"),
     ("Краснодарского края", "RU-KDA"), ("Хабаровского кр.", "RU-KHA"),
     ("Ханты-Мансийского автономного округа", "RU-KHM"), ("Республики Саха (Якутия)", "RU-SA"),
     ("Харківської області", "UA-63"), ("Donetskoi oblasti", "UA-14")],
)  # fmt: skip
def test_a_region_in_an_oblique_case_is_read(text: str, code: str) -> None:
    # «уроженец Курской области», «призван из Краснодарского края»
    assert normalise_region(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("Алтайский край", "RU-ALT"), ("Altaiskii krai", "RU-ALT"), ("Алтайский", "RU-ALT"),
     ("Алт. край", "RU-ALT"), ("Республика Алтай", "RU-AL"), ("Resp. Altai", "RU-AL"),
     ("Алтай", "RU-AL"), ("Москва", "RU-MOW"), ("г. Москва", "RU-MOW"),
     ("Moscow Oblast", "RU-MOS"), ("Московская обл.", "RU-MOS"), ("Ленинград", "RU-SPE"),
     ("Ленинградская область", "RU-LEN"), ("Киев", "UA-30"), ("Київська обл.", "UA-32"),
     ("Kyiv oblast", "UA-32")],
)  # fmt: skip
def test_two_regions_of_one_name_are_told_apart_by_their_kind(text: str, code: str) -> None:
    # the krai and the republic are both «Алтай» once kind words and endings are dropped
    assert normalise_region(text) == code


def test_a_region_in_telegrams_spelling_is_read_with_j_as_zh() -> None:
    assert normalise_region("Voronejskaia oblast") == normalise_region("Воронежская обл.")
    assert normalise_region("Voronejskaia oblast") == "RU-VOR"
    assert normalise_region("Xabarovskij kraj") == "RU-KHA"  # j of kraj stays й


def test_ukrainian_regions_by_colloquial_name() -> None:
    assert normalise_region("Харківщина") == normalise_region("Kharkiv oblast") == "UA-63"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Донецкая Народная Республика", "UA-14"),
        ("Донецька народна республіка", "UA-14"),
        ("Donetsk People's Republic", "UA-14"),
        ("DNR", "UA-14"),
        ("Луганская народная республика", "UA-09"),
        ("LNR", "UA-09"),
    ],
)
def test_a_proclaimed_peoples_republic_is_the_region_it_was_proclaimed_in(
    text: str, code: str
) -> None:
    assert normalise_region(text) == code


def test_an_unknown_region_keeps_a_key_of_its_own() -> None:
    assert normalise_region("Атлантида").startswith("?")


@pytest.mark.parametrize(
    ("text", "code"),
    [("рядовой", "private"), ("Private", "private"), ("ст. сержант", "senior_sergeant"),
     ("Senior Sergeant", "senior_sergeant"), ("мл. лейтенант", "junior_lieutenant"),
     ("капитан", "captain"), ("гв. ст. лейтенант", "senior_lieutenant"), ("солдат", "private")],
)  # fmt: skip
def test_ranks_in_russian_and_english(text: str, code: str) -> None:
    assert normalise_rank(text)[0] == code


def test_rank_levels_are_ordered() -> None:
    assert normalise_rank("рядовой")[1] < normalise_rank("сержант")[1] < normalise_rank("майор")[1]


def test_personal_numbers_lose_separators_and_cyrillic_lookalikes() -> None:
    assert normalise_personal_number("АВ-123 456") == normalise_personal_number("ab123456")


def test_a_birth_age_gives_a_two_year_range_and_a_year_no_month() -> None:
    assert birth_features(parse_partial_date("1998")) == {
        "birth_year": 1998,
        "birth_year_min": 1998,
        "birth_month": None,
        "birth_day": None,
    }
    full = birth_features(parse_partial_date("03.05.1998"))
    assert (full["birth_day"], full["birth_month"]) == (3, 5)


def test_name_written_in_one_field_is_split() -> None:
    features = name_features("Петров Александр Иванович")
    assert features["surname_key"] == "petrov"
    assert features["given_canonical"] == "Александр"
    assert features["patronymic_canonical"] == "Иван"


def test_initials_give_initials_and_no_canonical_name() -> None:
    features = name_features("Петров", "А.И.")
    assert features["given_initial"] == "a"
    assert features["given_canonical"] == ""
    assert features["patronymic_initial"] == "i"


def test_a_request_and_a_list_entry_get_the_same_columns() -> None:
    request = person_features(
        PersonDetails(
            "Петров", "Саша", "Иванович", Sex.UNKNOWN, parse_partial_date("1998"),
            "Курская область", "в/ч 12345", "рядовой",
        )
    )  # fmt: skip
    listed = person_features(
        PersonDetails(
            "PETROV", "Aleksandr", "Ivanovich", Sex.UNKNOWN, parse_partial_date("03.05.1998"),
            "Kurskaia oblast", "MU 12345", "private",
        )
    )  # fmt: skip
    for column in ("surname_key", "given_canonical", "patronymic_canonical", "sex", "birth_year",
                   "region", "unit", "rank"):  # fmt: skip
        assert getattr(request, column) == getattr(listed, column), column
