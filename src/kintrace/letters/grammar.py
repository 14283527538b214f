"""Person names in the grammatical case a sentence needs, in Russian and Ukrainian. Pure.

A letter asks "о розыске Иванова Сергея Петровича" (genitive) and writes "Иванову Сергею
Петровичу" (dative): the name parts are inflected word by word from the morphological
dictionaries read by pymorphy3 (Korobov 2015, "Morphological Analyzer and Generator for
Russian and Ukrainian Languages", https://github.com/no-plagiarism/pymorphy3): OpenCorpora for
Russian and VESUM (Rysin and Starko) for Ukrainian. Every form comes from a dictionary paradigm
(or, for a word the dictionary lacks, from pymorphy3's prediction by the paradigm of known words
with the same ending); no ending is glued on by this module.

How a part is chosen and inflected:

1. Only Cyrillic words are inflected; a name in Latin script (an English letter) stays.
2. The analyses of the word are filtered: the nominative singular, the sex of the person (a
   common-gender analysis fits both) and the grammeme of the part: ``Surn`` (surname), ``Name``
   (given name), ``Patr`` (patronymic). The first of these sources that has such analyses wins:
   the letter's language's dictionary with the grammeme; the same dictionary with any animate
   noun (a surname that is also a word, like "Коваль"); the other language's dictionary with the
   grammeme (a Russian patronymic in a Ukrainian letter); pymorphy3's prediction with the
   grammeme. A word written with letters of the other alphabet only ("Стасів" in a Russian
   letter) is analysed in that language's dictionary first. No analysis: the word stays.
3. Among the analyses of the winning source, one that declines is preferred; when all are
   indeclinable (``Fixd``) the word stays.
4. Before the dictionary, the rules of the normative grammars that do not depend on the word
   (Rosenthal, *Справочник по правописанию и стилистике*, § on surnames; *Український
   правопис* 2019, § 94-95) keep a surname as written: a woman's surname that does not end in
   -а/-я (Коваль, Стасів, Шевченко for a woman); a surname in -их/-ых (Черных, Седых), in
   -аго/-яго/-ово (Живаго, Дурново); in -е, -и, -у, -ю and their Ukrainian and Russian
   variants (foreign surnames: Гюго, Дюбуа-style endings are left to the dictionary); in -о in
   Russian (Шевченко, Франко: the literary norm keeps them; Ukrainian declines a man's:
   Шевченка, Франка). Each part of a hyphenated or two-word name is taken on its own.
5. The letter case is kept as written (Title, UPPER); a form with ё is written with е when the
   name was written without ё.

When the person's sex is not recorded it is taken from the patronymic (-вич/-ич: a man;
-вна/-чна: a woman), else from the given name's dictionary gender, else from a surname in
-ова/-ева/-ина/-ая and their Ukrainian forms; when nothing tells it, the name stays in the
nominative (no guess that could be wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from kintrace.cases.model import Sex

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer
    from pymorphy3.analyzer import Parse


class Case(StrEnum):
    """A grammatical case, named by its OpenCorpora / pymorphy3 grammeme."""

    NOMINATIVE = "nomn"
    GENITIVE = "gent"
    DATIVE = "datv"
    ACCUSATIVE = "accs"
    INSTRUMENTAL = "ablt"
    PREPOSITIONAL = "loct"


class Part(StrEnum):
    """A part of a person's name, named by its dictionary grammeme."""

    SURNAME = "Surn"
    GIVEN = "Name"
    PATRONYMIC = "Patr"


LANGUAGES = ("ru", "uk")
"""The languages whose names are inflected; any other (English) keeps names as written."""

_ONLY = {"ru": frozenset("ыэёъ"), "uk": frozenset("іїєґ")}
"""Letters of one of the two alphabets only."""

_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ'’ʼ-")
_FIXED_ENDINGS = ("их", "ых", "аго", "яго", "ово", "е", "є", "э", "и", "і", "ї", "у", "ю")
_MASCULINE_PATRONYMIC = ("вич", "ич")
_FEMININE_PATRONYMIC = ("вна", "чна", "шна")
_FEMININE_SURNAME = ("ова", "ева", "єва", "ина", "іна", "їна", "ая", "яя", "ька", "ська", "цька")
_MASCULINE_SURNAME = ("ов", "ев", "єв", "ин", "ін", "ий", "ой", "ський", "цький")


@dataclass(frozen=True, slots=True)
class FullName:
    """A person's name parts, in one case (an empty part stays empty)."""

    surname: str
    given_name: str = ""
    patronymic: str = ""

    def __str__(self) -> str:
        """Return the name as letters write it: surname, given name, patronymic."""
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


@lru_cache(maxsize=2)
def analyzer(lang: str) -> MorphAnalyzer:
    """Return the pymorphy3 analyzer of a language (loaded once per process, ~0.1 s)."""
    import pymorphy3  # loading the dictionaries takes a moment: only when a name is inflected

    return pymorphy3.MorphAnalyzer(lang=lang)


def _other(lang: str) -> str:
    return "uk" if lang == "ru" else "ru"


def is_cyrillic(word: str) -> bool:
    """Tell whether a word is written in Cyrillic letters only.

    >>> is_cyrillic("Стасів"), is_cyrillic("Stasiv")
    (True, False)
    """
    return bool(word) and all(ch in _CYRILLIC for ch in word.lower())


def _gender(sex: Sex) -> str:
    return "masc" if sex is Sex.MALE else "femn"


def _fits(parse: Parse, gender: str, part: Part | None) -> bool:
    grammemes = parse.tag.grammemes
    if "nomn" not in grammemes or "plur" in grammemes:
        return False
    if gender not in grammemes and "ms-f" not in grammemes:
        return False
    if part is not None:
        return part.value in grammemes
    return "NOUN" in grammemes and "anim" in grammemes


def _known(parse: Parse) -> bool:
    """Tell whether an analysis comes from the dictionary itself, not from a prediction."""
    analyzer_name = type(parse.methods_stack[0][0]).__name__
    return analyzer_name in {"DictionaryAnalyzer", "HyphenatedWordsAnalyzer"}


def _candidates(word: str, lang: str, gender: str, part: Part) -> list[Parse]:
    """Return the analyses of the first source that has any (module docstring, step 2)."""
    lowered = word.lower()
    home = lang
    other = _other(lang)
    if set(lowered) & _ONLY[other] and not set(lowered) & _ONLY[lang]:
        home, other = other, lang
    home_parses = analyzer(home).parse(lowered)
    sources = (
        [p for p in home_parses if _known(p) and _fits(p, gender, part)],
        [p for p in home_parses if _known(p) and _fits(p, gender, None)],
        [p for p in analyzer(other).parse(lowered) if _known(p) and _fits(p, gender, part)],
        [p for p in home_parses if not _known(p) and _fits(p, gender, part)],
    )
    return next((found for found in sources if found), [])


def _keep_case(original: str, form: str) -> str:
    if "ё" not in original.lower():
        form = form.replace("ё", "е")
    if original.isupper() and len(original) > 1:
        return form.upper()
    if original[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def _surname_stays(word: str, lang: str, sex: Sex) -> bool:
    """Tell whether a surname stays as written by the rules of step 4."""
    lowered = word.lower()
    if sex is Sex.FEMALE and not lowered.endswith(("а", "я")):
        return True
    if lowered.endswith(_FIXED_ENDINGS):
        return True
    return lang == "ru" and lowered.endswith("о")


def inflect_word(word: str, part: Part, *, sex: Sex, case: Case, lang: str) -> str:
    """Return one name word in a case (as written when it does not decline).

    >>> inflect_word("Сергей", Part.GIVEN, sex=Sex.MALE, case=Case.DATIVE, lang="ru")
    'Сергею'
    >>> inflect_word("Шевченко", Part.SURNAME, sex=Sex.MALE, case=Case.GENITIVE, lang="uk")
    'Шевченка'
    """
    if not word or case is Case.NOMINATIVE or lang not in LANGUAGES or sex is Sex.UNKNOWN:
        return word
    for joint in (" ", "-"):  # "Римский-Корсаков", "Анна Мария": each piece on its own
        if joint in word.strip(joint):
            return joint.join(
                inflect_word(piece, part, sex=sex, case=case, lang=lang)
                for piece in word.split(joint)
            )
    if not is_cyrillic(word):
        return word
    if part is Part.SURNAME and _surname_stays(word, lang, sex):
        return word
    candidates = _candidates(word, lang, _gender(sex), part)
    declining = [p for p in candidates if "Fixd" not in p.tag.grammemes]
    if not declining:
        return word
    parse = declining[0]
    wanted = case.value
    if wanted == "accs" and "inan" in parse.tag.grammemes and sex is Sex.MALE:
        wanted = "gent"  # a man is animate: his accusative is his genitive
    form = parse.inflect({wanted})
    return word if form is None else _keep_case(word, form.word)


def _gender_of_word(word: str, part: Part, lang: str) -> Sex:
    if not is_cyrillic(word):
        return Sex.UNKNOWN
    genders = set()
    for source in (lang, _other(lang)):
        for parse in analyzer(source).parse(word.lower()):
            grammemes = parse.tag.grammemes
            if _known(parse) and part.value in grammemes and "nomn" in grammemes:
                genders |= {g for g in ("masc", "femn") if g in grammemes}
        if genders:
            break
    if genders == {"masc"}:
        return Sex.MALE
    if genders == {"femn"}:
        return Sex.FEMALE
    return Sex.UNKNOWN


def infer_sex(surname: str, given_name: str, patronymic: str, *, lang: str = "ru") -> Sex:
    """Tell a person's sex from the name when it was not recorded (module docstring).

    >>> infer_sex("Коваль", "", "Петровна")
    <Sex.FEMALE: 'female'>
    """
    patr = patronymic.lower().strip()
    if patr.endswith(_MASCULINE_PATRONYMIC):
        return Sex.MALE
    if patr.endswith(_FEMININE_PATRONYMIC):
        return Sex.FEMALE
    if given_name:
        found = _gender_of_word(given_name, Part.GIVEN, lang if lang in LANGUAGES else "ru")
        if found is not Sex.UNKNOWN:
            return found
    last = surname.lower().strip().split("-")[-1]
    if last.endswith(_FEMININE_SURNAME):
        return Sex.FEMALE
    if last.endswith(_MASCULINE_SURNAME):
        return Sex.MALE
    return Sex.UNKNOWN


def inflect_name(
    surname: str,
    given_name: str = "",
    patronymic: str = "",
    *,
    sex: Sex = Sex.UNKNOWN,
    case: Case,
    lang: str,
) -> FullName:
    """Return a person's full name in a case of a language.

    >>> str(inflect_name("Иванов", "Сергей", "Петрович", sex=Sex.MALE,
    ...                  case=Case.GENITIVE, lang="ru"))
    'Иванова Сергея Петровича'
    """
    if sex is Sex.UNKNOWN:
        sex = infer_sex(surname, given_name, patronymic, lang=lang)
    return FullName(
        inflect_word(surname.strip(), Part.SURNAME, sex=sex, case=case, lang=lang),
        inflect_word(given_name.strip(), Part.GIVEN, sex=sex, case=case, lang=lang),
        inflect_word(patronymic.strip(), Part.PATRONYMIC, sex=sex, case=case, lang=lang),
    )
