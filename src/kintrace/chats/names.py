"""Find the names of persons in a Russian or Ukrainian text and bring them to the nominative.

Pure (pymorphy3 only). A relatives' chat message («Ищем Иванова Сергея Петровича») names a
man in whatever grammatical case the sentence puts him in. :func:`find_names`:

1. splits the text into words and looks each capitalised word up in the Russian and the
   Ukrainian dictionaries of pymorphy3 (OpenCorpora and the LanguageTool Ukrainian
   dictionary, with their ``Surn``, ``Name`` and ``Patr`` grammemes for surnames, given names
   and patronymics; Korobov 2015, "Morphological analyzer and generator for Russian and
   Ukrainian languages", AIST, https://arxiv.org/abs/1503.07283). The text's language is
   Ukrainian when it has the letters і, ї, є or ґ; the other dictionary is asked second;
2. takes runs of two or three adjacent capitalised words that read as *surname given-name
   [patronymic]* or *given-name patronymic surname*. Given names and patronymics must be in
   a dictionary; a word unknown to both dictionaries (or a noun such as Мельник) may be a
   surname; verbs, kin words and ranks may not (:data:`NOT_NAMES`);
3. picks the gender and case the words agree in (masculine first: the men sought are mostly
   men; a given name that is only feminine makes her a woman) and brings each word to the
   nominative with pymorphy3's ``inflect``; an indeclinable surname (``Fixd``: Коваленко)
   agrees with every case, and a surname the dictionaries do not know loses the case
   ending of the chosen case by rule (Петренка -> Петренко, Гайдая -> Гайдай).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import pymorphy3
from pymorphy3.analyzer import Parse

UKRAINIAN_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
_WORD = re.compile(r"[А-ЯЁІЇЄҐа-яёіїєґ]+(?:['’ʼ-][А-ЯЁІЇЄҐа-яёіїєґ]+)*")
_CASES = ("nomn", "gent", "accs", "datv", "ablt", "loct", "voct")
_GENDERS = ("masc", "femn")

NOT_NAMES = frozenset(
    (
        "брат сын муж отец мама мать папа дядя внук племянник друг сосед солдат боец рядовой "
        "ефрейтор сержант старшина прапорщик лейтенант капитан майор командир военный парень "
        "мужчина человек ребята родные помогите внимание срочно добрый день вечер ищем "
        "пропал пропав брата сына мужа отца бойца солдата "
        "син чоловік батько тато онук племінник сусід боєць військовий хлопець людина "
        "допоможіть увага терміново шукаємо сина чоловіка батька бійця"
    ).split()
)
"""Capitalised words that start sentences and are never a surname (kin words, ranks)."""


@cache
def analyzers() -> dict[str, pymorphy3.MorphAnalyzer]:
    """Return the Russian and Ukrainian analyzers of pymorphy3 (loaded once; ~0.5 s)."""
    return {"ru": pymorphy3.MorphAnalyzer(lang="ru"), "uk": pymorphy3.MorphAnalyzer(lang="uk")}


def language_of(text: str) -> str:
    """Return ``"uk"`` for a text with Ukrainian letters, else ``"ru"``.

    >>> language_of("Шукаємо Петренка"), language_of("Ищем Петренко")
    ('uk', 'ru')
    """
    return "uk" if UKRAINIAN_LETTERS.search(text) else "ru"


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # as written, title case
    start: int
    end: int
    gap_before: str  # what separates it from the previous word


@dataclass(frozen=True, slots=True)
class _Option:
    case: str | None  # None: agrees with every case (indeclinable, or unknown to the dictionaries)
    gender: str | None
    parse: Parse | None


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group()
        tokens.append(_Token(word, match.start(), match.end(), text[last : match.start()]))
        last = match.end()
    return tokens


def _capitalised(word: str) -> bool:
    if len(word) < 2 or not word[0].isupper():
        return False
    return word[1:].islower() or word.isupper() or "-" in word


def title_case(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


@lru_cache(maxsize=100_000)
def parses(word: str, lang: str) -> tuple[Parse, ...]:
    """Parses of the message's language first, then of the other.

    Kept for the words seen last: pymorphy3's dictionaries are pure-Python DAWGs (about a
    millisecond a word), and a chat repeats its words.
    """
    morph = analyzers()
    other = "ru" if lang == "uk" else "uk"
    return (*morph[lang].parse(word), *morph[other].parse(word))


@lru_cache(maxsize=100_000)
def nominative(parse: Parse, *extra: str) -> str | None:
    """Return the word of a parse in the nominative singular (``extra``: more grammemes).

    The Ukrainian dictionary marks no singular (``sing``), so the nominative alone is tried
    second.
    """
    for wanted in ({"nomn", "sing", *extra}, {"nomn", *extra}):
        inflected = parse.inflect(wanted)
        if inflected is not None:
            return str(inflected.word)
    return None


def _gender_options(parse: Parse) -> tuple[str | None, ...]:
    if "ms-f" in parse.tag.grammemes:
        return _GENDERS
    gender = parse.tag.gender
    return (str(gender),) if gender else (None,)


@lru_cache(maxsize=100_000)
def _role_options(word: str, role: str, lang: str) -> tuple[_Option, ...]:
    """Return how a word can be a name part of this role (``Surn``, ``Name`` or ``Patr``)."""
    options: list[_Option] = []
    for parse in parses(word, lang):
        tag = parse.tag
        if role not in tag.grammemes or tag.number == "plur":
            continue
        if role != "Surn" and not parse.is_known:  # a guessed given name is no given name
            continue
        for gender in _gender_options(parse):
            case = None if "Fixd" in tag.grammemes or not tag.case else str(tag.case)
            options.append(_Option(case, gender, parse))
    if not options and role == "Surn" and _may_be_surname(word, lang):
        options.append(_Option(None, None, None))
    return tuple(options)


@lru_cache(maxsize=100_000)
def _may_be_surname(word: str, lang: str) -> bool:
    """Tell whether a word without a Surn reading may still be a surname.

    A word neither dictionary knows may (most Ukrainian surnames in a Russian message); so
    may a known noun (Мельник, Коваль); a verb, a kin word or a rank may not.
    """
    lower = word.lower()
    if lower in NOT_NAMES or len(lower) < 3:
        return False
    morph = analyzers()
    known = [m for m in morph.values() if m.word_is_known(lower)]
    if not known:
        return True
    return all(
        "NOUN" in p.tag.grammemes and {"Name", "Patr", "Geox", "Orgn"}.isdisjoint(p.tag.grammemes)
        for m in known
        for p in m.parse(lower)
        if p.is_known
    )


_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("Surn", "Name", "Patr"),
    ("Name", "Patr", "Surn"),
    ("Surn", "Name"),
    ("Name", "Surn"),
)


def _agreement(options: Sequence[Sequence[_Option]]) -> tuple[str, str] | None:
    """Return the (gender, case) all words agree in: masculine first, nominative first."""
    for gender in _GENDERS:
        cases = set(_CASES)
        for word_options in options:
            allowed = {
                o.case
                for o in word_options
                if (o.gender is None or o.gender == gender) and o.case is not None
            }
            wildcard = any(o.case is None and o.gender in (None, gender) for o in word_options)
            if not wildcard:
                cases &= allowed
        if cases:
            return gender, next(c for c in _CASES if c in cases)
    return None


_SURNAME_ENDINGS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("masc", "gent"): (
        ("ского", "ский"), ("цкого", "цкий"), ("ського", "ський"), ("цького", "цький"),
        ("енка", "енко"), ("ова", "ов"), ("ева", "ев"), ("ёва", "ёв"), ("ина", "ин"),
        ("ына", "ын"), ("іна", "ін"), ("їна", "їн"), ("ая", "ай"), ("уя", "уй"), ("ія", "ій"),
        ("ея", "ей"), ("ля", "ль"), ("ня", "нь"), ("а", ""),
    ),
    ("masc", "datv"): (
        ("ому", "ий"), ("енку", "енко"), ("ову", "ов"), ("еву", "ев"), ("ину", "ин"),
        ("ю", "ь"), ("у", ""),
    ),
    ("masc", "ablt"): (
        ("енком", "енко"), ("овым", "ов"), ("евым", "ев"), ("иным", "ин"), ("ом", ""),
        ("ем", "ь"),
    ),
    ("femn", "gent"): (("овой", "ова"), ("евой", "ева"), ("иной", "ина")),
    ("femn", "accs"): (("ову", "ова"), ("еву", "ева"), ("ину", "ина")),
}  # fmt: skip
_SURNAME_ENDINGS[("masc", "accs")] = _SURNAME_ENDINGS[("masc", "gent")]
_SURNAME_ENDINGS[("femn", "datv")] = _SURNAME_ENDINGS[("femn", "gent")]


def _unknown_surname(word: str, gender: str, case: str) -> str:
    """Return the nominative of a surname the dictionaries do not know, by its ending.

    >>> _unknown_surname("Петренка", "masc", "gent"), _unknown_surname("Гайдая", "masc", "accs")
    ('Петренко', 'Гайдай')
    """
    lower = word.lower()
    for ending, nominative in _SURNAME_ENDINGS.get((gender, case), ()):
        if lower.endswith(ending) and len(lower) - len(ending) >= 2:
            return title_case(lower[: len(lower) - len(ending)] + nominative)
    return title_case(word)


def _nominative(word: str, options: Sequence[_Option], gender: str, case: str) -> str:
    """Bring one name word from (gender, case) to the nominative."""
    fitting = [
        o
        for o in options
        if o.parse is not None and o.case in (case, None) and o.gender in (gender, None)
    ]
    for option in fitting:
        assert option.parse is not None
        if option.case is None:
            return title_case(word)
        inflected = nominative(option.parse)
        if inflected is not None:
            return title_case(inflected)
    if case == "nomn":
        return title_case(word)
    return _unknown_surname(word, gender, case)


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A name found in a text: parts in the nominative and where it stands."""

    surname: str
    given_name: str
    patronymic: str | None
    start: int
    end: int


def _match_pattern(words: Sequence[_Token], lang: str) -> NameSpan | None:
    for pattern in _PATTERNS:
        if len(words) < len(pattern):
            continue
        chosen = words[: len(pattern)]
        options = [
            _role_options(t.text, role, lang) for t, role in zip(chosen, pattern, strict=True)
        ]
        if not all(options):
            continue
        agreed = _agreement(options)
        if agreed is None:
            continue
        gender, case = agreed
        parts = {
            role: _nominative(t.text, o, gender, case)
            for t, role, o in zip(chosen, pattern, options, strict=True)
        }
        return NameSpan(
            surname=parts["Surn"],
            given_name=parts["Name"],
            patronymic=parts.get("Patr"),
            start=chosen[0].start,
            end=chosen[-1].end,
        )
    return None


def find_names(text: str) -> list[NameSpan]:
    """Return the names of persons a text gives (surname and given name at least).

    >>> found = find_names("Ищем Иванова Сергея Петровича")
    >>> [(n.surname, n.given_name, n.patronymic) for n in found]
    [('Иванов', 'Сергей', 'Петрович')]
    """
    lang = language_of(text)
    tokens = _tokens(text)
    found: list[NameSpan] = []
    i = 0
    while i < len(tokens):
        run: list[_Token] = []
        for token in tokens[i : i + 3]:
            joined = not run or token.gap_before.strip() == ""
            if not joined or not _capitalised(token.text):
                break
            run.append(_Token(title_case(token.text), token.start, token.end, token.gap_before))
        span = _match_pattern(run, lang) if len(run) >= 2 else None
        if span is None:
            i += 1
            continue
        found.append(span)
        i += sum(1 for t in run if t.end <= span.end)
    return found


@lru_cache(maxsize=10_000)
def is_feminine(given: str) -> bool:
    if not given:
        return False
    parses = [p for m in analyzers().values() for p in m.parse(given) if "Name" in p.tag.grammemes]
    return bool(parses) and all(p.tag.gender == "femn" for p in parses)
