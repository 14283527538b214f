"""Unrecognised given names read as their nearest known forms; the guard only for known names."""

from __future__ import annotations

import pytest

from kintrace.linkage.names import given_near, resolve_given_name
from kintrace.linkage.normalise import name_features


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
    assert given_near("Иья") == ()  # three letters: a typo of too many names
    assert given_near("Zhyrgal") == ()


def test_the_nearest_names_go_into_the_features_between_bars() -> None:
    assert name_features("Лаптев", "Серёжп", "Игоревич")["given_near"] == "|Сергей|"
    assert name_features("Laptev", "Sergei", "Igorevich")["given_near"] == ""


def test_a_nickname_of_two_names_stands_for_both() -> None:
    assert {"Виктор", "Виталий"} <= set(resolve_given_name("Витя", "m").candidates)
