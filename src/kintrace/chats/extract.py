"""Find the soldiers a chat message mentions and what it says of them. Pure (pymorphy3 only).

A relatives' chat message («Ищем Иванова Сергея Петровича, 1995 г.р., в/ч 12345, пропал
12 марта под Бахмутом») names a man in whatever grammatical case the sentence puts him in.
The extractor finds the names with :func:`kintrace.chats.names.find_names` (pymorphy3's
Russian and Ukrainian dictionaries; brought to the nominative) and then reads, in the
stretch of text from each name to the next, the birth year («1995 г.р.», «1995 р.н.»,
«д.р. 03.05.1995»), the unit (в/ч 12345, в/ч А1234, «72-й отдельной механизированной
бригады» -> 72 отдельная механизированная бригада, полк, батальон, ОМБр...), the date
(«12 марта», «12.03.2023», «5 травня 2023»), the place (a settlement after «с.», «н.п.»,
«село»...; a place of ``data/places.txt`` or a word the dictionaries tag ``Geox`` after
«под», «біля», «в районе»...; «... области» / «... області» regions) and the claimed fate.
What the stretch does not say is taken from the whole message (one message often says
«оба пропали под Угледаром»), except the birth year, which is one man's. A message is
read only if it speaks of a serviceman at all (:func:`mentions_soldier`).

The claimed fate is the most telling one the message states, in this order: returned
(«вернулся по обмену», «повернувся»), dead («погиб», «загинув», «200»), captured («в плену»,
«у полоні»), wounded («ранен», «поранений», «300»), alive («жив», «вийшов на зв'язок»),
missing («пропал без вести», «зник безвісти», «не выходит на связь», or the bare «ищем»,
«шукаємо»). A fate word right after «не» («не погиб») does not count.

Why not natasha: natasha (and its NER models, slovnet) depends on pymorphy2, which does not
install on Python 3.11 (``inspect.getargspec`` was removed), and it knows no Ukrainian; the
few patterns these messages follow are written out here and tested on invented messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

from kintrace.chats.names import (
    find_names,
    is_feminine,
    language_of,
    nominative,
    parses,
    title_case,
)
from kintrace.reports.model import Status


@dataclass(frozen=True, slots=True)
class Mention:
    """A soldier a message names, in the nominative, and what it says of him.

    ``start`` and ``end`` are the name's place in the text; ``claim`` is a :class:`Status`
    word or None when the message states no fate.
    """

    surname: str
    given_name: str | None
    patronymic: str | None
    birth_year: int | None
    unit: str | None
    date: date | None
    place: str | None
    claim: Status | None
    start: int
    end: int

    @property
    def sex(self) -> str:
        """Return ``female`` when the given name is a woman's, else ``male``."""
        return "female" if is_feminine(self.given_name or "") else "male"


_BIRTH = (
    re.compile(
        r"\b(19[4-9]\d|20[01]\d)\s*(?:г\.?\s*р\.?|гр\b|года?\s+рождения|г\.?\s*рожд|"
        r"р\.?\s*н\.?|року\s+народження|рік\s+народження|р\.?\s*нар)",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:г\.?\s*р\.?|д\.?\s*р\.?|р\.?\s*н\.?|дата\s+рождения|дата\s+народження|"
        r"года\s+рождения|року\s+народження|рожд[её]нн?ый|народився)[\s:.,-]*"
        r"(?:\d{1,2}[./]\d{1,2}[./])?(19[4-9]\d|20[01]\d)\b",
        re.IGNORECASE,
    ),
    re.compile(r"^[\s,(]*(?:\d{1,2}[./]\d{1,2}[./])?(19[4-9]\d|200\d)\b"),
)

_UNIT_NUMBER = re.compile(
    r"(?:в\s*[/\\.]\s*ч\.?|\bвч\b|военн?ая\s+часть|войсковая\s+часть|воинская\s+часть|"
    r"войсковой\s+части|воинской\s+части|військова\s+частина|військової\s+частини)"
    r"\s*№?\s*([АAВBТTКK]?)\s*-?\s*(\d{4,5})",
    re.IGNORECASE,
)
_UNIT_WORDS = (
    r"бригад[аыуеойі]*|бригади|полк[аеуом]*|полку|батальон[аеуом]*|батальйон[аеуом]*|"
    r"дивизи[яиейю]|дивізі[яїєю]|омбр|омсбр|обрмп|омпб|ошбр|одшбр|обр|мсп|мсбр|отбр|обртро|оаембр"
)
_UNIT_NOUNS = frozenset(("бригада", "полк", "батальон", "батальйон", "дивизия", "дивізія"))
_UNIT_FORMATION = re.compile(
    r"\b(\d{1,3})(?:\s*-?\s*(?:я|й|ая|ой|го|ого|ї|ої|ий|а|ом|ій))?\s+"
    r"((?:[а-яёіїєґ'’]+\s+){0,3}?)(" + _UNIT_WORDS + r")\b"
    r"(\s+морской\s+пехоты|\s+морської\s+піхоти|\s+ВДВ|\s+ДШВ)?",
    re.IGNORECASE,
)
_LATIN_LETTERS = str.maketrans("AaBTKk", "АаВТКк")

_MONTHS = {
    **dict.fromkeys(("января", "январе", "січня"), 1),
    **dict.fromkeys(("февраля", "феврале", "лютого"), 2),
    **dict.fromkeys(("марта", "марте", "березня"), 3),
    **dict.fromkeys(("апреля", "апреле", "квітня"), 4),
    **dict.fromkeys(("мая", "мае", "травня"), 5),
    **dict.fromkeys(("июня", "июне", "червня"), 6),
    **dict.fromkeys(("июля", "июле", "липня"), 7),
    **dict.fromkeys(("августа", "августе", "серпня"), 8),
    **dict.fromkeys(("сентября", "сентябре", "вересня"), 9),
    **dict.fromkeys(("октября", "октябре", "жовтня"), 10),
    **dict.fromkeys(("ноября", "ноябре", "листопада"), 11),
    **dict.fromkeys(("декабря", "декабре", "грудня"), 12),
}
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?(?![\d]|[./]\d)")
_WORD_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")(?:\s+(\d{4}))?", re.IGNORECASE)
EARLIEST_EVENT = date(2014, 1, 1)
"""No claimed event of this war is older than this (a date before it is a birth date)."""

_FATES: tuple[tuple[Status, re.Pattern[str]], ...] = tuple(
    (status, re.compile(pattern, re.IGNORECASE))
    for status, pattern in (
        (
            Status.RETURNED,
            r"вернул(?:ся|и)|повернув(?:ся)?|повернули|обменял[иа]|обміняли|"
            r"освобожд[её]н\w*\s+из\s+плена|звільнен\w*\s+з\s+полону|звільнили\s+з\s+полону",
        ),
        (
            Status.DEAD_UNRECOVERED,
            r"погиб|убит\b|убили|загинув|загибел|гибел|вбит\w*|вбили|\b200-?й\b|двухсот|"
            r"\bгруз\s*200|похоронен|похован",
        ),
        (
            Status.CAPTURED_REPORTED,
            r"\bв\s+плен[уе]?\b|\bу\s+полон[іі]?\b|\bв\s+полон[іі]?\b|\bпленн|полонен|"
            r"военнопленн|військовополонен|\bпотрапив\s+у\s+полон",
        ),
        (
            Status.WOUNDED,
            r"\bранен|ранение|поранен|\b300-?й\b|трехсот|трьохсот|госпитал|шпитал|госпітал",
        ),
        (
            Status.ALIVE_SERVING,
            r"\bжив\b|\bживой\b|\bживий\b|вышел\s+на\s+связь|вийшов\s+на\s+зв",
        ),
        (
            Status.MISSING,
            r"пропал|пропав|без\s+вести|безвісти|безвести|\bзник\b|не\s+выходит\s+на\s+связь|"
            r"не\s+виходить\s+на\s+зв|нет\s+связи|немає\s+зв|\bищем\b|\bищу\b|разыскива|"
            r"шукаємо|шукаю|розшук",
        ),
    )
)

_SOLDIER_WORDS = re.compile(
    r"в\s*[/\\]\s*ч|военн|военнослуж|військов|солдат|боец|бійц|боєць|мобилиз|мобіліз|"
    r"\bсво\b|\bзсу\b|\bвсу\b|бригад|полк|батальон|батальйон|контракт|позывной|позивний|"
    r"рядов|сержант|ефрейтор|лейтенант|служ",
    re.IGNORECASE,
)

_SETTLEMENT = re.compile(
    r"(?:\bн\.\s?п\.|\bс\.|\bг\.|\bм\.|\bпгт\.?|\bсмт\.?|\bсело|\bселе|\bселі|\bпос\.|"
    r"\bпоселок|\bпосёлок|\bселища|\bселище|\bгород[ае]?|\bмісто|\bмісті)\s*"
    r"([А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+(?:\s+[А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+)?)"
)
_NEAR = re.compile(
    r"(?:\bпод\b|\bвозле\b|\bоколо\b|\bв\s+районе\b|\bв\s+р-не\b|\bбіля\b|\bпід\b|\bпоблизу\b|"
    r"\bв\s+районі\b|\bу\s+районі\b|\bна\s+|\bв\s+|\bу\s+|\bиз\s+|\bз\s+|\bпод\s+|\bпо\s+)"
    r"\s*([А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+(?:\s+[А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+)?)"
)
_REGION = re.compile(r"\b([А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+(?:ой|ая|ій|ая|а|ої))\s+(облас\w*|обл\.)")


@cache
def places() -> dict[str, tuple[str, str]]:
    """Return the packaged places: the lower-case words of each name -> (Russian, Ukrainian)."""
    text = resources.files("kintrace.chats").joinpath("data/places.txt").read_text("utf-8")
    index: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        russian, ukrainian, *forms = (part.strip() for part in line.split("|"))
        for name in (russian, ukrainian, *",".join(forms).split(",")):
            if name:
                index[name.lower().replace("ё", "е")] = (russian, ukrainian)
    return index


def birth_year(segment: str) -> int | None:
    """Return the birth year a stretch of text after a name gives.

    >>> birth_year(", 1995 г.р., в/ч 12345"), birth_year(" д.р. 03.05.1998"), birth_year(" (1987)")
    (1995, 1998, 1987)
    """
    for pattern in _BIRTH:
        match = pattern.search(segment)
        if match is not None:
            return int(match.group(1))
    return None


def unit(segment: str, lang: str = "ru") -> str | None:
    """Return the unit a text names: ``в/ч 12345``, or a formation in the nominative.

    >>> unit("служил в в/ч А-1234"), unit("из 72-й отдельной механизированной бригады")
    ('в/ч А1234', '72 отдельная механизированная бригада')
    """
    number = _UNIT_NUMBER.search(segment)
    formation = _UNIT_FORMATION.search(segment)
    if number is not None and (formation is None or number.start() <= formation.start()):
        letter = number.group(1).translate(_LATIN_LETTERS).upper()
        return f"в/ч {letter}{number.group(2)}"
    if formation is None:
        return None
    words = [*formation.group(2).split(), formation.group(3)]
    tail = (formation.group(4) or "").split()
    return " ".join([formation.group(1), *_nominative_phrase(words, lang), *tail])


def _nominative_phrase(words: Sequence[str], lang: str) -> list[str]:
    """Bring adjectives + noun («отдельной механизированной бригады») to the nominative."""
    head = words[-1]
    if not head.islower():  # an abbreviation: ОМБр, ОБрМП
        return list(words)
    nouns = [
        p
        for p in parses(head.lower(), lang)
        if "NOUN" in p.tag.grammemes and p.tag.number != "plur"
    ]
    noun = next((p for p in nouns if p.normal_form in _UNIT_NOUNS), nouns[0] if nouns else None)
    if noun is None:
        return list(words)
    case, gender = noun.tag.case, noun.tag.gender
    result: list[str] = []
    for word in words[:-1]:
        adjective = next(
            (
                p
                for p in parses(word.lower(), lang)
                if "ADJF" in p.tag.grammemes
                and p.tag.case == case
                and p.tag.gender in (gender, None)
            ),
            None,
        )
        inflected = nominative(adjective) if adjective is not None else None
        result.append(inflected or word.lower())
    result.append(nominative(noun) or head.lower())
    return result


def event_date(segment: str, *, posted: date) -> date | None:
    """Return the first date of the events a text gives (not a birth date, not after posting).

    A day and month without a year are in the posting's year (the year before when that
    would be after the posting).

    >>> event_date("пропал 12 марта под Бахмутом", posted=date(2023, 4, 1))
    datetime.date(2023, 3, 12)
    >>> event_date("з 05.11.22 не виходить на зв'язок", posted=date(2023, 1, 2))
    datetime.date(2022, 11, 5)
    >>> event_date("зник 12.03 під Бахмутом", posted=date(2024, 3, 20))
    datetime.date(2024, 3, 12)
    """
    found: list[tuple[int, date]] = []
    for match in _NUMERIC_DATE.finditer(segment):
        day, month = int(match.group(1)), int(match.group(2))
        found += [(match.start(), d) for d in _in_year(match.group(3), month, day, posted)]
    for match in _WORD_DATE.finditer(segment):
        day, month = int(match.group(1)), _MONTHS[match.group(2).lower()]
        found += [(match.start(), d) for d in _in_year(match.group(3), month, day, posted)]
    for _, when in sorted(found):
        if EARLIEST_EVENT <= when <= posted:
            return when
    return None


def _in_year(year_text: str | None, month: int, day: int, posted: date) -> list[date]:
    """Return the date of a day and month in the year written, else the posting's (or the
    year before, when the posting's would be after the posting)."""
    if year_text:
        year = int(year_text)
        return _valid_date(year + (2000 if year < 100 else 0), month, day)
    candidates = _valid_date(posted.year, month, day)
    if candidates and candidates[0] > posted:
        candidates = _valid_date(posted.year - 1, month, day)
    return candidates


def _valid_date(year: int, month: int, day: int) -> list[date]:
    try:
        return [date(year, month, day)]
    except ValueError:
        return []


def claimed_fate(text: str) -> Status | None:
    """Return the most telling fate a text claims (see the module docstring), or None.

    >>> claimed_fate("Пропал без вести, по информации в плену"), claimed_fate("Не погиб!")
    (<Status.CAPTURED_REPORTED: 'captured_reported'>, None)
    """
    for status, pattern in _FATES:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 3) : match.start()].lower()
            if not match.group().lower().startswith("не") and re.search(r"\bне\s$", before):
                continue
            return status
    return None


def place(segment: str, lang: str = "ru") -> str | None:
    """Return the place a text names, in the nominative and the text's language.

    >>> place("пропал под Бахмутом"), place("зник біля с. Кліщіївка", "uk")
    ('Бахмут', 'Кліщіївка')
    >>> place("в районе Авдеевки"), place("Запорожской области")
    ('Авдеевка', 'Запорожская область')
    """
    best: tuple[int, str] | None = None
    for match in _SETTLEMENT.finditer(segment):
        best = _earlier(best, match.start(), _place_name(match.group(1), lang, known_only=False))
        break
    for match in _NEAR.finditer(segment):
        name = _place_name(match.group(1), lang, known_only=True)
        if name is not None:
            best = _earlier(best, match.start(), name)
            break
    for match in _REGION.finditer(segment):
        best = _earlier(best, match.start(), f"{_region_adjective(match.group(1), lang)} область")
        break
    return best[1] if best is not None else None


def _region_adjective(word: str, lang: str) -> str:
    """Return a region's adjective in the feminine nominative (Запорожской -> Запорожская)."""
    for parse in parses(word.lower(), lang):
        if "ADJF" in parse.tag.grammemes and parse.tag.gender == "femn":
            inflected = nominative(parse, "femn")
            if inflected is not None:
                return title_case(inflected)
    return title_case(word)


def _earlier(best: tuple[int, str] | None, at: int, name: str | None) -> tuple[int, str] | None:
    if name is None or (best is not None and best[0] <= at):
        return best
    return at, name


def _place_name(words: str, lang: str, *, known_only: bool) -> str | None:
    """Return a settlement's name in the nominative: the gazetteer's, else pymorphy3's lemma."""
    parts = words.split()
    for count in (len(parts), 1):
        lemmas = [_place_lemma(w, lang) for w in parts[:count]]
        for combination in _combinations(lemmas):
            known = places().get(" ".join(combination).replace("ё", "е"))
            if known is not None:
                return known[1] if lang == "uk" else known[0]
    if known_only:
        geox = [
            p
            for p in parses(parts[0], lang)
            if p.is_known and "Geox" in p.tag.grammemes and p.tag.number != "plur"
        ]
        if not geox:
            return None
        return title_case(geox[0].normal_form)
    lemma = _place_lemma(parts[0], lang)
    return title_case(lemma[0]) if lemma else title_case(parts[0])


def _place_lemma(word: str, lang: str) -> list[str]:
    """Return the possible dictionary forms of a place word, the word itself first."""
    forms = [word.lower()]
    for parse in parses(word, lang):
        if {"NOUN", "ADJF"} & parse.tag.grammemes:
            forms.append(parse.normal_form)
    return list(dict.fromkeys(forms))


def _combinations(lemmas: Sequence[list[str]]) -> list[tuple[str, ...]]:
    result: list[tuple[str, ...]] = [()]
    for options in lemmas:
        result = [(*r, o) for r in result for o in options[:6]]
    return result


def mentions_soldier(text: str) -> bool:
    """Tell whether a message speaks of a serviceman: a fate, a unit, a birth year or a word."""
    return bool(claimed_fate(text) or _SOLDIER_WORDS.search(text) or birth_year(text) is not None)


def extract_mentions(text: str, *, posted: datetime) -> list[Mention]:
    """Return the soldiers a message mentions, each with what the message says of him.

    >>> [m.surname for m in extract_mentions(
    ...     "Ищем Иванова Сергея Петровича, 1995 г.р., в/ч 12345", posted=datetime(2023, 4, 1))]
    ['Иванов']
    """
    if not text.strip() or not mentions_soldier(text):
        return []
    lang = language_of(text)
    names = find_names(text)
    mentions: list[Mention] = []
    for index, name in enumerate(names):
        following = names[index + 1].start if index + 1 < len(names) else len(text)
        begin = 0 if index == 0 else name.start
        own = text[name.end : following]
        stretch = text[begin:following]
        year = birth_year(own)
        rest = text
        mentions.append(
            Mention(
                surname=name.surname,
                given_name=name.given_name,
                patronymic=name.patronymic,
                birth_year=year,
                unit=unit(stretch, lang) or unit(rest, lang),
                date=(
                    event_date(stretch, posted=posted.date())
                    or event_date(rest, posted=posted.date())
                ),
                place=place(stretch, lang) or place(rest, lang),
                claim=claimed_fate(stretch) or claimed_fate(rest),
                start=name.start,
                end=name.end,
            )
        )
    return mentions
