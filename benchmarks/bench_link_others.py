"""Benchmark: linkage on lists spelled by a generator that kintrace was not tuned on.

Run: ``uv run python benchmarks/bench_link_others.py [PERSONS ...] [--seed N]`` (default
10000). :mod:`kintrace.linkage.synthetic` draws names from kintrace's own given-name file
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
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
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


def patronymic(father: str) -> str:
    """Return a patronymic by this generator's rule (Илья → Ильич, Игорь → Игоревич)."""
    if father.endswith(("а", "я")):
        return father[:-1] + "ич"
    if father.endswith(("й", "ь")):
        return father[:-1] + "евич"
    return father + "ович"


def _surnames(rng: random.Random) -> tuple[list[str], list[float]]:
    names = sorted({s + e for s in STEMS for e in ENDINGS})
    rng.shuffle(names)
    return names, [1.0 / (rank + 5) for rank in range(len(names))]


def people(count: int, rng: random.Random) -> list[Person]:
    """Return ``count`` men; some are brothers, some namesakes born in one month."""
    surnames, weights = _surnames(rng)
    given = list(GIVEN)
    found: list[Person] = []
    while len(found) < count:
        year = rng.randint(1960, 2005)
        base = Person(
            len(found),
            rng.choices(surnames, weights)[0],
            rng.choice(given),
            rng.choice(given),
            year,
            rng.randint(1, 12),
            rng.randint(1, 28),
            str(rng.randint(10000, 99999)),
        )
        found.append(base)
        roll = rng.random()
        if roll < 0.05:  # a brother
            found.append(
                Person(
                    len(found),
                    base.surname,
                    rng.choice([g for g in given if g != base.given]),
                    base.father,
                    base.year + rng.choice((-3, -2, 2, 3)),
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                    base.unit if rng.random() < 0.5 else str(rng.randint(10000, 99999)),
                )
            )
        elif roll < 0.08:  # a namesake born in the same month
            found.append(
                Person(
                    len(found),
                    base.surname,
                    base.given,
                    rng.choice([g for g in given if g != base.father]),
                    base.year,
                    base.month,
                    rng.choice([d for d in range(1, 29) if abs(d - base.day) > 2]),
                    str(rng.randint(10000, 99999)),
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


def request(person: Person, rng: random.Random, row: str) -> dict[str, str]:
    """A family's request in Cyrillic: nicknames, typos in one or both names, vague dates."""
    given = person.given
    if GIVEN[given] and rng.random() < 0.25:
        given = rng.choice(GIVEN[given])
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
        "patronymic": patronymic(person.father) if rng.random() < 0.55 else "",
        "sex": "",
        "birth_date": birth,
        "age": age,
        "report_date": report,
        "region": "",
        "unit": rng.choice(UNITS).format(person.unit) if rng.random() < 0.3 else "",
        "rank": "",
        "personal_number": "",
    }


def listed(person: Person, rng: random.Random, row: str) -> dict[str, str]:
    """An entry of a list in Latin script: other schemes, whole names, swaps."""
    scheme = rng.choice(SCHEMES)
    surname = person.surname
    if rng.random() < 0.06:
        surname = typo(surname, rng)
    surname, given = latin(surname, scheme), latin(person.given, scheme)
    father = latin(patronymic(person.father), scheme) if rng.random() < 0.6 else ""
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


def generate(persons: int, seed: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return requests (A) and a list (B) about ``persons`` men, each row with its ``person``."""
    rng = random.Random(seed)
    side_a: list[dict[str, str]] = []
    side_b: list[dict[str, str]] = []
    for person in people(persons, rng):
        if rng.random() < 0.65:
            for _ in range(2 if rng.random() < 0.06 else 1):
                side_a.append(
                    {**request(person, rng, f"A{len(side_a)}"), "person": str(person.number)}
                )
        if rng.random() < 0.75:
            for _ in range(2 if rng.random() < 0.03 else 1):
                side_b.append(
                    {**listed(person, rng, f"B{len(side_b)}"), "person": str(person.number)}
                )
    rng.shuffle(side_a)
    rng.shuffle(side_b)
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


def run(persons: int, seed: int) -> None:
    """Generate, link and print the figures of one size."""
    side_a, side_b = generate(persons, seed)
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

    print(f"{persons} persons, {len(rows)} records, {len(truth)} true pairs, {elapsed:.1f} s")
    print("                 P      R      F1")
    print(f"  all        {_scores(found, truth)}")
    link_truth = {p for p in truth if across(p)}
    dedupe_truth = truth - link_truth
    print(f"  link       {_scores({p for p in found if across(p)}, link_truth)}")
    print(f"  dedupe     {_scores({p for p in found if not across(p)}, dedupe_truth)}")
    reliability(result.pairs, truth)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10000])
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    for size in args.sizes:
        run(size, args.seed)


if __name__ == "__main__":
    main()
