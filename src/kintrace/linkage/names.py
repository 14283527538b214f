"""Personal names across scripts, transliterations, languages and nicknames. Pure.

A mother writes «Петров Саша Иванович»; the other side's prisoner list says «PETROV Aleksandr
Ivanovich»; a Ukrainian list says «Петров Олександр Іванович». This module turns every such
rendering into the same comparison keys:

- :func:`phonetic_key` maps any spelling (Cyrillic, Ukrainian letters, and every common
  transliteration system: GOST, BGN/PCGN, ICAO 9303, Wikipedia, informal translit) to one
  Latin key that collapses what those systems disagree on (ё/е, ю/yu/iu/ju, щ/shch/sch, х/kh/h,
  Ukrainian г/h and Russian г/g, й/y/i/j, ь and ъ, doubled letters);
- :func:`surname_key` also folds gender forms (Иванова → Иванов, Загорская → Загорский);
- :func:`resolve_given_name` maps diminutives, Ukrainian forms and variants to the canonical
  Russian full name (Саша, Сашко, Oleksandr → Александр), from ``data/given_names.txt``;
- :func:`patronymic_key` maps a patronymic in any form to its father's canonical name;
- :func:`split_full_name` and :func:`orient_names` handle one-field names, initials and
  surname/given name written the wrong way round.

The keys are for comparison only; nothing here changes what a source wrote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import iuliia

from kintrace.cases.model import Script, detect_script

# ---------------------------------------------------------------------------------------------
# Phonetic key

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e",
    "є": "ie", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ы": "i",
    "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
"""Cyrillic (Russian and Ukrainian) letters to the Latin the key rules below start from."""

_SOFT_SIGNS = frozenset("ьъ")
_VOWELS = frozenset("аеёєиіїоуыэюяaeiouy")

# Latin letters with diacritics whose base letter alone would lose a sound (š is "sh", not "s").
_DIACRITIC_LETTERS = {
    "š": "sh", "č": "ch", "ž": "zh", "ŝ": "shch", "ĉ": "ch", "ẑ": "zh", "ß": "ss",
    "ø": "o", "æ": "ae", "đ": "d", "ł": "l",
    # GOST 7.79 system A / ISO 9: û is ю, â is я, ê is є, ë is ё
    "û": "iu", "â": "ia", "ê": "ie", "ë": "io",
}  # fmt: skip
_SOFT_BEFORE_VOWEL = re.compile(f"[{''.join(sorted(_SOFT_SIGNS))}](?=[{''.join(sorted(_VOWELS))}])")
_TO_LATIN = str.maketrans(
    {**_CYRILLIC_TO_LATIN, **_DIACRITIC_LETTERS, **dict.fromkeys(_SOFT_SIGNS, "")}
)
"""One table for every letter :func:`_to_latin` spells (a soft sign before a vowel is read
first)."""
# Marks some systems put inside a name: ALA-LC ties (i͡a), primes for ь and ъ (Ilʹi͡a).
_INNER_MARKS = str.maketrans({"\u0361": None, "\u0360": None, "ʹ": "'", "ʺ": "'"})

_DIGRAPHS = {
    "schtsch": "s", "szcz": "s", "sz": "s", "shch": "s", "shh": "s", "sch": "s", "tch": "c",
    "zh": "z", "kh": "h", "ch": "c", "sh": "s",
    "ts": "c", "tc": "c", "tz": "c", "cz": "c", "sc": "s", "ph": "f", "x": "ks", "w": "v", "q": "k",
}  # fmt: skip
_DIGRAPH_RE = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))
# In the key, Latin x is х: GOST 7.0.34, GOST 7.79 B, the scientific system and the Uzbek
# Latin alphabet write х as x (Mixail, Xoxlov), and no Russian system writes кс as x. The
# English x of Alexander or Maxim is a name list's Latin form or one of :func:`latin_readings`.
_KEY_DIGRAPHS = {**_DIGRAPHS, "x": "h"}
_NON_LETTER = re.compile(r"[^a-z]")
_I_RUN = re.compile(r"i+")
_IO = re.compile(r"io")
# я/ю/е/ё are written ya, ia, ja, a...; but a name that begins with я or ю (Яна, Юстин)
# must stay apart from one that begins with а or у (Анна, Устин), so those keep their i.
_I_BEFORE_VOWEL = re.compile(r"(?<!^)i(?=[aeou])|^i(?=[eo])")
_DOUBLE = re.compile(r"(.)\1+")


_OCR_CAPITAL_I = re.compile(r"(?<=[a-z])I(?=[a-z]|$)")
"""A capital I between small letters: an l as text recognition reads it (VaIiev for Valiev)."""


def _to_latin(text: str) -> str:
    """Lower-case, spell Cyrillic in Latin and drop diacritics, keeping only letters.

    A capital I inside a word of small letters is read as l (:data:`_OCR_CAPITAL_I`).
    """
    if "I" in text:
        text = _OCR_CAPITAL_I.sub("l", text)
    lowered = unicodedata.normalize("NFC", text.lower().translate(_INNER_MARKS))
    # ь before a vowel sounds as й (Григорьев = Grigoryev); elsewhere it is silent
    spelt = _SOFT_BEFORE_VOWEL.sub("i", lowered).translate(_TO_LATIN)
    if spelt.isascii():  # nearly every name, once spelt: no diacritic left to drop
        return _NON_LETTER.sub("", spelt)
    decomposed = unicodedata.normalize("NFKD", spelt)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_LETTER.sub("", plain)


def _letters(text: str) -> str:
    """Spell a name in Latin letters with one spelling for each digraph (shch, zh, kh...)."""
    return _DIGRAPH_RE.sub(lambda m: _DIGRAPHS[m.group()], _to_latin(text))


def _key_letters(text: str) -> str:
    """Spell a name as :func:`_letters` does, but with Latin x read as х (see _KEY_DIGRAPHS)."""
    return _DIGRAPH_RE.sub(lambda m: _KEY_DIGRAPHS[m.group()], _to_latin(text))


@lru_cache(maxsize=200_000)
def phonetic_key(text: str) -> str:
    """Return the one Latin key that every script and transliteration of a name shares.

    >>> [phonetic_key(n) for n in ("Щукин", "Shchukin", "Ščukin", "SCHUKIN")]
    ['sukin', 'sukin', 'sukin', 'sukin']
    >>> phonetic_key("Юлия") == phonetic_key("Yuliya") == phonetic_key("Iuliia")
    True
    >>> phonetic_key("Хохлов") == phonetic_key("XOXLOV") == phonetic_key("Hohlov")
    True
    """
    latin = _key_letters(text)
    # Ukrainian г is h, Russian г is g; х is kh or h: one letter for all of them.
    latin = latin.replace("h", "g").replace("y", "i").replace("j", "i")
    latin = _I_RUN.sub("i", latin)
    latin = _IO.sub("e", latin)  # ё: Fyodor, Fedor, Fiodor; Kovalyov, Kovalev, Ковальов
    latin = _I_BEFORE_VOWEL.sub("", latin)  # я/ю/е/ьe written ya, ia, ja, a, yu, iu...
    return _DOUBLE.sub(r"\1", latin)


_FEMININE_SURNAME = (
    (re.compile(r"(?<=..)(ov|ev|in|n)a$"), r"\1"),  # Иванова, Петрова, Ильина, Куницына
    (re.compile(r"(sk|ck|zk|ds)(a|oi|i)$"), r"\1i"),  # Загорская, Трубецкой, Zahorska
)


@lru_cache(maxsize=200_000)
def surname_key(text: str) -> str:
    """Return the phonetic key of a surname with its feminine ending folded to the masculine.

    >>> surname_key("Иванова") == surname_key("IVANOV") == surname_key("Ivanov")
    True
    >>> surname_key("Загорская") == surname_key("Zahorskyi") == surname_key("Zagorsky")
    True
    """
    return _masculine(phonetic_key(text))


def _masculine(surname: str) -> str:
    """Fold a surname's feminine ending (in Latin letters) to the masculine one."""
    for pattern, replacement in _FEMININE_SURNAME:
        surname = pattern.sub(replacement, surname)
    return surname


_LATIN_VOWEL = re.compile(r"[aeiouy]")


def surname_consonants(key: str) -> str:
    """Return a name key's consonants: a vowel mistyped, dropped or added leaves them.

    >>> [surname_consonants(k) for k in ("kotov", "ktov", "petrov", "pterov", "seduk", "sdeuk")]
    ['ktv', 'ktv', 'ptrv', 'ptrv', 'sdk', 'sdk']
    """
    return _LATIN_VOWEL.sub("", key)


@lru_cache(maxsize=200_000)
def surname_letters(text: str) -> str:
    """Return a surname's letters in Latin with no phonetic folding (and the feminine folded).

    The phonetic key folds sounds together (ио as ё, ya as a) and doubled letters into one,
    which can turn one typo into two differences (Каасов, a letter dropped between two a,
    is ``kasov`` against ``karasov``); these letters keep a typo one letter wide. Only what
    the schemes themselves disagree on is folded: y and j are i, a run of i is one
    (Поповский, Popovskij, Popovskiy; ь before a vowel, Емельяненко, Emelʹânenko), a prime
    is ь, and x is х as in the key (Tixomirovich).

    >>> surname_letters("Великогородук"), surname_letters("VELIOGORODUK")
    ('velikogoroduk', 'veliogoroduk')
    >>> surname_letters("Петрова"), surname_letters("Каасов")
    ('petrov', 'kaasov')
    >>> surname_letters("Поповский") == surname_letters("Popovskij") == surname_letters("Popovskiy")
    True
    """
    soft = _PRIME_BEFORE_VOWEL.sub("ь", text)  # a prime or apostrophe is ь (Afanasʹev)
    return _masculine(_I_RUN.sub("i", _YJ.sub("i", _key_letters(soft))))


_YJ = re.compile(r"[yj]")
_PRIME_BEFORE_VOWEL = re.compile(r"['’ʼʹ`](?=[aeiouyâûêëAEIOUYÂÛÊË])")


_LATIN_WORD = re.compile(r"[A-Za-z'’`ʹʺ]+")
_LATIN_J = re.compile(r"j", re.IGNORECASE)
_LATIN_EH = re.compile(r"(?<=e)h|(?<=E)H", re.IGNORECASE)
_FRENCH_MARK = re.compile(r"ou|tch|gu[eiyï]|dj|ine$|ï", re.IGNORECASE)
"""What only a French spelling writes: ou for у, tch for ч, gue/gui for ге/ги, dj for дж,
a closing -ine for -ин, ï for й (iuliia's ``mvd_310_fr``: Kouznetsov, Chevtchenko, Serguei)."""
_FRENCH = re.compile(r"chtch|tch|ch|dj|j|ou|gu(?=[eiyï])|ine$|ï", re.IGNORECASE)
_CENTRAL_MARK = re.compile(r"w|sz|cz|ż|ł|sch", re.IGNORECASE)
"""What German and Polish spellings write and others do not: w for в, sch for ш, Polish sz,
cz, ż, ł (Schewtschenko, Chochlow, Szczukin, Żurawlow). Not rz: English writes рз so
(Borzenko), and only beside another mark is it read as Polish ж (Grzybowski)."""
_CENTRAL = re.compile(r"schtsch|szcz|tsch|sch|sz|cz|ch|rz|ż|ł|w", re.IGNORECASE)
_CENTRAL_READ = {
    "schtsch": "shch", "szcz": "shch", "tsch": "ch", "sch": "sh", "sz": "sh", "cz": "ch",
    "ch": "kh", "rz": "zh", "ż": "zh", "ł": "l", "w": "v",
}  # fmt: skip
_FRENCH_READ = {
    "chtch": "shch", "tch": "ch", "ch": "sh", "dj": "dzh", "j": "zh", "ou": "u", "gu": "g",
    "ine": "in", "ï": "i",
}  # fmt: skip


def latin_readings(text: str, *, bare_ch: bool = True) -> tuple[str, ...]:
    """Return the other ways a name in Latin letters may be read back into Cyrillic.

    Some Latin letters stand for different Cyrillic ones by scheme: ``x`` is х in GOST
    7.0.34, GOST 7.79 B and the scientific system (the key reads it so), but кс in English
    and French spellings (Maxim, Alexei: iuliia's ``mvd_310_fr``); ``j`` is й or, before a
    vowel, я/ю/е/ё in ISO 9, GOST 16876 and the scientific system (Jakovlev, Sergej: the
    key's reading), but ж in Telegram's informal spelling, French and Uzbek Latin (Jarov,
    Nadejda: iuliia's ``telegram``, ``mvd_310_fr``, ``uz``); ``eh`` is э in GOST 16876's
    second table (Ehduard), where х is kh. Each reading changes every ``x``, every ``j``,
    every ``eh``, or all of them; a name with none, or in Cyrillic, has none. A name that
    shows a French spelling (ou, tch, gue, dj, a closing -ine: iuliia's ``mvd_310_fr``, the
    scheme of Soviet passports in French) is read last as French, every letter at once (ch
    is ш, tch ч, chtch щ, j ж, ou у); a name that shows a German or Polish spelling (w, sch,
    sz, cz, ż, ł; then rz is ж too) is read last as one, where ch is х (Chochlow, Szczukin). A
    name whose only such letters are ch (Rachid, Michail) is read both ways, unless ``bare_ch`` is
    false: a surname's second key then stays the English reading, for Charov is Чаров in
    English, Шаров in French and Харов in German, three surnames.

    >>> latin_readings("Maxim"), latin_readings("JAROV"), latin_readings("Жаров")
    (('Maksim',), ('ZHAROV',), ())
    >>> latin_readings("Chtchoukine")[-1], latin_readings("Serguei")[-1]
    ('Shchukin', 'Sergei')
    """
    if not _LATIN_WORD.fullmatch(text.strip() or "-"):
        return ()
    upper = text.isupper()

    def read_as(pattern: re.Pattern[str], table: dict[str, str], word: str) -> str:
        def spell(match: re.Match[str]) -> str:
            read = table[match.group().lower()]
            if upper:
                return read.upper()
            return read.capitalize() if match.group()[0].isupper() else read

        return pattern.sub(spell, word)

    def read_x(word: str) -> str:
        return word.replace("x", "ks").replace("X", "KS")

    def read_j(word: str) -> str:
        return read_as(_LATIN_J, {"j": "zh"}, word)

    def read_eh(word: str) -> str:
        return _LATIN_EH.sub("", word)

    readings = [
        read_x(text),
        read_j(text),
        read_eh(text),
        read_eh(read_j(read_x(text))),
    ]
    bare = bare_ch and "ch" in text.lower()
    french, central = _FRENCH_MARK.search(text), _CENTRAL_MARK.search(text)
    if french or (bare and not central):  # after the others: it changes every letter
        readings.append(read_as(_FRENCH, _FRENCH_READ, read_x(text)))
    if central or (bare and not french):
        readings.append(read_as(_CENTRAL, _CENTRAL_READ, read_x(text)))
    return tuple(r for r in dict.fromkeys(readings) if r != text)


@lru_cache(maxsize=200_000)
def surname_alt_key(text: str) -> str:
    """Return the surname key of the other reading of its Latin x and j (``""`` when none).

    A Latin surname whose ``x`` or ``j`` a scheme may have meant otherwise
    (:func:`latin_readings`) has a second key: JAROV is Яров by the key and Жаров by
    Telegram's spelling, Maximov Максимов by English spelling. The model counts either key
    agreeing as the same surname.

    >>> surname_alt_key("JAROV") == surname_key("Жаров"), surname_alt_key("Петров")
    (True, '')
    """
    words = [
        (readings[-1] if (readings := latin_readings(word, bare_ch=False)) else word)
        for word in name_tokens(text)
    ]
    other = surname_key(" ".join(words))
    return other if other != surname_key(text) else ""


# ---------------------------------------------------------------------------------------------
# Given names


@dataclass(frozen=True, slots=True)
class GivenName:
    """One given name of the data file: its canonical full form, sex and every other form."""

    canonical: str
    sex: str
    ukrainian: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    diminutives: tuple[str, ...] = ()
    latin: tuple[str, ...] = ()

    @property
    def full_forms(self) -> tuple[str, ...]:
        """Return the forms a passport may show (canonical, Ukrainian, variants, Latin)."""
        return (self.canonical, *self.ukrainian, *self.variants, *self.latin)


@dataclass(frozen=True, slots=True)
class GivenNameMatch:
    """What a written given name resolves to.

    ``canonical`` is the canonical Russian full form (or ``?`` + phonetic key for a name
    not in the data file); ``candidates`` are every canonical name the form may stand for
    (Саша: Александр and Александра); ``sex`` is ``m``, ``f`` or ``""`` when unknown;
    ``initial`` is true when only an initial was written.
    """

    canonical: str
    candidates: tuple[str, ...]
    sex: str
    key: str
    initial: bool = False


def _split_field(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parse_given_names(lines: Iterable[str]) -> tuple[GivenName, ...]:
    """Parse the given-names data format (see ``data/given_names.txt``), merging repeats.

    >>> parse_given_names(["# comment", "Пётр|m|Петро||Петя|Peter"])[0].diminutives
    ('Петя',)
    """
    merged: dict[tuple[str, str], list[list[str]]] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split("|")
        if len(fields) != 6 or fields[1] not in {"m", "f"}:
            raise ValueError(f"given names line {number}: expected 6 fields with sex m/f")
        slot = merged.setdefault((fields[0], fields[1]), [[], [], [], []])
        for target, text in zip(slot, fields[2:], strict=True):
            target.extend(p for p in _split_field(text) if p not in target)
    return tuple(
        GivenName(name, sex, *(tuple(part) for part in parts))
        for (name, sex), parts in merged.items()
    )


@cache
def given_names() -> tuple[GivenName, ...]:
    """Return the packaged given names, commonest first."""
    text = resources.files("kintrace.linkage").joinpath("data/given_names.txt").read_text("utf-8")
    return parse_given_names(text.splitlines())


@dataclass(frozen=True, slots=True)
class _Entry:
    canonical: str
    sex: str
    rank: int  # 0 canonical, 1 other full form, 2 diminutive
    order: int


@cache
def _given_index() -> dict[str, tuple[_Entry, ...]]:
    index: dict[str, list[_Entry]] = {}
    for order, name in enumerate(given_names()):
        forms = [(name.canonical, 0)]
        forms += [(f, 1) for f in (*name.ukrainian, *name.variants, *name.latin)]
        forms += [(f, 2) for f in name.diminutives]
        for form, rank in forms:
            entries = index.setdefault(phonetic_key(form), [])
            if not any(e.canonical == name.canonical and e.sex == name.sex for e in entries):
                entries.append(_Entry(name.canonical, name.sex, rank, order))
    return {key: tuple(sorted(v, key=lambda e: (e.rank, e.order))) for key, v in index.items()}


@cache
def _given_spellings() -> dict[str, frozenset[tuple[str, str]]]:
    """Return each form's letters (:func:`_letters`) with the names that list it.

    The phonetic key folds forms of different names together (Лена, Елена's; Лёня,
    Леонид's: both ``lena``); the letters keep them apart (``lena``, ``lenia``).
    """
    spellings: dict[str, set[tuple[str, str]]] = {}
    for name in given_names():
        forms = (name.canonical, *name.ukrainian, *name.variants, *name.latin, *name.diminutives)
        for form in forms:
            spellings.setdefault(_letters(form), set()).add((name.canonical, name.sex))
    return {letters: frozenset(names) for letters, names in spellings.items()}


_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ`ʹʺ\u0361\u0360][^\W\d_]+)*")


def name_tokens(text: str) -> list[str]:
    """Split a name field into words (apostrophes stay inside: В'ячеслав).

    >>> name_tokens("Petrov  A.I.")
    ['Petrov', 'A', 'I']
    """
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


@lru_cache(maxsize=100_000)
def resolve_given_name(text: str, sex: str = "") -> GivenNameMatch:
    """Resolve a given name (any script, nickname, Ukrainian form) to its canonical name.

    ``sex`` (``m``/``f``) picks among names of both sexes (Саша, Женя, Валя).

    >>> resolve_given_name("Сашко").canonical, resolve_given_name("Oleksandr").canonical
    ('Александр', 'Александр')
    >>> resolve_given_name("Саша", "f").canonical
    'Александра'
    >>> resolve_given_name("Zhyrgal").canonical
    '?zirgal'
    >>> resolve_given_name("Витя").sex, resolve_given_name("Janna").candidates
    ('', ('Яна', 'Жанна'))
    >>> resolve_given_name("Лена").canonical, resolve_given_name("Лёня").canonical
    ('Елена', 'Леонид')
    >>> resolve_given_name("Никиа").canonical, resolve_given_name("Никиа", "m").canonical
    ('Ника', '?nika')
    """
    tokens = name_tokens(text)
    if not tokens:
        return GivenNameMatch("", (), "", "")
    first = tokens[0]
    key = phonetic_key(first)
    if len(first) == 1 or (len(key) <= 1 and len(tokens) == 1 and len(first) <= 2):
        return GivenNameMatch("", (), "", key[:1], initial=True)
    index = _given_index()
    entries = index.get(key, ())
    if _J_FOR_ZH.match(first):  # Latin J is Й/Я (Jana) or, written French-style, Ж (Janna)
        entries = (*entries, *index.get(phonetic_key("zh" + first[1:]), ()))
    if not entries:  # Maxim: English x is кс; Jenya: Telegram's j is ж
        for reading in latin_readings(first):
            entries = index.get(phonetic_key(reading), ())
            if entries:
                break
    if not entries or sex and not any(e.sex == sex for e in entries):
        # A name only of the other sex than the record shows (its patronymic, its sex
        # column, its surname's ending) is a misspelt name of this sex, not that name: Ива
        # or Никиа in a man's record are Иван and Никита mistyped, not Иванна and Ника.
        return GivenNameMatch("?" + key, ("?" + key,), "", key)
    suited = [e for e in entries if not sex or e.sex == sex]
    # a form written as some name lists it comes first (Лена is Елена's, not Лёня's)
    spelled = _given_spellings().get(_letters(first), frozenset())
    suited.sort(key=lambda e: (e.canonical, e.sex) not in spelled)
    best = suited[0]
    candidates = tuple(dict.fromkeys(e.canonical for e in suited))
    if not spelled and len(first) >= 4 and detect_script(first) in _HAS_CYRILLIC:
        # A Cyrillic spelling no name lists, read as a name by its key alone, may be a typo
        # of another (Иаан: Ян by the key, Иван by the letters); a Latin one is a
        # transliteration, which the key is for. The names its letters are nearest join
        # its candidates, so that the other's record can meet it there.
        near = _nearest_names(first, sex, (_letters(first),))
        candidates = tuple(dict.fromkeys((*candidates, *near)))
    # The name shows a sex only when every name it may stand for has it: Владя is Влада or
    # Владислав, Витя is Вита or Виктор, so neither says whether the person is a woman.
    sexes = {e.sex for e in suited}
    return GivenNameMatch(best.canonical, candidates, best.sex if len(sexes) == 1 else "", key)


_J_FOR_ZH = re.compile(r"^[Jj][aeiouyAEIOUY]")
_HAS_CYRILLIC = (Script.CYRILLIC, Script.MIXED)


@cache
def _given_deletions() -> dict[str, frozenset[str]]:
    """Return every given-name form's key and letters with their one- and two-letter
    deletions, each with the keys and letters it comes from (SymSpell, as for patronymics)."""
    found: dict[str, set[str]] = {}
    for spelling in (*_given_index(), *_given_spellings()):
        for variant in _deletions(spelling, 2):
            found.setdefault(variant, set()).add(spelling)
    return {variant: frozenset(spellings) for variant, spellings in found.items()}


@lru_cache(maxsize=100_000)
def given_near(text: str, sex: str = "") -> tuple[str, ...]:
    """Return the canonical names of the known forms nearest an unrecognised given name.

    A given name :func:`resolve_given_name` does not know (Серёжп, a typo in Серёжа; Olksii,
    in Oleksii; Анаролий) is compared, by its phonetic key and by its plain letters (so that
    «ио» read as ё is one edit: Ниолай, Nikolai), with every form of the name list: full
    names, Ukrainian and Latin forms, nicknames. The names of the forms at the least
    Damerau–Levenshtein distance are returned, if that distance is one (two for a word of
    seven letters or more); ``sex`` keeps the names of that sex. A known name, an initial,
    or a word of two letters has none. A word of three (Иья, Оле, Мкс: a four-letter name
    mistyped or cut short) is near several names at once; all of them are returned, and
    the level's u, estimated on random pairs, counts how often that is chance (issue 19:
    on the realistic lists of bench_link_others, 332 true pairs at 100,000 persons had one
    such name, 123 of them missed).

    >>> [given_near(n, "m") for n in ("Серёжп", "Olksii", "Анаролий", "Ниолай", "Мкс")]
    [('Сергей',), ('Алексей',), ('Анатолий',), ('Николай',), ('Максим',)]
    >>> given_near("Сергей"), given_near("Иья", "m"), given_near("Ян")
    ((), ('Илья', 'Ян'), ())
    """
    tokens = name_tokens(text)
    if (
        not tokens
        or len(tokens[0]) < 3
        or not resolve_given_name(text, sex).canonical.startswith("?")
    ):
        return ()
    return _nearest_names(tokens[0], sex, (phonetic_key(tokens[0]), _letters(tokens[0])))


def _nearest_names(first: str, sex: str, spellings_of_first: tuple[str, ...]) -> tuple[str, ...]:
    """Return the names of the known forms nearest any of ``spellings_of_first`` (keys or
    letters of the word ``first``) within one edit (two from seven letters), of ``sex``."""
    deletions = _given_deletions()
    reach = 2 if len(first) >= 7 else 1
    scored: list[tuple[int, str]] = []
    for spelling in dict.fromkeys(spellings_of_first):
        candidates = {c for v in _deletions(spelling, reach) for c in deletions.get(v, ())}
        scored += [(damerau_levenshtein(spelling, c), c) for c in candidates]
    index, spellings = _given_index(), _given_spellings()
    # the names each spelling within reach stands for, of the record's sex when it shows
    # one (Никиа in a man's record: Никита, one edit away, not Ника, none)
    named: list[tuple[int, str]] = []
    for distance, spelling in scored:
        if distance > reach:
            continue
        forms = [(e.canonical, e.sex) for e in index.get(spelling, ())]
        forms += spellings.get(spelling, ())
        named += [(distance, name) for name, name_sex in forms if not sex or name_sex == sex]
    if not named:
        return ()
    best = min(d for d, _ in named)
    return tuple(sorted({name for d, name in named if d == best}))


def is_known_given_name(text: str) -> bool:
    """Say whether a word is a given name of the data file in a full form (not a nickname).

    >>> is_known_given_name("Aleksandr"), is_known_given_name("Petrov")
    (True, False)
    """
    return any(e.rank < 2 for e in _given_index().get(phonetic_key(text), ()))


# ---------------------------------------------------------------------------------------------
# Patronymics


def _patronymic_forms(name: str) -> list[str]:
    """Return Russian and Ukrainian patronymics (male and female) formed from a father's name."""
    lower = name.lower()
    stems: list[tuple[str, str]] = []
    if lower.endswith(("ий", "ій")):
        stems += [
            (lower[:-2] + "ьев", lower[:-2] + "ьевн"),
            (lower[:-1] + "ев", lower[:-1] + "евн"),
        ]
        stems += [(lower + "ов", lower[:-1] + "їв"), (lower[:-2] + "ов", lower[:-2] + "ів")]
    elif lower.endswith(("ей", "ай", "єй", "ой")):
        stems += [(lower[:-1] + "ев", lower[:-1] + "евн"), (lower + "ов", lower[:-1] + "ївн")]
    elif lower.endswith(("а", "я")):
        base = lower[:-1]
        return [base + "ич", base + "инична", base + "ична", base + "ович", base + "івна"]
    elif lower.endswith("о"):
        base = lower[:-1]
        stems += [(base + "ов", base + "івн")]
    elif lower.endswith("ь"):
        base = lower[:-1]
        stems += [(base + "ев", base + "евн"), (base + "ов", base + "івн")]
    else:
        stems += [(lower + "ов", lower + "овн"), (lower + "ов", lower + "івн")]
    if _FLEETING_VOWEL.search(lower):  # Павел: Павлович; Лев: Львович
        stems += [(lower[:-2] + lower[-1] + "ов", lower[:-2] + lower[-1] + "овн")]
    if lower.endswith("ов"):  # Яков: Яковлевич
        stems += [(lower + "лев", lower + "левн")]
    forms: list[str] = []
    for male, female in stems:
        forms += [male + "ич", female + "а" if female.endswith("н") else female + "на"]
        # each male form has its Russian and Ukrainian female forms (Павлович: Павловна,
        # Павлівна), whichever table the stem came from
        if male.endswith(("ов", "ев")):
            forms += [male + "на", male[:-2] + "івна"]
    return list(dict.fromkeys(forms))


_FLEETING_VOWEL = re.compile(r"^[^аеёиоуыэюя]*(?:[аеёиоуыэюя][^аеёиоуыэюя]*)?[её][лв]$")
"""A short name whose last е/ё drops before a suffix (Павел, Лев), as the patronymic shows."""


@cache
def _patronymic_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name in given_names():
        if name.sex != "m":
            continue
        for father in (name.canonical, *name.ukrainian, *name.variants):
            for form in _patronymic_forms(father):
                index.setdefault(phonetic_key(form), name.canonical)
    return index


@cache
def _patronymic_deletions() -> dict[str, frozenset[str]]:
    """Return the known patronymic keys' one- and two-letter deletions (and the keys
    themselves), each with the keys it comes from: the symmetric-deletion index of Garbe's
    SymSpell (2012), where two keys are within d edits only if deletions of at most d letters
    from each meet."""
    found: dict[str, set[str]] = {}
    for key in _patronymic_index():
        for variant in _deletions(key, 2):
            found.setdefault(variant, set()).add(key)
    return {variant: frozenset(keys) for variant, keys in found.items()}


def _deletions(key: str, depth: int) -> set[str]:
    found = {key}
    frontier = {key}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def damerau_levenshtein(a: str, b: str) -> int:
    """Return the optimal-string-alignment Damerau–Levenshtein distance (Damerau, 1964).

    >>> damerau_levenshtein("olegoic", "olegovic"), damerau_levenshtein("ab", "ba")
    (1, 1)
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=50_000)
def patronymic_near(text: str) -> str:
    """Return the father's name of the nearest known patronymic to an unrecognised one.

    A patronymic :func:`patronymic_key` does not know (Олегоич, a letter dropped) is read
    as the known form one edit away (two for keys of eight letters or more), when every
    nearest form is one father's; ``""`` for a known patronymic, or none near, or several.

    >>> patronymic_near("Олегоич"), patronymic_near("Алексанрович"), patronymic_near("Олегович")
    ('Олег', 'Александр', '')
    """
    tokens = name_tokens(text)
    if not tokens or len(tokens[0]) < 4 or not patronymic_key(text).startswith("?"):
        return ""
    key = phonetic_key(tokens[0])
    reach = 2 if len(key) >= 8 else 1
    deletions = _patronymic_deletions()
    candidates = {k for variant in _deletions(key, reach) for k in deletions.get(variant, ())}
    scored = [(damerau_levenshtein(key, k), k) for k in candidates]
    scored = [(d, k) for d, k in scored if d <= reach]
    if not scored:
        return ""
    best = min(d for d, _ in scored)
    index = _patronymic_index()
    fathers = {index[k] for d, k in scored if d == best}
    return fathers.pop() if len(fathers) == 1 else ""


_PATRONYMIC_SUFFIX = re.compile(r"(ovic|evic|ovna|evna|ivna|inicna|icna|ic|na)$")


@lru_cache(maxsize=100_000)
def patronymic_key(text: str) -> str:
    """Return the father's canonical name behind a patronymic (``?`` + stem when unknown).

    >>> patronymic_key("Иванович") == patronymic_key("Ivanovna") == patronymic_key("Іванівна")
    True
    >>> patronymic_key("Сергеевич"), patronymic_key("Serhiiovych"), patronymic_key("Ильич")
    ('Сергей', 'Сергей', 'Илья')
    """
    tokens = name_tokens(text)
    if not tokens:
        return ""
    key = phonetic_key(tokens[0])
    if len(tokens[0]) == 1:
        return ""
    index = _patronymic_index()
    for candidate in (key, *(phonetic_key(r) for r in latin_readings(tokens[0]))):
        if found := index.get(candidate):
            return found
    return "?" + _PATRONYMIC_SUFFIX.sub("", key)


_FEMININE_PATRONYMIC = re.compile(r"(na|vna)$")


def patronymic_sex(text: str) -> str:
    """Return ``f`` for a female patronymic, ``m`` for a male one, ``""`` when unclear.

    >>> patronymic_sex("Ивановна"), patronymic_sex("Ivanovich"), patronymic_sex("")
    ('f', 'm', '')
    """
    key = phonetic_key(text)
    if not key:
        return ""
    if _FEMININE_PATRONYMIC.search(key):
        return "f"
    return "m" if key.endswith("ic") else ""


_FEMININE_SURNAME_END = re.compile(r"(ova|eva|ina|ska|cka|skaa|ckaa)$")
_MASCULINE_SURNAME_END = re.compile(r"(ov|ev|in|ski|cki|skii|ckii)$")


def surname_sex(text: str) -> str:
    """Return the sex a Russian-style surname ending shows, or ``""`` (Коваленко shows none).

    >>> surname_sex("Петрова"), surname_sex("PETROV"), surname_sex("Kovalenko")
    ('f', 'm', '')
    """
    key = phonetic_key(text)
    if _FEMININE_SURNAME_END.search(key):
        return "f"
    return "m" if _MASCULINE_SURNAME_END.search(key) else ""


# ---------------------------------------------------------------------------------------------
# Whole names


@dataclass(frozen=True, slots=True)
class NameParts:
    """A name split into surname, given name and patronymic (each as written)."""

    surname: str
    given_name: str = ""
    patronymic: str = ""


def _looks_like_patronymic(word: str) -> bool:
    return len(word) > 3 and bool(patronymic_sex(word))


_PATRONYMIC_END = re.compile(r"(vic|ic|vna|cna)$")
"""A patronymic's own ending (-ович, -ич, -овна, -ична), not a woman's name's -на (Марина)."""


def split_full_name(text: str) -> NameParts:
    """Split a name written in one field: «Петров Александр Иванович», «Petrov A.I.», ...

    Russian order (surname first) is assumed unless the first word is a known given name
    and the next is not («Aleksandr Petrov»), or of three words the second alone looks
    like a patronymic (given name, patronymic, surname).

    >>> split_full_name("Петров А.И.")
    NameParts(surname='Петров', given_name='А', patronymic='И')
    >>> split_full_name("Aleksandr Ivanovich PETROV")
    NameParts(surname='PETROV', given_name='Aleksandr', patronymic='Ivanovich')
    >>> split_full_name("Vaclav Alekseevič POTAPOV")
    NameParts(surname='POTAPOV', given_name='Vaclav', patronymic='Alekseevič')
    >>> split_full_name("Петрова Марина Ивановна").surname
    'Петрова'
    """
    words = name_tokens(text)
    if not words:
        return NameParts("")
    if len(words) == 1:
        return NameParts(words[0])
    if is_known_given_name(words[0]) and not is_known_given_name(words[1]):
        if len(words) >= 3 and _looks_like_patronymic(words[1]):
            return NameParts(" ".join(words[2:]), words[0], words[1])
        return NameParts(" ".join(words[1:]), words[0])
    if (
        len(words) == 3
        and _PATRONYMIC_END.search(phonetic_key(words[1]))
        and len(words[2]) > 1
        and not _looks_like_patronymic(words[2])
        and not _looks_like_patronymic(words[0])
    ):
        # a patronymic in the middle comes after the given name, whatever that name is (a
        # rare or misspelt one: Vaclav Alekseevič POTAPOV); surname first, it would be last
        return NameParts(words[2], words[0], words[1])
    rest = words[2:]
    return NameParts(words[0], words[1], " ".join(rest))


def orient_names(surname: str, given_name: str) -> tuple[str, str]:
    """Swap surname and given name when they were written the wrong way round.

    They are swapped when the surname field holds a known given name and the given name
    field does not (Aleksandr / Petrov), so that Роман Мирон stays as written; or when the
    given name field, no known name, ends as only surnames do (-ов, -ев, -ский, -енко, -ук;
    or -ин, -ина where no name is near it: Константин, Алевтина end so too) and the surname
    field holds a nickname, or a misspelt name (one :func:`given_near` reads) that does not
    end as a surname does (-ко, -ик too: Данилко, Павлик): a nickname or a misspelt name
    written first (Дениска / Соснчук, Шама / Гарипов, Миахил / Гришков). A word near no
    name stays a surname (Smith / Benjamin), as does a surname near a name before a
    misspelt name (Данилко / Констатин).

    >>> orient_names("Aleksandr", "PETROV"), orient_names("Петров", "Саша")
    (('PETROV', 'Aleksandr'), ('Петров', 'Саша'))
    >>> orient_names("Миахил", "Гришков"), orient_names("Дениска", "Соснчук")
    (('Гришков', 'Миахил'), ('Соснчук', 'Дениска'))
    >>> orient_names("Ким", "Константин"), orient_names("Данилко", "Констатин")
    (('Ким', 'Константин'), ('Данилко', 'Констатин'))
    """
    second = phonetic_key(given_name)
    if not surname or not given_name or _given_index().get(second):
        return surname, given_name
    if is_known_given_name(surname):
        return given_name, surname
    first = phonetic_key(surname)
    if not _SURNAME_END.search(second) or (_SHARED_END.search(second) and given_near(given_name)):
        return surname, given_name
    if first in _given_index() or (
        not _SURNAME_END.search(first)
        and not _SURNAME_ONLY_END.search(first)
        and given_near(surname)
    ):
        return given_name, surname
    return surname, given_name


_SURNAME_END = re.compile(r"(ov|ev|in|ski|cki|ova|eva|ina|ska|cka|enko|uk)$")
"""Endings (as keys) that show a word is a surname: -ов/-ев/-ин, -ский/-цкий, their
feminine forms, Ukrainian -енко and -ук/-юк/-чук."""
_SHARED_END = re.compile(r"(in|ina)$")
"""Of those, the endings given names share (Константин, Валентин, Алевтина, Марина)."""
_SURNAME_ONLY_END = re.compile(r"(ko|ik)$")
"""Ukrainian surname endings that nicknames share (Данилко, Павлик; Сашко, Толик), so that
a word ending so is read as a name only where the name list knows it."""


# ---------------------------------------------------------------------------------------------
# Transliteration (for display and for generating test data)

_UKRAINIAN_NATIONAL = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
_UKRAINIAN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

SYSTEMS = (
    "wikipedia", "icao_doc_9303", "bgn_pcgn", "gost_779", "gost_52535", "mvd_782",
    "telegram", "yandex_maps", "ala_lc", "ukrainian_national",
)  # fmt: skip
"""Transliteration systems :func:`transliterate` knows (iuliia schema names, plus Ukraine's)."""


def _ukrainian_national(text: str) -> str:
    """Transliterate Ukrainian by the national system (Cabinet of Ministers resolution 55, 2010)."""
    out: list[str] = []
    previous = " "
    for char in text:
        lower = char.lower()
        if not previous.isalpha() and lower in _UKRAINIAN_INITIAL:
            latin = _UKRAINIAN_INITIAL[lower]
        elif lower == "г" and previous.lower() == "з":
            latin = "gh"  # зг is zgh, so that it is not read as zh
        else:
            latin = _UKRAINIAN_NATIONAL.get(lower, lower)
        out.append(latin.capitalize() if char.isupper() and latin else latin)
        previous = char
    return "".join(out)


def transliterate(text: str, system: str = "wikipedia") -> str:
    """Write Cyrillic text in Latin by the named system (see :data:`SYSTEMS`).

    >>> transliterate("Сергій Коваленко", "ukrainian_national")
    'Serhii Kovalenko'
    >>> transliterate("Юлия", "icao_doc_9303")
    'Iuliia'
    """
    if system == "ukrainian_national":
        return _ukrainian_national(text)
    schema = iuliia.schemas.get(system)
    if schema is None:
        raise ValueError(f"unknown transliteration system {system!r}")
    return str(schema.translate(text))


_LATIN_TO_CYRILLIC = (
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
    ("ts", "ц"), ("yu", "ю"), ("iu", "ю"), ("ju", "ю"), ("ya", "я"), ("ia", "я"), ("ja", "я"),
    ("yo", "ё"), ("jo", "ё"), ("ye", "е"), ("je", "е"), ("iy", "ий"), ("yy", "ый"),
    ("ii", "ий"), ("y", "ы"), ("j", "й"), ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"),
    ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("k", "к"), ("l", "л"),
    ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "ц"), ("x", "кс"), ("q", "к"), ("'", "ь"),
)  # fmt: skip
_LATIN_TO_CYRILLIC_RE = re.compile("|".join(re.escape(latin) for latin, _ in _LATIN_TO_CYRILLIC))
_LATIN_TO_CYRILLIC_MAP = dict(_LATIN_TO_CYRILLIC)
_Y_AFTER_VOWEL = re.compile(r"(?<=[аеёиоуыэюя])ы")
_SOFT_BEFORE_Y = re.compile(r"(?<=[bdfgklmnprstvz])(?=y[ae])")


def latin_to_cyrillic(text: str) -> str:
    """Write a Russian name given in Latin letters back in Cyrillic (a best guess, for display).

    Comparison never needs it (:func:`phonetic_key` is the same for both scripts); it lets
    an operator read a Latin list the way the name is spelled at home.

    >>> latin_to_cyrillic("Shchukin"), latin_to_cyrillic("SERGEY"), latin_to_cyrillic("Aleksey")
    ('Щукин', 'СЕРГЕЙ', 'Алексей')
    """

    def word(match: re.Match[str]) -> str:
        original = match.group()
        lower = original.lower()
        lower = _SOFT_BEFORE_Y.sub("'", lower)  # Grigoryev: ry before a vowel is рь
        spelled = _LATIN_TO_CYRILLIC_RE.sub(lambda m: _LATIN_TO_CYRILLIC_MAP[m.group()], lower)
        spelled = _Y_AFTER_VOWEL.sub("й", spelled)  # Sergey, Nikolay: y after a vowel is й
        if original.isupper() and len(original) > 1:
            return spelled.upper()
        return spelled[:1].upper() + spelled[1:] if original[:1].isupper() else spelled

    return re.sub(r"[A-Za-z']+", word, text)
