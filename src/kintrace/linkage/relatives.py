"""The twins guard weighed by the lists themselves: two lists that hold no relatives.

A wholly different given name keeps two records apart however much else agrees (the
twins-and-brothers guard of :mod:`kintrace.linkage.comparisons`): twins agree on surname,
patronymic, birth date, address and unit. But a list can also hold one man whose given name
was replaced or corrupted beyond a typo. The records alone cannot tell the two apart; the
lists can. When two lists are linked, relatives fall within a list as they fall across the
two: persons drawn from one population give relatives' pairs in proportion to the pairs of
records, a·(a−1)/2 + b·(b−1)/2 within the lists and a·b across them. So the guarded pairs
found within the lists (``within``: relatives, or one man twice with a replaced name) tell
how many relatives to expect among the guarded pairs across them (``cross``):

    expected relatives across = (within + 1) · a·b / (a·(a−1)/2 + b·(b−1)/2)

(the 1 is an add-one prior: lists that show no relatives may still hold one pair), and each
guarded pair across the lists is one man with chance ``1 − expected / cross``, times its
probability without the guard. Lists that show relatives within (the requests of a mother
for both her sons, a prisoner list with two brothers) leave the guard whole: expected then
reaches ``cross``. Lists that show none and share many guarded pairs (FEBRL4: none within,
15 across, each one record and its corrupted copy) let those pairs through; a handful across
lists that show none stays guarded (with ``within`` 0 and lists of one size, a pair needs
``cross`` ≥ 3 to pass 0.5).

A guarded pair here is one the guard alone keeps apart: the given-name comparison is at its
"different" level, the full birth dates agree, the surnames' keys share their first three
letters, and without the given-name comparison the pair would score 0.5 or more (levels
without term frequencies).

>>> round(guard_yield(within=0, cross=19, sizes=(5000, 5000)), 3)
0.947
>>> guard_yield(within=40, cross=38, sizes=(700, 700))
0.0
"""

from __future__ import annotations

from collections.abc import Sequence

from kintrace.linkage.weighing import Scoring, level_log_odds, pair_levels, probability

GUARDED = "given_name"
"""The comparison whose "different" level is the guard."""


def guard_yield(*, within: int, cross: int, sizes: tuple[int, int]) -> float:
    """Return the share of ``cross`` guarded pairs across two lists that are one person.

    ``within``: the guarded pairs inside either list; ``sizes``: the two lists' records.
    """
    a, b = sizes
    within_pairs = a * (a - 1) / 2 + b * (b - 1) / 2
    if cross == 0 or within_pairs == 0:
        return 0.0
    expected = (within + 1) * (a * b) / within_pairs
    return max(0.0, 1.0 - expected / cross)


def yielded_pairs(scoring: Scoring, split: int, count: int) -> dict[tuple[int, int], float]:
    """Return the guarded pairs across the two lists with their probability (see above).

    Records before ``split`` are one list, the rest (up to ``count``) the other.
    """
    guarded = _guarded_pairs(scoring)
    cross = {pair: p for pair, p in guarded.items() if (pair[0] < split) != (pair[1] < split)}
    share = guard_yield(
        within=len(guarded) - len(cross), cross=len(cross), sizes=(split, count - split)
    )
    return {pair: p * share for pair, p in cross.items()} if share > 0 else {}


def _guarded_pairs(scoring: Scoring) -> dict[tuple[int, int], float]:
    """Return the pairs the guard alone keeps apart, with their probability without it."""
    api, name = scoring.api, scoring.table.physical_name
    rows = api.query_sql(
        f"SELECT l.unique_id AS a, r.unique_id AS b FROM {name} l JOIN {name} r "
        "ON l.birth_year = r.birth_year AND l.birth_month = r.birth_month "
        "AND l.birth_day = r.birth_day "
        "AND substr(l.surname_key, 1, 3) = substr(r.surname_key, 1, 3) "
        "AND l.unique_id < r.unique_id AND l.given_canonical <> r.given_canonical"
    ).as_record_list()
    pairs: Sequence[tuple[int, int]] = [(int(r["a"]), int(r["b"])) for r in rows]
    if not pairs:
        return {}
    levels = pair_levels(api, pairs, name, scoring.comparisons, scoring.extras)
    different = [row for row in levels if row[f"gamma_{GUARDED}"] == 0]
    return {
        pair: probability(log_odds)
        for pair, log_odds in level_log_odds(scoring.model, different, without=GUARDED)
        if log_odds >= 0.0
    }
