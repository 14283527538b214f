"""Blocking: which pairs of records the linkage model scores. Pure data.

A pair is scored when any blocking rule holds (SQL over the comparison columns of
:mod:`kintrace.linkage.normalise`, ``l.`` and ``r.`` for the two records). The rules are
written on the normalised keys, so that a nickname, a Ukrainian form, a transliteration or a
swapped name order still falls in the same block, and a typo in one field is caught by the
rules on the others. Candidate pairs grow with the square of the records, so large inputs
get rules on three keys or more (:data:`LARGE_BLOCKING_RULES`).
"""

from __future__ import annotations

from collections.abc import Sequence

from kintrace.linkage.comparisons import extra_column
from kintrace.linkage.normalise import ExtraField

DOUBLY_MISSPELT: tuple[str, ...] = (
    "l.surname_consonants = r.surname_consonants AND l.given_consonants = r.given_consonants",
    "l.surname_consonants = r.given_consonants AND l.given_consonants = r.surname_consonants",
)
"""Both names misspelt: the consonant skeletons of surname and given name agree.

A typo in one name leaves the rules on the other name; a typo in each leaves neither key
(a surname's prefix, its suffix, the canonical given name). Typos that touch a vowel (one
mistyped, dropped, added, or moved across a consonant: Гродеев and Gordeev, Виатлий and
Vitalii, Блеоусов and Belousov) leave the consonants in their order, in either script
once the phonetic key has folded the transliterations. The given name's skeleton is taken
from its key as written, so an unknown or mangled name still has one. Two skeletons
together are about as selective as a surname and a given name: few pairs at any size
(the large-input rules add a year)."""

NICKNAME_OF_SEVERAL: tuple[str, ...] = (
    # one side's condition alone, so that the join reads only its few nicknames
    "l.given_ambiguous IS NOT NULL"
    " AND instr(l.given_ambiguous, concat('|', r.given_canonical, '|')) > 0",
    "r.given_ambiguous IS NOT NULL"
    " AND instr(r.given_ambiguous, concat('|', l.given_canonical, '|')) > 0",
)
"""A nickname of several names (Слава: Владислав, Вячеслав, ...) holds the other's name."""

NEAR_OF_UNKNOWN: tuple[str, ...] = (
    "l.given_near IS NOT NULL AND instr(l.given_near, concat('|', r.given_canonical, '|')) > 0",
    "r.given_near IS NOT NULL AND instr(r.given_near, concat('|', l.given_canonical, '|')) > 0",
)
"""A given name the lists do not know (Алексанжр, Агтоша) has the other's name among its
nearest known ones (``given_near``: :func:`~.names.given_near`): the rules on the canonical
name miss it, and the initial misses it too when the other side writes a Ukrainian form or
a nickname (Попенко Алексанжр, Popenko Oleksandr). One side's condition alone, so that the
join reads only the few unknown names."""

SECOND_LETTER: tuple[str, ...] = tuple(
    "substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)"
    f" AND substr(l.surname_key, {left}) = substr(r.surname_key, {right}) AND {given}"
    for left, right in ((3, 3), (2, 3), (3, 2))
    for given in ("l.given_initial = r.given_initial", "l.given_canonical = r.given_canonical")
)
"""A letter mistyped, dropped or added second in the surname (Ткачев, Теачев; Прохоров,
Похоров): the first letter and the rest after the error agree, with the given initial or
name.

The rules on a surname's prefix (three letters, or two with the last three) and those on
its consonants miss an error in the second letter, and with no year in common (a request
with none, or an age) no other rule joins the pair. Substitution leaves the keys equal from
the third letter on; a letter dropped or added shifts one side by one. Each rule is an
equality of one expression per side, so the join stays a hash join: 310 more pairs among
the 14,722 records of the realistic lists of 10,000 persons (bench_link_others.py)."""

SURNAME_WITHIN = "coalesce(levenshtein(l.surname_key, r.surname_key) <= 3, true)"
"""The surnames' phonetic keys at most three edits apart (Levenshtein).

The rules for a misspelt surname join on the given name with a year, a patronymic, or a
piece of the surname, and so join every namesake whose surname begins with the same letters
or ends the same way (Кузнецов and Кузьмин, Петренко and Павленко): at 100,000 persons
those rules made 3.6 of the 5.2 million candidate pairs and found 866 true pairs no other
rule found (others' realistic lists, bench_link_others.py). All but one of those have
surname keys three edits apart or fewer (Лисов and Лев, Попов and Пов), while half of the
other pairs are further apart: :func:`surname_within` takes those away before they are
scored. 5.2 million candidate pairs become 2.8 million, and the true pairs among them
59,372 of 59,694 become 59,371; on this project's own lists of 100,000 persons
(bench_link.py) 4.9 million become 2.7 million and 58,469 true pairs 58,467; on others'
harsh lists of 10,000 none of 5,957 is lost. Levenshtein, not Damerau–Levenshtein: as
selective here (a transposition is two edits, and three allow it with one more), and
DuckDB computes it seven times faster; Spark has it too. A record with no surname is not
held back (``coalesce``): the rules on the given name with a year or a patronymic are
what pairs it.
"""


def surname_within(keys: str) -> str:
    """Return the rule ``keys`` (equalities) limited to surnames :data:`SURNAME_WITHIN`.

    The keys stay conjuncts of their own, so that the database still joins on them (a hash
    join) and computes the distance only on the pairs the join makes.

    >>> surname_within("l.a = r.a")
    'l.a = r.a AND coalesce(levenshtein(l.surname_key, r.surname_key) <= 3, true)'
    """
    return f"{keys} AND {SURNAME_WITHIN}"


BLOCKING_RULES: tuple[str, ...] = (
    "l.surname_key = r.surname_key AND l.given_initial = r.given_initial",
    "l.surname_key = r.surname_key AND l.birth_year = r.birth_year",
    surname_within(
        "l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year"
        " AND l.birth_month = r.birth_month"
    ),
    surname_within(
        "l.given_canonical = r.given_canonical"
        " AND l.patronymic_canonical = r.patronymic_canonical AND l.birth_year = r.birth_year"
    ),
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical",
    surname_within(
        "l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year"
        " AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)"
    ),
    surname_within(
        "l.given_canonical = r.given_canonical"
        " AND l.patronymic_canonical = r.patronymic_canonical"
        " AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)"
    ),
    "l.surname_key = r.given_as_surname_key AND l.given_as_surname_key = r.surname_key",
    surname_within(
        "substr(l.surname_key, 1, 3) = substr(r.surname_key, 1, 3)"
        " AND l.given_canonical = r.given_canonical"
    ),
    "l.given_canonical = r.given_canonical AND l.region = r.region"
    " AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)",
    "l.given_canonical = r.given_canonical AND l.unit = r.unit",
    "l.birth_year = r.birth_year AND l.birth_month = r.birth_day AND l.birth_day = r.birth_month"
    " AND l.given_initial = r.given_initial",
    "l.personal_number = r.personal_number",
    "l.unit = r.unit AND l.birth_year = r.birth_year",
    # an age gives two years: the lower one meets a record of the earlier year
    "l.surname_key = r.surname_key AND l.birth_year_min = r.birth_year_min",
    # a misspelt surname and a nickname or an unknown form of the given name
    "substr(l.surname_key, 1, 3) = substr(r.surname_key, 1, 3) AND l.birth_year = r.birth_year"
    " AND l.given_initial = r.given_initial",
    # a full birth date with one initial: both names misspelt, swapped or replaced
    "l.birth_year = r.birth_year AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day"
    " AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)",
    "l.birth_year = r.birth_year AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day"
    " AND l.given_initial = r.given_initial",
    # the names swapped, one of them misspelt: the other half of the swap and the year
    "l.surname_key = r.given_as_surname_key AND l.birth_year = r.birth_year",
    "l.given_as_surname_key = r.surname_key AND l.birth_year = r.birth_year",
    # a Latin x or j read another way (JAROV: Яров by the key, Жаров by Telegram's spelling);
    # one side's column is null on nearly every record, so these join few pairs
    "l.surname_alt_key = r.surname_key AND l.given_initial = r.given_initial",
    "l.surname_key = r.surname_alt_key AND l.given_initial = r.given_initial",
    # both names misspelt, no full date in common (Гродеев Виатлий, Gordeev Vitalii;
    # Блеоусов, Belousov): the consonants of both names, as written or swapped (Логунов
    # Тимур, Timr LOGUNOV). See DOUBLY_MISSPELT.
    *DOUBLY_MISSPELT,
    # a consonant mistyped, dropped or added inside the surname (Нетерук, Nesteruk;
    # Фоиенко, Fomenko) with the given name misspelt too or no year to join on: the
    # surname's first two and last three letters with the given name's initial
    surname_within(
        "substr(l.surname_key, 1, 2) = substr(r.surname_key, 1, 2)"
        " AND substr(l.surname_key, -3) = substr(r.surname_key, -3)"
        " AND l.given_initial = r.given_initial"
    ),
    # a given name beyond recognition and a year off by one (Игорь, Ior): the surname with
    # the day and month
    "l.surname_key = r.surname_key AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day",
    # a letter mistyped, dropped or added second in the surname (see SECOND_LETTER)
    *SECOND_LETTER,
    # a nickname of several names (Слава, Гоша) whose canonical name is another than its
    # partner's, no year in common: the surname and the partner's name among the nickname's
    *(f"l.surname_key = r.surname_key AND {nickname}" for nickname in NICKNAME_OF_SEVERAL),
    # a given name the lists do not know, near the partner's: the surname, or the
    # patronymic with the surname's first letter (a misspelt surname too: Оолов Агтоша
    # Викторович, ORLOV Anton Viktorovič)
    *(f"l.surname_key = r.surname_key AND {near}" for near in NEAR_OF_UNKNOWN),
    # ... or the surname's consonants, a vowel of the surname mistyped too (Цветкв Виктлр,
    # Цветков Виктор; Наумв Евшений, Наумов Евгений: the given names' consonants differ)
    *(f"l.surname_consonants = r.surname_consonants AND {near}" for near in NEAR_OF_UNKNOWN),
    *(
        "l.patronymic_canonical = r.patronymic_canonical"
        f" AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1) AND {near}"
        for near in NEAR_OF_UNKNOWN
    ),
)
"""Rules that make candidate pairs: a pair is scored when any rule holds."""

LARGE_BLOCKING_RULES: tuple[str, ...] = (
    # the same name, with the year or the two years an age gives
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.birth_year = r.birth_year",
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.birth_year_min = r.birth_year_min",
    # a nickname or an unknown form of the given name: its initial
    "l.surname_key = r.surname_key AND l.given_initial = r.given_initial"
    " AND l.birth_year = r.birth_year",
    "l.surname_key = r.surname_key AND l.given_initial = r.given_initial"
    " AND l.birth_year_min = r.birth_year_min",
    # a year off by one, or a given name written beyond recognition, with the full date
    "l.surname_key = r.surname_key AND l.birth_year = r.birth_year"
    " AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day",
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day",
    # no birth year at all: patronymic, region or unit
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.patronymic_canonical = r.patronymic_canonical",
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.region = r.region",
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical AND l.unit = r.unit",
    # a misspelt surname: the given name with the full date or the patronymic, or the
    # first two or the last four letters of the surname
    "l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year"
    " AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day",
    "l.given_canonical = r.given_canonical"
    " AND l.patronymic_canonical = r.patronymic_canonical"
    " AND l.birth_year = r.birth_year"
    " AND substr(l.surname_key, 1, 2) = substr(r.surname_key, 1, 2)",
    "substr(l.surname_key, 1, 2) = substr(r.surname_key, 1, 2)"
    " AND l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year",
    "substr(l.surname_key, 1, 2) = substr(r.surname_key, 1, 2)"
    " AND l.given_canonical = r.given_canonical AND l.birth_year_min = r.birth_year_min",
    "substr(l.surname_key, -4) = substr(r.surname_key, -4)"
    " AND l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year",
    "substr(l.surname_key, -4) = substr(r.surname_key, -4)"
    " AND l.given_canonical = r.given_canonical AND l.birth_year_min = r.birth_year_min",
    # surname and given name swapped; the unit, a day/month swap, a personal number
    "l.surname_key = r.given_as_surname_key AND l.given_as_surname_key = r.surname_key",
    "l.given_canonical = r.given_canonical AND l.unit = r.unit",
    "l.unit = r.unit AND l.birth_year_min = r.birth_year_min",
    "l.birth_year = r.birth_year AND l.birth_month = r.birth_day"
    " AND l.birth_day = r.birth_month AND l.given_initial = r.given_initial",
    "l.personal_number = r.personal_number",
    # a full birth date with the initials: both names misspelt, swapped or replaced
    "l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
    " AND l.birth_day = r.birth_day"
    " AND substr(l.surname_key, 1, 2) = substr(r.surname_key, 1, 2)",
    "l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
    " AND l.birth_day = r.birth_day AND l.given_initial = r.given_initial"
    " AND substr(l.surname_key, -2) = substr(r.surname_key, -2)",
    # a year off by one and a misspelt surname: the given name, the day and month, and the
    # surname's first letter
    "l.given_canonical = r.given_canonical AND l.birth_month = r.birth_month"
    " AND l.birth_day = r.birth_day"
    " AND substr(l.surname_key, 1, 1) = substr(r.surname_key, 1, 1)",
    # a year off by one and a misspelt surname, the patronymic written on both: the given
    # name and patronymic with the surname's first two or last three letters
    *(
        f"l.given_canonical = r.given_canonical"
        f" AND l.patronymic_canonical = r.patronymic_canonical AND {years} AND {surname}"
        for years in ("l.birth_year = r.birth_year + 1", "l.birth_year + 1 = r.birth_year")
        for surname in (
            "substr(l.surname_key, 1, 2) = substr(r.surname_key, 1, 2)",
            "substr(l.surname_key, -3) = substr(r.surname_key, -3)",
        )
    ),
    # a vowel mistyped, dropped or added (Котов, KTOV; Петров, PTEROV) and the year, or a
    # year off by one
    *(
        f"l.surname_consonants = r.surname_consonants AND l.given_canonical = r.given_canonical"
        f" AND {years}"
        for years in (
            "l.birth_year = r.birth_year",
            "l.birth_year = r.birth_year + 1",
            "l.birth_year + 1 = r.birth_year",
        )
    ),
    # a nickname of several names (Слава: Владислав, Вячеслав, ...) whose canonical name is
    # another than its partner's: the surname, the year or a year off by one, and the
    # partner's name among the nickname's
    *(
        f"l.surname_key = r.surname_key AND {years} AND {nickname}"
        for years in (
            "l.birth_year = r.birth_year",
            "l.birth_year_min = r.birth_year_min",
            "l.birth_year = r.birth_year + 1",
            "l.birth_year + 1 = r.birth_year",
        )
        for nickname in NICKNAME_OF_SEVERAL
    ),
    # a given name the lists do not know, near the partner's (see NEAR_OF_UNKNOWN): the
    # surname with the year or an age's lower year
    *(
        f"l.surname_key = r.surname_key AND {years} AND {near}"
        for years in ("l.birth_year = r.birth_year", "l.birth_year_min = r.birth_year_min")
        for near in NEAR_OF_UNKNOWN
    ),
    # both names misspelt (see DOUBLY_MISSPELT), with the year, an age's lower year or a
    # year off by one
    *(
        f"{rule} AND {years}"
        for rule in DOUBLY_MISSPELT
        for years in (
            "l.birth_year = r.birth_year",
            "l.birth_year_min = r.birth_year_min",
            "l.birth_year = r.birth_year + 1",
            "l.birth_year + 1 = r.birth_year",
        )
    ),
    # a Latin x or j read another way (JAROV: Жаров), with the given name and the year or
    # the patronymic
    *(
        f"{surnames} AND l.given_canonical = r.given_canonical AND {other}"
        for surnames in (
            "l.surname_alt_key = r.surname_key",
            "l.surname_key = r.surname_alt_key",
        )
        for other in (
            "l.birth_year = r.birth_year",
            "l.patronymic_canonical = r.patronymic_canonical",
        )
    ),
    # a year off by one where the other record has no day and month
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.birth_year = r.birth_year + 1",
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.birth_year + 1 = r.birth_year",
)
"""The rules for large inputs (``LinkageSettings.large_input_records`` records and more).

Candidate pairs grow with the square of the records: :data:`BLOCKING_RULES` make 4 million
pairs among 145,000 synthetic records, but among 1.45 million their pairs add up to 480
million. Each rule here joins on three keys or more (a surname with a given name and a year,
never a surname alone): 25 million pairs among 1.45 million records, at the cost of the
pairs that disagree on two of those keys at once (blocking recall 0.987 against 0.997 on
the synthetic lists)."""

EM_BLOCKING_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "l.surname_key = r.surname_key AND l.birth_year = r.birth_year",
        frozenset({"surname", "given_name", "birth_date"}),
    ),
    (
        "l.given_canonical = r.given_canonical AND l.patronymic_canonical = r.patronymic_canonical"
        " AND l.region = r.region",
        frozenset({"given_name", "patronymic", "region"}),
    ),
    (
        "l.given_canonical = r.given_canonical AND l.birth_year = r.birth_year"
        " AND l.birth_month = r.birth_month",
        frozenset({"given_name", "birth_date"}),
    ),
    (
        "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical",
        frozenset({"surname", "given_name"}),
    ),
    (
        "l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
        " AND l.birth_day = r.birth_day",
        frozenset({"birth_date"}),
    ),
)
"""Blockings on which EM estimates m, each with the comparisons it blocks on: each leaves the
other fields free to disagree, and only a field left free is estimated.

They are taken in order until every field of :data:`EM_FIELDS` has been free in a session
that ran; a blocking that would free none not yet free is skipped. The first blocks on the
surname key, which the given name's `swapped` level reads, so it fixes the given name too.
Where the second finds no pairs (lists without patronymics or regions), the third frees the
surname and the fourth the birth date, which would otherwise keep its prior m (on lists
whose requests give a year only, a prior that counted a year in common as half the evidence
it is: issue 19). The last, the full birth date, is the only one that frees the given name;
its `different` level (the twins guard) keeps its fixed m."""

EM_FIELDS: frozenset[str] = frozenset().union(*(fixed for _, fixed in EM_BLOCKING_RULES))
"""The fields some EM blocking blocks on (others are free in every session)."""

DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.surname_key = r.surname_key AND l.given_canonical = r.given_canonical"
    " AND l.birth_year = r.birth_year",
    "l.personal_number = r.personal_number",
)
"""Near-certain matches, used to estimate the share of pairs that match."""

MAX_EXTRA_BLOCKING_FIELDS = 5
"""Extra fields (the first ones) whose pairs make blocking rules: 5 fields, 10 rules."""


def blocking_rules_for(extras: Sequence[ExtraField], *, large: bool = False) -> tuple[str, ...]:
    """Return the blocking rules and a rule for each two extra fields that agree.

    The rules are :data:`BLOCKING_RULES`, or :data:`LARGE_BLOCKING_RULES` for a ``large``
    input.

    Two fields together (house number and street, street and postcode) find a record
    whose names, birth date and personal number were all written differently.

    >>> from kintrace.linkage.normalise import ExtraKind
    >>> blocking_rules_for([ExtraField("street"), ExtraField("postcode", ExtraKind.CODE)])[-1]
    'l.extra_street = r.extra_street AND l.extra_postcode = r.extra_postcode'
    """
    columns = [extra_column(extra) for extra in extras[:MAX_EXTRA_BLOCKING_FIELDS]]
    return (LARGE_BLOCKING_RULES if large else BLOCKING_RULES) + tuple(
        f"l.{a} = r.{a} AND l.{b} = r.{b}" for i, a in enumerate(columns) for b in columns[i + 1 :]
    )


def blocked_pairs_sql(rules: Sequence[str], table: str) -> str:
    """Return SQL giving every pair of records of ``table`` that some rule joins, once.

    The columns are those of Splink's blocked pairs (``match_key``: the first rule that
    joins the pair, its index in three digits, so that the least string is the least
    number; ``join_key_l`` < ``join_key_r``: the two records' ids), for
    ``register_blocked_pairs_for_predict``. Each rule is joined on its own and the union
    grouped by pair: Splink instead keeps a rule's pairs only where no earlier rule holds,
    evaluating the earlier rules on every pair each rule joins. With forty rules that took
    6 of the 15 seconds of scoring at 100,000 persons (bench_link_others.py), and 8 once
    some rules held a distance (:data:`SURNAME_WITHIN`), computed again on the pairs of
    every rule after them; grouped, blocking takes 2. Plain SQL, the same on DuckDB and
    Spark.

    >>> sql = blocked_pairs_sql(["l.a = r.a", "l.b = r.b"], "t")
    >>> sql.count("JOIN t AS r ON"), "GROUP BY join_key_l, join_key_r" in sql
    (2, True)
    """
    joins = " UNION ALL ".join(
        f"SELECT '{index:03d}' AS match_key, l.unique_id AS join_key_l, r.unique_id AS join_key_r"
        f" FROM {table} AS l JOIN {table} AS r ON ({rule}) WHERE l.unique_id < r.unique_id"
        for index, rule in enumerate(rules)
    )
    return (
        "SELECT min(match_key) AS match_key, join_key_l, join_key_r"
        f" FROM ({joins}) AS joined GROUP BY join_key_l, join_key_r"
    )
