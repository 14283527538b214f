"""The comparisons of the linkage model: every field's agreement levels, with prior m and u.

Each level is plain data (:class:`Level`): a portable SQL condition over the comparison
columns of :mod:`kintrace.linkage.normalise` (``l.`` and ``r.`` prefixes), a label shown as
evidence, and the prior m and u probabilities used when the data are too few to train on.
:func:`splink_comparisons` compiles them into Splink comparisons for any backend.

Priors: ``m`` is the share of true pairs at the level, ``u`` the share of random pairs,
judged from the real problem (a nickname or Ukrainian form stands for the full name in
about one request in ten; a given name is wholly different in a true pair almost never).
The "different given name" and "different sex" levels keep a fixed, very small m: they are
what tells twins and brothers apart, who agree on surname, patronymic, birth date, region and
unit, so they must outweigh all of those together: with a rare surname (term frequencies)
and a full birth date that is some 55 bits, so the given-name guard is m = 1e-20 (-66 bits)
and no run of agreements buys a pair of twins back. The guard yields to one identifier that
brothers never share: when the personal numbers agree, a different given name is a corrupted
or replaced name (level ``different_same_number``, an ordinary m).

It also yields to a long personal number one typing error away that is no neighbouring
number (level ``different_number_typo``, condition :data:`NUMBER_TYPO`). Twins who enlist
together may be given numbers issued one after another (4512345 and 4512346: one edit
apart), which is why one edit alone does not lift the guard. But a copying error (one wrong
digit, two neighbours transposed, a digit dropped or added: Damerau–Levenshtein distance 1;
Damerau 1964, and Verhoeff 1969 for decimal codes, found most errors to be of these kinds)
falls on any position of a number, while numbers issued a few apart differ in the last one
or two digits only. So numbers of six characters or more, one edit apart and more than
:data:`NEIGHBOUR_WINDOW` apart, are one number mistyped, not two: two numbers issued apart
from one series differ in exactly one position with a chance of some 10 k / 10^k for k free
digits (6 in 100,000 for six, 4 in 1,000 for four). Numbers of different lengths are never
neighbours (a dropped leading zero leaves the same number). The cost: a typo in the last
digit, or a transposition of the last two within the window, stays guarded (FEBRL4: 37 of
the 243 true pairs whose soc_sec_id is one edit apart are within 10; of the 24 such pairs the
guard kept apart, one), and twins whose own numbers are one edit and more than 10 apart are
linked. The level came from FEBRL4's missed pairs (docs/linkage.md).

Lists that carry more than the standard person columns (an address, a town, a postcode) add
comparisons of their own: :func:`extra_comparison` builds one for each
:class:`~kintrace.linkage.normalise.ExtraField` the records hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from kintrace.linkage.normalise import ExtraField, ExtraKind


@dataclass(frozen=True, slots=True)
class Level:
    """One agreement level of a comparison.

    ``kind`` is ``sql`` (``condition`` is SQL), ``jaro_winkler`` or ``damerau_levenshtein``
    (``condition`` is the column, ``threshold`` the similarity or distance), or
    ``array_intersect`` (``condition`` is an array column). ``also`` is SQL that must hold
    as well (a similarity level limited to some pairs), ``either`` SQL that may hold
    instead. ``fixed_m`` and ``fixed_u`` keep the prior through training.
    """

    label: str
    condition: str
    m: float
    u: float
    kind: str = "sql"
    threshold: float = 0.0
    tf_column: str = ""
    fixed_m: bool = False
    also: str = ""
    fixed_u: bool = False
    either: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    """A field's comparison: its name, the SQL that says it is missing, and its levels.

    ``else_m`` and ``else_u`` are the priors of the last level ("different"), which takes
    every pair no other level took; ``else_fixed_m`` keeps its m through training.
    """

    name: str
    null_condition: str
    levels: tuple[Level, ...]
    else_m: float = 0.05
    else_u: float = 0.9
    else_fixed_m: bool = False

    def labels(self) -> dict[int, str]:
        """Return the evidence label of each Splink comparison vector value (-1 = missing)."""
        count = len(self.levels) + 1  # the else level comes last
        labels = {-1: "missing"}
        for index, level in enumerate(self.levels):
            labels[count - 1 - index] = level.label
        labels[0] = "different"
        return labels


def _null(*columns: str) -> str:
    return " OR ".join(f"l.{c} IS NULL OR r.{c} IS NULL" for c in columns)


SWAPPED = (
    "l.surname_key = r.given_as_surname_key AND l.given_as_surname_key = r.surname_key"
    " AND l.surname_key <> l.given_as_surname_key"
)
SWAPPED_TYPO = (
    "(l.surname_key = r.given_as_surname_key"
    " AND damerau_levenshtein(l.given_as_surname_key, r.surname_key) = 1"
    " AND length(r.surname_key) >= 3"
    " OR l.given_as_surname_key = r.surname_key"
    " AND damerau_levenshtein(l.surname_key, r.given_as_surname_key) = 1"
    " AND length(l.surname_key) >= 3)"
    " AND l.surname_key <> l.given_as_surname_key"
)
"""Surname and given name swapped, one of the two misspelt (RYAN CHLOE, CHLOE RYNA).

One half of the swap agrees exactly and the other is one edit away (Damerau–Levenshtein,
on phonetic keys of three letters or more). ``damerau_levenshtein`` is the function's name
on DuckDB and on Spark (Splink's UDF) alike.
"""
SURNAME_OTHER_READING = "l.surname_alt_key = r.surname_key OR l.surname_key = r.surname_alt_key"
"""The same surname by one side's other reading of a Latin x or j (JAROV read as Telegram's
Жаров; :func:`~kintrace.linkage.names.surname_alt_key`)."""
GIVEN_NEAR = (
    "instr(l.given_near, concat('|', r.given_canonical, '|')) > 0"
    " OR instr(r.given_near, concat('|', l.given_canonical, '|')) > 0"
    " OR l.given_near = r.given_near"
)
"""One side's name is not in the list and its nearest known names hold the other's name
(:func:`~kintrace.linkage.names.given_near`), or both are near the same names. ``instr`` and
``concat`` are the same on DuckDB and Spark."""
ONE_UNKNOWN_GIVEN = (
    "l.given_canonical LIKE '?%' AND r.given_canonical NOT LIKE '?%'"
    " OR r.given_canonical LIKE '?%' AND l.given_canonical NOT LIKE '?%'"
)
"""Exactly one of the two given names is not in the data file."""
UNKNOWN_GIVEN = "l.given_canonical LIKE '?%' OR r.given_canonical LIKE '?%'"
"""One of the two given names is not in the data file (a misspelt or foreign name)."""

UNKNOWN_PATRONYMIC = "l.patronymic_canonical LIKE '?%' OR r.patronymic_canonical LIKE '?%'"
"""One of the two fathers' names is not in the data file (a misspelt or rare name)."""

PATRONYMIC_NEAR = (
    "l.patronymic_near = r.patronymic_canonical OR l.patronymic_canonical = r.patronymic_near"
    " OR l.patronymic_near = r.patronymic_near"
)
"""An unknown patronymic's nearest known father (:func:`~kintrace.linkage.names.patronymic_near`)
is the other side's father, or both are near the same one."""

DAY_TYPO = (
    "(abs(l.birth_day - r.birth_day) = 1"
    " OR abs(l.birth_day - r.birth_day) = 10"
    " OR l.birth_day % 10 = floor(r.birth_day / 10) AND floor(l.birth_day / 10) = r.birth_day % 10)"
)
"""Two days of a month one typing error apart, written with two digits: a digit one off,
the units (18, 19; also one day off across ten, 19 and 20: a birth near midnight) or the
tens (08, 18; 18, 28), or the two digits transposed (12, 21). Integer arithmetic only, the
same on DuckDB and Spark.

A digit replaced by any other (18 and 13, 18 and 11; 08 and 28) is not counted: such
pairs are 39% of two different days of a month (a digit in common), so the level was as
much "born in the same month" as "a typo", and it joined namesakes born in one month
whose days happen to share a digit (issue 19). The errors kept, a neighbouring key or
figure and a transposition, take 13% of them."""

OTHER_DAY = (
    "l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
    " AND l.birth_day IS NOT NULL AND r.birth_day IS NOT NULL"
)
"""Both dates full and in one month (what the levels before the year's have not taken: the
days differ beyond a typing error, 18.10.1987 and 21.10.1987).

Such a pair is as different as two dates months apart, and takes the level "different".
A true pair's date that is not a typo of the other is a wrong date (another event's, or
another man's), and a wrong date falls in the true one's month as often as a stranger's
does: the level's m and u are the "different" level's, each times that one chance, and
their ratio is that level's. Counting the shared year and month as agreement (as the
level "typo" did for any day) linked namesakes born in one month (issue 19: Лыков
Дмитрий Павлович 18.10.1987 and Lykov Dmitrii Aleksandrovich 21.10.1987, one unit)."""

NEIGHBOUR_WINDOW = 10
"""Personal numbers this close (|a - b|) may be twins' numbers issued one after another.

Below 90: an edit before the last two digits moves a number by 90 or more, so only the last
two digits are read (:func:`_neighbour_numbers`).
"""


def _neighbour_numbers() -> str:
    """Return SQL: the two personal numbers may have been issued one after another.

    Two numbers of one length that agree but for the last character, or but for the last
    two when those are digits within :data:`NEIGHBOUR_WINDOW` of each other: for numbers
    one edit apart that is |a - b| <= the window, and it holds for numbers with a letter
    series (AB123456, AB123457) as well. Plain string functions only (``length``,
    ``substr``, ``try_cast``), the same in DuckDB and Spark SQL.
    """
    a, b = "l.personal_number", "r.personal_number"

    def head(x: str, drop: int) -> str:
        return f"substr({x}, 1, length({x}) - {drop})"

    def tail(x: str) -> str:
        return f"try_cast(substr({x}, length({x}) - 1) AS INTEGER)"

    return (
        f"length({a}) = length({b}) AND ({head(a, 1)} = {head(b, 1)}"
        f" OR ({head(a, 2)} = {head(b, 2)}"
        f" AND abs({tail(a)} - {tail(b)}) <= {NEIGHBOUR_WINDOW}))"
    )


NUMBER_TYPO = (
    "length(l.personal_number) >= 6 AND length(r.personal_number) >= 6"
    f" AND NOT ({_neighbour_numbers()})"
)
"""Long personal numbers, one edit apart (the level's distance), that are not neighbours.

Any missing number makes it null, and so false: the guard then stands.
"""

COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "surname",
        _null("surname_key"),
        (
            Level("exact", "l.surname_key = r.surname_key", 0.85, 0.001, tf_column="surname_key"),
            # u: random pairs agree on a surname about 1 in 1,000 and some 5% of records
            # have a second reading; m: the few true pairs written in Telegram's or GOST
            # 7.0.34's spelling against the key's.
            Level("other_reading", SURNAME_OTHER_READING, 0.01, 0.000_05),
            Level("swapped", SWAPPED, 0.02, 0.000_01),
            Level("swapped_typo", SWAPPED_TYPO, 0.002, 0.000_01),
            Level("typo", "surname_key", 0.06, 0.002, "damerau_levenshtein", 1),
            # One typo the phonetic key made two (Великогородук, VELIOGORODUK: ио read as ё;
            # Каасов, Karasov: the a doubled by the dropped р folded). Before "similar": a
            # pair one letter apart is a typo however far apart Jaro-Winkler puts the keys,
            # and "similar" (about 2 to 1) would take most such pairs first
            Level("letter_typo", "surname_letters", 0.02, 0.000_5, "damerau_levenshtein", 1),
            Level("similar", "surname_key", 0.04, 0.02, "jaro_winkler", 0.88),
        ),
        else_m=0.03,
        else_u=0.977,
    ),
    Comparison(
        "given_name",
        "l.given_initial IS NULL OR r.given_initial IS NULL",
        (
            Level(
                "exact",
                "l.given_canonical = r.given_canonical",
                0.82,
                0.03,
                tf_column="given_canonical",
            ),
            Level("nickname", "given_candidates", 0.06, 0.01, "array_intersect", 1),
            # a name not in the list whose nearest known forms are the other's name's
            # (Серёжп: Серёжа, Сергей; names.given_near); u: a random pair's chance that an
            # unknown name is near the other's, about the share of unknown names (5%) times
            # a common name's share (3%)
            Level("near", GIVEN_NEAR, 0.03, 0.002),
            # The surname comparison already counts a swap (it is one event, seen from both
            # columns): here it only keeps the pair out of the "different" guard.
            Level("swapped", f"{SWAPPED} OR {SWAPPED_TYPO}", 0.5, 0.5, fixed_m=True, fixed_u=True),
            # Two different known names (Леонид, Леонтий) are different names, not a typo:
            # a misspelt known name is no longer known, so one side must be unknown.
            Level(
                "typo",
                "given_key",
                0.05,
                0.02,
                "jaro_winkler",
                0.88,
                also=f"({UNKNOWN_GIVEN})",
            ),
            Level(
                "similar",
                "given_key",
                0.02,
                0.02,
                "damerau_levenshtein",
                2,
                also=f"({UNKNOWN_GIVEN}) AND length(l.given_key) >= 4 AND length(r.given_key) >= 4",
            ),
            Level(
                "initial",
                "l.given_initial = r.given_initial"
                " AND (l.given_canonical IS NULL OR r.given_canonical IS NULL)",
                0.04,
                0.06,
            ),
            # Brothers never share a personal number: with one, a different given name is a
            # corrupted or replaced name. u is the share of different given names among
            # different people, fixed: the personal number comparison already counts the
            # agreement, and random pairs almost never share a number to estimate it from.
            Level(
                "different_same_number",
                "l.personal_number = r.personal_number",
                0.05,
                0.88,
                fixed_u=True,
            ),
            # A long personal number one typing error away, and not a neighbour that twins
            # enlisted together could hold (see the module docstring): one man's number
            # mistyped, and his given name corrupted or replaced. m and u as for the same
            # number: the personal number comparison counts the near agreement ("typo").
            Level(
                "different_number_typo",
                "personal_number",
                0.05,
                0.88,
                "damerau_levenshtein",
                1,
                also=NUMBER_TYPO,
                fixed_u=True,
            ),
            # One name the list does not know, near none of the other's forms: a name
            # mangled beyond a typo or a foreign one. The guard keeps apart only names that
            # are known to differ (or two unknown ones that differ beyond a typo), so this
            # is ordinary evidence: m the share of such true pairs, u about twice the share
            # of unknown names.
            Level("unknown", ONE_UNKNOWN_GIVEN, 0.01, 0.1),
        ),
        # the twins-and-brothers guard: see the module docstring
        else_m=1e-20,
        else_u=0.88,
        else_fixed_m=True,
    ),
    Comparison(
        "patronymic",
        "l.patronymic_initial IS NULL OR r.patronymic_initial IS NULL",
        (
            Level(
                "exact",
                "l.patronymic_canonical = r.patronymic_canonical",
                0.85,
                0.03,
                tf_column="patronymic_canonical",
            ),
            # a typo: the keys close, or an unknown patronymic's nearest known father is the
            # other's (Олегоич, Olegovich: names.patronymic_near). Two known fathers' names
            # are two names, however close (Александр and Алексей: Jaro-Winkler 0.90,
            # Василий and Виталий 0.95): as for given names, one side must be unknown.
            # Without that, namesakes whose fathers were Александр and Алексей took this
            # level, and training then read the level as a non-match's (m 0.0002)
            Level(
                "typo",
                "patronymic_canonical",
                0.06,
                0.02,
                "jaro_winkler",
                0.88,
                also=f"({UNKNOWN_PATRONYMIC})",
                either=PATRONYMIC_NEAR,
            ),
            Level(
                "initial",
                "l.patronymic_initial = r.patronymic_initial"
                " AND (l.patronymic_canonical IS NULL OR r.patronymic_canonical IS NULL)",
                0.05,
                0.06,
            ),
            # One side's father is a name the lists do not know and no known name is near:
            # a rare name or a mangled one, weaker evidence than two known names that differ.
            Level(
                "unknown",
                "l.patronymic_canonical LIKE '?%' OR r.patronymic_canonical LIKE '?%'",
                0.03,
                0.05,
            ),
        ),
        # two known fathers' names that differ: once mistyped patronymics are read (typo),
        # rarely one man's. Kept through training: the training blocks (surname and year)
        # hold namesakes who agree on all but the father, and expectation maximisation
        # counted part of them as matches (m 0.05 on lists where no true pair differs)
        else_m=0.01,
        else_u=0.84,
        else_fixed_m=True,
    ),
    Comparison(
        "birth_date",
        _null("birth_year"),
        (
            Level(
                "exact",
                "l.birth_day IS NOT NULL AND l.birth_year = r.birth_year"
                " AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day",
                0.55,
                0.000_07,
            ),
            Level(
                "day_month_swapped",
                "l.birth_year = r.birth_year AND l.birth_month = r.birth_day"
                " AND l.birth_day = r.birth_month",
                0.03,
                0.000_01,
            ),
            Level(
                "same_month",
                "l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
                " AND (l.birth_day IS NULL OR r.birth_day IS NULL)",
                0.03,
                0.002,
            ),
            Level(
                "year_off_by_one",
                "abs(l.birth_year - r.birth_year) = 1 AND l.birth_month = r.birth_month"
                " AND l.birth_day = r.birth_day",
                0.03,
                0.000_05,
            ),
            Level(
                "same_year",
                "l.birth_year_min <= r.birth_year AND r.birth_year_min <= l.birth_year"
                " AND (l.birth_month IS NULL OR r.birth_month IS NULL)",
                0.25,
                0.03,
            ),
            # the day one typing error away (see DAY_TYPO); u: same year and month by
            # chance (0.002) times the share of other days that close (about one in eight)
            Level(
                "typo",
                f"l.birth_year = r.birth_year AND l.birth_month = r.birth_month AND {DAY_TYPO}",
                0.03,
                0.000_25,
            ),
            # Two full dates in one month whose days differ beyond a typing error are two
            # dates: they fall to the last level, "different" (see OTHER_DAY)
            Level(
                "year_only",
                f"l.birth_year = r.birth_year AND NOT ({OTHER_DAY})",
                0.02,
                0.03,
            ),
            Level(
                "near_year",
                "l.birth_year_min <= r.birth_year + 1 AND r.birth_year_min <= l.birth_year + 1"
                f" AND NOT ({OTHER_DAY})",
                0.04,
                0.06,
            ),
        ),
        else_m=0.02,
        else_u=0.85,
    ),
    Comparison(
        "sex",
        _null("sex"),
        (Level("exact", "l.sex = r.sex", 0.999, 0.5),),
        else_m=1e-6,
        else_u=0.5,
        else_fixed_m=True,
    ),
    Comparison(
        "region",
        # a region not recognised (``?`` + its key) is unknown, not different; two that
        # read the same still agree
        f"{_null('region')} OR (l.region LIKE '?%' OR r.region LIKE '?%') AND l.region <> r.region",
        (Level("exact", "l.region = r.region", 0.85, 0.04, tf_column="region"),),
        else_m=0.15,
        else_u=0.96,
    ),
    Comparison(
        "unit",
        _null("unit"),
        (
            Level("exact", "l.unit = r.unit", 0.75, 0.002),
            Level("typo", "unit", 0.05, 0.005, "damerau_levenshtein", 1),
        ),
        else_m=0.2,
        else_u=0.993,
    ),
    Comparison(
        "rank",
        _null("rank_level"),
        (
            Level("exact", "l.rank = r.rank", 0.6, 0.3),
            Level("near", "abs(l.rank_level - r.rank_level) <= 2", 0.3, 0.4),
        ),
        else_m=0.1,
        else_u=0.3,
    ),
    Comparison(
        "personal_number",
        _null("personal_number"),
        (
            Level("exact", "l.personal_number = r.personal_number", 0.95, 0.000_001),
            Level("typo", "personal_number", 0.03, 0.000_1, "damerau_levenshtein", 1),
        ),
        else_m=0.02,
        else_u=0.999,
    ),
)
"""Every standard comparison of the model, in the order of the evidence columns."""


def extra_column(extra: ExtraField) -> str:
    """Return the comparison column that holds an extra field.

    >>> extra_column(ExtraField("postcode", ExtraKind.CODE))
    'extra_postcode'
    """
    return f"extra_{extra.name}"


def extra_comparison(extra: ExtraField) -> Comparison:
    """Return the comparison of an extra field, by its kind.

    Words (a street, a town) agree exactly, by a typo (up to two edits) or by similarity;
    codes (a postcode, a house number) exactly or by one edit. Agreement on a rare value
    counts more (term frequencies). The priors are weak guesses: lists with extra fields
    are large enough to train on.
    """
    column = extra_column(extra)
    exact = Level("exact", f"l.{column} = r.{column}", 0.75, 0.01, tf_column=column)
    if extra.kind is ExtraKind.CODE:
        levels: tuple[Level, ...] = (
            exact,
            Level("typo", column, 0.1, 0.02, "damerau_levenshtein", 1),
        )
    else:
        levels = (
            exact,
            Level("typo", column, 0.1, 0.005, "damerau_levenshtein", 2),
            Level("similar", column, 0.05, 0.05, "jaro_winkler", 0.85),
        )
    return Comparison(extra.name, _null(column), levels, else_m=0.1, else_u=0.93)


_SIDE_PREFIX = re.compile(r"\b([lr])\.(\w+)")


def splink_sql(condition: str) -> str:
    """Return a condition in Splink's comparison syntax (``l.col`` becomes ``col_l``).

    >>> splink_sql("l.sex = r.sex AND l.sex IS NOT NULL")
    'sex_l = sex_r AND sex_l IS NOT NULL'
    """
    return _SIDE_PREFIX.sub(r"\2_\1", condition)


def damerau_within(column: str, distance: int) -> str:
    """Return SQL: the two values of ``column`` are at most ``distance`` Damerau edits apart.

    It is Damerau–Levenshtein distance, computed where Levenshtein cannot tell: DuckDB's
    Levenshtein is some seven times faster than its Damerau–Levenshtein (0.10 and 0.68 s
    over a million pairs of surnames), and most pairs of records (the random pairs that
    estimate u, the namesakes blocking proposes) are settled by it. A transposition is one
    Damerau edit and two Levenshtein edits, and the only one, so

    - one edit apart: one Levenshtein edit, or two in words of one length (a transposition
      keeps the length) that Damerau then counts;
    - more: at most twice as many Levenshtein edits, which Damerau then counts.

    Both functions are the same on DuckDB and on Spark (Splink's UDF and Spark's own).

    >>> damerau_within("unit", 2)
    'levenshtein(unit_l, unit_r) <= 4 AND damerau_levenshtein(unit_l, unit_r) <= 2'
    """
    left, right = f"{column}_l", f"{column}_r"
    if distance == 1:
        return (
            f"(levenshtein({left}, {right}) <= 1 OR length({left}) = length({right})"
            f" AND levenshtein({left}, {right}) = 2 AND damerau_levenshtein({left}, {right}) <= 1)"
        )
    return (
        f"levenshtein({left}, {right}) <= {2 * distance}"
        f" AND damerau_levenshtein({left}, {right}) <= {distance}"
    )


def _splink_level(level: Level, *, use_tf: bool) -> Any:
    if level.kind == "jaro_winkler":
        created: Any = cll.JaroWinklerLevel(level.condition, level.threshold)
    elif level.kind == "damerau_levenshtein":
        created = cll.CustomLevel(damerau_within(level.condition, int(level.threshold)))
    elif level.kind == "array_intersect":
        created = cll.ArrayIntersectLevel(level.condition, int(level.threshold))
    else:
        created = cll.CustomLevel(splink_sql(level.condition), label_for_charts=level.label)
    if level.also:
        created = cll.And(created, cll.CustomLevel(splink_sql(level.also)))
    if level.either:
        created = cll.Or(created, cll.CustomLevel(splink_sql(level.either)))
    options: dict[str, Any] = {"m_probability": level.m, "u_probability": level.u}
    if level.fixed_m:
        options["fix_m_probability"] = True
    if level.fixed_u:
        options["fix_u_probability"] = True
    if use_tf and level.tf_column:
        options["tf_adjustment_column"] = level.tf_column
        options["tf_adjustment_weight"] = 1.0
    return created.configure(label_for_charts=level.label, **options)


def splink_comparisons(comparisons: Sequence[Comparison], *, use_tf: bool) -> list[Any]:
    """Return ``comparisons`` as Splink comparisons with their prior m and u."""
    compiled = []
    for comparison in comparisons:
        levels: list[Any] = [
            cll.CustomLevel(splink_sql(comparison.null_condition)).configure(
                is_null_level=True, label_for_charts="missing"
            )
        ]
        levels += [_splink_level(level, use_tf=use_tf) for level in comparison.levels]
        levels.append(
            cll.ElseLevel().configure(
                m_probability=comparison.else_m,
                u_probability=comparison.else_u,
                fix_m_probability=comparison.else_fixed_m,
                label_for_charts="else",
            )
        )
        compiled.append(cl.CustomComparison(levels, output_column_name=comparison.name))
    return compiled


def gamma_sql(comparison: Comparison, sql_dialect: str) -> str:
    """Return SQL (over ``col_l``/``col_r`` columns) giving a pair's level of ``comparison``.

    The values are Splink's comparison vector values (-1 missing, 0 different, the first
    level highest), so that :meth:`Comparison.labels` reads them; the conditions are the
    ones Splink compiles for the backend's ``sql_dialect`` (``duckdb``, ``spark``, ...).
    """
    count = len(comparison.levels) + 1
    whens = [f"WHEN {splink_sql(comparison.null_condition)} THEN -1"]
    for index, level in enumerate(comparison.levels):
        condition = _splink_level(level, use_tf=False).get_comparison_level(sql_dialect)
        whens.append(f"WHEN {condition.sql_condition} THEN {count - 1 - index}")
    return "CASE " + " ".join(whens) + " ELSE 0 END"
