"""The search key: one form for every script, case and transliteration of a name."""

from __future__ import annotations

import pytest

from kintrace.cases.search import SEARCH_KEY_LENGTH, search_forms, search_key


@pytest.mark.parametrize("word", ["стасів", "Стасів", "STASIV", "Stasiv", "СТАСІВ"])
def test_every_spelling_of_a_surname_has_one_form(word: str) -> None:
    key = search_key(surname="Стасів", given_name="Микола")
    (form,) = search_forms(word)
    assert f" {form}" in key


@pytest.mark.parametrize("word", ["микола", "Mykola", "MIKOLA", "Микола"])
def test_a_given_name_in_any_script(word: str) -> None:
    key = search_key(surname="Stasiv", given_name="Микола")
    assert all(form in key for form in search_forms(word))


@pytest.mark.parametrize("word", ["ав-123456", "AB123456", "ab123456", "АВ123"])
def test_a_personal_number_without_case_spaces_or_dashes(word: str) -> None:
    key = search_key(surname="Петров", personal_number="АВ-123 456")
    (form,) = search_forms(word)
    assert form in key


def test_a_unit_by_its_number_and_letter() -> None:
    key = search_key(surname="Петров", unit="в/ч А-0224")
    assert search_forms("A0224")[0] in key
    assert search_forms("а-0224")[0] in key


def test_punctuation_has_no_form() -> None:
    assert search_forms("%") == search_forms("_") == search_forms("-") == ()


def test_a_long_key_is_cut_at_a_word() -> None:
    key = search_key(surname=" ".join(f"Name{chr(97 + i % 26)}x" * 3 for i in range(200)))
    assert len(key) <= SEARCH_KEY_LENGTH
    assert key.startswith(" ") and key.endswith(" ")
