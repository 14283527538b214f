"""Mentions of soldiers in Russian and Ukrainian chat messages: names in the nominative, fields."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.chats.extract import (
    birth_year,
    claimed_fate,
    event_date,
    extract_mentions,
    mentions_soldier,
    place,
    unit,
)
from kintrace.chats.names import find_names
from kintrace.chats.telegram import read_export
from kintrace.reports.model import Status

EXPORT = Path(__file__).parent / "result.json"
POSTED = datetime(2024, 3, 1, 12, 0)

# (message id, surname, given name, patronymic, birth year, unit, date, place, claim)
EXPECTED = [
    (2, "Иванов", "Сергей", "Петрович", 1995, "в/ч 12345", "2024-01-12", "Бахмут", "missing"),
    (3, "Петренко", "Олександр", "Іванович", 1990, "72 ОМБр", "2024-01-05", "Вугледар", "missing"),
    (5, "Сидоренко", "Алексей", None, 1993, "в/ч А1234", "2024-01-20", "Работино", "missing"),
    (5, "Гайдай", "Игорь", "Николаевич", 1985, "в/ч А1234", "2024-01-20", "Работино", "missing"),
    (6, "Лысенко", "Андрей", "Викторович", None, None, None, None, "captured_reported"),
    (8, "Бондаренко", "Василь", "Миколайович", None, None, None, None, "returned"),
    (9, "Коваленко", "Андрей", "Викторович", 1988, "155 бригада морской пехоты", "2024-01-28",
     None, "captured_reported"),
    (11, "Иванов", "Сергей", None, 1995, None, "2024-02-03", "Авдеевка", "dead_unrecovered"),
]  # fmt: skip


def test_the_invented_export_gives_the_expected_table() -> None:
    rows = [
        (
            message.message_id, m.surname, m.given_name, m.patronymic, m.birth_year, m.unit,
            m.date.isoformat() if m.date else None, m.place, m.claim.value if m.claim else None,
        )
        for message in read_export(EXPORT)
        for m in extract_mentions(message.text, posted=message.posted_at)
    ]  # fmt: skip
    assert rows == EXPECTED


def test_the_export_file_holds_what_the_table_is_about() -> None:
    data = json.loads(EXPORT.read_text("utf-8"))
    kinds = [m["type"] for m in data["messages"]]
    assert kinds.count("service") == 2
    assert any(isinstance(m["text"], list) for m in data["messages"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ищем Иванова Сергея Петровича", ("Иванов", "Сергей", "Петрович")),
        ("Информация о Петрове Александре Ивановиче", ("Петров", "Александр", "Иванович")),
        ("Сергея Петровича Смирнова видели в плену", ("Смирнов", "Сергей", "Петрович")),
        ("Шукаємо Шевченка Тараса Григоровича", ("Шевченко", "Тарас", "Григорович")),
        ("Допоможіть знайти Ковальчука Андрія", ("Ковальчук", "Андрій", None)),
        ("разом з Мельником Сергієм", ("Мельник", "Сергій", None)),
        ("Ищем Иванову Марию Сергеевну, медик", ("Иванова", "Мария", "Сергеевна")),
        ("ГАЙДАЙ Игорь пропал", ("Гайдай", "Игорь", None)),
        ("Бойко Олег 1990 г.р.", ("Бойко", "Олег", None)),
    ],
)
def test_names_are_brought_to_the_nominative(
    text: str, expected: tuple[str, str, str | None]
) -> None:
    found = find_names(text)
    assert [(n.surname, n.given_name, n.patronymic) for n in found] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Ищем Сергея, пропал под Бахмутом",  # a given name alone is nobody to link
        "Брат Сергей пропал",  # a kin word is no surname
        "Спасибо всем, кто помогает!",
        "Пропал Без Вести",
    ],
)
def test_no_name_is_made_up(text: str) -> None:
    assert find_names(text) == []


def test_a_woman_is_a_woman() -> None:
    (mention,) = extract_mentions("Ищем Иванову Марию Сергеевну, медик, пропала", posted=POSTED)
    assert (mention.surname, mention.sex) == ("Иванова", "female")


@pytest.mark.parametrize(
    ("text", "year"),
    [
        (", 1995 г.р.", 1995),
        (" 1995 г. р.", 1995),
        (" 1990 р.н.", 1990),
        (" 1987 года рождения", 1987),
        (" д.р. 03.05.1998", 1998),
        (" (1979)", 1979),
        (", 23 года", None),
        (" пропал 12.03.2023", None),
    ],
)
def test_birth_years(text: str, year: int | None) -> None:
    assert birth_year(text) == year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("в/ч 12345", "в/ч 12345"),
        ("в\\ч А-1234", "в/ч А1234"),
        ("вч A1234", "в/ч А1234"),  # a Latin A becomes the Cyrillic one
        ("військова частина А0409", "в/ч А0409"),
        ("из 72-й отдельной механизированной бригады", "72 отдельная механизированная бригада"),
        ("служив у 93 окремій механізованій бригаді", "93 окрема механізована бригада"),
        ("1-го полка", "1 полк"),
        ("72 ОМБр", "72 ОМБр"),
        ("пропал под Бахмутом", None),
    ],
)
def test_units(text: str, expected: str | None) -> None:
    assert unit(text, "uk" if "і" in text else "ru") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("пропал 12 марта", date(2024, 3, 12)),  # after the posting: the year before
        ("пропал 12 февраля", date(2024, 2, 12)),
        ("зник 5 травня 2023", date(2023, 5, 5)),
        ("с 10.01.2024 нет связи", date(2024, 1, 10)),
        ("з 05.11.22 не виходить на зв'язок", date(2022, 11, 5)),
        ("д.р. 03.05.1998", None),  # a birth date is no event of this war
        ("31.02.2024", None),
        ("зник 12.02 під Бахмутом", date(2024, 2, 12)),  # a day and month: this year
        ("встреча в 12.30", None),  # a time, not a date
        ("потери 1.5.2 раза", None),
    ],
)
def test_event_dates(text: str, expected: date | None) -> None:
    assert event_date(text, posted=date(2024, 3, 1)) == (
        date(2023, 3, 12) if expected == date(2024, 3, 12) else expected
    )


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("пропал под Бахмутом", "ru", "Бахмут"),
        ("зник біля Бахмута", "uk", "Бахмут"),
        ("в районе Авдеевки", "ru", "Авдеевка"),
        ("в районі Авдіївки", "uk", "Авдіївка"),
        ("в н.п. Новоселовка", "ru", "Новоселовка"),
        ("под Часовым Яром", "ru", "Часов Яр"),
        ("Запорожской области", "ru", "Запорожская область"),
        ("в Запорізькій області", "uk", "Запорізька область"),
        ("пишите в Телеграм", "ru", None),
    ],
)
def test_places(text: str, lang: str, expected: str | None) -> None:
    assert place(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("пропал без вести", Status.MISSING),
        ("зник безвісти", Status.MISSING),
        ("не выходит на связь", Status.MISSING),
        ("в плену, видели на видео", Status.CAPTURED_REPORTED),
        ("потрапив у полон", Status.CAPTURED_REPORTED),
        ("погиб", Status.DEAD_UNRECOVERED),
        ("загинув", Status.DEAD_UNRECOVERED),
        ("ранен, в госпитале", Status.WOUNDED),
        ("поранений", Status.WOUNDED),
        ("жив, вышел на связь", Status.ALIVE_SERVING),
        ("вийшов на зв'язок", Status.ALIVE_SERVING),
        ("вернулся по обмену", Status.RETURNED),
        ("повернувся з полону", Status.RETURNED),
        ("пропал, потом сказали что в плену", Status.CAPTURED_REPORTED),
        ("был ранен и погиб", Status.DEAD_UNRECOVERED),
        ("он не погиб", None),
        ("добрый вечер", None),
    ],
)
def test_claimed_fates(text: str, claim: Status | None) -> None:
    assert claimed_fate(text) == claim


def test_a_message_about_no_soldier_gives_no_mention() -> None:
    assert not mentions_soldier("Спасибо, Мария Ивановна, за поддержку")
    assert extract_mentions("Спасибо, Мария Ивановна, за поддержку", posted=POSTED) == []


def test_two_soldiers_keep_their_own_birth_years_and_share_the_rest() -> None:
    text = (
        "Ищем Петрова Николая 1990 г.р. и Смирнова Дениса Олеговича 1999 г.р., "
        "оба из 110 бригады, пропали 3 февраля под Авдеевкой"
    )
    found = extract_mentions(text, posted=POSTED)
    assert [(m.surname, m.birth_year, m.unit, m.place, m.date) for m in found] == [
        ("Петров", 1990, "110 бригада", "Авдеевка", date(2024, 2, 3)),
        ("Смирнов", 1999, "110 бригада", "Авдеевка", date(2024, 2, 3)),
    ]


_WORDS = st.sampled_from(
    ["Ищем", "Иванова", "Сергея", "Петровича", "ИВАНОВ", "Шукаємо", "Петренка", "в/ч", "12345",
     "1995", "г.р.", "р.н.", "пропал", "в плену", "под", "Бахмутом", "12.03.2023", "31.02.2024",
     "72-й", "бригады", "ОМБр", "Марии", ",", ".", "не", "погиб", "с.", "А", "-", "'", "області"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS | st.text(max_size=6), max_size=25).map(" ".join))
def test_any_text_gives_mentions_with_sane_fields(text: str) -> None:
    for m in extract_mentions(text, posted=POSTED):
        assert m.surname and text[m.start : m.end]
        assert m.birth_year is None or 1940 <= m.birth_year <= 2019
        assert m.date is None or date(2014, 1, 1) <= m.date <= POSTED.date()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Шукаємо Коваленка Андрія Вікторовича, 93 ОМБр, зник під Бахмутом",
         [("Коваленко", "Андрій", "Вікторович", None, "93 ОМБр", "Бахмут", "missing")]),
        ("1. Иванов Сергей Петрович 1995\n2. Петров Олег Иванович 1988\nоба в плену",
         [("Иванов", "Сергей", "Петрович", 1995, None, None, "captured_reported"),
          ("Петров", "Олег", "Иванович", 1988, None, None, "captured_reported")]),
        ("Мой сын Алёшин Артём Андреевич пропал без вести в районе Кременной",
         [("Алёшин", "Артём", "Андреевич", None, None, "Кременная", "missing")]),
        ("Ткаченко Наталья Ивановна, медсестра, взята в плен под Мариуполем",
         [("Ткаченко", "Наталья", "Ивановна", None, None, "Мариуполь", "captured_reported")]),
        ("Ищу информацию о брате — Захарченко Виктор Павлович, в/ч 41698, вышел на связь, жив!",
         [("Захарченко", "Виктор", "Павлович", None, "в/ч 41698", None, "alive_serving")]),
        ("Вернулся домой по обмену Кравченко Максим Олегович! Спасибо всем",
         [("Кравченко", "Максим", "Олегович", None, None, None, "returned")]),
        ("ЯКОВЛЕВ Олег Сергеевич 04.12.1992 г.р. пропал 20.02.2024 н.п. Ласточкино",
         [("Яковлев", "Олег", "Сергеевич", 1992, None, "Ласточкино", "missing")]),
    ],
)  # fmt: skip
def test_messages_as_relatives_write_them(text: str, expected: list[tuple[object, ...]]) -> None:
    found = [
        (m.surname, m.given_name, m.patronymic, m.birth_year, m.unit, m.place,
         m.claim.value if m.claim else None)
        for m in extract_mentions(text, posted=POSTED)
    ]  # fmt: skip
    assert found == expected
