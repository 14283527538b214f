"""Pairs scored outside Splink's predictions: their levels, and the joint probabilities.

Splink keeps only the ids and scores of every candidate pair. :func:`pair_levels` computes
each field's level for chosen pairs with the model's own SQL conditions (the evidence of
the pairs returned, the levels of analysts' confirmed pairs); :func:`joint_scores` turns the
pairwise probabilities into probabilities given the pairs around each pair
(:mod:`kintrace.linkage.joint`), scoring from their levels the pairs of a neighbourhood that
the blocking never paired.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]  # ships no type information

from kintrace.linkage.comparisons import Comparison, extra_column, gamma_sql
from kintrace.linkage.joint import (
    Triple,
    joint_probabilities,
    neighbourhoods,
    triangle_corrections,
)
from kintrace.linkage.labels import PairLabel
from kintrace.linkage.normalise import ExtraField, PersonFeatures

FEATURE_FIELDS = tuple(f.name for f in fields(PersonFeatures) if f.name != "extra")
"""The comparison columns of a record (its extra fields come after them)."""


def _pair_columns(extras: Sequence[ExtraField]) -> list[str]:
    """Return the input columns a pair's levels are computed from."""
    return [*FEATURE_FIELDS, *(extra_column(extra) for extra in extras)]


def _pairs_table(api: Any, pairs: Sequence[tuple[int, int]]) -> Any:
    """Register ``pairs`` on the backend as a table of ``unique_id_l``, ``unique_id_r``."""
    return api.register(
        pa.table(
            {
                "unique_id_l": pa.array([left for left, _ in pairs], pa.int64()),
                "unique_id_r": pa.array([right for _, right in pairs], pa.int64()),
            }
        )
    )


def pair_levels(
    api: Any,
    pairs: Sequence[tuple[int, int]],
    input_name: str,
    comparisons: Sequence[Comparison],
    extras: Sequence[ExtraField],
) -> list[dict[str, Any]]:
    """Return ``pairs`` (``unique_id_l``, ``unique_id_r``) with their levels.

    The levels (``gamma_<comparison>``) are computed with the model's own SQL conditions,
    compiled for the backend, over the two records' columns.
    """
    asked = _pairs_table(api, pairs)
    dialect = api.sql_dialect.sql_dialect_str
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in _pair_columns(extras))
    gammas = ", ".join(f"{gamma_sql(c, dialect)} AS gamma_{c.name}" for c in comparisons)
    sql = (
        f"SELECT unique_id_l, unique_id_r, {gammas} FROM ("
        f"SELECT x.unique_id_l, x.unique_id_r, {sides} FROM {asked.physical_name} x "
        f"JOIN {input_name} l ON l.unique_id = x.unique_id_l "
        f"JOIN {input_name} r ON r.unique_id = x.unique_id_r) pairs"
    )
    return list(api.query_sql(sql).as_record_list())


@dataclass(frozen=True, slots=True)
class Scoring:
    """What scores a pair: the backend, the records' table, the comparisons and the model."""

    api: Any
    table: Any
    comparisons: Sequence[Comparison]
    extras: Sequence[ExtraField]
    model: dict[str, Any]


def joint_scores(
    scoring: Scoring,
    predictions: Any,
    pairwise: dict[tuple[int, int], float],
    labels: Sequence[PairLabel],
    *,
    edge: float,
    exact_limit: int,
    local_limit: int,
    adjust: Callable[[tuple[int, int], float], float] | None = None,
    split: int | None = None,
    partner: float = 0.0,
    priors: tuple[float, float, float] | None = None,
) -> dict[tuple[int, int], float]:
    """Return the probability of each pair given the pairs around it.

    ``adjust`` maps a pair's probability as Splink or the levels score it to the one
    under its list's prior (:func:`~kintrace.linkage.model.list_priors`), as ``pairwise``
    holds it, for the pairs read or scored here: inside a neighbourhood a pair below the
    edge is weighed against its rivals, so it takes its list's prior whichever way that
    moves it. ``split`` and ``partner``: two lists whose pairs
    across hold a partner term, counted once per person on both lists
    (:func:`~kintrace.linkage.joint.joint_probabilities`). ``priors``: the prior log odds
    (natural) of a pair across the lists, of one within the first and of one within the
    second (one list: all three the same); given, a person of three records counts its
    prior and the agreement its records share once per record that joins it, not once per
    pair
    (:func:`~kintrace.linkage.joint.triangle_correction`).

    The pairs of each neighbourhood that were scored below the floor are read from the
    predictions; those the blocking never paired are scored here with the model's m and u
    (without term frequencies). Analysts' decisions count as certain: a confirmed pair
    joins its records, a rejected pair keeps them apart; a decided pair itself keeps its
    pairwise probability.
    """
    decided = {(min(p.left, p.right), max(p.left, p.right)): p.match for p in labels}
    weighed = {**pairwise, **{pair: 1.0 if match else 0.0 for pair, match in decided.items()}}
    hoods = neighbourhoods(
        weighed,
        edge=edge,
        exact_limit=exact_limit,
        local_limit=local_limit,
    )
    needed = sorted({pair for hood in hoods for pair in hood.pairs() if pair not in weighed})
    below = _pairs_below(scoring, predictions, needed)
    if adjust is not None:
        below = {pair: adjust(pair, p) for pair, p in below.items()}
    known = {**weighed, **below}
    triples: dict[Triple, float] = {}
    if priors is not None:
        triples = _triangles(scoring, hoods, known, split, priors)
    joint = joint_probabilities(
        weighed, hoods, known, split=split, partner=partner, triples=triples
    )
    return {pair: pairwise[pair] if pair in decided else joint[pair] for pair in pairwise}


PAIR_CLASSES = ("across", "first", "second")
"""The classes of a pair of records of two lists (the order of the joint step's priors)."""


def pair_class(pair: tuple[int, int], split: int | None) -> str:
    """Return a pair's class: ``across`` two lists, within the ``first`` or the ``second``
    (one list, ``split`` None: within the first).

    >>> [pair_class(pair, 3) for pair in ((0, 5), (0, 2), (4, 5))], pair_class((4, 5), None)
    (['across', 'first', 'second'], 'first')
    """
    if split is None:
        return "first"
    left, right = pair[0] < split, pair[1] < split
    if left != right:
        return "across"
    return "first" if left else "second"


def _triangles(
    scoring: Scoring,
    hoods: Sequence[Any],
    known: dict[tuple[int, int], float],
    split: int | None,
    priors: tuple[float, float, float],
) -> dict[Triple, float]:
    """Return the correction of every three records of a neighbourhood whose pairs all count."""
    wanted: dict[Triple, None] = {}
    for hood in hoods:
        members = hood.members
        for i, first in enumerate(members):
            for j in range(i + 1, len(members)):
                second = members[j]
                if known.get((first, second), 0.0) <= 0.0:
                    continue
                for third in members[j + 1 :]:
                    if min(known.get((first, third), 0.0), known.get((second, third), 0.0)) > 0.0:
                        wanted[(first, second, third)] = None
    if not wanted:
        return {}
    pairs = sorted({pair for a, b, c in wanted for pair in ((a, b), (a, c), (b, c))})
    factors = field_factors(scoring, pairs)

    triples = list(wanted)
    prior_of = dict(zip(PAIR_CLASSES, priors, strict=True))
    # triples × their three pairs × fields (field_factors gives one per comparison), and
    # each pair's prior
    stacked = np.zeros((len(triples), 3, len(scoring.comparisons)), dtype=np.float64)
    pair_priors = np.empty((len(triples), 3), dtype=np.float64)
    for row, (a, b, c) in enumerate(triples):
        for at, pair in enumerate(((a, b), (a, c), (b, c))):
            stacked[row, at] = factors[pair]
            pair_priors[row, at] = prior_of[pair_class(pair, split)]
    corrections = triangle_corrections(stacked, pair_priors)
    return {triple: float(value) for triple, value in zip(triples, corrections, strict=True)}


def field_factors(
    scoring: Scoring, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], npt.NDArray[np.float64]]:
    """Return each pair's natural log Bayes factor of every comparison, in their order.

    The factor of a level is ln(m / u), of an exact level with term frequencies ln(m / f)
    where f is the share of the pair's value among the records (Splink's adjustment);
    a missing field counts 0.
    """
    api, table = scoring.api, scoring.table.physical_name
    rows = pair_levels(api, pairs, table, scoring.comparisons, scoring.extras)
    factors = _bayes_factors(scoring.model)
    m_of = _m_probabilities(scoring.model)
    # the exact level of a comparison with term frequencies: its gamma and column
    tf_levels: dict[str, tuple[int, str]] = {}
    for comparison in scoring.comparisons:
        count = len(comparison.levels) + 1
        for index, level in enumerate(comparison.levels):
            if level.tf_column and comparison.name in m_of:
                tf_levels[comparison.name] = (count - 1 - index, level.tf_column)
    values: dict[str, dict[int, str]] = {}
    shares: dict[str, dict[str, float]] = {}
    ids = sorted({record for pair in pairs for record in pair})
    members = api.register(pa.table({"unique_id": pa.array(ids, pa.int64())}))
    for _, column in tf_levels.values():
        if column in values:
            continue
        counted = api.query_sql(
            f"SELECT {column} AS v, count(*) AS n FROM {table} "
            f"WHERE {column} IS NOT NULL GROUP BY {column}"
        ).as_record_list()
        total = sum(int(r["n"]) for r in counted) or 1
        shares[column] = {str(r["v"]): int(r["n"]) / total for r in counted}
        values[column] = {
            int(r["unique_id"]): str(r["v"])
            for r in api.query_sql(
                f"SELECT t.unique_id, t.{column} AS v FROM {table} t "
                f"JOIN {members.physical_name} x ON t.unique_id = x.unique_id "
                f"WHERE t.{column} IS NOT NULL"
            ).as_record_list()
        }
    names = [comparison.name for comparison in scoring.comparisons]
    found: dict[tuple[int, int], npt.NDArray[np.float64]] = {}
    for row in rows:
        left, right = int(row["unique_id_l"]), int(row["unique_id_r"])
        vector = np.zeros(len(names), dtype=np.float64)
        for at, name in enumerate(names):
            gamma = row[f"gamma_{name}"]
            if gamma is None or int(gamma) < 0:
                continue
            value = factors.get(name, {}).get(int(gamma), 0.0)
            if name in tf_levels and int(gamma) == tf_levels[name][0]:
                column = tf_levels[name][1]
                share = shares[column].get(values[column].get(left, ""), 0.0)
                m = m_of[name].get(int(gamma), 0.0)
                if share > 0.0 and m > 0.0:
                    value = math.log(m / share)
            vector[at] = value
        found[(left, right)] = vector
    return found


def _pairs_below(
    scoring: Scoring, predictions: Any, needed: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], float]:
    """Return the probability of each of ``needed``: as scored, else from the levels."""
    if not needed:
        return {}
    api = scoring.api
    name, scored = _pairs_table(api, needed).physical_name, predictions.physical_name
    ids = "n.unique_id_l AS a, n.unique_id_r AS b, p.match_probability"
    rows = api.query_sql(
        f"SELECT {ids} FROM {name} n JOIN {scored} p "
        "ON p.unique_id_l = n.unique_id_l AND p.unique_id_r = n.unique_id_r UNION ALL "
        f"SELECT {ids} FROM {name} n JOIN {scored} p "
        "ON p.unique_id_l = n.unique_id_r AND p.unique_id_r = n.unique_id_l"
    ).as_record_list()
    found = {(int(r["a"]), int(r["b"])): float(r["match_probability"]) for r in rows}
    unscored = [pair for pair in needed if pair not in found]
    if unscored:
        found.update(_level_probabilities(scoring, unscored))
    return found


def _level_probabilities(
    scoring: Scoring, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], float]:
    """Score ``pairs`` with the model's prior, m and u (no term frequencies)."""
    rows = pair_levels(
        scoring.api, pairs, scoring.table.physical_name, scoring.comparisons, scoring.extras
    )
    return {pair: probability(log_odds) for pair, log_odds in level_log_odds(scoring.model, rows)}


def level_log_odds(
    model: dict[str, Any], rows: Sequence[dict[str, Any]], *, without: str = ""
) -> list[tuple[tuple[int, int], float]]:
    """Return each pair of ``rows`` (from :func:`pair_levels`) with its log odds of a match.

    The log odds are the model's prior plus ln(m / u) of each comparison's level, without
    term frequencies, leaving out the comparison named ``without``.
    """
    prior = float(model["probability_two_random_records_match"])
    factors = {k: v for k, v in _bayes_factors(model).items() if k != without}
    found = []
    for row in rows:
        log_odds = math.log(prior / (1.0 - prior))
        for name, by_gamma in factors.items():
            value = row[f"gamma_{name}"]
            if value is not None and int(value) in by_gamma:
                log_odds += by_gamma[int(value)]
        found.append(((int(row["unique_id_l"]), int(row["unique_id_r"])), log_odds))
    return found


def probability(log_odds: float) -> float:
    """Return the probability of natural log odds ``log_odds`` (bounded, never overflows)."""
    return 1.0 / (1.0 + math.exp(-max(min(log_odds, 700.0), -700.0)))


def levels_by_gamma(model: dict[str, Any]) -> dict[str, dict[int, dict[str, Any]]]:
    """Return each non-null level of a Splink model dict, by comparison and gamma value."""
    found: dict[str, dict[int, dict[str, Any]]] = {}
    for compared in model["comparisons"]:
        levels = [lv for lv in compared["comparison_levels"] if not lv.get("is_null_level")]
        found[compared["output_column_name"]] = {
            len(levels) - 1 - index: level for index, level in enumerate(levels)
        }
    return found


def _m_probabilities(model: dict[str, Any]) -> dict[str, dict[int, float]]:
    """Return m of each non-null level of a Splink model dict, by gamma value."""
    return {
        name: {
            gamma: float(level["m_probability"])
            for gamma, level in levels.items()
            if level.get("m_probability") is not None
        }
        for name, levels in levels_by_gamma(model).items()
    }


def _bayes_factors(model: dict[str, Any]) -> dict[str, dict[int, float]]:
    """Return ln(m / u) of each non-null level of a Splink model dict, by gamma value."""
    return {
        name: {
            gamma: math.log(
                max(float(level["m_probability"]), 1e-300)
                / max(float(level["u_probability"]), 1e-300)
            )
            for gamma, level in levels.items()
            if level.get("m_probability") is not None and level.get("u_probability") is not None
        }
        for name, levels in levels_by_gamma(model).items()
    }
