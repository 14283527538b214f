"""Names in grammatical cases, against forms checked by hand in the normative grammars.

Russian: Rosenthal, "Справочник по правописанию и стилистике" (surnames in -ов/-ин decline
with -ым in the instrumental; in -о, -их/-ых and a woman's in a consonant do not). Ukrainian:
"Український правопис" (2019), § 94-95 (a man's surname in -ко declines: Шевченка,
Шевченкові/Шевченку; a woman's in a consonant or -о does not).
"""

from __future__ import annotations

import pytest

from kintrace.cases.model import Sex
from kintrace.letters.grammar import Case, Part, infer_sex, inflect_name, inflect_word

M, F = Sex.MALE, Sex.FEMALE
G, D, A, INS, P = (
    Case.GENITIVE,
    Case.DATIVE,
    Case.ACCUSATIVE,
    Case.INSTRUMENTAL,
    Case.PREPOSITIONAL,
)

# (lang, surname, given, patronymic, sex, case, expected full name)
TABLE = [
    # Russian, men
    ("ru", "Иванов", "Сергей", "Петрович", M, G, "Иванова Сергея Петровича"),
    ("ru", "Иванов", "Сергей", "Петрович", M, D, "Иванову Сергею Петровичу"),
    ("ru", "Иванов", "Сергей", "Петрович", M, INS, "Ивановым Сергеем Петровичем"),
    ("ru", "Иванов", "Сергей", "Петрович", M, P, "Иванове Сергее Петровиче"),
    ("ru", "Ильин", "Павел", "Ильич", M, G, "Ильина Павла Ильича"),
    ("ru", "Ильин", "Павел", "Ильич", M, INS, "Ильиным Павлом Ильичом"),
    ("ru", "Толстой", "Лев", "Николаевич", M, G, "Толстого Льва Николаевича"),
    ("ru", "Толстой", "Лев", "Николаевич", M, D, "Толстому Льву Николаевичу"),
    ("ru", "Коваль", "Андрей", "Викторович", M, G, "Коваля Андрея Викторовича"),
    ("ru", "Шевченко", "Тарас", "Григорьевич", M, G, "Шевченко Тараса Григорьевича"),
    ("ru", "Черных", "Илья", "Сергеевич", M, D, "Черных Илье Сергеевичу"),
    ("ru", "Римский-Корсаков", "Николай", "", M, G, "Римского-Корсакова Николая"),
    ("ru", "Семенов", "Семен", "Петрович", M, G, "Семенова Семена Петровича"),
    ("ru", "Сковорода", "Никита", "Ильич", M, D, "Сковороде Никите Ильичу"),
    # Russian, women
    ("ru", "Иванова", "Мария", "Сергеевна", F, G, "Ивановой Марии Сергеевны"),
    ("ru", "Иванова", "Мария", "Сергеевна", F, A, "Иванову Марию Сергеевну"),
    ("ru", "Толстая", "Софья", "Андреевна", F, D, "Толстой Софье Андреевне"),
    ("ru", "Коваль", "Любовь", "Петровна", F, G, "Коваль Любови Петровны"),
    ("ru", "Шевченко", "Алена", "Викторовна", F, G, "Шевченко Алены Викторовны"),
    # Ukrainian, men
    ("uk", "Шевченко", "Тарас", "Григорович", M, G, "Шевченка Тараса Григоровича"),
    ("uk", "Шевченко", "Тарас", "Григорович", M, INS, "Шевченком Тарасом Григоровичем"),
    ("uk", "Стасів", "Іван", "Петрович", M, G, "Стасіва Івана Петровича"),
    ("uk", "Коваль", "Микола", "Іванович", M, G, "Коваля Миколи Івановича"),
    ("uk", "Коваль", "Микола", "Іванович", M, INS, "Ковалем Миколою Івановичем"),
    ("uk", "Кравець", "Олексій", "Олегович", M, G, "Кравця Олексія Олеговича"),
    ("uk", "Франко", "Іван", "Якович", M, G, "Франка Івана Яковича"),
    ("uk", "Бойко", "Павло", "Ілліч", M, G, "Бойка Павла Ілліча"),
    ("uk", "Іванов", "Сергій", "Петрович", M, INS, "Івановим Сергієм Петровичем"),
    # Ukrainian, women
    ("uk", "Стасів", "Олена", "Тарасівна", F, G, "Стасів Олени Тарасівни"),
    ("uk", "Коваль", "Олена", "Тарасівна", F, D, "Коваль Олені Тарасівні"),
    ("uk", "Шевченко", "Марія", "Іванівна", F, INS, "Шевченко Марією Іванівною"),
    ("uk", "Іванова", "Олена", "Петрівна", F, G, "Іванової Олени Петрівни"),
    ("uk", "Ковальчук", "Любов", "Іванівна", F, G, "Ковальчук Любові Іванівни"),
]


@pytest.mark.parametrize(("lang", "surname", "given", "patr", "sex", "case", "expected"), TABLE)
def test_hand_checked_forms(
    lang: str, surname: str, given: str, patr: str, sex: Sex, case: Case, expected: str
) -> None:
    assert str(inflect_name(surname, given, patr, sex=sex, case=case, lang=lang)) == expected


def test_the_nominative_and_latin_names_stay_as_written() -> None:
    assert str(inflect_name("Иванов", "Сергей", "", sex=M, case=Case.NOMINATIVE, lang="ru")) == (
        "Иванов Сергей"
    )
    assert str(inflect_name("Ivanov", "Sergei", "", sex=M, case=G, lang="ru")) == "Ivanov Sergei"
    assert str(inflect_name("Иванов", "Сергей", "", sex=M, case=G, lang="en")) == "Иванов Сергей"


def test_each_piece_of_a_two_word_or_hyphenated_name_declines() -> None:
    assert inflect_word("Анна Мария", Part.GIVEN, sex=F, case=D, lang="ru") == "Анне Марии"
    assert inflect_word("Анна-Мария", Part.GIVEN, sex=F, case=D, lang="ru") == "Анне-Марии"
    assert inflect_word("Косач-Квітка", Part.SURNAME, sex=F, case=G, lang="uk") == ("Косач-Квітки")


def test_capitals_and_yo_are_kept_as_written() -> None:
    assert inflect_word("ИВАНОВ", Part.SURNAME, sex=M, case=G, lang="ru") == "ИВАНОВА"
    assert inflect_word("Семён", Part.GIVEN, sex=M, case=G, lang="ru") == "Семёна"
    assert inflect_word("Семен", Part.GIVEN, sex=M, case=G, lang="ru") == "Семена"


def test_a_russian_patronymic_in_a_ukrainian_letter_uses_the_russian_dictionary() -> None:
    # the Ukrainian dictionary has no "Сергеевна": its paradigm is the Russian one
    assert inflect_word("Сергеевна", Part.PATRONYMIC, sex=F, case=G, lang="uk") == "Сергеевны"


def test_sex_is_taken_from_the_name_when_not_recorded() -> None:
    assert infer_sex("Коваль", "Андрей", "Викторович") is Sex.MALE
    assert infer_sex("Коваль", "Олена", "", lang="uk") is Sex.FEMALE
    assert infer_sex("Иванова", "", "") is Sex.FEMALE
    assert infer_sex("Коваль", "", "") is Sex.UNKNOWN
    # unknown sex and nothing to tell it: the name stays in the nominative
    assert str(inflect_name("Коваль", "", "", case=G, lang="ru")) == "Коваль"
    # known from the patronymic: a woman's surname in a consonant stays, the rest declines
    assert str(inflect_name("Коваль", "Любовь", "Петровна", case=G, lang="ru")) == (
        "Коваль Любови Петровны"
    )
