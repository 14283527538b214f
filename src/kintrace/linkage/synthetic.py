"""Seeded synthetic person lists with a known truth, for tests and benchmarks. Pure.

Modelled on the real problem: list A holds relatives' requests in Cyrillic (typos, nicknames,
Ukrainian forms, missing patronymics, a birth year or an age instead of a date, the same
soldier asked for by his mother and by his wife); list B is a list published in Latin
script (mixed transliteration systems, capitals, surname and given name swapped, day and
month swapped, a year off by one). Some persons are on one side only; brothers and twins
(same surname, patronymic, region, unit; twins also the same birth date) are the hard
non-matches.

Surnames follow the long tail of real ones (:func:`surname_pool`): 197 common Russian and
Ukrainian surnames first (Иванов, Смирнов, ..., Шевченко, Мельник), then some 28,000
composed the way East Slavic surnames are formed (a stem from a trade, an animal, a trait
or a baptismal name, with -ов, -ин, -ский, -енко, -ук, -чук, -ович, -ко, and sometimes a
first part such as Бело- or Ново-), drawn with a frequency that falls as one over
(rank + 10). Family names follow a power law of this shape (rank-frequency exponent near
1: Zanette and Manrubia, *Vertical transmission of culture and the distribution of family
names*, Physica A 295, 2001); the offset 10, which gives the commonest surname about 1% of
persons and the 200 commonest about 38%, is our assumption. Two different men then share
a surname with chance about 0.15%; an earlier pool of 197 equally likely surnames made it
0.5%, so that at 100,000 persons thousands of unrelated men shared surname, given name and
birth year with nothing else written to tell them apart.

>>> a, b = generate_lists(50, seed=1)
>>> a == generate_lists(50, seed=1)[0], len(a) > 20, set(a[0]) >= {"id", "surname", "person"}
(True, True, True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import cache
from itertools import accumulate, combinations

from kintrace.linkage.names import GivenName, given_names, transliterate

_SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв "
    "Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков "
    "Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров "
    "Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов "
    "Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов "
    "Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин "
    "Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв "
    "Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев "
    "Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов "
    "Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов "
    "Анисимов Еремин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров "
    "Симонов Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронцов Шевченко Коваленко "
    "Бондаренко Ткаченко Кравченко Олейник Шевчук Коваль Поліщук Бондар Ткачук Мельник "
    "Марченко Савченко Руденко Клименко Павленко Литвиненко Мороз Лысенко Петренко Карпенко "
    "Кравчук Левченко Гончаренко Кузьменко Сидоренко Васильченко Тарасенко Демченко "
    "Пономаренко Яковенко Онищенко Захарченко Мазур Лозовой Білоус Приходько Романенко "
    "Соколовский Ковальский Жуковский Вишневский Заболотный Гордиенко Стасюк Костенко "
    "Ковальчук Дорошенко Тимошенко Федоренко Антоненко"
).split()

_STEMS = (
    # trades
    "Кузнец Гончар Бондар Ткач Швец Пекар Рыбак Плотник Сапожник Кожевник Пастух Сторож "
    "Мясник Солод Дегтяр Бочар Ковал Косар Пахар Мельник Столяр Колесник Скорняк Писар "
    # animals, birds, fish and insects
    "Волк Медвед Сокол Ворон Орл Лебед Журавл Зайц Козл Баран Бык Карас Щук Ерш Голуб Кот "
    "Лис Бобр Барсук Коршун Кречет Ястреб Дрозд Чиж Грач Снегир Щегл Жук Комар Рак Сом Окун "
    "Гусак Селезн Перепел Сыч Филин Кулик Бирюк Тур Вепр Лось Олен Соболь "
    # plants, food and things
    "Дуб Берез Орех Калин Горох Гриб Лоз Бор Мост Брод Камен Город Посад Рог Молот Топор "
    "Плуг Серп Котл Калач Пирог Блин Квас Сыр Хлеб Чеснок Мак Сух Корж Сал Крупен "
    # traits
    "Бел Черн Сед Рыж Крив Кос Лыс Толст Мал Добр Смирн Тих Хитр Быстр Гром Крут Глад Горд "
    "Мудр Прост Храбр Шустр Весел Бодр Кудр Ус Нос Зуб Горб Хром Глух Румян Курнос Лобан "
    # baptismal and old Slavic names
    "Иван Петр Сидор Фом Дем Лук Гаврил Данил Кирил Мирон Нестер Прохор Тихон Харитон "
    "Трофим Ефрем Антип Карп Клим Макар Назар Осип Остап Панкрат Парфен Семен Степан Тарас "
    "Федот Филат Фрол Яким Ермол Игнат Исак Ларион Леонт Мартын Митрофан Наум Пимен Платон "
    "Потап Родион Спиридон Терент Устин Ждан Любим Булат Нечай Богдан Радим Милован Добрын"
).split()
"""Surname stems: trades, animals, plants and things, traits, baptismal and old Slavic names."""

_PREFIXES = (
    "Бело Черно Ново Старо Добро Красно Мало Велико Сухо Долго Остро Тихо Криво Широко "
    "Высоко Золото Сребро Свято Полу"
).split()
_HUSHING = ("к", "г", "х", "ц", "ч", "ш", "щ", "ж")


def _compose(stem: str) -> list[str]:
    """Return the surnames formed from a stem by the East Slavic suffixes that suit it."""
    soft = stem.endswith("ь")
    base = stem[:-1] if soft else stem
    forms = [base + ("ев" if soft else "ов"), base + "ин", base + "енко", base + "ович"]
    forms += [base + "ко", base + ("юк" if soft else "ук")]
    if not base.endswith(_HUSHING):
        forms += [base + "ский", base + "чук"]
    return forms


@cache
def surname_pool() -> tuple[str, ...]:
    """Return every surname the generator draws, commonest first (see the module docstring).

    >>> pool = surname_pool()
    >>> pool[:3], len(pool) > 20_000, len(set(pool)) == len(pool)
    (('Иванов', 'Смирнов', 'Кузнецов'), True, True)
    """
    shuffle = random.Random(20_241).shuffle  # a fixed order: the pool is the same every run
    plain = [form for stem in _STEMS for form in _compose(stem)]
    prefixed = [p + form.lower() for p in _PREFIXES for stem in _STEMS for form in _compose(stem)]
    shuffle(plain)
    shuffle(prefixed)
    return tuple(dict.fromkeys([*_SURNAMES, *plain, *prefixed]))


@cache
def _surname_weights() -> tuple[float, ...]:
    """Return the cumulative weights of :func:`surname_pool`: 1 / (rank + 10)."""
    return tuple(accumulate(1.0 / (rank + 10) for rank in range(1, len(surname_pool()) + 1)))


_FATHERS = (
    ("Иван", "Иванович"), ("Сергей", "Сергеевич"), ("Александр", "Александрович"),
    ("Николай", "Николаевич"), ("Пётр", "Петрович"), ("Владимир", "Владимирович"),
    ("Андрей", "Андреевич"), ("Михаил", "Михайлович"), ("Виктор", "Викторович"),
    ("Юрий", "Юрьевич"), ("Олег", "Олегович"), ("Дмитрий", "Дмитриевич"),
    ("Алексей", "Алексеевич"), ("Игорь", "Игоревич"), ("Геннадий", "Геннадьевич"),
    ("Анатолий", "Анатольевич"), ("Василий", "Васильевич"), ("Евгений", "Евгеньевич"),
    ("Павел", "Павлович"), ("Роман", "Романович"), ("Валерий", "Валерьевич"),
    ("Григорий", "Григорьевич"), ("Борис", "Борисович"), ("Фёдор", "Фёдорович"),
    ("Вячеслав", "Вячеславович"), ("Леонид", "Леонидович"), ("Степан", "Степанович"),
    ("Константин", "Константинович"), ("Максим", "Максимович"), ("Денис", "Денисович"),
)  # fmt: skip
_UKRAINIAN_PATRONYMIC = {
    "Иванович": "Іванович", "Сергеевич": "Сергійович", "Николаевич": "Миколайович",
    "Алексеевич": "Олексійович", "Андреевич": "Андрійович", "Юрьевич": "Юрійович",
    "Дмитриевич": "Дмитрович", "Александрович": "Олександрович", "Петрович": "Петрович",
    "Михайлович": "Михайлович", "Васильевич": "Васильович", "Евгеньевич": "Євгенович",
}  # fmt: skip
_REGIONS_RU = (
    ("Курская область", "Kurskaya oblast"), ("Белгородская область", "Belgorod region"),
    ("Ростовская обл.", "Rostov oblast"), ("Краснодарский край", "Krasnodar krai"),
    ("Воронежская область", "Voronezh"), ("Брянская область", "Bryanskaya obl."),
    ("Московская область", "Moscow region"), ("Свердловская область", "Sverdlovsk oblast"),
    ("Республика Башкортостан", "Bashkortostan"), ("Харьковская область", "Kharkiv oblast"),
    ("Донецкая область", "Donetsk region"), ("Запорожская обл.", "Zaporizhzhia oblast"),
    ("Новосибирская область", "Novosibirsk oblast"), ("Пермский край", "Perm krai"),
    ("Самарская область", "Samara oblast"), ("Нижегородская область", "Nizhny Novgorod"),
)  # fmt: skip
_RANKS = (
    ("рядовой", "private"), ("ефрейтор", "lance corporal"), ("мл. сержант", "junior sergeant"),
    ("сержант", "sergeant"), ("ст. сержант", "senior sergeant"), ("лейтенант", "lieutenant"),
    ("ст. лейтенант", "senior lieutenant"), ("капитан", "captain"),
)  # fmt: skip
_LATIN_SYSTEMS = (
    "wikipedia", "icao_doc_9303", "bgn_pcgn", "gost_52535", "mvd_782", "telegram",
    "yandex_maps", "ukrainian_national",
)  # fmt: skip
_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщыэюя"


@dataclass(frozen=True, slots=True)
class _Person:
    number: int
    sex: str
    surname: str
    given: GivenName
    father: int
    year: int
    month: int
    day: int
    region: int
    unit: str
    rank: int


def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith(("ный", "ой")):
        return surname[:-2] + "ая"
    return surname


def _people(count: int, rng: random.Random) -> list[_Person]:
    names = given_names()
    men = [n for n in names if n.sex == "m"][:200]
    women = [n for n in names if n.sex == "f"][:100]
    weights_m = [1 / (i + 5) for i in range(len(men))]
    weights_f = [1 / (i + 5) for i in range(len(women))]
    units = [str(rng.randint(10000, 99999)) for _ in range(max(10, count // 40))]
    people: list[_Person] = []
    while len(people) < count:
        female = rng.random() < 0.08
        given = rng.choices(women if female else men, weights_f if female else weights_m)[0]
        surname = rng.choices(surname_pool(), cum_weights=_surname_weights())[0]
        person = _Person(
            len(people),
            "f" if female else "m",
            _feminine(surname) if female else surname,
            given,
            rng.randrange(len(_FATHERS)),
            rng.randint(1965, 2004),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randrange(len(_REGIONS_RU)),
            rng.choice(units),
            rng.choices(range(len(_RANKS)), [40, 15, 10, 10, 8, 6, 6, 5])[0],
        )
        people.append(person)
        roll = rng.random()
        if roll < 0.06 and not female and len(people) < count:  # a brother
            other = rng.choices(men, weights_m)[0]
            if other.canonical != given.canonical:
                year = min(2004, person.year + rng.randint(1, 8))
                people.append(replace(person, number=len(people), given=other, year=year))
        elif roll < 0.08 and not female and len(people) < count:  # a twin brother
            other = rng.choices(men, weights_m)[0]
            if other.canonical != given.canonical:
                people.append(replace(person, number=len(people), given=other))
    return people


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    at = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.4:
        letters = _LETTERS if text[at].lower() in _LETTERS else "abcdefghiklmnoprstuvyz"
        return text[:at] + rng.choice(letters) + text[at + 1 :]
    if kind < 0.7:
        return text[:at] + text[at + 1 :]
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def _patronymic(person: _Person) -> str:
    male = _FATHERS[person.father][1]
    return male[:-2] + "на" if person.sex == "f" else male


def _request(person: _Person, rng: random.Random, row: str) -> dict[str, str]:
    """A relative's request: Cyrillic, nicknames, typos, vague dates."""
    given = person.given.canonical
    roll = rng.random()
    if roll < 0.18 and person.given.diminutives:
        given = rng.choice(person.given.diminutives)
    elif roll < 0.28 and person.given.ukrainian:
        given = rng.choice(person.given.ukrainian)
    surname = _typo(person.surname, rng) if rng.random() < 0.1 else person.surname
    if rng.random() < 0.3:
        surname = surname.replace("ё", "е")
    patronymic = _patronymic(person) if rng.random() < 0.65 else ""
    date_roll = rng.random()
    report = "01.06.2024"
    age = ""
    if date_roll < 0.6:
        birth = f"{person.day:02d}.{person.month:02d}.{person.year}"
    elif date_roll < 0.85:
        birth = str(person.year)
    else:
        birth = ""
        age = str(2024 - person.year - (1 if person.month >= 6 else 0))
    return {
        "id": row,
        "surname": surname,
        "given_name": given,
        "patronymic": patronymic,
        "sex": "",
        "birth_date": birth,
        "age": age,
        "report_date": report,
        "region": _REGIONS_RU[person.region][0] if rng.random() < 0.8 else "",
        "unit": f"в/ч {person.unit}" if rng.random() < 0.4 else "",
        "rank": _RANKS[person.rank][0] if rng.random() < 0.3 else "",
        "personal_number": "",
    }


def _listed(person: _Person, rng: random.Random, row: str) -> dict[str, str]:
    """An entry of a list in Latin script: mixed systems, capitals, swaps."""
    system = rng.choice(_LATIN_SYSTEMS)
    given_cyr = person.given.canonical
    patronymic_cyr = _patronymic(person)
    if system == "ukrainian_national" and person.given.ukrainian:
        given_cyr = person.given.ukrainian[0]
        patronymic_cyr = _UKRAINIAN_PATRONYMIC.get(patronymic_cyr, patronymic_cyr)
    surname = transliterate(person.surname, system)
    given = transliterate(given_cyr, system)
    patronymic = transliterate(patronymic_cyr, system) if rng.random() < 0.6 else ""
    if rng.random() < 0.08:
        surname = _typo(surname, rng)
    if rng.random() < 0.5:
        surname = surname.upper()
    if rng.random() < 0.08:
        surname, given = given, surname
    day, month, year = person.day, person.month, person.year
    roll = rng.random()
    if roll < 0.05 and day <= 12:
        day, month = month, day
    elif roll < 0.08:
        year += rng.choice((-1, 1))
    unit_form = rng.choice(("MU {}", "military unit {}", "{}", "m/u {}"))
    return {
        "id": row,
        "surname": surname,
        "given_name": given,
        "patronymic": patronymic,
        "sex": "",
        "birth_date": f"{year}-{month:02d}-{day:02d}" if rng.random() < 0.85 else str(year),
        "age": "",
        "report_date": "",
        "region": _REGIONS_RU[person.region][1] if rng.random() < 0.6 else "",
        "unit": unit_form.format(person.unit) if rng.random() < 0.5 else "",
        "rank": _RANKS[person.rank][1] if rng.random() < 0.4 else "",
        "personal_number": "",
    }


def generate_lists(
    persons: int, *, seed: int = 0, overlap: float = 0.7
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return lists A (requests, Cyrillic) and B (a list in Latin script) about ``persons``.

    Each row has the standard person columns and ``person``, the truth: rows with the same
    ``person`` are the same soldier. Each person is in A and in B with chance ``overlap``;
    about 5% of A's and 3% of B's persons appear twice on their side.
    """
    rng = random.Random(seed)
    people = _people(persons, rng)
    side_a: list[dict[str, str]] = []
    side_b: list[dict[str, str]] = []
    for person in people:
        if rng.random() < overlap:
            copies = 2 if rng.random() < 0.05 else 1
            for _ in range(copies):
                row = _request(person, rng, f"A{len(side_a) + 1}")
                side_a.append({**row, "person": str(person.number)})
        if rng.random() < overlap:
            copies = 2 if rng.random() < 0.03 else 1
            for _ in range(copies):
                row = _listed(person, rng, f"B{len(side_b) + 1}")
                side_b.append({**row, "person": str(person.number)})
    rng.shuffle(side_a)
    rng.shuffle(side_b)
    return side_a, side_b


def true_pairs(rows: list[dict[str, str]]) -> set[tuple[int, int]]:
    """Return every pair of row indices ``(i, j)``, ``i < j``, that is one person.

    >>> sorted(true_pairs([{"person": "1"}, {"person": "2"}, {"person": "1"}]))
    [(0, 2)]
    """
    by_person: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_person.setdefault(row["person"], []).append(index)
    return {pair for group in by_person.values() for pair in combinations(group, 2)}
