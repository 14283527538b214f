"""Pairwise match probabilities → the probability of each pair given the pairs around it. Pure.

Fellegi–Sunter scores each pair on its own. But being one person is transitive: if a
request «Петров Александр, 1998» is one man with list entry L1 and with list entry L2, then L1
and L2 are one man too. When L1 and L2 are clearly two men (two full birth dates), at most one
of them can be the request's, and two namesakes scored 0.6 each cannot both be right. At a
million persons such namesakes are common, and pairwise probabilities overstate them (of
the pairs scored 0.5–0.6 at a million synthetic persons, 40% were true).

This module puts the pairwise scores together. A partition of some records into persons has
weight the product, over the pairs it puts in one person, of their pairwise odds p / (1 − p)
(pairs in different persons count 1); the probability that two records are one person is
the total weight of the partitions that join them over the total weight of all partitions.
This is the model behind correlation clustering (Bansal, Blum and Chawla, *Machine Learning*
56, 2004, with log odds as the weights) read as a probability, as in the Bayesian
bipartite matching of Sadinle (*JASA* 112, 2017), and for a record with rivals it is
Jaro's one-to-one assignment (*JASA* 84, 1989) made soft: a record whose candidates are
two different people gets P(j) = o_j / (1 + o_j + o_k), not o_j / (1 + o_j). A pair with no
rival keeps its pairwise probability.

The partitions are counted exactly (Bell numbers: 21,147 partitions of 9 records) over each
*neighbourhood*: the connected component of the pairs scored at or above ``edge`` when it has
at most ``exact_limit`` records, else, for each pair of a larger component, the pair and its
``local_limit`` − 2 strongest neighbours. The partitions of each size are listed once, as a
0/1 matrix of the pairs they join, and the neighbourhoods of one size are counted together
as one matrix product of their log odds (log space: no product overflows).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from kintrace.linkage.clustering import connected_components

Pair = tuple[int, int]
Triple = tuple[int, int, int]

#: the odds of a pair scored 1.0 (certain, or an analyst's confirmation)
MAX_ODDS = 1e8
#: the log odds of a pair that cannot be one person: a partition joining it weighs
#: exp(−10,000 + at most 36 × ln 10^8 = 663), nothing, beside the partition joining nothing
NO_ODDS = -1e4
#: neighbourhoods of one size counted together (memory: batch × partitions × pairs floats)
_BATCH = 64


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """Records whose partitions are counted, and the pairs whose probability they give."""

    members: tuple[int, ...]
    asks: tuple[Pair, ...]

    def pairs(self) -> Iterable[Pair]:
        """Every pair of members (``left < right``): the odds the count needs."""
        return _pairs_among(self.members)


def odds(probability: float) -> float:
    """Return p / (1 − p), capped at :data:`MAX_ODDS`.

    >>> odds(0.5), odds(0.0), odds(1.0)
    (1.0, 0.0, 100000000.0)
    """
    if probability >= 1.0:
        return MAX_ODDS
    return min(probability / (1.0 - probability), MAX_ODDS)


def _components(edges: Sequence[Pair]) -> list[list[int]]:
    """Return the records of each connected component of ``edges``, each sorted."""
    nodes = sorted({node for pair in edges for node in pair})
    if not nodes:
        return []
    roots = connected_components(nodes[-1] + 1, edges)
    found: dict[int, list[int]] = {}
    for node in nodes:
        found.setdefault(roots[node], []).append(node)
    return list(found.values())


def neighbourhoods(
    pairwise: Mapping[Pair, float],
    *,
    edge: float = 0.05,
    exact_limit: int = 9,
    local_limit: int = 6,
) -> list[Neighbourhood]:
    """Return the neighbourhoods to count for the pairs of ``pairwise`` at or above ``edge``.

    ``pairwise`` maps ``(left, right)`` with ``left < right`` to the pairwise probability.
    Components of two records need no count (the pair has no rival) and are left out.

    >>> hoods = neighbourhoods({(0, 1): 0.6, (0, 2): 0.6, (3, 4): 0.9})
    >>> [(h.members, h.asks) for h in hoods]
    [((0, 1, 2), ((0, 1), (0, 2)))]
    """
    edges = sorted(pair for pair, p in pairwise.items() if p >= edge)
    strength: dict[int, dict[int, float]] = {}
    for left, right in edges:
        p = pairwise[(left, right)]
        strength.setdefault(left, {})[right] = p
        strength.setdefault(right, {})[left] = p
    found: list[Neighbourhood] = []
    component_of: dict[int, int] = {}
    components = _components(edges)
    for at, component in enumerate(components):
        for node in component:
            component_of[node] = at
    asked: dict[int, list[Pair]] = {}
    for pair in edges:
        asked.setdefault(component_of[pair[0]], []).append(pair)
    for at, component in enumerate(components):
        if len(component) < 3:
            continue
        asks = tuple(asked[at])
        if len(component) <= exact_limit:
            found.append(Neighbourhood(tuple(component), asks))
            continue
        for left, right in asks:
            near = dict(strength[left])
            for other, p in strength[right].items():
                near[other] = max(p, near.get(other, 0.0))
            near.pop(left, None)
            near.pop(right, None)
            nearest = sorted(near, key=lambda node: (-near[node], node))[: local_limit - 2]
            found.append(Neighbourhood(tuple(sorted({left, right, *nearest})), ((left, right),)))
    return found


def _triples_among(members: Sequence[int]) -> Iterable[Triple]:
    for i, first in enumerate(members):
        for j in range(i + 1, len(members)):
            for third in members[j + 1 :]:
                yield (first, members[j], third)


def _pairs_among(members: Sequence[int]) -> Iterable[Pair]:
    for i, left in enumerate(members):
        for right in members[i + 1 :]:
            yield (left, right)


@cache
def _growth_strings(size: int) -> npt.NDArray[np.int64]:
    """Return every partition of ``size`` records as its restricted growth string (rows)."""
    rows: list[list[int]] = []
    labels = [0] * size

    def grow(index: int, blocks: int) -> None:
        if index == size:
            rows.append(list(labels))
            return
        for label in range(blocks + 1):
            labels[index] = label
            grow(index + 1, max(blocks, label + 1))

    if size == 0:
        return np.zeros((1, 0), dtype=np.int64)
    grow(1, 1)  # the first record is in the first person
    return np.array(rows, dtype=np.int64).reshape(len(rows), size)


@cache
def partitions(size: int) -> npt.NDArray[np.float64]:
    """Return, for every partition of ``size`` records, which of their pairs it joins.

    Rows are partitions (restricted growth strings), columns the pairs in the order of
    :func:`_pairs_among`; 1.0 where the partition puts the pair in one person.
    """
    pairs = list(_pairs_among(range(size)))
    labels = _growth_strings(size)
    if not pairs:
        return np.zeros((len(labels), 0), dtype=np.float64)
    first = np.array([i for i, _ in pairs])
    second = np.array([j for _, j in pairs])
    joins: npt.NDArray[np.float64] = (labels[:, first] == labels[:, second]).astype(np.float64)
    return joins


@cache
def triangles(size: int) -> npt.NDArray[np.float64]:
    """Return, for every partition of ``size`` records, the share it counts of each triple.

    Columns are the triples in the order of :func:`_triples_among`. A triple in one person
    of r records counts 3 / r: the pairs of a person of r records are (r − 1)(r − 2) / 2
    more than a spanning tree of them, and it holds r(r − 1)(r − 2) / 6 triples, so that
    the corrections of its triples add up to that many pairs' worth (exact for r = 3).
    """
    labels = _growth_strings(size)
    triples = list(_triples_among(range(size)))
    if not triples:
        return np.zeros((len(labels), 0), dtype=np.float64)
    first, second, third = (np.array([t[k] for t in triples]) for k in range(3))
    together = (labels[:, first] == labels[:, second]) & (labels[:, first] == labels[:, third])
    sizes = (labels[:, :, None] == labels[:, None, :]).sum(axis=2)  # each record's person
    share: npt.NDArray[np.float64] = np.where(together, 3.0 / sizes[:, first], 0.0)
    return share


@cache
def spanning(sides: tuple[bool, ...]) -> npt.NDArray[np.float64]:
    """Return, for every partition of records on these sides, its persons on both sides.

    ``sides[i]`` tells which of two lists record i is from; a person (block) counts when it
    holds records of both lists: one person listed in each.

    >>> spanning((False, True)).tolist()  # one person on both lists, or two persons
    [1.0, 0.0]
    """
    labels = _growth_strings(len(sides))
    blocks = labels[:, :, None] == np.arange(len(sides))[None, None, :]
    side = np.array(sides, dtype=bool)[None, :, None]
    both = (blocks & side).any(axis=1) & (blocks & ~side).any(axis=1)
    found: npt.NDArray[np.float64] = both.sum(axis=1).astype(np.float64)
    return found


def together_batch(
    log_odds: npt.NDArray[np.float64],
    size: int,
    bonus: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]:
    """Return P(one person) of every pair of each row of ``log_odds`` (rows × pairs).

    A row holds the natural log of the odds of each pair of ``size`` records, in the order
    of :func:`_pairs_among` (:data:`NO_ODDS` for odds 0). Each partition weighs exp(sum of
    the log odds of the pairs it joins, plus its ``bonus``, rows × partitions, if given),
    summed in log space, so that no product overflows.
    """
    joins = partitions(size)
    scores = log_odds @ joins.T
    if bonus is not None:
        scores = scores + bonus
    scores -= scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    joined: npt.NDArray[np.float64] = (weights @ joins) / weights.sum(axis=1, keepdims=True)
    return joined


def together(weights: Sequence[Sequence[float]]) -> list[list[float]]:
    """Return P(i and j are one person) for every two of the records of an odds matrix.

    ``weights[i][j]`` is the odds of records i and j (symmetric); a partition weighs the
    product of the odds of the pairs it puts together.

    >>> [round(x, 4) for x in together([[0, 1.5, 1.5], [1.5, 0, 0], [1.5, 0, 0]])[0]]
    [0.0, 0.375, 0.375]
    """
    size = len(weights)
    pairs = list(_pairs_among(range(size)))
    row = np.array([[_log(weights[i][j]) for i, j in pairs]], dtype=np.float64)
    joined = [[0.0] * size for _ in range(size)]
    for (i, j), value in zip(pairs, together_batch(row, size)[0], strict=True):
        joined[i][j] = joined[j][i] = float(value)
    return joined


def _log(odds_value: float) -> float:
    return max(math.log(odds_value), NO_ODDS) if odds_value > 0.0 else NO_ODDS


def joint_probabilities(
    pairwise: Mapping[Pair, float],
    hoods: Sequence[Neighbourhood],
    known: Mapping[Pair, float],
    *,
    split: int | None = None,
    partner: float = 0.0,
    triples: Mapping[Triple, float] | None = None,
) -> dict[Pair, float]:
    """Return the probability of every pair of ``pairwise``, given the pairs around it.

    ``hoods`` come from :func:`neighbourhoods`; ``known`` gives the pairwise probability of
    every pair of their members (pairs the blocking never scored included, scored for this);
    a pair absent from ``known`` counts as clearly different (odds 0). Pairs that no
    neighbourhood asks for keep their pairwise probability.

    Two lists (records before ``split`` and the rest) whose pairs across hold ``partner``
    (natural log odds) for the one partner a record has at most (see
    :func:`~kintrace.linkage.model.list_priors`): the partner term is counted once for each
    person on both lists, not once for each of its pairs across, so that a request written
    twice and its list entry, or two namesakes and one request, are not favoured by it
    twice.

    ``triples`` maps three records ``(i, j, k)``, ``i < j < k``, to the natural log
    correction of a person that holds all three (see :func:`triangle_correction`): the
    product of a person's pairwise odds counts its prior and the agreement its records
    share once per pair, where the person's own evidence counts them once per record that
    joins it (a spanning tree). Triples absent count 0.

    >>> pairwise = {(0, 1): 0.6, (0, 2): 0.6}
    >>> hoods = neighbourhoods(pairwise)
    >>> joint = joint_probabilities(pairwise, hoods, {**pairwise, (1, 2): 0.0})
    >>> {pair: round(p, 3) for pair, p in joint.items()}
    {(0, 1): 0.375, (0, 2): 0.375}
    """
    result = dict(pairwise)
    by_size: dict[int, list[Neighbourhood]] = {}
    for hood in hoods:
        by_size.setdefault(len(hood.members), []).append(hood)
    for size, group in by_size.items():
        for start in range(0, len(group), _BATCH):
            batch = group[start : start + _BATCH]
            log_odds = np.array(
                [[_log(odds(known.get(pair, 0.0))) for pair in hood.pairs()] for hood in batch],
                dtype=np.float64,
            ).reshape(len(batch), size * (size - 1) // 2)
            bonus = None
            if split is not None and partner:
                across = np.array(
                    [[(i < split) != (j < split) for i, j in hood.pairs()] for hood in batch],
                    dtype=bool,
                ).reshape(log_odds.shape)
                log_odds = np.where(across & (log_odds > NO_ODDS), log_odds - partner, log_odds)
                bonus = partner * np.array(
                    [spanning(tuple(m >= split for m in hood.members)) for hood in batch]
                )
            if triples:
                corrections = np.array(
                    [[triples.get(t, 0.0) for t in _triples_among(hood.members)] for hood in batch],
                    dtype=np.float64,
                ).reshape(len(batch), -1)
                if corrections.any():
                    shared = corrections @ triangles(size).T
                    bonus = shared if bonus is None else bonus + shared
            joined = together_batch(log_odds, size, bonus)
            for hood, row in zip(batch, joined, strict=True):
                column = {pair: at for at, pair in enumerate(hood.pairs())}
                for pair in hood.asks:
                    result[pair] = float(row[column[pair]])
    return result


def triangle_correction(
    fields: Sequence[npt.NDArray[np.float64]], priors: Sequence[float]
) -> float:
    """Return the log correction of a person holding three records, from its three pairs.

    ``fields`` holds each pair's natural log Bayes factor of every field (one array per
    pair, fields in one order), ``priors`` each pair's prior log odds. Three records of one
    person that agree on a field (a surname all three write, say) give the factor of that
    agreement in each of their three pairs, where the person's evidence holds it twice:
    once for each record that joins the first (Fellegi–Sunter's factor of three agreeing
    values v of share f is (m / f)² against three different men, the three pairs' product
    (m / f)³). The prior likewise: the three pairs' product holds three pairs' priors, a
    person of three records two. The correction takes off, for each field on which all
    three pairs agree (a positive factor), the least of the three factors, and adds back
    the largest of the three priors (the pair likeliest a priori, whose link the other two
    imply). Disagreement is left as it is counted: it can only keep records apart.

    >>> round(triangle_correction([np.array([3.0, 1.0])] * 2 + [np.array([2.0, -1.0])],
    ...     [-9.0, -9.0, -11.0]), 6)
    7.0
    """
    stacked = np.vstack(fields)[None, :, :]
    return float(triangle_corrections(stacked, np.array([priors], dtype=np.float64))[0])


def triangle_corrections(
    fields: npt.NDArray[np.float64], priors: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Return :func:`triangle_correction` of many triples at once.

    ``fields``: triples × 3 pairs × fields, each pair's natural log Bayes factors;
    ``priors``: triples × 3, each pair's prior log odds.
    """
    shared = np.where((fields > 0.0).all(axis=1), fields.min(axis=1), 0.0)
    corrections: npt.NDArray[np.float64] = -shared.sum(axis=1) - priors.max(axis=1)
    return corrections
