"""Unrecognised given names read as their nearest known forms; the guard only for known names."""

from __future__ import annotations

import pytest

from kintrace.cases.dates import parse_partial_date
from kintrace.cases.model import PersonDetails, Sex
from kintrace.linkage.model import ScoredPair, link_features
from kintrace.linkage.names import given_near, resolve_given_name
from kintrace.linkage.normalise import name_features, person_features


@pytest.mark.parametrize(
    ("written", "sex", "canonical"),
    [
        ("Серёжп", "m", "Сергей"),  # a typo inside a nickname (Серёжа)
        ("Olksii", "m", "Алексей"),  # a misspelt Ukrainian form (Oleksii)
        ("Анаролий", "m", "Анатолий"),  # a misspelt full name
        ("Ниолай", "m", "Николай"),  # "ио" read as ё: one edit in the letters
        ("Иорь", "m", "Игорь"),
        ("Влдаимир", "m", "Владимир"),  # two letters transposed
        ("Kostiantym", "m", "Константин"),  # a misspelt Ukrainian form in Latin
    ],
)
def test_an_unknown_given_name_is_read_as_its_nearest_known_form(
    written: str, sex: str, canonical: str
) -> None:
    assert resolve_given_name(written, sex).canonical.startswith("?")
    assert given_near(written, sex) == (canonical,)


def test_a_known_name_a_short_word_or_a_name_far_from_every_form_has_none() -> None:
    assert given_near("Сергей") == ()
    assert given_near("Ив") == ()  # two letters: a typo of too many names
    assert given_near("Zhyrgal") == ()


def test_a_three_letter_word_is_near_every_name_one_edit_away() -> None:
    # a four-letter name mistyped or cut short: Олег, Юрий, Максим's Макс
    assert given_near("Оег", "m") == ("Олег",)
    assert given_near("Юий", "m") == ("Юлиан", "Юлий", "Юрий")
    assert given_near("Мкс", "m") == ("Максим",)


def test_the_nearest_names_go_into_the_features_between_bars() -> None:
    assert name_features("Лаптев", "Серёжп", "Игоревич")["given_near"] == "|Сергей|"
    assert name_features("Laptev", "Sergei", "Igorevich")["given_near"] == ""


def test_a_nickname_of_two_names_stands_for_both() -> None:
    assert {"Виктор", "Виталий"} <= set(resolve_given_name("Витя", "m").candidates)


def _twins(first: str, second: str) -> ScoredPair:
    born = parse_partial_date("02.02.1980")
    records = [
        person_features(PersonDetails("Жамсуев", name, "Баирович", Sex.UNKNOWN, born, "", "", ""))
        for name in (first, second)
    ]
    return link_features(records, min_probability=0.0).pairs[0]


@pytest.mark.parametrize(
    ("first", "second"),
    [("Иван", "Пётр"), ("Жыргал", "Цыренжап")],  # two known names; two unknown ones far apart
)
def test_the_guard_keeps_twins_apart_when_their_names_are_known_to_differ(
    first: str, second: str
) -> None:
    pair = _twins(first, second)
    assert pair.evidence["given_name"] == "different"
    assert pair.match_probability < 0.01


def test_a_name_mangled_beyond_recognition_against_a_known_one_is_not_guarded() -> None:
    pair = _twins("Цыренжап", "Сергей")  # unknown, and near no form of any name
    assert pair.evidence["given_name"] == "unknown"


@pytest.mark.parametrize(
    ("surname", "given", "patronymic", "nearest"),
    [
        # Иван mistyped: Иванна's nickname; the surname says a man; three letters, one
        # edit from Иван and Илья
        ("Захаров", "Ива", "", "|Иван|Илья|"),
        ("Тихомиров", "Никиа", "Дмитриевич", "|Никита|"),  # Никита mistyped: Ника, a woman's
    ],
)
def test_a_name_only_of_the_other_sex_than_the_record_shows_is_a_misspelt_one(
    surname: str, given: str, patronymic: str, nearest: str
) -> None:
    assert not resolve_given_name(given).canonical.startswith("?")  # a woman's name alone
    features = name_features(surname, given, patronymic)
    assert features["given_canonical"] == resolve_given_name(given, "m").canonical
    assert str(features["given_canonical"]).startswith("?")
    assert (features["given_near"], features["sex"]) == (nearest, "m")


def test_a_mistyped_name_that_reads_as_a_womans_is_not_kept_apart_as_a_twin() -> None:
    records = [
        person_features(PersonDetails(*names, Sex.UNKNOWN, parse_partial_date(born), "", "", ""))
        for names, born in ((("Захаров", "Ива", ""), "1970"), (("Zaharov", "Ivan", ""), "1970"))
    ]
    pair = link_features(records, min_probability=0.0).pairs[0]
    assert (pair.evidence["given_name"], pair.evidence["sex"]) == ("near", "exact")
    assert pair.match_probability >= 0.5


def test_the_nearest_names_are_those_of_the_records_sex() -> None:
    assert given_near("Никиа", "m") == ("Никита",)  # Ника, a woman's name, is nearer
    assert resolve_given_name("Саша", "m").canonical == "Александр"
