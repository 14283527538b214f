"""Benchmark: linkage on lists spelled by a generator that kintrace was not tuned on.

Run: ``uv run python benchmarks/bench_link_others.py [PERSONS ...] [--seed N] [--inventory
harsh|realistic] [--planted SHARE] [--regions SHARE] [--patronymic-typos SHARE] [--baseline]``
(default 10000 persons, seed 11, the harsh inventory, planted 0.03, no regions, no
patronymic typos; ``--baseline`` also runs off-the-shelf Splink, bench_link.py's baseline).

- ``--inventory harsh`` (the default, the lists first measured): 660 surnames composed from
  60 stems and 11 endings, 40 equally likely given names; namesakes are some ten times as
  common as on real lists.
- ``--inventory realistic``: 16,839 surnames composed from 363 stems with suffixes and
  endings, drawn by the law 1 / (rank + 30); 110 given names with assumed shares, their
  nicknames and Ukrainian forms; a man with a Ukrainian surname ending is Ukrainian with
  chance 0.6 (others 0.08), and his lists may then write his Ukrainian name and patronymic,
  in Latin by the Ukrainian national system; patronymics by the Russian rules.
- ``--regions SHARE`` and ``--patronymic-typos SHARE`` (both 0 by default, the lists as
  first measured): each man gets a home region from this generator's own list of 34 (a
  brother his brother's, one record in twenty another), written on that share of records
  as a family writes it (Курская область, Курская обл., Курской области, Курск. обл.,
  Респ. Татарстан) or as a Latin list does (Kurskaya oblast by the list's scheme, Kursk
  region, Rep. Tatarstan); that share of the written patronymics is mistyped. Drawn apart
  from the lists' own draws: the lists are otherwise those of the same seed.
- ``--planted SHARE``: the share of men given a namesake (same surname and given name,
  another father) born in the same month, beyond those the draw makes (default 0.03).

:mod:`kintrace.linkage.synthetic` draws names from kintrace's own given-name file
and transliterates with the systems the phonetic key was built for; this generator shares
none of that: its own given names and nicknames (ambiguous ones among them: Слава, Гоша,
Женя, Валера), surnames composed from its own stems and endings with a Zipf law, its own
patronymic rule, other transliteration schemes (iuliia's scientific, GOST 16876, BS 2979,
UNGEGN 1987, Mosmetro, Yandex Money, ISO 9 of 1954, GOST 7.0.34, MVD 310 and a plain
"passport" spelling), other field formats (``dd/mm/yyyy``, ``mm.yyyy``, a whole name in the
surname column in either order, ``unit no.``) and other errors: keyboard-neighbour and
letter-confusion typos in one or both names, a request with no birth year, an age at a
report date, a day one digit off, a year off by one, names swapped. Each person may have a
brother (same surname and father) and a namesake (same surname and given name, another
father, born in the same month).

Printed for each size: pairwise precision, recall and F1 of kintrace for the pairs across
the two lists (link) and within them (dedupe) at probability 0.5, the wall time, and a
reliability table: the pairs scored 0.05 or more in bins of probability, with the share
of them that are true, for pairs with and without a rival (another pair of either record
at 0.05 or more). The lists are held out: no setting of kintrace was chosen on them.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path

import iuliia

from kintrace.cases.model import Sex
from kintrace.importers.persons import parse_persons
from kintrace.importers.tabular import Row, Table
from kintrace.linkage.model import ScoredPair, link_features
from kintrace.linkage.normalise import person_features

# given names (men), each with the nicknames a mother or a friend writes; a nickname may
# stand for several names (Слава, Гоша, Валера), which this table lists under each
GIVEN: dict[str, tuple[str, ...]] = {
    "Вячеслав": ("Слава", "Славик"),
    "Владислав": ("Слава", "Влад"),
    "Ярослав": ("Слава", "Ярик"),
    "Георгий": ("Гоша", "Жора"),
    "Игорь": ("Гоша", "Игорёк"),
    "Евгений": ("Женя", "Женька"),
    "Валерий": ("Валера",),
    "Валентин": ("Валя",),
    "Анатолий": ("Толя", "Толик"),
    "Аркадий": ("Аркаша",),
    "Борис": ("Боря",),
    "Вадим": ("Вадик",),
    "Виктор": ("Витя",),
    "Геннадий": ("Гена",),
    "Глеб": (),
    "Григорий": ("Гриша",),
    "Данила": ("Даня",),
    "Денис": ("Дениска",),
    "Егор": ("Егорка",),
    "Захар": (),
    "Кирилл": ("Киря",),
    "Константин": ("Костя",),
    "Леонид": ("Лёня",),
    "Максим": ("Макс",),
    "Матвей": ("Мотя",),
    "Никита": ("Никитка",),
    "Олег": (),
    "Павел": ("Паша",),
    "Роман": ("Рома",),
    "Руслан": (),
    "Семён": ("Сёма",),
    "Станислав": ("Стас",),
    "Степан": ("Стёпа",),
    "Тарас": (),
    "Тимофей": ("Тима",),
    "Фёдор": ("Федя",),
    "Эдуард": ("Эдик",),
    "Юрий": ("Юра",),
    "Яков": ("Яша",),
    "Филипп": ("Филя",),
}
STEMS = (
    "Бобр", "Ворон", "Гусл", "Дегт", "Жаворонк", "Зуб", "Калач", "Кожемяк", "Лапт", "Мельник",
    "Нестер", "Овчинник", "Пастух", "Рыбак", "Сапожник", "Ткач", "Угольник", "Филин",
    "Хомяк", "Цыган", "Чернец", "Шапошник", "Щегл", "Ястреб", "Бондар", "Гончар", "Коваль",
    "Мостов", "Полев", "Садов", "Лесник", "Грач", "Дятл", "Журавл", "Карась", "Лебед",
    "Окун", "Перепел", "Сорок", "Тетерев", "Баран", "Козл", "Медвед", "Соболь", "Куниц",
    "Кузнец", "Плотник", "Столяр", "Бочар", "Мирош", "Остап", "Тарас", "Прохор", "Игнат",
    "Евсе", "Фом", "Кондрат", "Лукьян", "Трофим", "Ерём",
)  # fmt: skip
ENDINGS = ("ов", "ев", "ин", "енко", "ук", "чук", "ский", "ич", "ко", "ец", "ых")
SCHEMES = (
    "scientific", "gost_16876", "bs_2979", "ungegn_1987", "mosmetro", "yandex_money",
    "iso_9_1954", "gost_7034", "mvd_310", "passport",
)  # fmt: skip
PASSPORT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch  y  e yu ya".split(" "),
        strict=True,
    )
)
# keys next to each other on the Russian keyboard, and letters a clerk confuses
NEIGHBOURS = {
    row[i]: row[i + 1] if i + 1 < len(row) else row[i - 1]
    for row in ("йцукенгшщзх", "фывапролджэ", "ячсмитьбю")
    for i in range(len(row))
}
CONFUSED = {"и": "й", "й": "и", "е": "ё", "ё": "е", "ш": "щ", "щ": "ш", "о": "а", "а": "о"}
UNITS = ("войсковая часть {}", "в/ч {}", "military unit {}", "unit no. {}", "{}")

# --- the realistic inventory (``--inventory realistic``) ---------------------------------
# Men's given names of men born 1960-2005 with an assumed share per thousand (the ranks
# follow birth-register tables of those years loosely; the figures are this generator's
# assumption), their nicknames and their Ukrainian forms (Cyrillic).
GIVEN_REALISTIC: dict[str, tuple[int, tuple[str, ...], str]] = {
    "Александр": (95, ("Саша", "Саня", "Шура"), "Олександр"),
    "Сергей": (80, ("Серёжа", "Серый"), "Сергій"),
    "Дмитрий": (68, ("Дима", "Митя"), "Дмитро"),
    "Андрей": (62, ("Андрюша",), "Андрій"),
    "Алексей": (58, ("Лёша", "Алёша"), "Олексій"),
    "Владимир": (42, ("Вова", "Володя"), "Володимир"),
    "Евгений": (40, ("Женя",), "Євген"),
    "Максим": (36, ("Макс",), "Максим"),
    "Иван": (30, ("Ваня",), "Іван"),
    "Михаил": (30, ("Миша",), "Михайло"),
    "Николай": (26, ("Коля",), "Микола"),
    "Денис": (25, ("Дениска",), "Денис"),
    "Игорь": (25, ("Гоша", "Игорёк"), "Ігор"),
    "Роман": (22, ("Рома",), "Роман"),
    "Артём": (21, ("Тёма",), "Артем"),
    "Павел": (20, ("Паша",), "Павло"),
    "Юрий": (18, ("Юра",), "Юрій"),
    "Виктор": (18, ("Витя",), "Віктор"),
    "Олег": (18, ("Олежка",), "Олег"),
    "Антон": (17, ("Антоша", "Тоша"), "Антон"),
    "Константин": (15, ("Костя",), "Костянтин"),
    "Вадим": (14, ("Вадик",), "Вадим"),
    "Илья": (14, ("Илюша",), "Ілля"),
    "Никита": (13, ("Никитос",), "Микита"),
    "Кирилл": (12, ("Кирюша",), "Кирило"),
    "Виталий": (12, ("Виталик", "Витя"), "Віталій"),
    "Анатолий": (10, ("Толя", "Толик"), "Анатолій"),
    "Владислав": (10, ("Влад", "Слава"), "Владислав"),
    "Станислав": (9, ("Стас", "Слава"), "Станіслав"),
    "Василий": (9, ("Вася",), "Василь"),
    "Валерий": (9, ("Валера",), "Валерій"),
    "Вячеслав": (9, ("Слава",), "Вʼячеслав"),
    "Егор": (8, ("Егорка",), "Єгор"),
    "Руслан": (8, ("Русик",), "Руслан"),
    "Артур": (7, (), "Артур"),
    "Геннадий": (7, ("Гена",), "Геннадій"),
    "Тимур": (7, ("Тима",), "Тимур"),
    "Даниил": (7, ("Даня",), "Данило"),
    "Пётр": (6, ("Петя",), "Петро"),
    "Борис": (6, ("Боря",), "Борис"),
    "Георгий": (6, ("Жора", "Гоша"), "Георгій"),
    "Григорий": (5, ("Гриша",), "Григорій"),
    "Леонид": (5, ("Лёня",), "Леонід"),
    "Ярослав": (5, ("Ярик", "Слава"), "Ярослав"),
    "Степан": (4, ("Стёпа",), "Степан"),
    "Фёдор": (4, ("Федя",), "Федір"),
    "Эдуард": (4, ("Эдик",), "Едуард"),
    "Семён": (4, ("Сёма",), "Семен"),
    "Глеб": (4, (), "Гліб"),
    "Матвей": (3, ("Мотя",), "Матвій"),
    "Валентин": (3, ("Валя",), "Валентин"),
    "Аркадий": (3, ("Аркаша",), "Аркадій"),
    "Богдан": (3, ("Бодя",), "Богдан"),
    "Филипп": (3, ("Филя",), "Пилип"),
    "Тарас": (3, (), "Тарас"),
    "Захар": (3, (), "Захар"),
    "Марк": (3, (), "Марко"),
    "Лев": (3, ("Лёва",), "Лев"),
    "Вениамин": (2, ("Веня",), "Веніамін"),
    "Ростислав": (2, ("Ростик",), "Ростислав"),
    "Всеволод": (2, ("Сева",), "Всеволод"),
    "Тимофей": (2, ("Тима",), "Тимофій"),
    "Яков": (2, ("Яша",), "Яків"),
    "Герман": (2, ("Гера",), "Герман"),
    "Арсений": (2, ("Сеня",), "Арсеній"),
    "Данила": (2, ("Даня",), "Данило"),
    "Марат": (2, (), "Марат"),
    "Альберт": (2, ("Алик",), "Альберт"),
    "Родион": (2, ("Родя",), "Родіон"),
    "Святослав": (1, ("Свят",), "Святослав"),
    "Савелий": (1, ("Сава",), "Савелій"),
    "Ринат": (1, (), "Рінат"),
    "Рустам": (1, (), "Рустам"),
    "Ильдар": (1, (), "Ільдар"),
    "Эльдар": (1, (), "Ельдар"),
    "Афанасий": (1, ("Афоня",), "Опанас"),
    "Прохор": (1, ("Проша",), "Прохор"),
    "Ефим": (1, ("Фима",), "Юхим"),
    "Назар": (1, (), "Назар"),
    "Остап": (1, (), "Остап"),
    "Мирон": (1, (), "Мирон"),
    "Нестор": (1, (), "Нестор"),
    "Ян": (1, (), "Ян"),
    "Эмиль": (1, (), "Еміль"),
    "Елисей": (1, (), "Єлисей"),
    "Платон": (1, (), "Платон"),
    "Тихон": (1, ("Тиша",), "Тихон"),
    "Гордей": (1, (), "Гордій"),
    "Кузьма": (1, ("Кузя",), "Кузьма"),
    "Игнат": (1, (), "Гнат"),
    "Никифор": (1, (), "Никифір"),
    "Герасим": (1, (), "Герасим"),
    "Демид": (1, (), "Демид"),
    "Вилен": (1, (), "Вілен"),
    "Владлен": (1, (), "Владлен"),
    "Эрик": (1, (), "Ерік"),
    "Давид": (1, (), "Давид"),
    "Адам": (1, (), "Адам"),
    "Фаниль": (1, (), "Фаніль"),
    "Айдар": (1, (), "Айдар"),
    "Азат": (1, (), "Азат"),
    "Зиновий": (1, ("Зиня",), "Зіновій"),
    "Игнатий": (1, (), "Ігнатій"),
    "Лука": (1, (), "Лука"),
    "Мстислав": (1, (), "Мстислав"),
    "Вацлав": (1, (), "Вацлав"),
    "Орест": (1, (), "Орест"),
    "Панкрат": (1, (), "Панкрат"),
    "Трофим": (1, (), "Трохим"),
}
# stems of surnames, roughly most frequent first: baptismal names, trades, animals and birds,
# traits, things and plants, places; the generator's own list
STEMS_REALISTIC = (
    "Иван", "Смирн", "Кузнец", "Поп", "Васил", "Петр", "Сокол", "Михайл", "Новик", "Федор",
    "Мороз", "Волк", "Алексе", "Лебед", "Семен", "Егор", "Павл", "Козл", "Степан", "Никола",
    "Орл", "Андре", "Макар", "Никит", "Захар", "Зайц", "Соловь", "Борис", "Яковл", "Григорь",
    "Роман", "Воробь", "Серге", "Кузьм", "Фрол", "Дмитри", "Корол", "Гус", "Кисел", "Ильин",
    "Максим", "Поляк", "Сорок", "Виноград", "Ковал", "Бел", "Медвед", "Антон", "Тарас",
    "Жук", "Баран", "Филипп", "Комар", "Давыд", "Герасим", "Богдан", "Осип", "Сидор",
    "Матве", "Тит", "Марк", "Мирон", "Крыл", "Кулик", "Карп", "Влас", "Мельник", "Денис",
    "Гаврил", "Тихон", "Казак", "Афанась", "Данил", "Савель", "Тимофе", "Фом", "Черн",
    "Абрам", "Мартын", "Ефим", "Федот", "Щербак", "Назар", "Калин", "Иса", "Бычк", "Масл",
    "Родион", "Коновал", "Лазар", "Ворон", "Клим", "Филат", "Пономар", "Голуб", "Кудряв",
    "Прохор", "Наум", "Потап", "Журавл", "Овчинник", "Трофим", "Леон", "Собол", "Ермак",
    "Колесник", "Гончар", "Емельян", "Никифор", "Грач", "Кот", "Гриш", "Ефрем", "Архип",
    "Гром", "Кирилл", "Малыш", "Пан", "Моисе", "Румянц", "Аким", "Кондрать", "Бирюк",
    "Горбун", "Анисим", "Ерем", "Тихомир", "Галк", "Лукьян", "Михе", "Скворц", "Юд", "Белоус",
    "Нестер", "Симон", "Прокофь", "Харитон", "Княз", "Цветк", "Лев", "Митрофан", "Ткач",
    "Бондар", "Кравец", "Шевч", "Олейник", "Литвин", "Руд", "Лыс", "Марч", "Савч", "Климент",
    "Демч", "Онищ", "Приход", "Мазур", "Стас", "Костен", "Дорош", "Тимош", "Гордиен",
    "Бобр", "Барсук", "Ёж", "Лис", "Хорь", "Крот", "Сом", "Щук", "Окун", "Карас", "Ерш",
    "Снегир", "Чиж", "Щегл", "Дятл", "Сыч", "Филин", "Перепел", "Кукушк", "Петух", "Утк",
    "Конь", "Жереб", "Бык", "Телят", "Ягн", "Мыш", "Пчел", "Шмел", "Мураш", "Оводь",
    "Плотник", "Столяр", "Кожевник", "Сапожник", "Портн", "Пастух", "Рыбак", "Бортник",
    "Пекар", "Мясник", "Шорник", "Печник", "Швец", "Дегтяр", "Косар", "Жнец", "Ямщик",
    "Писар", "Дьяк", "Пушкар", "Стрелец", "Звонар", "Сторож", "Мостовщик", "Кузьмич",
    "Сед", "Рыж", "Рус", "Лысак", "Толст", "Тонк", "Мал", "Больш", "Долг", "Коротк", "Тих",
    "Весел", "Добр", "Хитр", "Глух", "Крив", "Хром", "Бодр", "Быстр", "Скор", "Смел",
    "Храбр", "Молчан", "Ласк", "Лют", "Сух", "Крепк", "Светл", "Ясн", "Темн", "Голован",
    "Зуб", "Губан", "Усат", "Бородач", "Брюхан", "Берез", "Дуб", "Клен", "Лип", "Осин",
    "Сосн", "Рябин", "Калинник", "Малин", "Вишн", "Груш", "Орех", "Камыш", "Трав", "Цвет",
    "Лук", "Репн", "Капуст", "Горох", "Овс", "Прос", "Греч", "Хлеб", "Калач", "Блин",
    "Пирог", "Квас", "Мед", "Сахар", "Сыр", "Молок", "Каш", "Камен", "Песк", "Глин",
    "Железн", "Медн", "Золот", "Серебр", "Свинц", "Стекл", "Топор", "Молот", "Гвозд",
    "Подков", "Колес", "Телег", "Кнут", "Седл", "Лопат", "Гребн", "Ложк", "Горшк", "Котл",
    "Бочк", "Ведр", "Шапк", "Сапог", "Рукав", "Пояс", "Кафтан", "Рязан", "Твер", "Костром",
    "Смолен", "Калуг", "Тул", "Пенз", "Курск", "Новгород", "Москв", "Волог", "Вятк", "Перм",
    "Камск", "Донск", "Волжан", "Днепр", "Десн", "Оскол", "Сумск", "Полтав", "Черниг",
    "Киевл", "Львовск", "Харьк", "Одесс", "Вилен", "Минск", "Гродн", "Бресл", "Ковн",
    "Устин", "Агафон", "Евдоким", "Игнат", "Кондрат", "Пахом", "Савв", "Селиверст", "Фадде",
    "Яким", "Ерох", "Сафон", "Ларион", "Парамон", "Протас", "Силант", "Спиридон", "Терент",
)  # fmt: skip
# endings of a composed surname with their share; "ов" turns "ев" after a soft or hushing
# stem ("ов", "овский", "ович" alike); "" is the bare Ukrainian form (Мельник, Ткач)
ENDINGS_REALISTIC = {
    "ов": 50, "ин": 16, "енко": 9, "ук": 5, "овский": 5, "ович": 3, "": 3, "ец": 2, "ых": 2,
    "ак": 2, "ич": 1, "енков": 1, "уха": 1,
}  # fmt: skip
# a stem may first take a diminutive or other suffix (Бобр, Бобриков, Бобрушкин), with a share
INFIXES_REALISTIC = {"": 100, "ик": 6, "ан": 3, "ушк": 3, "еньк": 2, "ач": 2, "ун": 1}
INFIXED_ENDINGS = ("ов", "ин", "енко", "овский", "ович", "ук")
# surnames take a Ukrainian form of the given name more often when their ending is Ukrainian
UKRAINIAN_ENDINGS = ("енко", "ук", "ец", "ак", "ич", "уха")
SURNAME_OFFSET = 30
"""The commonest surname's rank offset in the law 1 / (rank + 30) over the composed surnames."""
# the Ukrainian national transliteration (Cabinet of Ministers resolution 55, 2010), written
# here; a word's first є, ї, й, ю, я take their initial forms
KMU = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ'ёыэъ",
        "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch"
        "  iu ia   e y e ".split(" "),
        strict=True,
    )
)
KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


@dataclass(frozen=True, slots=True)
class Person:
    """One man: names, father, birth date and unit."""

    number: int
    surname: str
    given: str
    father: str
    year: int
    month: int
    day: int
    unit: str
    ukrainian: bool = False


def patronymic(father: str) -> str:
    """Return a patronymic by this generator's rule (Илья → Ильич, Игорь → Игоревич)."""
    if father.endswith(("а", "я")):
        return father[:-1] + "ич"
    if father.endswith(("й", "ь")):
        return father[:-1] + "евич"
    return father + "ович"


RUSSIAN_PATRONYMICS = {
    "Лев": "Львович", "Павел": "Павлович", "Пётр": "Петрович", "Илья": "Ильич",
    "Никита": "Никитич", "Кузьма": "Кузьмич", "Лука": "Лукич", "Данила": "Данилович",
    "Дмитрий": "Дмитриевич", "Георгий": "Георгиевич", "Яков": "Яковлевич",
    "Михаил": "Михайлович",
}  # fmt: skip
UKRAINIAN_PATRONYMICS = {
    "Ілля": "Ілліч", "Микола": "Миколайович", "Лука": "Лукич", "Кузьма": "Кузьмич",
    "Лев": "Львович", "Яків": "Якович", "Федір": "Федорович", "Никифір": "Никифорович",
}  # fmt: skip


def patronymic_realistic(father: str) -> str:
    """Return the Russian patronymic as written (Сергей → Сергеевич, Юрий → Юрьевич)."""
    if father in RUSSIAN_PATRONYMICS:
        return RUSSIAN_PATRONYMICS[father]
    if father.endswith("ий"):
        return father[:-2] + "ьевич"
    if father.endswith(("й", "ь")):
        return father[:-1] + "евич"
    if father.endswith(("а", "я")):
        return father[:-1] + "ович"
    return father + "ович"


def patronymic_ukrainian(father: str) -> str:
    """Return the Ukrainian patronymic of a Ukrainian name (Сергій → Сергійович)."""
    if father in UKRAINIAN_PATRONYMICS:
        return UKRAINIAN_PATRONYMICS[father]
    if father.endswith(("о", "а", "я")):
        return father[:-1] + "ович"
    return father + "ович"


def kmu(text: str) -> str:
    """Write Ukrainian (or Russian) Cyrillic in Latin by the Ukrainian national system."""
    words = []
    for word in text.split(" "):
        out = "".join(
            KMU_INITIAL.get(c.lower(), KMU.get(c.lower(), c)) if i == 0 else KMU.get(c.lower(), c)
            for i, c in enumerate(word)
        )
        words.append(out[:1].upper() + out[1:])
    return " ".join(words)


def _surname_form(stem: str, infix: str, ending: str) -> str:
    base = stem + infix
    if ending.startswith("ов") and (base[-1] in VOWELS or base[-1] in "ьжшчщ"):
        ending = "е" + ending[1:]
    if base.endswith("ь") and not ending.startswith("е"):
        base = base[:-1]
    return base + ending


VOWELS = "аеёиоуыэюя"


@cache
def surnames_realistic() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Return the realistic inventory's surnames, commonest first, with their shares.

    Each stem (more frequent first) takes -ов (-ев) and the other endings, bare or after a
    suffix (Бобриков, Бобрушкин); a form's expected share is its stem's (1 / (rank + 10))
    times its suffix's and ending's shares, which orders the forms; the shares drawn are
    then 1 / (rank + SURNAME_OFFSET) over that order, a Zipf law with exponent 1.
    """
    weights: dict[str, float] = {}
    for rank, stem in enumerate(STEMS_REALISTIC):
        soft = stem[-1] in VOWELS or stem.endswith("ь")
        infixes = [""] + ([] if soft else [i for i in INFIXES_REALISTIC if i])
        endings = [e for e in ENDINGS_REALISTIC if not soft or e.startswith("ов") or e == "енко"]
        infix_total = sum(INFIXES_REALISTIC[i] for i in infixes)
        for infix in infixes:
            chosen = [e for e in endings if not infix or e in INFIXED_ENDINGS]
            ending_total = sum(ENDINGS_REALISTIC[e] for e in chosen)
            for ending in chosen:
                name = _surname_form(stem, infix, ending)
                share = INFIXES_REALISTIC[infix] * ENDINGS_REALISTIC[ending]
                share /= infix_total * ending_total * (rank + 10)
                weights[name] = weights.get(name, 0.0) + share
    ranked = sorted(weights, key=lambda n: (-weights[n], n))
    law = [1.0 / (rank + SURNAME_OFFSET) for rank in range(len(ranked))]
    total = sum(law)
    return tuple(ranked), tuple(w / total for w in law)


def _surnames(rng: random.Random) -> tuple[list[str], list[float]]:
    names = sorted({s + e for s in STEMS for e in ENDINGS})
    rng.shuffle(names)
    return names, [1.0 / (rank + 5) for rank in range(len(names))]


def people(
    count: int, rng: random.Random, inventory: str = "harsh", planted: float = 0.03
) -> list[Person]:
    """Return ``count`` men; some are brothers, some namesakes born in one month.

    ``harsh``: 660 surnames and 40 equally likely given names; ``realistic``: the composed
    surnames of :func:`surnames_realistic` and the given names of ``GIVEN_REALISTIC`` with
    their shares; a man with a Ukrainian surname ending is Ukrainian with chance 0.6,
    another with chance 0.08 (his lists may then write Ukrainian forms). ``planted``: the
    share of men given a namesake born in the same month (beyond those the draw makes).
    """
    realistic = inventory == "realistic"
    if realistic:
        surnames, weights = map(list, surnames_realistic())
        given = list(GIVEN_REALISTIC)
        shares = [GIVEN_REALISTIC[g][0] for g in given]
    else:
        surnames, weights = _surnames(rng)
        given = list(GIVEN)

    def name(other_than: str = "") -> str:
        if not realistic:
            return rng.choice([g for g in given if g != other_than] if other_than else given)
        while (chosen := rng.choices(given, shares)[0]) == other_than:
            pass
        return chosen

    def ukrainian(surname: str) -> bool:
        return realistic and rng.random() < (0.6 if surname.endswith(UKRAINIAN_ENDINGS) else 0.08)

    found: list[Person] = []
    while len(found) < count:
        year = rng.randint(1960, 2005)
        surname = rng.choices(surnames, weights)[0]
        base = Person(
            len(found),
            surname,
            name(),
            name(),
            year,
            rng.randint(1, 12),
            rng.randint(1, 28),
            str(rng.randint(10000, 99999)),
            ukrainian(surname),
        )
        found.append(base)
        roll = rng.random()
        if roll < 0.05:  # a brother
            found.append(
                Person(
                    len(found),
                    base.surname,
                    name(base.given),
                    base.father,
                    base.year + rng.choice((-3, -2, 2, 3)),
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                    base.unit if rng.random() < 0.5 else str(rng.randint(10000, 99999)),
                    base.ukrainian,
                )
            )
        elif roll < 0.05 + planted:  # a namesake born in the same month
            found.append(
                Person(
                    len(found),
                    base.surname,
                    base.given,
                    name(base.father),
                    base.year,
                    base.month,
                    rng.choice([d for d in range(1, 29) if abs(d - base.day) > 2]),
                    str(rng.randint(10000, 99999)),
                    ukrainian(base.surname),
                )
            )
    return found[:count]


def typo(word: str, rng: random.Random) -> str:
    """Return ``word`` with one keyboard-neighbour, confusion, dropped or doubled letter."""
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word))
    char = word[at]
    kind = rng.random()
    if kind < 0.35 and char in NEIGHBOURS:
        return word[:at] + NEIGHBOURS[char] + word[at + 1 :]
    if kind < 0.6 and char in CONFUSED:
        return word[:at] + CONFUSED[char] + word[at + 1 :]
    if kind < 0.8:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at - 1] + word[at:]


def latin(text: str, scheme: str) -> str:
    """Write Cyrillic ``text`` in Latin by an iuliia scheme or the plain passport spelling."""
    if scheme == "passport":
        out = "".join(PASSPORT.get(c.lower(), c) for c in text)
        return " ".join(w[:1].upper() + w[1:] for w in out.split(" "))
    result: str = iuliia.schemas.get(scheme).translate(text.replace("Ё", "Е"))
    return result


def _date(person: Person, rng: random.Random, *, latin_side: bool) -> tuple[str, str, str]:
    """Return (birth_date, age, report_date) as one side writes them."""
    year, month, day = person.year, person.month, person.day
    roll = rng.random()
    if latin_side:
        if roll < 0.04:
            year += rng.choice((-1, 1))
        elif roll < 0.07:
            day = day + 1 if day % 10 < 9 and day < 28 else day - 1  # one digit off
        form = rng.random()
        if form < 0.75:
            return f"{year}-{month:02d}-{day:02d}", "", ""
        if form < 0.85:
            return f"{month:02d}.{year}", "", ""
        return str(year), "", ""
    if roll < 0.45:
        return f"{day}/{month}/{year}", "", ""
    if roll < 0.7:
        return str(year), "", ""
    if roll < 0.85:
        return "", str(2023 - year - (1 if month > 3 else 0)), "15.03.2023"
    return "", "", ""


def _forms(person: Person, inventory: str, *, ukrainian: bool) -> tuple[str, str, tuple[str, ...]]:
    """Return (given name, patronymic, nicknames) as this inventory writes them."""
    if inventory != "realistic":
        return person.given, patronymic(person.father), GIVEN[person.given]
    if ukrainian:
        father = GIVEN_REALISTIC[person.father][2]
        return GIVEN_REALISTIC[person.given][2], patronymic_ukrainian(father), ()
    return person.given, patronymic_realistic(person.father), GIVEN_REALISTIC[person.given][1]


def request(
    person: Person, rng: random.Random, row: str, inventory: str = "harsh"
) -> dict[str, str]:
    """A family's request in Cyrillic: nicknames, typos in one or both names, vague dates.

    A Ukrainian man's family writes his Ukrainian name and patronymic with chance 0.4.
    """
    given, father, nicknames = _forms(
        person, inventory, ukrainian=person.ukrainian and rng.random() < 0.4
    )
    if nicknames and rng.random() < 0.25:
        given = rng.choice(nicknames)
    surname = person.surname
    roll = rng.random()
    if roll < 0.1:
        surname = typo(surname, rng)
    elif roll < 0.14:  # both names misspelt
        surname, given = typo(surname, rng), typo(given, rng)
    elif roll < 0.2:
        given = typo(given, rng)
    birth, age, report = _date(person, rng, latin_side=False)
    return {
        "id": row,
        "surname": surname,
        "given_name": given,
        "patronymic": father if rng.random() < 0.55 else "",
        "sex": "",
        "birth_date": birth,
        "age": age,
        "report_date": report,
        "region": "",
        "unit": rng.choice(UNITS).format(person.unit) if rng.random() < 0.3 else "",
        "rank": "",
        "personal_number": "",
    }


def listed(
    person: Person, rng: random.Random, row: str, inventory: str = "harsh"
) -> dict[str, str]:
    """An entry of a list in Latin script: other schemes, whole names, swaps.

    A Ukrainian man is written from his Ukrainian forms by the Ukrainian national system
    with chance 0.5 (Mykola, Serhiiovych; the surname from its Russian spelling: Hryhorenko).
    """
    scheme = rng.choice(SCHEMES)
    surname = person.surname
    if rng.random() < 0.06:
        surname = typo(surname, rng)
    ukrainian = person.ukrainian and rng.random() < 0.5
    given, father, _ = _forms(person, inventory, ukrainian=ukrainian)
    write = kmu if ukrainian else lambda text: latin(text, scheme)
    surname, given = write(surname), write(given)
    father = write(father) if rng.random() < 0.6 else ""
    if rng.random() < 0.3:
        surname = surname.upper()
    birth, _, _ = _date(person, rng, latin_side=True)
    whole = ""
    roll = rng.random()
    if roll < 0.1:  # the whole name in one column, surname first
        whole = " ".join(p for p in (surname, given, father) if p)
    elif roll < 0.15:  # the whole name in Russian order: given name, patronymic, surname
        whole = " ".join(p for p in (given, father, surname.upper()) if p)
    elif roll < 0.2:
        surname, given = given, surname
    return {
        "id": row,
        "surname": whole or surname,
        "given_name": "" if whole else given,
        "patronymic": "" if whole else father,
        "sex": "",
        "birth_date": birth,
        "age": "",
        "report_date": "",
        "region": "",
        "unit": f"military unit {person.unit}" if rng.random() < 0.4 else "",
        "rank": "",
        "personal_number": "",
    }


# --- home regions and mistyped patronymics (``--regions``, ``--patronymic-typos``) -------
# This generator's own regions: (Russian adjective or republic name, kind, English name).
# The kind gives the forms: «Курская область», «Курская обл.», «Курской области»,
# «Курск. обл.», «Kurskaya oblast» by the list's scheme, «Kursk region»; «Республика
# Татарстан», «Респ. Татарстан», «Rep. Tatarstan».
REGIONS = (
    ("Курская", "oblast", "Kursk"), ("Белгородская", "oblast", "Belgorod"),
    ("Брянская", "oblast", "Bryansk"), ("Воронежская", "oblast", "Voronezh"),
    ("Ростовская", "oblast", "Rostov"), ("Московская", "oblast", "Moscow"),
    ("Свердловская", "oblast", "Sverdlovsk"), ("Челябинская", "oblast", "Chelyabinsk"),
    ("Новосибирская", "oblast", "Novosibirsk"), ("Иркутская", "oblast", "Irkutsk"),
    ("Нижегородская", "oblast", "Nizhny Novgorod"), ("Оренбургская", "oblast", "Orenburg"),
    ("Саратовская", "oblast", "Saratov"), ("Волгоградская", "oblast", "Volgograd"),
    ("Тюменская", "oblast", "Tyumen"), ("Архангельская", "oblast", "Arkhangelsk"),
    ("Краснодарский", "krai", "Krasnodar"), ("Красноярский", "krai", "Krasnoyarsk"),
    ("Ставропольский", "krai", "Stavropol"), ("Хабаровский", "krai", "Khabarovsk"),
    ("Забайкальский", "krai", "Zabaykalsky"), ("Приморский", "krai", "Primorsky"),
    ("Алтайский", "krai", "Altai"), ("Пермский", "krai", "Perm"),
    ("Камчатский", "krai", "Kamchatka"), ("Татарстан", "republic", "Tatarstan"),
    ("Башкортостан", "republic", "Bashkortostan"), ("Бурятия", "republic", "Buryatia"),
    ("Дагестан", "republic", "Dagestan"), ("Мордовия", "republic", "Mordovia"),
    ("Тыва", "republic", "Tuva"), ("Алтай", "republic", "Altai Republic"),
    ("Ханты-Мансийский", "okrug", "Khanty-Mansi"), ("Ямало-Ненецкий", "okrug", "Yamalo-Nenets"),
)  # fmt: skip
KIND_FORMS = {
    "oblast": (("область", "обл."), ("oblast", "obl.")),
    "krai": (("край", "кр."), ("krai", "kray")),
    "okrug": (("автономный округ", "АО"), ("avtonomnyy okrug", "AO")),
}
OBLIQUE = {"oblast": ("ой", "области"), "krai": ("ого", "края"), "okrug": ("ого", "АО")}


def region_cyrillic(region: tuple[str, str, str], rng: random.Random) -> str:
    """A region as a family writes it: full, abbreviated, in the genitive, or shortened."""
    name, kind, _ = region
    if kind == "republic":
        return rng.choice((f"Республика {name}", f"Респ. {name}", name))
    word, short = KIND_FORMS[kind][0]
    roll = rng.random()
    if roll < 0.35:
        return f"{name} {word}"
    if roll < 0.65:
        return f"{name} {short}"
    ending, oblique = OBLIQUE[kind]
    if roll < 0.85:  # «уроженец Курской области»
        return f"{name[:-2]}{ending} {oblique}"
    return f"{name[:5]}. {short}"  # «Курск. обл.»


def region_latin(region: tuple[str, str, str], rng: random.Random, scheme: str) -> str:
    """A region in a list in Latin: transliterated by the list's scheme, or in English."""
    name, kind, english = region
    if kind == "republic":
        return rng.choice((f"Rep. {latin(name, scheme)}", f"Republic of {english}", english))
    if rng.random() < 0.3:
        return f"{english} region"
    return f"{latin(name, scheme)} {rng.choice(KIND_FORMS[kind][1])}"


def add_regions_and_typos(
    persons: Sequence[Person],
    sides: tuple[list[dict[str, str]], list[dict[str, str]]],
    seed: int,
    regions: float,
    patronymic_typos: float,
) -> None:
    """Give each man a home region (a brother his brother's) written on a share of records,
    and mistype a share of the patronymics, drawn apart from the lists' own draws so that
    the lists are otherwise those of the same seed without these options. One region in
    twenty is another (a man who moved, a clerk's slip)."""
    rng = random.Random(seed * 7919 + 1)
    weights = [1.0 / (rank + 3) for rank in range(len(REGIONS))]
    home: dict[str, tuple[str, str, str]] = {}
    previous: Person | None = None
    for person in persons:
        brother = previous and (previous.surname, previous.father) == (
            person.surname,
            person.father,
        )
        home[str(person.number)] = (
            home[str(previous.number)] if brother and previous else rng.choices(REGIONS, weights)[0]
        )
        previous = person
    for latin_side, rows in enumerate(sides):
        for row in rows:
            if rng.random() < regions:
                region = home[row["person"]]
                if rng.random() < 0.05:
                    region = rng.choices(REGIONS, weights)[0]
                row["region"] = (
                    region_latin(region, rng, rng.choice(SCHEMES))
                    if latin_side
                    else region_cyrillic(region, rng)
                )
            if row["patronymic"] and rng.random() < patronymic_typos:
                row["patronymic"] = typo(row["patronymic"], rng)


def generate(
    persons: int,
    seed: int,
    inventory: str = "harsh",
    planted: float = 0.03,
    regions: float = 0.0,
    patronymic_typos: float = 0.0,
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return requests (A) and a list (B) about ``persons`` men, each row with its ``person``.

    ``regions``: the share of records that give the man's home region; ``patronymic_typos``:
    the share of written patronymics mistyped (both 0: the lists as first measured).
    """
    rng = random.Random(seed)
    side_a: list[dict[str, str]] = []
    side_b: list[dict[str, str]] = []
    men = people(persons, rng, inventory, planted)
    for person in men:
        if rng.random() < 0.65:
            for _ in range(2 if rng.random() < 0.06 else 1):
                side_a.append(
                    {
                        **request(person, rng, f"A{len(side_a)}", inventory),
                        "person": str(person.number),
                    }
                )
        if rng.random() < 0.75:
            for _ in range(2 if rng.random() < 0.03 else 1):
                side_b.append(
                    {
                        **listed(person, rng, f"B{len(side_b)}", inventory),
                        "person": str(person.number),
                    }
                )
    rng.shuffle(side_a)
    rng.shuffle(side_b)
    if regions or patronymic_typos:
        add_regions_and_typos(men, (side_a, side_b), seed, regions, patronymic_typos)
    return side_a, side_b


def _scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> str:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"{precision:6.4f} {recall:6.4f} {f1:6.4f}"


BINS = (0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.000_001)


def reliability(pairs: Sequence[ScoredPair], truth: set[tuple[int, int]]) -> None:
    """Print the share of true pairs in each probability bin, with and without rivals."""
    degree: dict[int, int] = {}
    for pair in pairs:
        degree[pair.left] = degree.get(pair.left, 0) + 1
        degree[pair.right] = degree.get(pair.right, 0) + 1
    print("  probability    pairs  true  | no rival: pairs  true | rivals: pairs  true")
    for low, high in zip(BINS, BINS[1:], strict=False):
        cells = []
        for group in ("all", "alone", "rivals"):
            chosen = [
                p
                for p in pairs
                if low <= p.match_probability < high
                and (
                    group == "all"
                    or (group == "alone") == (degree[p.left] == 1 and degree[p.right] == 1)
                )
            ]
            true = sum((p.left, p.right) in truth for p in chosen)
            cells.append(f"{len(chosen):>7} {true / len(chosen) if chosen else 0:5.2f}")
        print(f"  {low:4.2f}-{min(high, 1.0):4.2f}  {cells[0]}  |  {cells[1]}  |  {cells[2]}")


def run(
    persons: int,
    seed: int,
    inventory: str = "harsh",
    planted: float = 0.03,
    regions: float = 0.0,
    patronymic_typos: float = 0.0,
    baseline: bool = False,
) -> None:
    """Generate, link and print the figures of one size (and off-the-shelf Splink's)."""
    side_a, side_b = generate(persons, seed, inventory, planted, regions, patronymic_typos)
    rows = side_a + side_b
    split = len(side_a)
    table = Table(
        Path("others.csv"),
        tuple(rows[0]),
        tuple(
            Row(i + 2, {k: v for k, v in r.items() if k != "person"}) for i, r in enumerate(rows)
        ),
    )
    started = time.perf_counter()
    records = parse_persons(table, default_sex=Sex.UNKNOWN)
    features = [person_features(r.details) for r in records]
    result = link_features(features, min_probability=0.05, split=split)
    elapsed = time.perf_counter() - started
    by_person: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_person.setdefault(row["person"], []).append(index)
    truth = {pair for group in by_person.values() for pair in combinations(group, 2)}
    found = {(p.left, p.right) for p in result.pairs if p.match_probability >= 0.5}

    def across(pair: tuple[int, int]) -> bool:
        return (pair[0] < split) != (pair[1] < split)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{persons} persons ({inventory}, planted {planted}, regions {regions},"
        f" patronymic typos {patronymic_typos}), {len(rows)} records,"
        f" {len(truth)} true pairs, {elapsed:.1f} s (load average {load})"
    )
    print("                 P      R      F1")
    print(f"  all        {_scores(found, truth)}")
    link_truth = {p for p in truth if across(p)}
    dedupe_truth = truth - link_truth
    print(f"  link       {_scores({p for p in found if across(p)}, link_truth)}")
    print(f"  dedupe     {_scores({p for p in found if not across(p)}, dedupe_truth)}")
    reliability(result.pairs, truth)
    if baseline:
        from bench_link import run_baseline  # the baseline and its imports only when asked

        started = time.perf_counter()
        theirs = run_baseline([{k: v for k, v in r.items() if k != "person"} for r in rows], split)
        took = time.perf_counter() - started
        print(f"  off-the-shelf Splink ({took:.1f} s): all {_scores(theirs, truth)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10000])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--inventory",
        choices=("harsh", "realistic"),
        default="harsh",
        help="harsh: 660 surnames, 40 given names (the default, as first measured);"
        " realistic: some 17,000 composed surnames with a Zipf law, 110 given names",
    )
    parser.add_argument(
        "--planted",
        type=float,
        default=0.03,
        help="share of men given a namesake born in the same month (default 0.03)",
    )
    parser.add_argument(
        "--regions",
        type=float,
        default=0.0,
        help="share of records giving the man's home region, in this generator's forms"
        " (full, abbreviated, genitive, transliterated, English; default 0)",
    )
    parser.add_argument(
        "--patronymic-typos",
        type=float,
        default=0.0,
        help="share of written patronymics mistyped (default 0)",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also run off-the-shelf Splink (bench_link.py's baseline) on the same lists",
    )
    args = parser.parse_args(argv)
    for size in args.sizes:
        run(
            size,
            args.seed,
            args.inventory,
            args.planted,
            args.regions,
            args.patronymic_typos,
            args.baseline,
        )


if __name__ == "__main__":
    main()
