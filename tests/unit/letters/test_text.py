"""The letters' text, composed from facts without a database (English catalogue: the msgids)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial

import pytest

from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import Sex
from kintrace.errors import InvalidInput
from kintrace.letters.model import (
    ADDRESSEES,
    Addressee,
    LetterFacts,
    LetterKind,
    ReportFact,
    RequestFact,
    Sender,
    parse_addressee,
    parse_kind,
    parse_language,
)
from kintrace.letters.text import compose, names
from kintrace.web.i18n import tr


def facts(**changes: object) -> LetterFacts:
    base = LetterFacts(
        person_id=7,
        surname="Иванов",
        given_name="Сергей",
        patronymic="Петрович",
        sex=Sex.MALE,
        sender=Sender("Иванова Анна Петровна", "mother", "+7 555 000"),
        birth=PartialDate(1998, 5, 3, Precision.DAY),
        reports=(
            ReportFact(date(2022, 9, 18), "missing", "unit commander", "B3", "near Бахмут"),
            ReportFact(date(2022, 10, 5), "dead_unrecovered", "a post", "F6", retracted=True),
            ReportFact(date(2022, 10, 6), "retraction", "a post", "F6"),
        ),
        requests=(
            RequestFact("status_change", "Ministry", date(2022, 11, 1), date(2022, 12, 1)),
            RequestFact(
                "dna_test", "Bureau", date(2022, 11, 2), date(2022, 12, 2), date(2022, 11, 20)
            ),
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def write(lang: str, kind: LetterKind = LetterKind.STATUS_CHANGE, **changes: object) -> str:
    return compose(
        facts(**changes),
        kind,
        lang,
        addressee="Somewhere",
        today=date(2023, 3, 1),
        translate=partial(tr, lang),
    ).text()


def test_every_kind_and_language_has_its_own_title_and_request() -> None:
    for lang in ("ru", "uk", "en"):
        letters = [write(lang, kind) for kind in LetterKind]
        titles = {text.split("\n")[4] for text in letters}
        assert len(titles) == len(LetterKind), lang


def test_withdrawn_reports_and_retractions_are_not_cited() -> None:
    text = write("en")
    assert "18 September 2022, near Бахмут: unit commander (grade B3) reports" in text
    assert "dead" not in text
    assert "retraction" not in text


def test_earlier_requests_say_whether_they_were_answered() -> None:
    text = write("en")
    assert "to Ministry, answer due 1 December 2022, not answered" in text
    assert "to Bureau, answer due 2 December 2022, answered 20 November 2022" in text


def test_without_a_relative_the_desk_signs() -> None:
    text = write("ru", sender=Sender("", desk="Курская область"))
    assert "Заявитель: Региональное бюро розыска, Курская область" in text
    assert "Подпись: ____________ (Региональное бюро розыска, Курская область)" in text
    assert "мать" not in text


@pytest.mark.parametrize(
    ("birth", "shown"),
    [
        (PartialDate(1998, 5, 3, Precision.DAY), "3 May 1998"),
        (PartialDate(1998, 5, None, Precision.MONTH), "05.1998"),
        (PartialDate(1998, None, None, Precision.YEAR), "Date of birth: 1998"),
        (PartialDate(1998, None, None, Precision.AGE), "1997 or 1998"),
    ],
)
def test_a_birth_date_is_shown_with_its_precision(birth: PartialDate, shown: str) -> None:
    assert shown in write("en", birth=birth)


def test_a_woman_is_named_in_her_cases() -> None:
    forms = names(facts(surname="Коваль", given_name="Олена", patronymic="Тарасівна",
                        sex=Sex.FEMALE), "uk")  # fmt: skip
    assert forms == {
        "name_nom": "Коваль Олена Тарасівна",
        "name_gen": "Коваль Олени Тарасівни",
        "name_dat": "Коваль Олені Тарасівні",
        "name_acc": "Коваль Олену Тарасівну",
    }


def test_choices_are_checked_with_a_clear_message() -> None:
    assert parse_kind(" objection ") is LetterKind.OBJECTION
    assert parse_language("UK") == "uk"
    assert parse_addressee(LetterKind.DNA_TEST, "") is ADDRESSEES[LetterKind.DNA_TEST][0]
    assert parse_addressee(LetterKind.POW_LIST_INCLUSION, "red_cross") is Addressee.RED_CROSS
    with pytest.raises(InvalidInput, match="KIND: unknown letter kind 'pension'"):
        parse_kind("pension")
    with pytest.raises(InvalidInput, match="--lang"):
        parse_language("de")
    with pytest.raises(InvalidInput, match="addressee"):
        parse_addressee(LetterKind.OBJECTION, "ministry")
    with pytest.raises(InvalidInput, match="addressee"):
        parse_addressee(LetterKind.OBJECTION, "nobody")
