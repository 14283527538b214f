"""Name pools, regions, units and ranks for demo persons, in Russian and Ukrainian. Pure.

Every person here is fictional: the pools are common given names, patronymics and surnames,
combined at random. ``Side`` is the language of a person's family and authorities: ``"ru"``
for a Russian service member, ``"uk"`` for a Ukrainian one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import iuliia

Side = Literal["ru", "uk"]
Lang = Literal["ru", "uk", "en"]


@dataclass(frozen=True, slots=True)
class MaleName:
    """A male given name with the patronymics it gives a son and a daughter."""

    name: str
    son: str
    daughter: str


def _males(rows: str) -> tuple[MaleName, ...]:
    return tuple(MaleName(*row.split()) for row in rows.strip().splitlines())


MALE_NAMES: dict[Side, tuple[MaleName, ...]] = {
    "ru": _males("""
Сергей Сергеевич Сергеевна
Алексей Алексеевич Алексеевна
Александр Александрович Александровна
Андрей Андреевич Андреевна
Дмитрий Дмитриевич Дмитриевна
Иван Иванович Ивановна
Николай Николаевич Николаевна
Владимир Владимирович Владимировна
Михаил Михайлович Михайловна
Евгений Евгеньевич Евгеньевна
Виктор Викторович Викторовна
Юрий Юрьевич Юрьевна
Павел Павлович Павловна
Олег Олегович Олеговна
Игорь Игоревич Игоревна
Роман Романович Романовна
Максим Максимович Максимовна
Артём Артёмович Артёмовна
Денис Денисович Денисовна
Василий Васильевич Васильевна
Пётр Петрович Петровна
Анатолий Анатольевич Анатольевна
Вячеслав Вячеславович Вячеславовна
Геннадий Геннадьевич Геннадьевна
Константин Константинович Константиновна
Илья Ильич Ильинична
Кирилл Кириллович Кирилловна
Руслан Русланович Руслановна
Валерий Валерьевич Валерьевна
Степан Степанович Степановна
Тимур Тимурович Тимуровна
Баир Баирович Баировна
"""),
    "uk": _males("""
Сергій Сергійович Сергіївна
Олексій Олексійович Олексіївна
Олександр Олександрович Олександрівна
Андрій Андрійович Андріївна
Дмитро Дмитрович Дмитрівна
Іван Іванович Іванівна
Микола Миколайович Миколаївна
Володимир Володимирович Володимирівна
Михайло Михайлович Михайлівна
Євген Євгенович Євгенівна
Віктор Вікторович Вікторівна
Юрій Юрійович Юріївна
Павло Павлович Павлівна
Олег Олегович Олегівна
Ігор Ігорович Ігорівна
Роман Романович Романівна
Максим Максимович Максимівна
Артем Артемович Артемівна
Денис Денисович Денисівна
Василь Васильович Василівна
Петро Петрович Петрівна
Анатолій Анатолійович Анатоліївна
Богдан Богданович Богданівна
Тарас Тарасович Тарасівна
Назар Назарович Назарівна
Ярослав Ярославович Ярославівна
Віталій Віталійович Віталіївна
Степан Степанович Степанівна
Руслан Русланович Русланівна
Валерій Валерійович Валеріївна
"""),
}
"""Male given names and their patronymics, in Russian and in Ukrainian forms."""

FEMALE_NAMES: dict[Side, tuple[str, ...]] = {
    "ru": tuple(
        "Ольга Наталья Елена Татьяна Ирина Светлана Людмила Анна Мария Екатерина Юлия Галина"
        " Валентина Надежда Любовь Марина Оксана Виктория Дарья Алина Ксения Вера Нина"
        " Лариса".split()
    ),
    "uk": tuple(
        "Ольга Наталія Олена Тетяна Ірина Світлана Людмила Ганна Марія Катерина Юлія Галина"
        " Валентина Надія Любов Марина Оксана Вікторія Дарина Аліна Ксенія Віра Ніна Лариса"
        " Олеся Христина Соломія".split()
    ),
}
"""Female given names, in Russian and in Ukrainian forms."""

SURNAMES: dict[Side, tuple[str, ...]] = {
    "ru": tuple(
        "Иванов Петров Смирнов Кузнецов Соколов Попов Лебедев Козлов Новиков Морозов Волков"
        " Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров"
        " Михайлов Беляев Тарасов Комаров Орлов Киселёв Макаров Андреев Ильин Никитин Галкин"
        " Сорокин Гусев Калинин Жуков Баранов Щукин Лапин Ермаков Высоцкий Мироненко Шевчук"
        " Цыганков Дорофеев Шарипов Хабибуллин Бадмаев Дамдинов Ооржак Магомедов Гаджиев"
        " Трубецкой Пономаренко Кравец".split()
    ),
    "uk": tuple(
        "Коваленко Бондаренко Ткаченко Кравчук Савчук Мельник Шевчук Бойко Лисенко Марченко"
        " Руденко Мороз Клименко Павленко Литвиненко Гнатюк Романюк Левченко Ковальов Петренко"
        " Кравець Гончар Олійник Ткачук Поліщук Савченко Ярошенко Ковальський Вишневський"
        " Білецький Іванов Сидоренко Гуменюк Данилюк Остапчук Захарченко Федорів Стасів"
        " Мазур Приходько Зінченко Лук'яненко Тимошенко Костюк".split()
    ),
}
"""Surnames in their male form; :func:`female_form` gives the female one."""


def female_form(surname: str) -> str:
    """Return the female form of a male surname (unchanged where it has none).

    >>> female_form("Иванов"), female_form("Ковальський"), female_form("Бондаренко")
    ('Иванова', 'Ковальська', 'Бондаренко')
    >>> female_form("Высоцкий"), female_form("Трубецкой"), female_form("Стасів")
    ('Высоцкая', 'Трубецкая', 'Стасів')
    """
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ський", "цький")):
        return surname[:-2] + "а"
    if surname.endswith(("ский", "цкий", "ской", "цкой")):
        return surname[:-2] + "ая"
    return surname


@dataclass(frozen=True, slots=True)
class Region:
    """A home region (oblast, krai, republic) and the regional desk that serves it."""

    name: str
    desk: str
    latin: str


def _regions(desk: str, names: str, latins: str) -> tuple[Region, ...]:
    return tuple(
        Region(name, desk, latin)
        for name, latin in zip(names.split(";"), latins.split(";"), strict=True)
    )


REGIONS: dict[Side, tuple[Region, ...]] = {
    "uk": (
        *_regions(
            "Київ",
            "м. Київ;Київська область;Житомирська область;Чернігівська область;"
            "Черкаська область;Вінницька область",
            "Kyiv;Kyiv oblast;Zhytomyr oblast;Chernihiv oblast;Cherkasy oblast;Vinnytsia oblast",
        ),
        *_regions(
            "Львів",
            "Львівська область;Волинська область;Рівненська область;Тернопільська область;"
            "Івано-Франківська область;Закарпатська область;Хмельницька область",
            "Lviv oblast;Volyn oblast;Rivne oblast;Ternopil oblast;Ivano-Frankivsk oblast;"
            "Zakarpattia oblast;Khmelnytskyi oblast",
        ),
        *_regions(
            "Дніпро",
            "Дніпропетровська область;Запорізька область;Кіровоградська область",
            "Dnipropetrovsk oblast;Zaporizhzhia oblast;Kirovohrad oblast",
        ),
        *_regions(
            "Харків",
            "Харківська область;Сумська область;Полтавська область;Донецька область",
            "Kharkiv oblast;Sumy oblast;Poltava oblast;Donetsk oblast",
        ),
        *_regions(
            "Одеса",
            "Одеська область;Миколаївська область;Херсонська область",
            "Odesa oblast;Mykolaiv oblast;Kherson oblast",
        ),
    ),
    "ru": (
        *_regions(
            "Москва",
            "Москва;Московская область;Тульская область;Рязанская область;Нижегородская область",
            "Moscow;Moscow oblast;Tula oblast;Ryazan oblast;Nizhny Novgorod oblast",
        ),
        *_regions(
            "Ростов-на-Дону",
            "Ростовская область;Краснодарский край;Волгоградская область;Республика Дагестан;"
            "Ставропольский край",
            "Rostov oblast;Krasnodar krai;Volgograd oblast;Republic of Dagestan;Stavropol krai",
        ),
        *_regions(
            "Воронеж",
            "Воронежская область;Белгородская область;Курская область;Липецкая область",
            "Voronezh oblast;Belgorod oblast;Kursk oblast;Lipetsk oblast",
        ),
        *_regions(
            "Екатеринбург",
            "Свердловская область;Челябинская область;Пермский край;Республика Башкортостан;"
            "Оренбургская область;Самарская область",
            "Sverdlovsk oblast;Chelyabinsk oblast;Perm krai;Republic of Bashkortostan;"
            "Orenburg oblast;Samara oblast",
        ),
        *_regions(
            "Новосибирск",
            "Новосибирская область;Омская область;Иркутская область;Красноярский край;"
            "Республика Бурятия;Забайкальский край;Республика Тыва",
            "Novosibirsk oblast;Omsk oblast;Irkutsk oblast;Krasnoyarsk krai;"
            "Republic of Buryatia;Zabaykalsky krai;Republic of Tuva",
        ),
    ),
}
"""Home regions of each side, grouped by the desk that handles their cases."""

DESKS: tuple[str, ...] = tuple(
    dict.fromkeys(r.desk for side in ("uk", "ru") for r in REGIONS[side])
)
"""The regional desks, Ukrainian ones first."""

RANKS: dict[Side, tuple[tuple[str, str, int], ...]] = {
    "ru": (
        ("рядовой", "private", 40),
        ("ефрейтор", "lance corporal", 12),
        ("младший сержант", "junior sergeant", 12),
        ("сержант", "sergeant", 10),
        ("старший сержант", "senior sergeant", 6),
        ("прапорщик", "warrant officer", 4),
        ("лейтенант", "lieutenant", 4),
        ("старший лейтенант", "senior lieutenant", 4),
        ("капитан", "captain", 2),
        ("майор", "major", 1),
    ),
    "uk": (
        ("солдат", "private", 38),
        ("старший солдат", "senior private", 14),
        ("молодший сержант", "junior sergeant", 12),
        ("сержант", "sergeant", 10),
        ("старший сержант", "senior sergeant", 6),
        ("головний сержант", "chief sergeant", 3),
        ("молодший лейтенант", "junior lieutenant", 3),
        ("лейтенант", "lieutenant", 4),
        ("старший лейтенант", "senior lieutenant", 3),
        ("капітан", "captain", 2),
        ("майор", "major", 1),
    ),
}
"""Ranks as (native word, English word, weight): most of the missing are privates."""


@dataclass(frozen=True, slots=True)
class Place:
    """A place on the front, in each language's nominative and 'near X' forms, and when."""

    ru: str
    ru_near: str
    uk: str
    uk_near: str
    en: str
    active_from: date
    active_to: date

    def name(self, lang: Lang) -> str:
        """Return the place's name in a language."""
        return {"ru": self.ru, "uk": self.uk, "en": self.en}[lang]

    def near(self, lang: Lang) -> str:
        """Return 'near the place' in a language."""
        return {"ru": self.ru_near, "uk": self.uk_near, "en": f"near {self.en}"}[lang]


def _place(row: str) -> Place:
    ru, ru_near, uk, uk_near, en, start, end = (part.strip() for part in row.split("|"))
    return Place(ru, ru_near, uk, uk_near, en, date.fromisoformat(start), date.fromisoformat(end))


PLACES: tuple[Place, ...] = tuple(
    _place(row)
    for row in """
Мариуполь|в Мариуполе|Маріуполь|у Маріуполі|Mariupol|2022-02-24|2022-05-20
Изюм|под Изюмом|Ізюм|під Ізюмом|Izium|2022-03-01|2022-09-15
Лисичанск|под Лисичанском|Лисичанськ|під Лисичанськом|Lysychansk|2022-05-01|2022-07-05
Херсон|под Херсоном|Херсон|під Херсоном|Kherson|2022-03-01|2022-11-15
Купянск|под Купянском|Куп'янськ|під Куп'янськом|Kupiansk|2022-09-01|2026-12-31
Кременная|под Кременной|Кремінна|під Кремінною|Kreminna|2022-10-01|2025-12-31
Бахмут|под Бахмутом|Бахмут|під Бахмутом|Bakhmut|2022-08-01|2023-09-30
Угледар|под Угледаром|Вугледар|під Вугледаром|Vuhledar|2022-10-15|2024-10-05
Работино|под Работино|Роботине|під Роботиним|Robotyne|2023-06-01|2024-03-31
Авдеевка|под Авдеевкой|Авдіївка|під Авдіївкою|Avdiivka|2022-06-01|2024-02-20
Крынки|у Крынок|Кринки|біля Кринок|Krynky|2023-10-15|2024-07-31
Часов Яр|под Часовым Яром|Часів Яр|під Часовим Яром|Chasiv Yar|2024-02-01|2025-12-31
Волчанск|под Волчанском|Вовчанськ|під Вовчанськом|Vovchansk|2024-05-10|2026-12-31
Суджа|под Суджей|Суджа|під Суджею|Sudzha|2024-08-06|2025-04-30
Торецк|под Торецком|Торецьк|під Торецьком|Toretsk|2024-06-01|2025-12-31
Покровск|под Покровском|Покровськ|під Покровськом|Pokrovsk|2024-07-01|2026-12-31
Гуляйполе|под Гуляйполем|Гуляйполе|під Гуляйполем|Huliaipole|2025-06-01|2026-12-31
""".strip().splitlines()
)
"""Places on the front and roughly when fighting there took people."""


def places_on(day: date) -> tuple[Place, ...]:
    """Return the places active on a day (all of them when none is)."""
    active = tuple(p for p in PLACES if p.active_from <= day <= p.active_to)
    return active or PLACES


_UK_LATIN = dict(
    zip(
        "абвгґдезжиіклмнопрстуфхцчшщьюяєїй'’",
        "a b v h g d e z zh y i k l m n o p r s t u f kh ts ch sh shch _ iu ia ie i i _ _".split(),
        strict=True,
    )
)
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def latin_uk(text: str) -> str:
    """Transliterate Ukrainian into Latin by the official 2010 table (passport style).

    >>> latin_uk("Олексій Миколайович Ковальчук"), latin_uk("Юрій Згурський Лук'яненко")
    ('Oleksii Mykolaiovych Kovalchuk', 'Yurii Zghurskyi Lukianenko')
    """
    out: list[str] = []
    previous = " "
    for char in text:
        lower = char.lower()
        if lower in _UK_LATIN:
            initial = not previous.isalpha() and previous not in "'’"
            latin = _UK_INITIAL[lower] if initial and lower in _UK_INITIAL else _UK_LATIN[lower]
            if lower == "г" and previous.lower() == "з":
                latin = "gh"  # the table's one digraph rule: зг is zgh, not zh
            latin = "" if latin == "_" else latin
            out.append(latin.capitalize() if char != lower else latin)
        else:
            out.append(char)
        previous = char
    return "".join(out)


def latin_ru(text: str) -> str:
    """Transliterate Russian into Latin as passports do (ICAO Doc 9303).

    >>> latin_ru("Соловьёв Алексей")
    'Solovev Aleksei'
    """
    return str(iuliia.ICAO_DOC_9303.translate(text))


def latin(text: str, side: Side) -> str:
    """Transliterate a text of one side into Latin."""
    return latin_uk(text) if side == "uk" else latin_ru(text)
