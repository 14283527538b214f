"""Person fields as sources write them → comparison columns for record linkage. Pure.

Every list writes the same soldier differently: «в/ч 12345» or «MU 12345», «Курская обл.» or
«Kurskaia oblast», «ст. сержант» or «senior sergeant», «1998» or «03.05.1998» or «24 years at
01.06.2022». :func:`person_features` turns one record into :class:`PersonFeatures`, whose
columns already encode that knowledge, so that the linkage model compares like with like.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources

from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import PersonDetails, Sex
from kintrace.errors import InvalidInput
from kintrace.linkage.names import (
    given_near,
    latin_readings,
    name_tokens,
    orient_names,
    patronymic_key,
    patronymic_near,
    patronymic_sex,
    phonetic_key,
    resolve_given_name,
    split_full_name,
    surname_alt_key,
    surname_consonants,
    surname_key,
    surname_letters,
    surname_sex,
)

# ---------------------------------------------------------------------------------------------
# Units

_UNIT_NUMBER = re.compile(r"\d{3,6}")
_UNIT_LETTERS = {"а": "A", "a": "A", "в": "B", "b": "B", "т": "T", "t": "T", "v": "B"}


@lru_cache(maxsize=50_000)
def normalise_unit(text: str) -> str:
    """Return a military unit's number however written (``""`` when there is none).

    A letter directly before the number is kept (Ukrainian units: А0224, В1234).

    >>> [normalise_unit(u) for u in ("в/ч 12345", "войсковая часть 12345", "MU 12345",
    ...                              "military unit №12345", "12345", "в/ч А-0224", "A0224")]
    ['12345', '12345', '12345', '12345', '12345', 'A0224', 'A0224']
    """
    match = _UNIT_NUMBER.search(text)
    if not match:
        return ""
    before = text[: match.start()].rstrip(" -")
    prefix = ""
    if before and before[-1].lower() in _UNIT_LETTERS and not before[-2:-1].isalpha():
        prefix = _UNIT_LETTERS[before[-1].lower()]
    return prefix + match.group()


# ---------------------------------------------------------------------------------------------
# Regions


@dataclass(frozen=True, slots=True)
class Region:
    """A region: ISO 3166-2 code, Russian subject number (if any) and its names."""

    code: str
    number: str
    names: tuple[str, ...]


_CITY_WORDS = frozenset(
    phonetic_key(w)
    for w in "г город города городе city misto місто міста м федерального значения federal".split()
)
_REPUBLIC_WORDS = frozenset(
    phonetic_key(w)
    for w in "республика республики республике республіка респ respublika republic resp rep".split()
)
_PROVINCE_WORDS = frozenset(
    phonetic_key(w)
    for w in (
        "область области областью області обл oblast obl oblasti oblast' region reg край края "
        "крае краю krai kray kraya кр kr автономный автономного автономном автономная "
        "автономной автономна автономний округ округа округе округу ао avtonomnyi okrug okruga "
        "ao autonomous district area province провинция авт avt aut okr окр"
    ).split()
)
_FILLER_WORDS = frozenset(
    phonetic_key(w)
    for w in "of the народная народной народна народної narodnaya narodnaia people peoples".split()
)
"""Words that name no region: «of», «the», and the «people's» of Донецкая Народная
Республика (read as the region it was proclaimed in)."""
_KIND_WORDS = _CITY_WORDS | _REPUBLIC_WORDS | _PROVINCE_WORDS | _FILLER_WORDS
"""Words that say what kind of region a name is, in the cases lists write them (Курская
область, Курской области, Краснодарского края): dropped from the key, and read to tell apart
two regions of one name (:func:`_region_kind`)."""
_CITIES = frozenset({"RU-MOW", "RU-SPE", "UA-30", "UA-40"})
_REGION_PART = re.compile(r"[()\[\]]|\s[-–—]\s|\s[–—]|[–—]\s")
"""What separates two names of one region: parentheses, a dash between spaces (Республика
Саха (Якутия); Ханты-Мансийский автономный округ — Югра). A hyphen inside a word stays."""
_MIN_STEM = 3
_ADJECTIVE_END = re.compile(
    r"(skogo|skomu|skoe|skoi|skom|skai|skii|sku|ski|ska|sk"
    r"|ckogo|ckomu|ckoi|ckom|cku|cka|cki|cko|c)$"
)
"""Adjective endings of region names in the nominative and the oblique cases (Курская,
Курской, Курского; Иркутская, Иркутской), as phonetic keys."""


def _region_words(text: str) -> list[str]:
    """Return a region name's words as phonetic keys, kind words and single letters dropped."""
    words = [phonetic_key(t) for t in name_tokens(text)]
    return [w for w in words if len(w) > 1 and w not in _KIND_WORDS]


def _stem(word: str) -> str:
    return _ADJECTIVE_END.sub("", word) if len(word) > 4 else word


def region_key(text: str) -> str:
    """Return the comparison key of a region name: kind words and adjective endings dropped.

    >>> region_key("Курская область") == region_key("Kurskaia oblast") == region_key("Kursk")
    True
    >>> region_key("Rep. Mordoviia") == region_key("Республика Мордовия")
    True
    """
    return _stem("".join(_region_words(text)))


@cache
def regions() -> tuple[Region, ...]:
    """Return the packaged regions of Russia and Ukraine."""
    text = resources.files("kintrace.linkage").joinpath("data/regions.txt").read_text("utf-8")
    found: list[Region] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, number, russian, ukrainian, english, aliases = line.split("|")
        names = (russian, ukrainian, english, *[a for a in aliases.split(",") if a])
        found.append(Region(code, number, names))
    return tuple(found)


@cache
def _region_index() -> dict[str, tuple[str, ...]]:
    """Return the codes of each code, number and name key (two regions may share a key)."""
    index: dict[str, tuple[str, ...]] = {}

    def add(key: str, code: str) -> None:
        if code not in index.get(key, ()):
            index[key] = (*index.get(key, ()), code)

    for region in regions():
        index.setdefault(region.code.lower(), (region.code,))
        index.setdefault(region.code.split("-")[1].lower(), (region.code,))
        if region.number:
            index.setdefault(region.number, (region.code,))
            index.setdefault(str(int(region.number)), (region.code,))
        for name in region.names:
            add(region_key(name), region.code)
    return index


def _code_kind(code: str) -> str:
    """Return a region's kind: ``city``, ``republic`` (two-letter ISO codes of Russia, and
    Crimea) or ``province`` (oblasts, krais, autonomous okrugs)."""
    if code in _CITIES:
        return "city"
    if code == "UA-43" or (code.startswith("RU-") and len(code) == 5):
        return "republic"
    return "province"


def _region_kind(text: str) -> str:
    """Return the kind of region a name says it is, or ``""``.

    Its kind words say it (Республика Алтай, Алтайский кр., г. Москва); without them an
    adjective is a province (Алтайский, Московская) and a bare noun is a city or a
    republic (Алтай, Москва, Ленинград).
    """
    tokens = {phonetic_key(t) for t in name_tokens(text)}
    for kind, words in (
        ("city", _CITY_WORDS),
        ("republic", _REPUBLIC_WORDS),
        ("province", _PROVINCE_WORDS),
    ):
        if tokens & words:
            return kind
    joined = "".join(_region_words(text))
    return "province" if _stem(joined) != joined else ""


def _choose(codes: tuple[str, ...], text: str) -> str:
    """Return the one of two regions sharing a name that ``text`` means (Алтайский край or
    Республика Алтай; Московская область or Москва; Киевская область or Киев)."""
    if len(codes) == 1:
        return codes[0]
    kind = _region_kind(text)
    fitting = [c for c in codes if _code_kind(c) == kind] or [
        c for c in codes if _code_kind(c) != "province"
    ]
    return (fitting or list(codes))[0]


@cache
def _region_words_index() -> tuple[tuple[tuple[str, ...], str], ...]:
    """Return every region name's words (phonetic keys, kind words dropped) with its code."""
    found: dict[tuple[str, ...], str] = {}
    for region in regions():
        for name in region.names:
            for part in _REGION_PART.split(name):
                if words := tuple(_region_words(part)):
                    found.setdefault(words, region.code)
    return tuple(found.items())


def _abbreviated_region(text: str) -> str:
    """Return the one region whose name's words begin with the words of ``text``, or ``""``.

    Each word, its adjective ending dropped, must begin the name's word in its place
    (Камч. край: ``kamc`` begins ``kamcatski``; Сев. Осетия: ``sev`` and ``oseta``), with
    at least three letters (four in all); of two regions that fit, the kind words choose
    (Алт. край), else it stays unknown.
    """
    stems = [_stem(w) for w in _region_words(text)]
    if not stems or any(len(s) < _MIN_STEM for s in stems) or sum(map(len, stems)) <= _MIN_STEM:
        return ""  # «Сев.» alone: Севастополь or Северная Осетия
    codes = {
        code
        for name, code in _region_words_index()
        if len(name) == len(stems)
        and all(n.startswith(s) for n, s in zip(name, stems, strict=True))
    }
    if len(codes) > 1:  # Алт. край: the krai, not the republic
        kind = _region_kind(text)
        codes = {c for c in codes if _code_kind(c) == kind}
    return codes.pop() if len(codes) == 1 else ""


def _region_code(text: str) -> str:
    """Return the code of one name of a region, exact or abbreviated, or ``""``."""
    index = _region_index()
    lowered = text.strip().lower()
    if lowered in index:
        return _choose(index[lowered], text)
    key = region_key(text)
    if key in index:
        return _choose(index[key], text)
    return _abbreviated_region(text)


@lru_cache(maxsize=20_000)
def normalise_region(text: str) -> str:
    """Return the ISO 3166-2 code of a region named in any form (``?`` + key when unknown).

    Bare numbers are read as Russian subject numbers (46 = Kursk); Ukrainian regions are
    recognised by name or by their ISO code (UA-63). Kind words may be abbreviated (обл.,
    кр., респ., Rep., авт. округ, АО), a name's words shortened to a stem (Камч. край, Сев.
    Осетия: see :func:`_abbreviated_region`), and a second name given in parentheses or
    after a dash (Республика Саха (Якутия); Ханты-Мансийский автономный округ — Югра):
    each part is read, and the parts must not name two regions.

    >>> [normalise_region(r) for r in ("Курская обл.", "Kurskaya oblast'", "46", "RU-KRS")]
    ['RU-KRS', 'RU-KRS', 'RU-KRS', 'RU-KRS']
    >>> normalise_region("Харківщина"), normalise_region("Kharkov region"), normalise_region("")
    ('UA-63', 'UA-63', '')
    >>> normalise_region("Хабаровский кр."), normalise_region("Камч. край")
    ('RU-KHA', 'RU-KAM')

    A Latin name that the key does not know is read again with ``x`` as кс and ``j`` as ж
    (:func:`~kintrace.linkage.names.latin_readings`): Voronejskaia oblast is Voronezh.
    """
    stripped = text.strip()
    if not stripped:
        return ""
    whole = _region_code(stripped)
    if whole:
        return whole
    codes = {code for part in _REGION_PART.split(stripped) if (code := _region_code(part))}
    if len(codes) == 1:
        return codes.pop()
    words = stripped.split()
    for at, word in enumerate(words):  # Voronejskaia: Telegram's j is ж
        for reading in latin_readings(word):
            if code := _region_code(" ".join([*words[:at], reading, *words[at + 1 :]])):
                return code
    key = region_key(stripped)
    return "?" + key if key else ""


# ---------------------------------------------------------------------------------------------
# Ranks

_RANKS: tuple[tuple[str, int, str], ...] = (
    ("private", 1, "рядовой|рядовий|солдат|матрос|private|pvt|soldier|seaman|sailor|ряд"),
    ("senior_private", 2, "ефрейтор|старший солдат|старший матрос|lance corporal|"
     "private first class|pfc|ефр"),
    ("junior_sergeant", 3, "младший сержант|молодший сержант|junior sergeant|corporal|cpl"),
    ("sergeant", 4, "сержант|sergeant|sgt|старшина второй статьи"),
    ("senior_sergeant", 5, "старший сержант|senior sergeant|staff sergeant|"
     "старшина первой статьи"),
    ("starshina", 6, "старшина|главный старшина|головний сержант|штаб сержант|master sergeant|"
     "chief petty officer|petty officer|starshina"),
    ("warrant_officer", 7, "прапорщик|старший прапорщик|мичман|старший мичман|майстер сержант|"
     "старший майстер сержант|головний майстер сержант|warrant officer|praporshchik"),
    ("junior_lieutenant", 8, "младший лейтенант|молодший лейтенант|junior lieutenant|"
     "second lieutenant"),
    ("lieutenant", 9, "лейтенант|lieutenant|lt"),
    ("senior_lieutenant", 10, "старший лейтенант|senior lieutenant|first lieutenant"),
    ("captain", 11, "капитан|капітан|captain|cpt|capt|капитан лейтенант|капітан лейтенант"),
    ("major", 12, "майор|major|maj|капитан третьего ранга|капітан третього рангу"),
    ("lieutenant_colonel", 13, "подполковник|підполковник|lieutenant colonel|ltc|"
     "капитан второго ранга|капітан другого рангу"),
    ("colonel", 14, "полковник|colonel|col|капитан первого ранга|капітан першого рангу"),
    ("general", 15, "генерал|генерал майор|генерал лейтенант|генерал полковник|"
     "бригадний генерал|general|major general|lieutenant general|brigadier general"),
)  # fmt: skip
"""Rank codes, their order (1 = private) and the Russian, Ukrainian and English words for them."""

_RANK_ABBREVIATIONS = {
    "st": "starsi", "sr": "starsi", "ml": "mladsi", "mol": "molodsi", "jr": "mladsi",
    "gl": "glavni", "gol": "golovni", "leit": "leitenant", "lt": "leitenant", "sgt": "serzant",
    "serz": "serzant", "kap": "kapitan", "podpolk": "podpolkovnik", "polk": "polkovnik",
    "praporsik": "praporsik", "mladsii": "mladsi", "molodsii": "molodsi",
}  # fmt: skip


def _rank_phrase(text: str) -> str:
    words = [phonetic_key(t) for t in name_tokens(text)]
    return " ".join(_RANK_ABBREVIATIONS.get(w, w) for w in words if w)


@cache
def _rank_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for code, level, forms in _RANKS:
        for form in forms.split("|"):
            index.setdefault(_rank_phrase(form), (code, level))
    return index


@lru_cache(maxsize=5_000)
def normalise_rank(text: str) -> tuple[str, int]:
    """Return a rank's code and its order (1 = private), or ``("", 0)`` when unknown.

    >>> normalise_rank("ст. сержант"), normalise_rank("Senior Sergeant")
    (('senior_sergeant', 5), ('senior_sergeant', 5))
    >>> normalise_rank("рядовой")[0] == normalise_rank("private")[0] == normalise_rank("солдат")[0]
    True
    """
    phrase = _rank_phrase(text)
    if not phrase:
        return "", 0
    index = _rank_index()
    if phrase in index:
        return index[phrase]
    words = phrase.split()
    for size in range(len(words) - 1, 0, -1):  # the longest known tail: "гв. ст. сержант"
        tail = " ".join(words[-size:])
        if tail in index:
            return index[tail]
    return "?" + phrase, 0


# ---------------------------------------------------------------------------------------------
# Personal numbers

_LOOKALIKE = str.maketrans(
    {
        **dict(zip("АВЕКМНОРСТХУ", "ABEKMHOPCTXY", strict=True)),  # letters that look alike
        **dict(zip("БГДЁЄЖЗИІЇЙЛПФЦЧШЩЫЭЮЯ", "BGDEEZZIIIILPFCCSSIEUA", strict=True)),
        "Ъ": None,
        "Ь": None,
    }
)
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def normalise_personal_number(text: str) -> str:
    """Return a personal (service) number with Cyrillic look-alikes in Latin and no separators.

    >>> normalise_personal_number("АВ-123456"), normalise_personal_number("ab 123 456")
    ('AB123456', 'AB123456')
    """
    return _NOT_ALNUM.sub("", text.strip().upper().translate(_LOOKALIKE))


# ---------------------------------------------------------------------------------------------
# Extra fields (an address, a town, a postcode: whatever else a list holds)


class ExtraKind(StrEnum):
    """How an extra field is written, and so how it is compared.

    ``WORDS``: words in any script (a street, a town, a village); each word becomes its
    phonetic key, so that «ул. Садовая» and «ul. Sadovaya» agree; numbers stay as they are.
    ``CODE``: letters and digits (a postcode, a house number, a phone number); separators are
    dropped and Cyrillic letters that look Latin are written in Latin.
    """

    WORDS = "words"
    CODE = "code"


_EXTRA_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
RESERVED_NAMES = frozenset(
    {
        "surname", "given_name", "patronymic", "birth_date", "sex", "region", "unit", "rank",
        "personal_number", "unique_id", "match_key", "match_weight", "match_probability",
    }
)  # fmt: skip
"""Names an extra field may not take: the standard comparisons and Splink's own columns."""


@dataclass(frozen=True, slots=True)
class ExtraField:
    """A field beyond the standard person columns that the linkage model should compare.

    ``name`` is a lower-case identifier (``address``, ``postcode``) not among
    :data:`RESERVED_NAMES`; it names the comparison and its evidence.
    """

    name: str
    kind: ExtraKind = ExtraKind.WORDS

    def __post_init__(self) -> None:
        if not _EXTRA_NAME.fullmatch(self.name) or self.name in RESERVED_NAMES:
            raise InvalidInput(
                f"extra field name {self.name!r}: use a lower-case identifier that is not one "
                f"of {', '.join(sorted(RESERVED_NAMES))}"
            )


_WORD_OR_NUMBER = re.compile(r"[^\W\d_]+|\d+")


@lru_cache(maxsize=200_000)
def normalise_extra(kind: ExtraKind, text: str) -> str:
    """Return an extra field's comparison value (``""`` when nothing is left).

    >>> normalise_extra(ExtraKind.WORDS, "ул. Садовая, 12") == normalise_extra(
    ...     ExtraKind.WORDS, "UL SADOVAYA 12")
    True
    >>> normalise_extra(ExtraKind.CODE, " 305-000 ")
    '305000'
    """
    if kind is ExtraKind.CODE:
        return normalise_personal_number(text)
    words = (
        word if word.isdigit() else phonetic_key(word)
        for word in _WORD_OR_NUMBER.findall(text.lower())
    )
    return " ".join(word for word in words if word)


# ---------------------------------------------------------------------------------------------
# Whole records


@dataclass(frozen=True, slots=True)
class PersonFeatures:
    """The comparison columns of one person record (``""`` or ``None`` where unknown).

    Name columns are keys, not names: ``surname_key`` is :func:`~.names.surname_key`
    (``surname_consonants`` its consonants, for blocking; ``surname_alt_key`` the key of
    another reading of a Latin x or j, :func:`~.names.surname_alt_key`);
    ``given_consonants`` the consonants of the given name's key as written (Виатлий and
    Vitalii: ``vtl``), which blocking pairs with the surname's when both names are misspelt;
    ``given_canonical`` the canonical Russian full name (Саша → Александр), ``given_candidates``
    every name a nickname may stand for (``given_ambiguous`` lists them, each between bars,
    when they are more than one: Слава, ``|Владислав|Вячеслав|...|``; its canonical name is
    one of them and may be another than the partner's; ``given_near`` lists, between bars,
    the names nearest one not in the list: :func:`~.names.given_near`),
    ``patronymic_canonical`` the father's
    canonical name (``patronymic_near`` the father of the nearest known form of one it does
    not know: Олегоич, Олег).
    Birth is split into parts; ``birth_year_min`` is one less than ``birth_year`` when only an
    age was known. ``region`` is an ISO 3166-2 code, ``rank_level`` the rank's order.
    ``extra`` holds the normalised values of the record's extra fields (see
    :class:`ExtraField`), each field at most once.
    """

    surname_key: str = ""
    surname_alt_key: str = ""
    surname_letters: str = ""
    surname_consonants: str = ""
    given_key: str = ""
    given_consonants: str = ""
    given_canonical: str = ""
    given_candidates: tuple[str, ...] = ()
    given_ambiguous: str = ""
    given_near: str = ""
    given_initial: str = ""
    given_as_surname_key: str = ""
    patronymic_canonical: str = ""
    patronymic_near: str = ""
    patronymic_initial: str = ""
    sex: str = ""
    birth_year: int | None = None
    birth_year_min: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    region: str = ""
    unit: str = ""
    rank: str = ""
    rank_level: int | None = None
    personal_number: str = ""
    extra: tuple[tuple[ExtraField, str], ...] = ()


def _sex_code(sex: Sex | str | None) -> str:
    text = str(sex or "").lower()
    return {"male": "m", "m": "m", "female": "f", "f": "f"}.get(text, "")


@lru_cache(maxsize=200_000)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(name_tokens(text))


@lru_cache(maxsize=100_000)
def _given_columns(given_name: str, sex: str) -> tuple[str, str, tuple[str, ...], str, str, str]:
    """Return the given-name columns and the sex the name shows (cached: names repeat)."""
    first = (_tokens(given_name) or ("",))[0]
    given = resolve_given_name(given_name, sex)
    return (
        given.key if not given.initial else "",
        given.canonical,
        given.candidates,
        phonetic_key(first)[:1] if first else "",
        surname_key(given_name) if given_name else "",
        given.sex,
    )


@lru_cache(maxsize=50_000)
def _patronymic_columns(patronymic: str) -> tuple[str, str, str, str]:
    """Return the patronymic's canonical father, the nearest known father of an unknown
    one, its initial and the sex it shows (cached)."""
    tokens = _tokens(patronymic)
    initial_only = bool(tokens) and len(tokens[0]) == 1
    return (
        "" if initial_only else patronymic_key(patronymic),
        "" if initial_only else patronymic_near(patronymic),
        phonetic_key(tokens[0])[:1] if tokens else "",
        patronymic_sex(patronymic),
    )


def name_features(
    surname: str, given_name: str = "", patronymic: str = "", sex: str = ""
) -> dict[str, object]:
    """Return the name columns of :class:`PersonFeatures` for a name as written.

    >>> f = name_features("Aleksandr", "PETROV", "Ivanovich")
    >>> f["surname_key"], f["given_canonical"], f["patronymic_canonical"], f["sex"]
    ('petrov', 'Александр', 'Иван', 'm')
    """
    if surname and not given_name and not patronymic and len(_tokens(surname)) > 1:
        parts = split_full_name(surname)
        surname, given_name, patronymic = parts.surname, parts.given_name, parts.patronymic
    elif (
        given_name
        and not patronymic
        and len(tokens := _tokens(given_name)) == 2
        and (patronymic_sex(tokens[1]) or len(tokens[1]) == 1)  # "А.И." or "Иван Петрович"
    ):
        given_name, patronymic = tokens
    surname, given_name = orient_names(surname, given_name)
    patronymic_canonical, near, patronymic_initial, patronymic_shows = _patronymic_columns(
        patronymic
    )
    inferred = sex or patronymic_shows
    # the sex the rest of the record shows reads the given name: a name only of the other
    # sex is a misspelt one (Ива in a man's record; names.resolve_given_name)
    shown = inferred or (surname_sex(surname) if surname else "")
    key, canonical, candidates, initial, as_surname, given_sex = _given_columns(given_name, shown)
    family = surname_key(surname) if surname else ""
    nearest = given_near(given_name, shown) if given_name else ()
    return {
        "surname_key": family,
        "surname_alt_key": surname_alt_key(surname) if surname else "",
        "surname_letters": surname_letters(surname) if surname else "",
        "surname_consonants": surname_consonants(family),
        "given_key": key,
        "given_consonants": surname_consonants(key),
        "given_canonical": canonical,
        "given_candidates": candidates,
        "given_ambiguous": f"|{'|'.join(candidates)}|" if len(candidates) > 1 else "",
        "given_near": f"|{'|'.join(nearest)}|" if nearest else "",
        "given_initial": initial,
        "given_as_surname_key": as_surname,
        "patronymic_canonical": patronymic_canonical,
        "patronymic_near": near,
        "patronymic_initial": patronymic_initial,
        "sex": inferred or given_sex or surname_sex(surname),
    }


def birth_features(birth: PartialDate | None) -> dict[str, int | None]:
    """Return the birth columns for a partial date (an age gives a two-year range).

    >>> birth_features(PartialDate(1999, None, None, Precision.AGE))
    {'birth_year': 1999, 'birth_year_min': 1998, 'birth_month': None, 'birth_day': None}
    """
    if birth is None:
        return {"birth_year": None, "birth_year_min": None, "birth_month": None, "birth_day": None}
    low = birth.year - 1 if birth.precision is Precision.AGE else birth.year
    return {
        "birth_year": birth.year,
        "birth_year_min": low,
        "birth_month": birth.month,
        "birth_day": birth.day,
    }


def person_features(
    details: PersonDetails, extra: Mapping[ExtraField, str] | None = None
) -> PersonFeatures:
    """Return the comparison columns of one person as a source wrote them.

    ``extra`` gives the record's extra fields as written (an address, a postcode); each is
    normalised by its kind, and the linkage model compares those the records hold.

    >>> from kintrace.cases.dates import parse_partial_date
    >>> f = person_features(PersonDetails("Петров", "Саша", "Иванович", Sex.UNKNOWN,
    ...     parse_partial_date("1998"), "Курская область", "в/ч 12345", "рядовой"))
    >>> f.given_canonical, f.birth_year, f.region, f.unit, f.rank
    ('Александр', 1998, 'RU-KRS', '12345', 'private')
    """
    rank, level = normalise_rank(details.rank) if details.rank else ("", 0)
    return PersonFeatures(
        **name_features(  # type: ignore[arg-type]
            details.surname, details.given_name, details.patronymic, _sex_code(details.sex)
        ),
        **birth_features(details.birth),  # type: ignore[arg-type]
        region=normalise_region(details.home_region) if details.home_region else "",
        unit=normalise_unit(details.unit) if details.unit else "",
        rank=rank,
        rank_level=level or None,
        personal_number=normalise_personal_number(details.personal_number),
        extra=tuple(
            (field, value)
            for field, text in extra.items()
            if (value := normalise_extra(field.kind, text))
        )
        if extra
        else (),
    )
