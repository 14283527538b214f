"""Patronymics derived from the given-name list, and unknown ones read as the nearest known."""

from __future__ import annotations

import pytest

from kintrace.linkage.names import (
    damerau_levenshtein,
    given_names,
    patronymic_key,
    patronymic_near,
    transliterate,
)


@pytest.mark.parametrize(
    ("written", "father"),
    [
        ("Павловна", "Павел"),
        ("Pavlovna", "Павел"),
        ("Павлівна", "Павел"),
        ("Львович", "Лев"),
        ("Львовна", "Лев"),
        ("Яковлевич", "Яков"),
        ("Яковлевна", "Яков"),
        ("Олеговна", "Олег"),
        ("Петровна", "Пётр"),
    ],
)
def test_female_and_irregular_forms_are_derived(written: str, father: str) -> None:
    assert patronymic_key(written) == father


def test_every_male_name_gives_a_russian_female_patronymic() -> None:
    # the Russian female form of the father's name: -овна / -евна (Павловна)
    missing: list[str] = []
    for name in given_names():
        if name.sex != "m" or not name.canonical.endswith(tuple("бвгдзклмнпрстфхцчшщ")):
            continue
        female = name.canonical + "овна"
        if name.canonical.endswith(("ж", "ц", "ч", "ш", "щ")):
            female = name.canonical + "евна"
        if patronymic_key(female) != name.canonical:
            missing.append(female)
    # Арсенович is Арсений's Ukrainian form as well; Иларион and Илларион are one key
    assert missing in ([], ["Арсеновна", "Иларионовна"]), missing


@pytest.mark.parametrize(
    ("written", "father"),
    [
        ("Олегоич", "Олег"),  # a letter dropped
        ("Алексанрович", "Александр"),  # one dropped in a long name
        ("Петрвна", "Пётр"),
        ("Olegovihc", "Олег"),  # two letters transposed
        ("Vladimirovihc", "Владимир"),
    ],
)
def test_an_unknown_patronymic_is_read_as_the_nearest_known(written: str, father: str) -> None:
    assert patronymic_key(written).startswith("?")
    assert patronymic_near(written) == father


def test_a_known_patronymic_or_one_near_two_fathers_has_no_nearest() -> None:
    assert patronymic_near("Олегович") == ""  # known: patronymic_key reads it
    assert patronymic_near("Zzzzovich") == ""
    assert patronymic_near("Ивнович") == ""  # one edit from Иванович and from Ионович


def test_gost_patronymics_are_known() -> None:
    for father in ("Тихонович", "Харитонович", "Павловна"):
        assert patronymic_key(transliterate(father, "wikipedia")) == patronymic_key(father)


def test_damerau_levenshtein_counts_one_transposition_as_one_edit() -> None:
    assert damerau_levenshtein("olegovic", "olegovci") == 1
    assert damerau_levenshtein("olegovic", "olegoic") == 1
    assert damerau_levenshtein("ivan", "oleg") == 4
    assert damerau_levenshtein("", "abc") == 3
