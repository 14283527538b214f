"""Benchmark: an independent check of ``kintrace link`` on lists written by a third author.

Run: ``uv run python benchmarks/bench_link_third.py [N ...] [--seed 5] [--keep DIR] [--errors]
[--baseline-formats]`` (default N = 10000 persons; several sizes run one after another).

For each N it draws N men (Russian, Ukrainian, Belarusian, Tatar/Bashkir, Caucasian and
Buryat/Yakut names; Zipf-like surnames; given names by birth cohort 1965-2005; brothers, twins,
namesakes and cousins born the same year) and writes two lists:

* ``A.csv``: requests from families, in Cyrillic: nicknames (Саша, Лёха, Димон), Ukrainian
  forms (Олександр, Сергій), ё written е, initials, whole names in the surname column, partial
  dates and ages with a report date, typing slips, regions in the genitive, units as «ВЧ-12345»;
  about 5 % of the men have two requests.
* ``B.csv``: a list published by others: mostly Latin, each record in one of seven hand-written
  transliterations (ICAO 9303, BGN/PCGN, Ukrainian KMU 2010, German, French, Polish, a lazy
  keyboard one), ALL CAPS surnames, English regions and ranks, Excel and US dates, OCR slips;
  about 3 % of the men appear twice.

The truth (person id of each record) stays in memory; ids are A1.. and B1... It then runs
``uv run kintrace link A.csv B.csv --out pairs.csv`` as a user would and prints pairwise
precision, recall and F1 at probability >= 0.5 for all pairs, link pairs (A-B) and dedupe pairs
(within A or B), and the command's wall time. If kintrace refuses rows (exit status 2), the
refusals are counted and shown, the refused fields are rewritten to plain formats (dd.mm.yyyy,
mm.yyyy, yyyy) and the command is run again. ``--baseline-formats`` also runs the same records
with every field in its plainest format (names and errors unchanged); ``--errors`` prints the
first 30 wrong pairs with both rows and what was done to them.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kintrace.importers.persons import PERSON_COLUMNS  # the command's interface

COLUMNS = list(PERSON_COLUMNS)
ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- names
# ru | ua | patronymic ru | patronymic ua | family forms | weight by birth 1965-79, 80-94, 95-05
# | groups
GIVEN_TABLE = """
Александр|Олександр|Александрович|Олександрович|Саша Шура Саня Санёк Сашко|9 10 10|ru ua by bu
Сергей|Сергій|Сергеевич|Сергійович|Серёжа Серёга Серый|10 8 3|ru ua by bu
Андрей|Андрій|Андреевич|Андрійович|Андрюха Андрюша Дрон|8 8 4|ru ua by
Алексей|Олексій|Алексеевич|Олексійович|Лёша Лёха Алёша Льоша|8 8 5|ru ua by
Дмитрий|Дмитро|Дмитриевич|Дмитрович|Дима Димон Митя|5 9 8|ru ua by bu
Владимир|Володимир|Владимирович|Володимирович|Вова Вовчик Володя Вован|8 4 2|ru ua by bu
Николай|Микола|Николаевич|Миколайович|Коля Колян|6 3 2|ru ua by bu
Юрий|Юрій|Юрьевич|Юрійович|Юра Юрик|6 2 1|ru ua by
Игорь|Ігор|Игоревич|Ігорович|Игорёк Гоша|6 3 1|ru ua by
Олег|Олег|Олегович|Олегович|Олежка|6 3 1|ru ua by
Виктор|Віктор|Викторович|Вікторович|Витя Витёк|6 3 2|ru ua by
Евгений|Євген|Евгеньевич|Євгенович|Женя Женька|5 6 3|ru ua by
Михаил|Михайло|Михайлович|Михайлович|Миша Мишаня|4 4 6|ru ua by
Иван|Іван|Иванович|Іванович|Ваня Ванька|3 3 7|ru ua by bu
Павел|Павло|Павлович|Павлович|Паша Пашка|4 5 3|ru ua by
Константин|Костянтин|Константинович|Костянтинович|Костя Костян|3 4 3|ru ua
Анатолий|Анатолій|Анатольевич|Анатолійович|Толя Толик|4 1 0.3|ru ua
Виталий|Віталій|Витальевич|Віталійович|Виталик|3 4 1|ru ua by
Вячеслав|В'ячеслав|Вячеславович|В'ячеславович|Слава Славик|4 3 1|ru ua
Станислав|Станіслав|Станиславович|Станіславович|Стас|2 3 2|ru ua by
Денис|Денис|Денисович|Денисович|Дэн Дениска|1 6 3|ru ua
Роман|Роман|Романович|Романович|Рома Ромка|2 5 4|ru ua
Максим|Максим|Максимович|Максимович|Макс|1 5 10|ru ua by
Артём|Артем|Артёмович|Артемович|Тёма|0.3 3 9|ru ua by
Антон|Антон|Антонович|Антонович|Антоха Тоха|1 5 3|ru ua
Никита|Микита|Никитич|Микитович|Никитос|0.3 2 7|ru ua
Кирилл|Кирило|Кириллович|Кирилович|Киря|0.3 2 6|ru ua
Даниил|Данило|Даниилович|Данилович|Даня Данил Данила|0.2 1 6|ru ua
Егор|Єгор|Егорович|Єгорович|Егорка|0.2 1 6|ru
Илья|Ілля|Ильич|Ілліч|Илюха Илюша|0.5 2 6|ru ua by
Василий|Василь|Васильевич|Васильович|Вася|3 1 1|ru ua by
Пётр|Петро|Петрович|Петрович|Петя|2 1 1|ru ua by
Геннадий|Геннадій|Геннадьевич|Геннадійович|Гена|4 0.5 0.1|ru ua
Валерий|Валерій|Валерьевич|Валерійович|Валера|4 1 0.3|ru ua
Григорий|Григорій|Григорьевич|Григорович|Гриша|1 0.5 1|ru ua
Семён|Семен|Семёнович|Семенович|Сёма|1 1 2|ru ua bu
Богдан|Богдан|Богданович|Богданович|Бодя|0.1 1 3|ua
Тарас|Тарас|Тарасович|Тарасович|Тарасик|0.5 1 1|ua
Ярослав|Ярослав|Ярославович|Ярославович|Ярик Слава|0.5 1 3|ua ru
Назар|Назар|Назарович|Назарович|Назарчик|0.1 0.5 2|ua
Степан|Степан|Степанович|Степанович|Стёпа|1 0.5 1|ua ru
Руслан|Руслан|Русланович|Русланович|Руся|2 4 2|tt cc ru
Ринат|Ринат|Ринатович|Ринатович|Ренат|3 2 1|tt
Рамиль|Рамиль|Рамилевич|Рамилевич|Рамил|3 2 1|tt
Ильдар|Ильдар|Ильдарович|Ильдарович|Илдар|3 3 1|tt
Айдар|Айдар|Айдарович|Айдарович||2 3 2|tt
Марат|Марат|Маратович|Маратович||4 2 1|tt cc
Рустам|Рустам|Рустамович|Рустамович|Рустик|3 3 2|tt cc
Ильнур|Ильнур|Ильнурович|Ильнурович||1 3 2|tt
Азат|Азат|Азатович|Азатович||1 2 2|tt
Тимур|Тимур|Тимурович|Тимурович|Тима|1 3 3|tt cc ru
Радик|Радик|Радикович|Радикович||3 1 0.2|tt
Артур|Артур|Артурович|Артурович||1 3 3|tt cc ru
Магомед|Магомед|Магомедович|Магомедович|Мага Магомет|6 6 6|cc
Ахмед|Ахмед|Ахмедович|Ахмедович|Ахмат|3 3 3|cc
Шамиль|Шамиль|Шамилевич|Шамилевич|Шама|3 3 3|cc tt
Рамазан|Рамазан|Рамазанович|Рамазанович||3 3 3|cc
Мурад|Мурад|Мурадович|Мурадович|Мурат|2 3 3|cc
Гаджи|Гаджи|Гаджиевич|Гаджиевич||2 2 2|cc
Арсен|Арсен|Арсенович|Арсенович||1 2 3|cc
Баир|Баир|Баирович|Баирович||4 3 2|bu
Булат|Булат|Булатович|Булатович||2 3 3|bu tt
Жаргал|Жаргал|Жаргалович|Жаргалович||3 3 2|bu
Цырен|Цырен|Цыренович|Цыренович||3 2 1|bu
Аюр|Аюр|Аюрович|Аюрович||1 2 3|bu
Саян|Саян|Саянович|Саянович||1 2 3|bu
"""

# Surnames by group, most frequent first (drawn with a Zipf-like law); "ru/ua" where the
# Ukrainian spelling differs from the Russian one.
SURNAMES = {
    "ru": """Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров
        Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов
        Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов
        Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин
        Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков
        Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев
        Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов
        Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов
        Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов
        Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов
        Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов
        Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев
        Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин Лукьянов
        Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев Цветков
        Щукин Шубин Лобанов Жданов Щеглов Хохлов Шашков Рыжов Сычёв Ёлкин Эрдниев""",
    "ua": """Шевченко Коваленко Бондаренко Ткаченко Кравченко Олейник/Олійник Мельник Шевчук
        Бойко Ковальчук Марченко Савченко Руденко Лысенко/Лисенко Петренко Павленко Мороз
        Ткачук Клименко Полищук/Поліщук Литвиненко Гончаренко Кравец/Кравець Гребенюк
        Яковенко Кириленко Сидоренко Онищенко Гордиенко/Гордієнко Зинченко/Зінченко Черненко
        Пилипенко Ищенко/Іщенко Шаповал Юрченко Демченко Левченко Приходько Костенко""",
    "by": """Новик Ковалёв Кравченко Лукашевич Шевчук Мельник Климович Якимович Савицкий
        Войтович Ковалевич Жук Козлович Мартинович Бондарь Кузьмич Романович""",
    "tt": """Галиев Хабибуллин Сафин Гарипов Зарипов Валиев Мухаметшин Шарипов Хайруллин Нуриев
        Ахметов Гайнутдинов Файзуллин Сабиров Мингазов Юсупов Исмагилов Гильмутдинов Закиров
        Шайхутдинов""",
    "cc": """Магомедов Алиев Гаджиев Абдуллаев Омаров Рамазанов Исмаилов Гасанов Курбанов
        Ахмедов Мусаев Кадыров Эльдаров Гаджимагомедов Идрисов Умаров""",
    "bu": """Цыренов Дашиев Батуев Бадмаев Доржиев Намсараев Жамсуев Цыбиков Иванов Николаев
        Петров Сивцев Винокуров Аммосов Эверстов""",
}
ROOTS = """Бел Черн Сер Кудр Лыс Рыж Глух Мал Нов Стар Добр Крас Тих Гром Дуб Берез Лип Сосн Рыб
    Щук Окун Сом Ерш Лис Бобр Зуб Кос Коз Бык Баран Петух Голуб Сорок Ворон Грач Дрозд Чиж Снегир
    Синиц Пахом Тит Ефрем Фом Кузьм Прох Тимош Гриш Федос Харит Лук Мин Сав Бор Кир Дьяк Звонар
    Плотник Бондар Гончар Коваль Ткач Шевц Мельнич Пекар Рыбак Мороз Жур Кравч Лев Горб Хом Шап
    Кулик Сыч Гус Утк Рогоз Камыш Бур Сид Ильющ Демид Остап Мирош Охрим Юрч Гнат""".split()
TAIL = {
    "ru": ["ов", "ов", "ев", "ин", "ин", "цов", "ых", "кин"],
    "ua": ["енко", "енко", "ук", "чук", "ик", "ич"],
    "by": ["ич", "ович", "ик", "онок", "ёнок"],
}
SPELLINGS = {"Данил", "Ренат", "Рамил", "Илдар", "Магомет", "Ахмат", "Мурат"}  # not nicknames
GROUPS = {"ru": 0.62, "ua": 0.18, "by": 0.04, "tt": 0.08, "cc": 0.05, "bu": 0.03}

# full | short | genitive | a town | English | groups that live there
REGION_TABLE = """
Московская область|Московская обл.|Московской области|г. Подольск|Moscow region|ru by
Курская область|Курская обл.|Курской области|г. Курск|Kursk region|ru ua
Белгородская область|Белгородская обл.|Белгородской области|г. Белгород|Belgorod region|ru ua
Воронежская область|Воронежская обл.|Воронежской области|г. Воронеж|Voronezh region|ru
Ростовская область|Ростовская обл.|Ростовской области|г. Шахты|Rostov region|ru ua
Краснодарский край|Краснодарский кр.|Краснодарского края|г. Армавир|Krasnodar Krai|ru ua
Свердловская область|Свердловская обл.|Свердловской области|г. Ревда|Sverdlovsk region|ru tt
Челябинская область|Челябинская обл.|Челябинской области|г. Копейск|Chelyabinsk region|ru tt
Новосибирская область|Новосибирская обл.|Новосибирской области|г. Бердск|Novosibirsk region|ru
Иркутская область|Иркутская обл.|Иркутской области|г. Братск|Irkutsk region|ru bu
Брянская область|Брянская обл.|Брянской области|г. Клинцы|Bryansk region|ru by
Смоленская область|Смоленская обл.|Смоленской области|г. Рославль|Smolensk region|ru by
Пермский край|Пермский кр.|Пермского края|г. Березники|Perm Krai|ru tt
Алтайский край|Алтайский кр.|Алтайского края|г. Бийск|Altai Krai|ru
Забайкальский край|Забайкальский кр.|Забайкальского края|г. Чита|Zabaykalsky Krai|bu ru
Республика Татарстан|Респ. Татарстан|Республики Татарстан|г. Казань|Republic of Tatarstan|tt
Республика Башкортостан|Респ. Башкортостан|Республики Башкортостан|г. Уфа|Bashkortostan|tt
Республика Дагестан|Респ. Дагестан|Республики Дагестан|г. Хасавюрт|Republic of Dagestan|cc
Чеченская Республика|Чеченская Респ.|Чеченской Республики|г. Грозный|Chechen Republic|cc
Республика Бурятия|Респ. Бурятия|Республики Бурятия|г. Улан-Удэ|Republic of Buryatia|bu
Республика Саха (Якутия)|Респ. Саха|Республики Саха (Якутия)|г. Якутск|Yakutia|bu
Донецкая область|Донецкая обл.|Донецкой области|г. Макеевка|Donetsk region|ua
Луганская область|Луганская обл.|Луганской области|г. Алчевск|Luhansk region|ua
Запорожская область|Запорожская обл.|Запорожской области|г. Мелитополь|Zaporizhzhia region|ua
Республика Крым|Респ. Крым|Республики Крым|г. Симферополь|Crimea|ua ru
"""

# full | short | English | Latin spelling ; weight
RANK_TABLE = """
рядовой|ряд.|private|ryadovoy|40
ефрейтор|ефр.|lance corporal|efreitor|12
младший сержант|мл. сержант|junior sergeant|mladshiy serzhant|10
сержант|серж.|sergeant|serzhant|8
старший сержант|ст. сержант|senior sergeant|starshiy serzhant|5
старшина|ст-на|sergeant major|starshina|2
прапорщик|пр-к|warrant officer|praporshchik|3
лейтенант|л-т|lieutenant|leytenant|3
старший лейтенант|ст. л-т|senior lieutenant|starshiy leytenant|3
капитан|к-н|captain|kapitan|2
майор|м-р|major|mayor|1
"""

MONTHS_GEN = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
MONTHS_NOM = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
MONTHS_EN = "January February March April May June July August September October November December"


@dataclass(frozen=True)
class Given:
    ru: str
    ua: str
    patr_ru: str
    patr_ua: str
    forms: tuple[str, ...]
    weights: tuple[float, float, float]
    groups: tuple[str, ...]


GIVEN = [
    Given(
        r,
        u,
        pr,
        pu,
        tuple(f.split()),
        tuple(float(x) for x in w.split()),  # type: ignore[arg-type]
        tuple(g.split()),
    )
    for r, u, pr, pu, f, w, g in (ln.split("|") for ln in GIVEN_TABLE.strip().splitlines())
]
UA_REGIONS = {
    "Донецкая область": "Донецька область",
    "Луганская область": "Луганська обл.",
    "Запорожская область": "Запорізька область",
    "Республика Крым": "АР Крим",
}
REGIONS = [ln.split("|") for ln in REGION_TABLE.strip().splitlines()]
RANKS = [ln.split("|") for ln in RANK_TABLE.strip().splitlines()]


@dataclass
class Person:
    pid: int
    group: str
    surname: str
    surname_ua: str
    given: Given
    father: Given
    birth: date
    region: int
    unit: str
    rank: int
    pnum: str
    relation: dict[int, str] = field(default_factory=dict)


@dataclass
class Record:
    rid: str
    pid: int
    fields: dict[str, str]
    plain: dict[str, str]
    fmt: dict[str, str]
    notes: list[str]


# ---------------------------------------------------------------- transliteration
CYR = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ'"
VOWELS = set("аеёиоуыэюяіїєъь'")
_BASE = dict(
    zip("абвгдезиклмнопрстуф", "a b v g d e z i k l m n o p r s t u f".split(), strict=True)
)
_REST = "ж=zh х=kh ц=ts ч=ch ш=sh щ=shch ъ= ь= ы=y э=e й=i ё=e ю=iu я=ia і=i ї=i є=ie ґ=g '="


def _table(*specs: str, base: bool = True) -> dict[str, str]:
    d = dict(_BASE) if base else {}
    for spec in specs:
        d.update(tuple(x.split("=", 1)) for x in spec.split())  # type: ignore[misc]
    return d


# system: (letters, letters at a word start or after a vowel, word endings, letter pairs)
SYSTEMS: dict[str, tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]] = {
    "icao": (_table(_REST, "ъ=ie"), {}, {}, {}),
    "bgn": (
        _table(_REST, "й=y ё=e ю=yu я=ya є=ye ї=yi"),
        _table("е=ye ё=yo", base=False),
        {"ий": "iy", "ый": "yy"},
        {},
    ),
    "kmu": (
        _table(_REST, "г=h и=y ё=io"),
        _table("є=ye ї=yi й=y ю=yu я=ya", base=False),
        {},
        {"зг": "zgh"},
    ),
    "german": (
        _table(_REST, "в=w ж=sch з=s й=j х=ch ц=z ч=tsch ш=sch щ=schtsch ю=ju я=ja ё=jo є=je ї=ji"),
        _table("е=je", base=False),
        {},
        {"кс": "x"},
    ),
    "french": (
        _table(_REST, "у=ou ж=j й=ï ц=ts ч=tch ш=ch щ=chtch ю=iou я=ia ё=io"),
        {},
        {"ий": "i", "ый": "y"},
        {"кс": "x"},
    ),
    "polish": (
        _table(_REST, "в=w ж=ż й=j х=ch ц=c ч=cz ш=sz щ=szcz л=ł ю=ju я=ja ё=jo є=je"),
        _table("е=je", base=False),
        {"ый": "yj"},
        {},
    ),
    "lazy": (_table(_REST, "х=h й=y ы=i щ=sh ю=yu я=ya"), {}, {}, {}),
}
LAZY = {
    "ж": ["zh", "j"],
    "х": ["h", "kh"],
    "ц": ["ts", "c"],
    "щ": ["sh", "sch", "shch"],
    "ы": ["i", "y"],
    "й": ["y", "i"],
    "ю": ["yu", "u", "iu"],
    "я": ["ya", "a", "ia"],
}
LAZY_END = ["iy", "y", "ii", "i"]


def _translit_word(w: str, system: str, rng: random.Random) -> str:
    letters, iot, ends, pairs = SYSTEMS[system]
    low = w.lower()
    tail = ""
    for cyr, lat in ends.items():
        if low.endswith(cyr) and len(low) > len(cyr) + 1:
            low, tail = low[: -len(cyr)], lat
    if system == "lazy" and low.endswith("ий") and len(low) > 3:
        low, tail = low[:-2], rng.choice(LAZY_END)
    out: list[str] = []
    i = 0
    while i < len(low):
        ch, prev = low[i], (low[i - 1] if i else "")
        nxt = low[i + 1] if i + 1 < len(low) else ""
        if low[i : i + 2] in pairs:
            out.append(pairs[low[i : i + 2]])
            i += 2
            continue
        after_vowel = not prev or (prev in VOWELS and system != "kmu")  # KMU: word start only
        lat = iot[ch] if after_vowel and ch in iot else letters.get(ch, ch)
        if system == "lazy" and ch in LAZY and not (after_vowel and ch in "юя"):
            lat = rng.choice(LAZY[ch])
        elif system in ("german", "french") and ch == "с" and prev in VOWELS and nxt in VOWELS:
            lat = "ss"
        elif system == "french" and ch == "г" and nxt and nxt in "еиыэ":
            lat = "gu"
        elif system == "polish":
            if ch == "л" and nxt and nxt in "еёиюяь":
                lat = "l"
            elif ch in "еёюя" and not after_vowel:
                lat = "e" if prev in "жшцчщл" else {"е": "ie", "ё": "io", "ю": "iu", "я": "ia"}[ch]
            elif ch == "и" and prev and prev in "жшц":
                lat = "y"
        out.append(lat)
        i += 1
    lat = "".join(out) + tail
    if w.isupper() and len(w) > 1:
        return lat.upper()
    return lat[:1].upper() + lat[1:] if w[:1].isupper() else lat


def translit(text: str, system: str, rng: random.Random) -> str:
    return re.sub(
        f"[{CYR}]+", lambda m: _translit_word(m.group(0), system, rng), text, flags=re.IGNORECASE
    )


def ru_to_ua(s: str) -> str:
    """How a Ukrainian clerk respells a Russian surname (Смирнов → Смірнов, Быков → Биков)."""
    out = []
    for i, ch in enumerate(s):
        low, up = ch.lower(), ch.isupper()
        rep = {"и": "і", "ы": "и", "э": "е", "ъ": "'"}.get(low, low)
        if low == "ё":
            rep = "йо" if i == 0 or s[i - 1].lower() in VOWELS else "ьо"
        out.append(rep[:1].upper() + rep[1:] if up else rep)
    return "".join(out)


# ---------------------------------------------------------------- slips
KEYROWS = ["йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
OCR = [
    ("rn", "m"),
    ("m", "rn"),
    ("l", "I"),
    ("I", "l"),
    ("cl", "d"),
    ("O", "0"),
    ("ш", "щ"),
    ("щ", "ш"),
    ("и", "й"),
    ("й", "и"),
    ("е", "ё"),
    ("п", "н"),
    ("н", "п"),
    ("З", "3"),
    ("О", "0"),
    ("б", "6"),
    ("ii", "u"),
    ("vv", "w"),
    ("h", "b"),
]


def typo(s: str, rng: random.Random) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    kind = rng.random()
    if kind < 0.35:
        row = next((r for r in KEYROWS if s[i].lower() in r), None)
        if row:
            j = row.index(s[i].lower())
            return s[:i] + row[max(0, min(len(row) - 1, j + rng.choice((-1, 1))))] + s[i + 1 :]
    if kind < 0.6:
        return s[:i] + s[i + 1 :]
    if kind < 0.8:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + s[i] + s[i:]


def ocr(s: str, rng: random.Random) -> str:
    hits = [(a, b) for a, b in OCR if a in s[1:]]
    if not hits:
        return typo(s, rng)
    a, b = rng.choice(hits)
    k = s.find(a, 1)
    return s[:k] + b + s[k + len(a) :]


# ---------------------------------------------------------------- persons
def zipf_pick(items: list[str], rng: random.Random, s: float = 1.05) -> str:
    return rng.choices(items, weights=[1 / (r + 2) ** s for r in range(len(items))])[0]


def make_persons(n: int, rng: random.Random) -> list[Person]:
    surnames = {g: s.split() for g, s in SURNAMES.items()}
    persons: list[Person] = []
    for pid in range(n):
        group = rng.choices(list(GROUPS), weights=list(GROUPS.values()))[0]
        birth = date(1965, 1, 1) + timedelta(days=int(rng.triangular(0, 14975, 11000)))
        cohort = 0 if birth.year < 1980 else 1 if birth.year < 1995 else 2
        pool = [g for g in GIVEN if group in g.groups]
        given = rng.choices(pool, weights=[g.weights[cohort] for g in pool])[0]
        father = rng.choices(pool, weights=[g.weights[0] + 0.1 for g in pool])[0]
        sur = zipf_pick(surnames[group], rng)
        if group in TAIL and rng.random() < 0.45:  # the long tail of rarer surnames
            sur = rng.choice(ROOTS) + rng.choice(TAIL[group])
        ru, _, ua = sur.partition("/")
        regs = [i for i, r in enumerate(REGIONS) if group in r[5].split()]
        p = Person(
            pid,
            group,
            ru,
            ua or (ru if group in ("ua", "by") else ru_to_ua(ru)),
            given,
            father,
            birth,
            rng.choice(regs),
            str(rng.randint(10000, 99999)),
            rng.choices(range(len(RANKS)), weights=[int(r[4]) for r in RANKS])[0],
            rng.choice("АБВГДЕЖИКЛМНОПРСТУХЧШ")
            + rng.choice("АБВГДЕЖИКЛМНОПРСТ")
            + f"-{rng.randint(0, 999999):06d}",
        )
        kin = rng.random()
        if persons and kin < 0.10:  # a relative or namesake of someone already drawn
            o = rng.choice(persons)
            if kin < 0.06:  # brother (or twin): same surname and patronymic
                p.group, p.surname, p.surname_ua, p.father, p.region = (
                    o.group,
                    o.surname,
                    o.surname_ua,
                    o.father,
                    o.region,
                )
                p.given = rng.choice([g for g in GIVEN if o.group in g.groups and g != o.given])
                twin = kin < 0.008
                gap = timedelta(days=rng.randint(300, 4500))
                p.birth = (
                    o.birth
                    if twin
                    else o.birth + gap
                    if o.birth + gap <= date(2005, 12, 31)
                    else o.birth - gap
                )
                p.relation[o.pid] = o.relation[p.pid] = "twin" if twin else "brother"
            elif kin < 0.085:  # namesake: same surname and given name
                p.group, p.surname, p.surname_ua = o.group, o.surname, o.surname_ua
                p.given = o.given
                p.relation[o.pid] = o.relation[p.pid] = "namesake"
            else:  # cousin born the same year
                p.group, p.surname, p.surname_ua = o.group, o.surname, o.surname_ua
                p.region = o.region
                p.birth = date(o.birth.year, rng.randint(1, 12), rng.randint(1, 28))
                p.relation[o.pid] = o.relation[p.pid] = "cousin"
        persons.append(p)
    return persons


# ---------------------------------------------------------------- fields
def valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
        return True
    except ValueError:
        return False


def fmt_date(y: int, m: int, d: int, style: str) -> str:
    k = (m - 1) % 12  # styles with a month name are not used for an impossible month
    mg, mn, me = MONTHS_GEN.split()[k], MONTHS_NOM.split()[k], MONTHS_EN.split()[k]
    return {
        "dd.mm.yyyy": f"{d:02d}.{m:02d}.{y}",
        "dd.mm.yyyy г.р.": f"{d:02d}.{m:02d}.{y} г.р.",
        "dd.mm.yyyyг.": f"{d:02d}.{m:02d}.{y}г.",
        "d month yyyy": f"{d} {mg} {y}",
        "dd-mm-yyyy": f"{d:02d}-{m:02d}-{y}",
        "yyyy-mm-dd": f"{y}-{m:02d}-{d:02d}",
        "dd.mm.yy": f"{d:02d}.{m:02d}.{y % 100:02d}",
        "d.m.yyyy": f"{d}.{m}.{y}",
        "dd/mm/yyyy": f"{d:02d}/{m:02d}/{y}",
        "dd mm yyyy": f"{d:02d} {m:02d} {y}",
        "excel": f"{y}-{m:02d}-{d:02d} 00:00:00",
        "d Month yyyy": f"{d} {me} {y}",
        "Month d, yyyy": f"{me} {d}, {y}",
        "mm/dd/yyyy": f"{m:02d}/{d:02d}/{y}",
        "yyyy": str(y),
        "yyyy г.р.": f"{y} г.р.",
        "yyyyг.": f"{y}г.",
        "yy г.р.": f"{y % 100} г.р.",
        "mm.yyyy": f"{m:02d}.{y}",
        "month yyyy": f"{mn} {y}",
        "Month yyyy": f"{me} {y}",
    }[style]


FULL_A = {
    "dd.mm.yyyy": 45,
    "dd.mm.yyyy г.р.": 8,
    "dd.mm.yyyyг.": 2,
    "d month yyyy": 8,
    "dd-mm-yyyy": 6,
    "yyyy-mm-dd": 4,
    "dd.mm.yy": 6,
    "d.m.yyyy": 5,
    "dd/mm/yyyy": 5,
    "dd mm yyyy": 2,
    "excel": 2,
}
FULL_B = {
    "dd.mm.yyyy": 35,
    "yyyy-mm-dd": 20,
    "excel": 15,
    "d Month yyyy": 8,
    "Month d, yyyy": 4,
    "dd/mm/yyyy": 10,
    "mm/dd/yyyy": 3,
    "dd.mm.yy": 4,
}
YEAR_A = {"yyyy": 60, "yyyy г.р.": 25, "yyyyг.": 5, "yy г.р.": 5}
MONTH_A = {"mm.yyyy": 70, "month yyyy": 30}


def pick(table: dict[str, int], rng: random.Random) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def birth_field(p: Person, rec: Record, side: str, rng: random.Random) -> None:
    """birth_date, or age with report_date; slips as families and clerks make them."""
    y, m, d = p.birth.year, p.birth.month, p.birth.day
    last = min(date.today(), date(2026, 12, 1))
    report = date(2022, 3, 1) + timedelta(days=rng.randint(0, (last - date(2022, 3, 1)).days))
    kind = rng.choices(
        ["full", "year", "month", "age", "none"],
        weights=[65, 15, 5, 10, 5] if side == "A" else [80, 10, 0, 2, 8],
    )[0]
    f, style = rec.fields, kind
    if kind in ("full", "year", "month"):
        r = rng.random()
        if r < 0.03 and kind == "full":
            m, d = d, m
            rec.notes.append("day_month_swapped")
        elif r < 0.06:
            y += rng.choice((-1, 1))
            rec.notes.append("year_off_by_one")
        elif r < 0.075 and kind == "full":
            d = min(28, max(1, d + rng.choice((-10, 10, -1, 1))))
            rec.notes.append("day_slip")
    if kind == "full":
        style = pick(FULL_A if side == "A" else FULL_B, rng)
        if m > 12 and "onth" in style:  # nobody names a thirteenth month
            style = "dd.mm.yyyy"
        f["birth_date"] = fmt_date(y, m, d, style)
        rec.plain["birth_date"] = f"{d:02d}.{m:02d}.{y}" if valid(y, m, d) else str(y)
        if style == "mm/dd/yyyy" and d <= 12 and d != m:
            rec.notes.append("us_date")
    elif kind == "year":
        style = pick(YEAR_A, rng) if side == "A" else "yyyy"
        f["birth_date"], rec.plain["birth_date"] = fmt_date(y, 1, 1, style), str(y)
    elif kind == "month":
        style = pick(MONTH_A, rng)
        f["birth_date"], rec.plain["birth_date"] = fmt_date(y, m, 1, style), f"{m:02d}.{y}"
    elif kind == "age":
        age = report.year - y - ((report.month, report.day) < (m, d))
        if rng.random() < 0.15:
            age += rng.choice((-1, 1))
            rec.notes.append("age_off")
        f["age"] = rec.plain["age"] = str(age)
    rec.fmt["birth_date"] = style
    if kind == "age" or rng.random() < 0.4:
        f["report_date"] = rec.plain["report_date"] = report.strftime("%d.%m.%Y")
    if kind != "full":
        rec.notes.append(f"birth_{kind}")


def name_fields(p: Person, rec: Record, side: str, latin: str | None, rng: random.Random) -> None:
    ua = p.group == "ua" and rng.random() < (0.5 if side == "A" else 0.6 if latin == "kmu" else 0.2)
    sur = p.surname_ua if ua else p.surname
    given = p.given.ua if ua else p.given.ru
    patr = p.father.patr_ua if ua else p.father.patr_ru
    if ua:
        rec.notes.append("ua_forms")
    r = rng.random()
    if side == "A" and p.given.forms and r < 0.18:
        given = rng.choice(p.given.forms)
        rec.notes.append("nickname")
    elif side == "B" and r < 0.1 and any(f in SPELLINGS for f in p.given.forms):
        given = next(f for f in p.given.forms if f in SPELLINGS)
        rec.notes.append("variant")
    if rng.random() < (0.3 if side == "A" else 0.4):
        patr = ""
    if rng.random() < 0.6:
        sur, given, patr = (x.replace("ё", "е").replace("Ё", "Е") for x in (sur, given, patr))
    if rng.random() < 0.05:
        slip = ocr if side == "B" else typo
        sur = slip(sur, rng) if latin is None else sur
        rec.notes.append("surname_slip")
    if rng.random() < 0.02:
        given = typo(given, rng)
        rec.notes.append("given_slip")
    if latin:
        if latin == "kmu" and not ua:  # a Ukrainian clerk respells a Russian name first
            sur, given, patr = (ru_to_ua(x) for x in (sur, given, patr))
        sur, given, patr = (translit(x, latin, rng) for x in (sur, given, patr))
        rec.notes.append(f"latin_{latin}")
        if rng.random() < 0.04:
            sur = ocr(sur, rng)
            rec.notes.append("surname_ocr")
    caps = rng.random() < (0.6 if latin else 0.07)
    if caps:
        sur = sur.upper()
    plain = {"surname": sur, "given_name": given, "patronymic": patr}
    r = rng.random()
    if r < 0.05:
        given = given[:1] + "."
        patr = patr[:1] + "." if patr else ""
        rec.notes.append("initials")
    elif r < 0.07:
        sur, given = given, sur
        rec.notes.append("surname_given_swapped")
    rec.fields.update(surname=sur, given_name=given, patronymic=patr)
    rec.plain.update(surname=sur, given_name=given, patronymic=patr)
    if r >= 0.07 and rng.random() < (0.08 if side == "A" else 0.06):
        style = rng.choice(["full", "initials", "given_first"])
        whole = {
            "full": f"{sur} {given} {patr}".strip(),
            "initials": f"{sur} {given[:1]}.{patr[:1] + '.' if patr else ''}",
            "given_first": f"{given} {sur}",
        }[style]
        rec.fields.update(surname=whole, given_name="", patronymic="")
        rec.plain.update(
            plain
            if style != "initials"
            else {
                "surname": sur,
                "given_name": given[:1] + ".",
                "patronymic": patr[:1] + "." if patr else "",
            }
        )
        rec.fmt["surname"] = f"whole_{style}"
        rec.notes.append(f"whole_name_{style}")


def other_fields(p: Person, rec: Record, side: str, latin: str | None, rng: random.Random) -> None:
    f, pl = rec.fields, rec.plain
    sex = rng.choice(
        ["", "", "м", "М", "муж", "мужской"] if side == "A" else ["", "M", "M", "m", "male", "М"]
    )
    f["sex"], pl["sex"] = sex, "M" if sex else ""
    rec.fmt["sex"] = sex or "none"
    if rng.random() < (0.6 if side == "A" else 0.5):
        reg = REGIONS[p.region if rng.random() > 0.1 else rng.randrange(len(REGIONS))]
        if latin:
            spelt = translit(reg[0], "bgn", rng)
            f["region"] = rng.choice(
                [
                    reg[4],
                    reg[4],
                    spelt,
                    spelt.replace("oblast", "obl."),
                    translit(reg[0], latin, rng),
                ]
            )
            pl["region"] = reg[4]
        else:
            ua_reg = UA_REGIONS.get(reg[0]) if p.group == "ua" and rng.random() < 0.3 else None
            f["region"] = ua_reg or rng.choice([reg[0], reg[1], reg[1], reg[2], reg[3]])
            pl["region"] = reg[0]
    if rng.random() < (0.4 if side == "A" else 0.6):
        unit = p.unit if rng.random() > 0.1 else str(rng.randint(10000, 99999))
        forms = (
            ["в/ч {}", "в/ч {}", "войсковая часть {}", "ВЧ-{}", "{}", "в.ч. {}"]
            if not latin
            else ["military unit {}", "m/u {}", "v/ch {}", "{}", "MU {}"]
        )
        f["unit"], pl["unit"] = rng.choice(forms).format(unit), unit
    if rng.random() < (0.3 if side == "A" else 0.6):
        rank = RANKS[max(0, p.rank - (rng.random() < 0.15))]
        f["rank"] = (
            rng.choice([rank[2], rank[2], rank[3]])
            if latin
            else rng.choice([rank[0], rank[0], rank[1], rank[0].capitalize()])
        )
        pl["rank"] = rank[2] if latin else rank[0]
    if rng.random() < (0.15 if side == "A" else 0.4):
        num = p.pnum
        if rng.random() < 0.05:
            k = rng.randrange(3, len(num))
            num = num[:k] + str((int(num[k]) + 1) % 10) + num[k + 1 :]
            rec.notes.append("pnum_slip")
        if latin:
            num = translit(num, latin, rng).upper()
        f["personal_number"] = rng.choice([num, num, num.replace("-", ""), num.replace("-", " ")])
        pl["personal_number"] = num


def make_record(p: Person, rid: str, side: str, rng: random.Random) -> Record:
    rec = Record(rid, p.pid, {c: "" for c in COLUMNS}, {c: "" for c in COLUMNS}, {}, [])
    latin = None
    if side == "B" and rng.random() < 0.85:
        latin = rng.choices(list(SYSTEMS), weights=[25, 20, 15, 8, 7, 10, 15])[0]
        if p.group == "ua" and rng.random() < 0.5:
            latin = "kmu"
    name_fields(p, rec, side, latin, rng)
    birth_field(p, rec, side, rng)
    other_fields(p, rec, side, latin, rng)
    rec.fields["id"] = rec.plain["id"] = rid
    return rec


def make_lists(persons: list[Person], rng: random.Random) -> tuple[list[Record], list[Record]]:
    a_people: list[Person] = []
    b_people: list[Person] = []
    for p in persons:
        r = rng.random()
        if r < 0.75:
            a_people += [p] * (2 if rng.random() < 0.05 else 1)
        if r >= 0.35:
            b_people += [p] * (2 if rng.random() < 0.03 else 1)
    rng.shuffle(a_people)
    rng.shuffle(b_people)
    return (
        [make_record(p, f"A{i + 1}", "A", rng) for i, p in enumerate(a_people)],
        [make_record(p, f"B{i + 1}", "B", rng) for i, p in enumerate(b_people)],
    )


# ---------------------------------------------------------------- running and scoring
def write_csv(path: Path, records: list[Record]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in records:
            w.writerow([r.fields[c] for c in COLUMNS])


ERR = re.compile(r"error: (?P<file>.*?): row (?P<row>\d+), field '(?P<field>\w+)': (?P<msg>.*)")


def run_link(d: Path, lists: dict[str, list[Record]]) -> tuple[float, Path, str]:
    """Runs the command; rewrites refused fields to plain formats until it accepts the files."""
    for attempt in range(4):
        for name, recs in lists.items():
            write_csv(d / f"{name}.csv", recs)
        cmd = [
            "uv",
            "run",
            "kintrace",
            "link",
            str(d / "A.csv"),
            str(d / "B.csv"),
            "--out",
            str(d / "pairs.csv"),
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode == 0:
            summary = [
                ln for ln in proc.stderr.splitlines() + proc.stdout.splitlines() if "records," in ln
            ]
            return wall, d / "pairs.csv", (summary[-1].strip() if summary else "")
        errors = [ln for ln in proc.stderr.splitlines() if ERR.search(ln)]
        if proc.returncode != 2 or not errors or attempt == 3:
            sys.exit(f"kintrace link failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        print(f"  kintrace refused {len(errors)} rows (exit 2, {wall:.1f} s); first 10:")
        for ln in errors[:10]:
            print("   ", ln.strip()[:160])
        refused: Counter[str] = Counter()
        for ln in errors:
            m = ERR.search(ln)
            assert m
            recs = lists[Path(m["file"]).stem]
            rec = recs[int(m["row"]) - 2]
            fld = m["field"]
            if rec.fields.get(fld, "") not in m["msg"]:
                print(f"  warning: row {m['row']} of {m['file']} is not {rec.rid}: {ln.strip()}")
            why = " (impossible date)" if "impossible" in m["msg"] else ""
            refused[f"{fld}: {rec.fmt.get(fld, '?')}{why}"] += 1
            rec.fields[fld] = rec.plain[fld]
            if fld in ("age", "report_date"):
                rec.fields["age"] = rec.fields["report_date"] = ""
        print("  refused formats:", ", ".join(f"{k} ×{v}" for k, v in refused.most_common()))
        print("  rewriting those fields to plain formats and running again")
    raise AssertionError


def true_pairs(records: list[Record]) -> set[tuple[str, str]]:
    by_pid: dict[int, list[str]] = {}
    for r in records:
        by_pid.setdefault(r.pid, []).append(r.rid)
    out: set[tuple[str, str]] = set()
    for ids in by_pid.values():
        out.update((min(a, b), max(a, b)) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return out


def kind(pair: tuple[str, str]) -> str:
    return "link" if pair[0][0] != pair[1][0] else "dedupe"


def prf(pred: set[tuple[str, str]], truth: set[tuple[str, str]]) -> str:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(truth) if truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.4f} R {r:.4f} F1 {f:.4f} ({tp}/{len(pred)} of {len(truth)})"


def relation(a: Record, b: Record, persons: list[Person]) -> str:
    pa, pb = persons[a.pid], persons[b.pid]
    if pb.pid in pa.relation:
        return pa.relation[pb.pid]
    if pa.surname == pb.surname and pa.given == pb.given:
        return "same full name (chance)" if pa.father == pb.father else "namesake (chance)"
    return "same surname" if pa.surname == pb.surname else "unrelated"


def row_text(r: Record) -> str:
    vals = [r.fields[c] for c in COLUMNS[1:]]
    return f"{r.rid:>7} | " + " | ".join(vals) + f"   [{', '.join(r.notes) or '-'}]"


def evaluate(
    label: str,
    records: list[Record],
    pairs_csv: Path,
    wall: float,
    summary: str,
    persons: list[Person],
    show_errors: bool,
) -> None:
    by_id = {r.rid: r for r in records}
    truth = true_pairs(records)
    pred: set[tuple[str, str]] = set()
    evidence: dict[tuple[str, str], str] = {}
    with pairs_csv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if float(row["match_probability"]) < 0.5:
                continue
            a, b = row["left_id"], row["right_id"]
            for rid, fname in ((a, row["left_file"]), (b, row["right_file"])):
                if not Path(fname).stem.startswith(rid[0]):
                    print(f"  warning: id {rid} reported from file {fname}")
            key = (min(a, b), max(a, b))
            pred.add(key)
            levels = [
                f"{k}={v}"
                for k, v in row.items()
                if k
                not in (
                    "left_id",
                    "right_id",
                    "left_file",
                    "right_file",
                    "match_weight",
                    "pairwise_probability",
                    "match_probability",
                )
                and v not in ("exact", "missing")
            ]
            evidence[key] = f"p={float(row['match_probability']):.3f} " + " ".join(levels)
    print(f"  [{label}] command {wall:.1f} s; {summary}")
    print(f"    all    {prf(pred, truth)}")
    for k in ("link", "dedupe"):
        sub_pred, sub_truth = {q for q in pred if kind(q) == k}, {q for q in truth if kind(q) == k}
        print(f"    {k:<6} {prf(sub_pred, sub_truth)}")
    if not show_errors:
        return
    fn = sorted(truth - pred, key=lambda q: (int(q[0][1:]), q[1]))
    fp = sorted(pred - truth, key=lambda q: (int(q[0][1:]), q[1]))
    tags: Counter[str] = Counter()
    for a, b in fn:
        tags.update(set(by_id[a].notes) | set(by_id[b].notes) or {"(none)"})
    print(
        f"  false negatives: {len(fn)}; notes on their records:",
        ", ".join(f"{t} {c}" for t, c in tags.most_common(14)),
    )
    rels = Counter(relation(by_id[a], by_id[b], persons) for a, b in fp)
    print(
        f"  false positives: {len(fp)}; relation:",
        ", ".join(f"{t} {c}" for t, c in rels.most_common()),
    )
    n_fp = min(len(fp), max(15, 30 - len(fn)))
    for tag, items in (("FN", fn[: 30 - n_fp]), ("FP", fp[:n_fp])):
        for a, b in items:
            extra = (
                f"person {by_id[a].pid}"
                if tag == "FN"
                else f"{relation(by_id[a], by_id[b], persons)}; {evidence[(a, b)]}"
            )
            print(f"  {tag} {kind((a, b))} ({extra})")
            print("    " + row_text(by_id[a]))
            print("    " + row_text(by_id[b]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10000])
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="keep the files in this folder")
    ap.add_argument("--errors", action="store_true", help="print the first 30 wrong pairs")
    ap.add_argument(
        "--baseline-formats",
        action="store_true",
        help="also run the same records with every field in its plainest format",
    )
    args = ap.parse_args()
    for n in args.sizes:
        rng = random.Random(args.seed * 1_000_003 + n)
        t0 = time.perf_counter()
        persons = make_persons(n, rng)
        a, b = make_lists(persons, rng)
        print(
            f"{n} persons: A {len(a)} records, B {len(b)} records "
            f"(generated in {time.perf_counter() - t0:.1f} s)"
        )
        runs = [("realistic formats", a, b)]
        if args.baseline_formats:
            plain = [
                [Record(r.rid, r.pid, dict(r.plain), dict(r.plain), {}, r.notes) for r in x]
                for x in (a, b)
            ]
            runs.append(("plainest formats", plain[0], plain[1]))
        for label, ra, rb in runs:
            tmp = Path(tempfile.mkdtemp(prefix="kintrace-third-"))
            try:
                wall, pairs, summary = run_link(tmp, {"A": ra, "B": rb})
                evaluate(label, ra + rb, pairs, wall, summary, persons, args.errors)
                if args.keep:
                    dest = args.keep / f"{n}-{'plain' if label.startswith('plain') else 'real'}"
                    dest.mkdir(parents=True, exist_ok=True)
                    for f in tmp.iterdir():
                        shutil.copy(f, dest / f.name)
                    with (dest / "truth.csv").open("w", newline="") as fh:
                        csv.writer(fh).writerows(
                            [("id", "person")] + [(r.rid, r.pid) for r in ra + rb]
                        )
            finally:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
