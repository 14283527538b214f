"""Names across scripts, transliteration systems, languages, nicknames and word orders."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kintrace.linkage.names import (
    SYSTEMS,
    given_names,
    latin_to_cyrillic,
    orient_names,
    parse_given_names,
    patronymic_key,
    patronymic_sex,
    phonetic_key,
    resolve_given_name,
    split_full_name,
    surname_key,
    surname_sex,
    transliterate,
)

# Telegram's informal system writes ж as j, which cannot be told from й (Jukov, Juri).
_FORMAL_SYSTEMS = [s for s in SYSTEMS if s not in {"telegram", "ukrainian_national"}]


def test_the_data_file_holds_200_male_and_100_female_names_with_sources() -> None:
    names = given_names()
    assert sum(n.sex == "m" for n in names) >= 200
    assert sum(n.sex == "f" for n in names) >= 100
    assert all(n.diminutives or n.ukrainian or n.variants for n in names[:50])
    header = resources.files("kintrace.linkage").joinpath("data/given_names.txt").read_text()
    assert "Superanskaya" in header and "Sources" in header


@pytest.mark.parametrize("system", _FORMAL_SYSTEMS)
def test_every_common_given_name_resolves_from_every_transliteration(system: str) -> None:
    wrong = []
    for name in given_names():
        latin = transliterate(name.canonical, system)
        if resolve_given_name(latin, name.sex).canonical != name.canonical:
            wrong.append((name.canonical, latin))
    # Иларион/Илларион and Сава/Савва are spellings of one name: the key cannot tell them.
    assert {c for c, _ in wrong} <= {"Иларион", "Сава"}, wrong


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize(
    "surname", ["Щукин", "Григорьев", "Ковалёв", "Кудрявцев", "Соловьёв", "Юдин", "Шевченко"]
)
def test_surnames_keep_one_key_in_every_system(system: str, surname: str) -> None:
    assert surname_key(transliterate(surname, system)) == surname_key(surname)


@pytest.mark.parametrize(
    ("ukrainian", "russian"),
    [("Serhii", "Sergei"), ("Oleksii", "Aleksei"), ("Mykola", "Nikolai"), ("Сергій", "Сергей"),
     ("Олександр", "Александр"), ("Volodymyr", "Vladimir"), ("Юрій", "Юрий"), ("Dmytro", "Dmitry")],
)  # fmt: skip
def test_ukrainian_and_russian_forms_are_one_name(ukrainian: str, russian: str) -> None:
    assert resolve_given_name(ukrainian).canonical == resolve_given_name(russian).canonical


@pytest.mark.parametrize("nickname", ["Саша", "Саня", "Шура", "Сашко", "Sasha", "SHURA"])
def test_diminutives_of_a_man_resolve_to_the_full_name(nickname: str) -> None:
    assert resolve_given_name(nickname, "m").canonical == "Александр"


def test_a_nickname_of_both_sexes_keeps_both_candidates() -> None:
    match = resolve_given_name("Женя")
    assert {"Евгений", "Евгения"} <= set(match.candidates)
    assert resolve_given_name("Женя", "f").canonical == "Евгения"


def test_a_cyrillic_typo_read_as_another_name_keeps_the_name_its_letters_are_near() -> None:
    # Иаан, Иван mistyped, has Ян's key (я is ia); no list spells Ян so
    typo = resolve_given_name("Иаан", "m")
    assert typo.canonical == "Ян"
    assert "Иван" in typo.candidates
    # a listed spelling, a Latin transliteration and a typo the key folds keep their one name
    assert resolve_given_name("Ян", "m").candidates == ("Ян",)
    assert resolve_given_name("Ian", "m").candidates == ("Ян",)
    assert resolve_given_name("Ивван", "m").candidates == ("Иван",)


def test_yo_and_ye_are_one_letter() -> None:
    assert phonetic_key("Фёдор") == phonetic_key("Федор") == phonetic_key("Fyodor")
    assert surname_key("Ковалёв") == surname_key("Ковалев") == surname_key("Kovalyov")


def test_names_beginning_with_ya_and_a_stay_apart() -> None:
    assert resolve_given_name("Yana").canonical == "Яна"
    assert resolve_given_name("Anna").canonical == "Анна"


def test_capitals_do_not_matter() -> None:
    assert surname_key("PETROV") == surname_key("Petrov") == surname_key("Петров")


@pytest.mark.parametrize(
    ("text", "father"),
    [("Иванович", "Иван"), ("Ivanovna", "Иван"), ("Іванівна", "Иван"), ("Сергеевич", "Сергей"),
     ("Serhiyovych", "Сергей"), ("Ильич", "Илья"), ("Юрьевич", "Юрий"), ("Yuryevich", "Юрий")],
)  # fmt: skip
def test_patronymics_map_to_the_fathers_name(text: str, father: str) -> None:
    assert patronymic_key(text) == father


def test_patronymics_and_surnames_show_sex() -> None:
    assert patronymic_sex("Петровна") == "f" and patronymic_sex("Petrovich") == "m"
    assert surname_sex("Иванова") == "f" and surname_sex("Ivanov") == "m"


@pytest.mark.parametrize("form", ["Иванова", "IVANOVA", "Ivanova", "Иванов"])
def test_gender_forms_of_a_surname_share_a_key(form: str) -> None:
    assert surname_key(form) == surname_key("Ivanov")


def test_swapped_order_is_set_right_and_initials_are_split() -> None:
    assert orient_names("Aleksandr", "PETROV") == ("PETROV", "Aleksandr")
    assert split_full_name("Петров А.И.").given_name == "А"
    assert resolve_given_name("А.").initial


@pytest.mark.parametrize(
    ("surname", "given", "oriented"),
    [
        ("Дениска", "Соснчук", ("Соснчук", "Дениска")),  # a nickname written first
        ("Шама", "Гарипов", ("Гарипов", "Шама")),  # a nickname no list knows, near names
        ("Миахил", "Гришков", ("Гришков", "Миахил")),  # a misspelt name written first
        ("Данилко", "Констатин", ("Данилко", "Констатин")),  # a misspelt name after a surname
        ("Павлик", "Констатин", ("Павлик", "Констатин")),  # a surname that is a nickname too
        ("Данилко", "Алевтина", ("Данилко", "Алевтина")),  # a name the list lacks, -ина
        ("Миша Тихонов", "", ("Тихонов", "Миша")),  # the whole name, given name first
        ("Гарипов", "Шама", ("Гарипов", "Шама")),  # already right
        ("Ким", "Константин", ("Ким", "Константин")),  # a known name is the given name
        ("Шевчук", "Ковальчук", ("Шевчук", "Ковальчук")),  # two surnames: as written
        ("Smith", "Benjamin", ("Smith", "Benjamin")),  # no name near Smith: as written
    ],
)
def test_a_given_name_written_first_is_told_by_the_surnames_ending(
    surname: str, given: str, oriented: tuple[str, str]
) -> None:
    if not given:
        parts = split_full_name(surname)
        surname, given = parts.surname, parts.given_name
    assert orient_names(surname, given) == oriented


def test_a_capital_i_among_small_letters_is_read_as_the_l_it_was_scanned_from() -> None:
    assert surname_key("VaIiev") == surname_key("Валиев")
    assert surname_key("VALIEV") == surname_key("Валиев")  # capitals: I is I
    assert surname_key("Ivanov") == surname_key("Иванов")


def test_latin_is_written_back_in_cyrillic() -> None:
    assert latin_to_cyrillic("Shchukin") == "Щукин"
    assert latin_to_cyrillic("Yuriy Zhukov") == "Юрий Жуков"
    assert phonetic_key(latin_to_cyrillic("Kovalyov")) == phonetic_key("Ковалёв")


def test_the_data_format_rejects_a_bad_line() -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_given_names(["Иван|x|||"])


_CYRILLIC = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщыэюяіїєґ", min_size=1, max_size=12)


@given(_CYRILLIC)
def test_keys_ignore_case_and_are_latin(text: str) -> None:
    key = phonetic_key(text)
    assert key == phonetic_key(text.upper())
    assert key.isascii()


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        # given name, patronymic, surname: a given name the data file does not hold
        ("Vaclav Alekseevič POTAPOV", ("POTAPOV", "Vaclav", "Alekseevič")),
        ("Агтоша Викторович Орлов", ("Орлов", "Агтоша", "Викторович")),  # a misspelt one
        # surname first stays: a woman's name ending in -на is no patronymic, nor an initial
        ("Петрова Марина Ивановна", ("Петрова", "Марина", "Ивановна")),
        ("Петрова Марина И", ("Петрова", "Марина", "И")),
        ("Сидоренко Иван Петрович", ("Сидоренко", "Иван", "Петрович")),
    ],
)
def test_a_patronymic_in_the_middle_of_three_words_follows_the_given_name(
    written: str, parts: tuple[str, str, str]
) -> None:
    split = split_full_name(written)
    assert (split.surname, split.given_name, split.patronymic) == parts
