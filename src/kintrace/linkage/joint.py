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

The partitions are counted exactly (Bell numbers: 21,147 partitions of 9 records, far fewer
once pairs of odds 0 are pruned) over each *neighbourhood*: the connected component of the
pairs scored at or above ``edge`` when it has at most ``exact_limit`` records, else, for each
pair of a larger component, the pair and its ``local_limit`` − 2 strongest neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Pair = tuple[int, int]

#: odds are capped so that the product over a neighbourhood's pairs stays finite
#: (36 pairs among 9 records, 10^8 each: 10^288)
MAX_ODDS = 1e8


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


def _components(edges: Iterable[Pair]) -> list[list[int]]:
    adjacent: dict[int, list[int]] = {}
    for left, right in edges:
        adjacent.setdefault(left, []).append(right)
        adjacent.setdefault(right, []).append(left)
    seen: set[int] = set()
    found: list[list[int]] = []
    for start in adjacent:
        if start in seen:
            continue
        seen.add(start)
        stack, component = [start], []
        while stack:
            node = stack.pop()
            component.append(node)
            for other in adjacent[node]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        found.append(sorted(component))
    return found


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
    for component in _components(edges):
        if len(component) < 3:
            continue
        inside = set(component)
        asks = tuple(
            pair for pair in _pairs_among(component) if pair in pairwise and pairwise[pair] >= edge
        )
        if len(component) <= exact_limit:
            found.append(Neighbourhood(tuple(component), asks))
            continue
        for left, right in asks:
            near = {**strength[left]}
            for other, p in strength[right].items():
                near[other] = max(p, near.get(other, 0.0))
            near.pop(left, None)
            near.pop(right, None)
            nearest = sorted(near, key=lambda node: (-near[node], node))[: local_limit - 2]
            members = tuple(sorted({left, right, *nearest} & inside))
            found.append(Neighbourhood(members, ((left, right),)))
    return found


def _pairs_among(members: Sequence[int]) -> Iterable[Pair]:
    for i, left in enumerate(members):
        for right in members[i + 1 :]:
            yield (left, right)


def together(weights: Sequence[Sequence[float]]) -> list[list[float]]:
    """Return P(i and j are one person) for every two of the records of an odds matrix.

    ``weights[i][j]`` is the odds of records i and j (symmetric); a partition weighs the
    product of the odds of the pairs it puts together.

    >>> [round(x, 4) for x in together([[0, 1.5, 1.5], [1.5, 0, 0], [1.5, 0, 0]])[0]]
    [0.0, 0.375, 0.375]
    """
    size = len(weights)
    joined = [[0.0] * size for _ in range(size)]
    total = 0.0
    blocks: list[list[int]] = []

    def place(index: int, weight: float) -> None:
        nonlocal total
        if index == size:
            total += weight
            for block in blocks:
                for at, left in enumerate(block):
                    for right in block[at + 1 :]:
                        joined[left][right] += weight
            return
        row = weights[index]
        for block in blocks:
            grown = weight
            for member in block:
                grown *= row[member]
                if grown == 0.0:
                    break
            if grown > 0.0:
                block.append(index)
                place(index + 1, grown)
                block.pop()
        blocks.append([index])
        place(index + 1, weight)
        blocks.pop()

    place(0, 1.0)
    for left in range(size):
        for right in range(left + 1, size):
            joined[left][right] /= total
            joined[right][left] = joined[left][right]
    return joined


def joint_probabilities(
    pairwise: Mapping[Pair, float],
    hoods: Sequence[Neighbourhood],
    known: Mapping[Pair, float],
) -> dict[Pair, float]:
    """Return the probability of every pair of ``pairwise``, given the pairs around it.

    ``hoods`` come from :func:`neighbourhoods`; ``known`` gives the pairwise probability of
    every pair of their members (pairs the blocking never scored included, scored for this);
    a pair absent from ``known`` counts as clearly different (odds 0). Pairs that no
    neighbourhood asks for keep their pairwise probability.

    >>> pairwise = {(0, 1): 0.6, (0, 2): 0.6}
    >>> hoods = neighbourhoods(pairwise)
    >>> joint = joint_probabilities(pairwise, hoods, {**pairwise, (1, 2): 0.0})
    >>> {pair: round(p, 3) for pair, p in joint.items()}
    {(0, 1): 0.375, (0, 2): 0.375}
    """
    result = dict(pairwise)
    for hood in hoods:
        members = hood.members
        weights = [[0.0] * len(members) for _ in members]
        for i, left in enumerate(members):
            for j in range(i + 1, len(members)):
                value = odds(known.get((left, members[j]), 0.0))
                weights[i][j] = weights[j][i] = value
        joined = together(weights)
        index = {node: at for at, node in enumerate(members)}
        for left, right in hood.asks:
            result[(left, right)] = joined[index[left]][index[right]]
    return result
