"""Joint identification: the best assignments of remains to missing persons and posteriors.

An assignment maps each remains to at most one missing person and each missing person to at most
one remains. Its LR against the null assignment (nobody identified) is the product over families
of ``L(F with its victims placed) / (L(F) · prod L(V))`` (Vigeland & Egeland 2021, eq. 2): the
pairwise LR for a family that receives one victim, the exact peeled likelihood for a family that
receives several. Under a flat prior over assignments the posterior of an assignment is its LR
over the sum of all LRs, and the posterior pairing probability ``P(V = M)`` sums the posteriors
of the assignments that pair them (dvir ``Bmarginal``).

The *model* pairs are the sex-consistent pairs of an identifiable missing person with at most
``max_incompatible`` incompatible markers and an LR above ``limit``; every posterior here is
within that model. Model pairs with LR below ``group_limit`` (1 by default) are left out of the
search only when their missing person is the only one of his family in the model (the family's
LR is then the pair's, and dropping the pair raises the assignment's LR); with several missing
persons in a family every model pair stays in. The *search* pairs split into connected
components (remains and missing persons linked by search pairs, the missing persons of one
family always together) which are solved alone; the best joint solutions are merged from the
components' best lists.

Within a component the search goes family by family (:class:`_Component`): each family's
options are the placements of the component's bodies on its missing persons, scored exactly.
When the number of assignments (at most ``prod (options of each family)``) is below
``max_enumerate``, every assignment is visited. Otherwise a depth-first branch and bound visits
the assignments, keeping the ``keep`` best; a subtree is skipped when it cannot beat the worst
kept one (its score plus each remaining family's best option, a safe bound) and its mass bound
(its score times ``prod (sum of option LRs)`` over the families still to place) is negligible
against the mass found; after ``max_nodes`` nodes every subtree is skipped. ``pairing``
normalises over the visited assignments (an estimate).

``lower`` is a guaranteed lower bound on the posterior pairing probability in the full model:
``P(V = M) >= (1 - leak) · found(V = M) / (found + left_out)``, where ``left_out`` sums the
mass bounds of the skipped subtrees and ``leak`` sums ``LR / (1 + LR)`` over the model pairs
left out of the search that touch the component (the posterior of such a pair is at most that,
and when none is used the component's distribution is exactly the one searched). Only a family
with more than ``max_options`` placements is searched person by person with pairwise bounds
(visited assignments rescored exactly); there the bound is approximate.
:func:`local_lower_bound` gives a second bound, from the pair's own row and column only.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kintrace.dvi.pairwise import PairwiseMatrix

Pairs = tuple[tuple[int, int], ...]
"""An assignment as sorted ``(remains column, missing row)`` pairs; absent remains are unmatched."""

ExactScore = Callable[[str, Sequence[Pairs]], list[float]]
"""log10 LR of a family receiving several victims, for many placements at once:
(family, the placements' pairs) -> one log10 LR each (scored in one batched peeling)."""


@dataclass(frozen=True, slots=True)
class Solution:
    """One joint assignment: its pairs, log10 LR against the null assignment and posterior."""

    pairs: Pairs
    log10_lr: float
    posterior: float


@dataclass(frozen=True, slots=True, eq=False)
class JointResult:
    """Best joint solutions, posterior pairing probabilities and how they were obtained.

    ``pairing`` has the pairwise matrix's shape (missing × remains); ``unmatched_missing`` and
    ``unmatched_remains`` are the posterior probabilities of no identification (estimates, over
    the visited assignments), ``unmatched_missing_lower`` and ``unmatched_remains_lower``
    guaranteed lower bounds on them (see :func:`unmatched_lower_bounds`).
    """

    solutions: tuple[Solution, ...]
    pairing: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    unmatched_missing: npt.NDArray[np.float64]
    unmatched_remains: npt.NDArray[np.float64]
    candidates: npt.NDArray[np.bool_]
    components: int
    exact: bool
    unmatched_missing_lower: npt.NDArray[np.float64]
    unmatched_remains_lower: npt.NDArray[np.float64]


def candidate_mask(
    pm: PairwiseMatrix, *, max_incompatible: int = 2, limit: float = 0.0
) -> npt.NDArray[np.bool_]:
    """Return the pairs that the joint search considers (see the module docstring)."""
    with np.errstate(invalid="ignore"):
        above = pm.log10_lr > (math.log10(limit) if limit > 0.0 else -math.inf)
    mask: npt.NDArray[np.bool_] = (
        pm.considered & above & (pm.incompatible <= max_incompatible) & pm.identifiable[:, None]
    )
    return mask


def components(
    mask: npt.NDArray[np.bool_], families: Sequence[str] | None = None
) -> list[tuple[list[int], list[int]]]:
    """Split candidate pairs into connected components: (missing rows, remains columns) each.

    With ``families`` (the family of each row) the missing persons of one family with candidate
    pairs always share a component: their placements are weighed together in one family
    likelihood, so they are not independent even when no body links them.
    """
    n_rows, n_cols = mask.shape
    root = list(range(n_rows + n_cols))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for r, c in zip(*np.nonzero(mask), strict=True):
        root[find(int(r))] = find(n_rows + int(c))
    active = np.flatnonzero(mask.any(axis=1))
    if families is not None:
        first: dict[str, int] = {}
        for r in active:
            other = first.setdefault(families[int(r)], int(r))
            root[find(int(r))] = find(other)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for r in active:
        groups.setdefault(find(int(r)), ([], []))[0].append(int(r))
    for c in np.flatnonzero(mask.any(axis=0)):
        groups[find(n_rows + int(c))][1].append(int(c))
    return [(sorted(rows), sorted(cols)) for rows, cols in groups.values()]


class _Search:
    """Running totals of a component search: kept best list, found mass per pair, pruned bound.

    Masses are stored relative to ``10**ref`` (the first leaf's score, raised when a better leaf
    appears) so that they neither overflow nor underflow for the leaves that matter.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.heap: list[tuple[float, int, Pairs]] = []
        self.counter = itertools.count()
        self.ref: float | None = None
        self.found = 0.0
        self.by_pair: dict[tuple[int, int], float] = {}
        self.left_out = -math.inf
        """log10 of an upper bound on the mass of the assignments that were never visited."""

    def _rescale(self, score: float) -> None:
        if self.ref is None:
            self.ref = score
        elif score > self.ref + 100.0:
            factor = 10.0 ** (self.ref - score)
            self.found *= factor
            self.by_pair = {k: v * factor for k, v in self.by_pair.items()}
            self.ref = score

    def leaf(self, score: float, pairs: Pairs) -> None:
        """Record one visited assignment."""
        if score > -math.inf:
            self._rescale(score)
            assert self.ref is not None
            weight = 10.0 ** (score - self.ref)
            self.found += weight
            for pair in pairs:
                self.by_pair[pair] = self.by_pair.get(pair, 0.0) + weight
        item = (score, next(self.counter), pairs)
        if len(self.heap) < self.keep:
            heapq.heappush(self.heap, item)
        elif score > self.heap[0][0]:
            heapq.heapreplace(self.heap, item)

    def prune(self, log10_mass: float) -> None:
        """Add an unvisited subtree's mass bound to the left-out total."""
        self.left_out = _log10_add(self.left_out, log10_mass)

    def log10_found(self) -> float:
        """Return log10 of the visited mass."""
        if self.ref is None or self.found <= 0.0:
            return -math.inf
        return self.ref + math.log10(self.found)

    def negligible(self, log10_mass: float, tolerance: float) -> bool:
        """Whether a subtree's mass bound is below ``tolerance`` times the visited mass."""
        return log10_mass <= self.log10_found() + math.log10(tolerance)

    def scored(self) -> list[tuple[float, Pairs]]:
        """Return the kept assignments, best first."""
        return [(s, p) for s, _, p in sorted(self.heap, key=lambda x: (-x[0], x[1]))]


def _log10_sum(values: Sequence[float]) -> float:
    """Return ``log10(sum of 10**v)`` (``-inf`` for no values)."""
    finite = [v for v in values if v > -math.inf]
    if not finite:
        return -math.inf
    top = max(finite)
    return top + math.log10(sum(10.0 ** (v - top) for v in finite))


def _log10_add(a: float, b: float) -> float:
    """Return ``log10(10**a + 10**b)`` without overflow."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    hi, lo = max(a, b), min(a, b)
    return hi + math.log10(1.0 + 10.0 ** (lo - hi))


class _Component:
    """One connected component: its families, each family's options and the search over them.

    A *unit* is a family of the component. Its *options* are every way to place the component's
    remains on its missing persons (each person at most one body, each body at most one person,
    the empty placement included), each with its exact log10 LR: the pairwise LR for one victim,
    :data:`ExactScore` (the whole family pedigree with all its victims placed at once) for
    several. An assignment of the component picks one option per unit, no body used twice; its
    log10 LR is the sum of the options' (families are independent given the assignment).

    A family with more than ``max_options`` options is split into one unit per missing person
    (pairwise LRs, pairs below ``group_limit`` left out, leaves rescored exactly): the search of
    that component is then not exact (``exact`` False).
    """

    def __init__(
        self,
        rows: list[int],
        mask: npt.NDArray[np.bool_],
        log10_lr: npt.NDArray[np.float64],
        families: Sequence[str],
        exact_score: ExactScore | None,
        *,
        max_options: int = 5_000,
        strong: npt.NDArray[np.bool_] | None = None,
        unit_of: Sequence[str] | None = None,
    ) -> None:
        self.families = families
        self.unit_of = families if unit_of is None else unit_of
        self.exact_score = exact_score
        self.exact = True
        by_family: dict[str, list[int]] = {}
        for r in rows:
            by_family.setdefault(self.unit_of[r], []).append(r)
        units: list[list[tuple[float, Pairs]]] = []
        self.rescored: set[str] = set()
        for unit, family_rows in by_family.items():
            family = families[family_rows[0]]
            cands = [[int(c) for c in np.flatnonzero(mask[r])] for r in family_rows]
            if len(family_rows) > 1 and _count_options(cands, max_options) > max_options:
                self.exact = False
                self.rescored.add(unit)
                for r in family_rows:
                    keep = mask[r] if strong is None else mask[r] & strong[r]
                    units.append(
                        [(0.0, ())]
                        + [(float(log10_lr[r, c]), ((int(c), r),)) for c in np.flatnonzero(keep)]
                    )
                continue
            placements = _placements(family_rows, cands)
            several = [pairs for pairs in placements if len(pairs) > 1]
            exact = dict(
                zip(several, exact_score(family, several), strict=True)
                if exact_score is not None and several
                else ()
            )
            options: list[tuple[float, Pairs]] = []
            for pairs in placements:
                if len(pairs) == 0:
                    score = 0.0
                elif len(pairs) == 1:
                    score = float(log10_lr[pairs[0][1], pairs[0][0]])
                elif exact_score is not None:
                    score = exact[pairs]
                else:
                    score = sum(float(log10_lr[r, c]) for c, r in pairs)
                options.append((score, pairs))
            units.append(options)
        for options in units:
            options.sort(key=lambda x: (-x[0], len(x[1]), x[1]))
        best = [max(0.0, options[0][0]) for options in units]
        order = sorted(range(len(units)), key=lambda i: -best[i])
        self.units = [units[i] for i in order]
        self.bound = list(itertools.accumulate(reversed([best[i] for i in order])))[::-1] + [0.0]
        """Safe bound on what the units from ``i`` on can add: each unit's best option (the
        rule that no body is used twice dropped)."""
        spread = [_log10_sum([w for w, _ in options]) for options in self.units]
        self.log_mass = list(itertools.accumulate(reversed(spread)))[::-1] + [0.0]
        """log10 of ``prod over units from i on of (sum of their options' LRs)``: a bound on the
        mass of all completions (the one-body-per-person rule dropped)."""

    def size(self, cap: int) -> int:
        """Return an upper bound on the number of assignments (capped)."""
        total = 1
        for options in self.units:
            total *= len(options)
            if total > cap:
                return cap + 1
        return total

    def rescore(self, pairs: list[Pairs], score: float) -> float:
        """Replace the pairwise score of each split family with several victims by its exact one."""
        if not self.rescored or self.exact_score is None:
            return score
        by_family: dict[str, list[tuple[int, int]]] = {}
        for option in pairs:
            for c, r in option:
                if self.unit_of[r] in self.rescored:
                    by_family.setdefault(self.unit_of[r], []).append((c, r))
        for items in by_family.values():
            if len(items) > 1:
                score -= sum(self._pairwise[c, r] for c, r in items)
                family = self.families[items[0][1]]
                score += self.exact_score(family, [tuple(sorted(items))])[0]
        return score

    _pairwise: dict[tuple[int, int], float]

    def search(
        self, keep: int, *, prune: bool, max_nodes: int, tolerance: float
    ) -> tuple[_Search, bool]:
        """Visit the assignments depth first; return the totals and whether every one was seen.

        Without ``prune`` every assignment is visited. With it, a subtree is skipped when it
        cannot reach the ``keep`` best found so far (its score plus the best option of each
        remaining unit, a safe bound) and its mass bound (score plus ``log_mass``) is below
        ``tolerance`` times the mass found so far; after ``max_nodes`` nodes every subtree is
        skipped. Each skipped subtree adds its mass bound to ``left_out``.
        """
        self._pairwise = {
            (c, r): w for options in self.units for w, pairs in options if len(pairs) == 1
            for c, r in pairs
        }  # fmt: skip
        totals = _Search(keep)
        used: set[int] = set()
        chosen: list[Pairs] = []
        nodes = 0
        n = len(self.units)

        def enter(i: int, score: float) -> bool:
            """Count the node, prune it or score its leaf; return whether to expand it."""
            nonlocal nodes
            nodes += 1
            if prune:
                mass = score + self.log_mass[i]
                if nodes > max_nodes:
                    totals.prune(mass)
                    return False
                heap = totals.heap
                if (
                    len(heap) >= keep
                    and score + self.bound[i] <= heap[0][0]
                    and totals.negligible(mass, tolerance)
                ):
                    totals.prune(mass)
                    return False
            if i == n:
                exact = self.rescore(chosen, score)
                totals.leaf(exact, tuple(sorted(pair for option in chosen for pair in option)))
                return False
            return True

        # Depth first with an explicit stack (one frame per unit: as deep as the component has
        # families, past Python's recursion limit), each option of unit i in turn (best first).
        # A frame is [unit, score, next option, option placed by this frame or None].
        stack: list[list[Any]] = [[0, 0.0, 0, None]] if enter(0, 0.0) else []
        while stack:
            frame = stack[-1]
            i, score, k, placed = frame
            if placed is not None:
                chosen.pop()
                used.difference_update(c for c, _ in placed)
                frame[3] = None
            options = self.units[i]
            while k < len(options) and any(c in used for c, _ in options[k][1]):
                k += 1
            if k < len(options):
                w, pairs = options[k]
                frame[2], frame[3] = k + 1, pairs
                used.update(c for c, _ in pairs)
                chosen.append(pairs)
                if enter(i + 1, score + w):
                    stack.append([i + 1, score + w, 0, None])
            else:
                stack.pop()
        return totals, totals.left_out == -math.inf and self.exact


def _count_options(cands: list[list[int]], cap: int) -> int:
    """Return the number of placements of bodies on a family's persons (capped past ``cap``)."""
    counts: dict[frozenset[int], int] = {frozenset(): 1}
    for row in cands:
        nxt: dict[frozenset[int], int] = {}
        for used, k in counts.items():
            nxt[used] = nxt.get(used, 0) + k
            for c in row:
                if c not in used:
                    key = used | {c}
                    nxt[key] = nxt.get(key, 0) + k
        counts = nxt
        if sum(counts.values()) > cap or len(counts) > cap:
            return cap + 1
    return sum(counts.values())


def _placements(rows: list[int], cands: list[list[int]]) -> list[Pairs]:
    """Return every placement of bodies on the persons ``rows`` (``cands[i]`` for ``rows[i]``),
    each body at most once, as sorted ``(column, row)`` pairs; the empty placement first."""
    out: list[Pairs] = [()]
    for r, row in zip(rows, cands, strict=True):
        out = out + [
            tuple(sorted((*pairs, (c, r))))
            for pairs in out
            for c in row
            if all(c != used for used, _ in pairs)
        ]
    return out


def _posteriors(scored: list[tuple[float, Pairs]], log10_total: float) -> list[float]:
    return [10.0 ** (score - log10_total) if score > -math.inf else 0.0 for score, _ in scored]


def merge_best(lists: Sequence[Sequence[Solution]], top: int) -> list[Solution]:
    """Combine independent components' best lists into the ``top`` best joint solutions.

    >>> a = [Solution(((0, 0),), 2.0, 0.9), Solution((), 0.0, 0.1)]
    >>> b = [Solution(((1, 1),), 1.0, 0.5), Solution((), 1.0, 0.5)]
    >>> [(s.pairs, s.log10_lr) for s in merge_best([a, b], 2)]
    [(((0, 0), (1, 1)), 3.0), (((0, 0),), 3.0)]
    """
    merged = [Solution((), 0.0, 1.0)]
    for solutions in lists:
        combos = [
            Solution(
                tuple(sorted(x.pairs + y.pairs)), x.log10_lr + y.log10_lr, x.posterior * y.posterior
            )
            for x in merged
            for y in solutions
        ]
        combos.sort(key=lambda s: -s.log10_lr)
        merged = combos[:top]
    return merged


def with_left_out(
    solutions: Sequence[Solution],
    left_out: npt.NDArray[np.bool_],
    log10_lr: npt.NDArray[np.float64],
    top: int,
) -> list[Solution]:
    """Return the ``top`` best assignments once the pairs left out of the search may be added.

    Every left-out pair has LR below 1 and is its family's only missing person's, so adding it
    to an assignment multiplies the LR by its own LR < 1. An assignment holding left-out pairs
    ranks below the same assignment without them, which is therefore among the ``top`` best of
    the search: the answer is found by extending ``solutions`` best first (a heap over sorted
    left-out pairs; from a set ending in pair ``i``, add the next compatible pair, or replace
    ``i`` by the next compatible one: each set is reached once, never with a larger LR than its
    parent). Posteriors are scaled by the added pairs' LRs (normalised over the searched mass).

    >>> sols = [Solution(((0, 0),), 2.0, 0.9), Solution((), 0.0, 0.1)]
    >>> left = np.array([[False, False], [False, True]])
    >>> lr = np.array([[2.0, -np.inf], [-np.inf, -0.5]])
    >>> [(s.pairs, s.log10_lr) for s in with_left_out(sols, left, lr, 3)]
    [(((0, 0),), 2.0), (((0, 0), (1, 1)), 1.5), ((), 0.0)]
    """
    rows, cols = np.nonzero(left_out & (log10_lr < 0.0))
    if len(rows) == 0 or not solutions:
        return list(solutions)[:top]
    order = np.argsort(-log10_lr[rows, cols], kind="stable")
    pairs = [(int(cols[k]), int(rows[k]), float(log10_lr[rows[k], cols[k]])) for k in order]
    counter = itertools.count()
    heap: list[tuple[float, int, Solution, tuple[int, ...]]] = [
        (-s.log10_lr, next(counter), s, ()) for s in solutions
    ]
    heapq.heapify(heap)

    def following(base: Solution, added: Sequence[int], after: int) -> int:
        used_c = {c for c, _ in base.pairs} | {pairs[k][0] for k in added}
        used_r = {r for _, r in base.pairs} | {pairs[k][1] for k in added}
        for j in range(after + 1, len(pairs)):
            if pairs[j][0] not in used_c and pairs[j][1] not in used_r:
                return j
        return -1

    out: list[Solution] = []
    while heap and len(out) < top:
        _, _, base, added = heapq.heappop(heap)
        score = base.log10_lr + sum(pairs[k][2] for k in added)
        out.append(
            Solution(
                tuple(sorted(base.pairs + tuple(pairs[k][:2] for k in added))),
                score,
                base.posterior * 10.0 ** (score - base.log10_lr),
            )
        )
        last = added[-1] if added else -1
        j = following(base, added, last)
        if j >= 0:
            heapq.heappush(heap, (-(score + pairs[j][2]), next(counter), base, (*added, j)))
        if added:
            j = following(base, added[:-1], last)
            if j >= 0:
                heapq.heappush(
                    heap,
                    (-(score - pairs[last][2] + pairs[j][2]), next(counter), base,
                     (*added[:-1], j)),
                )  # fmt: skip
    return out


def dropped_mass(
    model: npt.NDArray[np.bool_], kept: npt.NDArray[np.bool_], log10_lr: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Return ``LR / (1 + LR)`` of each model pair left out of the groups, else 0.

    ``LR / (1 + LR)`` bounds the posterior probability of that pair under a flat prior: the
    assignments that use it weigh ``LR`` times those that leave both its ends unmatched.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        share = 1.0 / (1.0 + np.power(10.0, -np.where(model & ~kept, log10_lr, -np.inf)))
    result: npt.NDArray[np.float64] = np.where(model & ~kept, share, 0.0)
    return result


def joint_search(
    pm: PairwiseMatrix,
    *,
    exact_score: ExactScore | None = None,
    max_incompatible: int = 2,
    limit: float = 0.0,
    group_limit: float = 1.0,
    top: int = 20,
    max_enumerate: int = 100_000,
    keep: int = 500,
    max_nodes: int = 2_000_000,
    tolerance: float = 1e-9,
    max_options: int = 5_000,
    unit_of: Sequence[str] | None = None,
) -> JointResult:
    """Find the best joint assignments and the posterior pairing probabilities, with bounds.

    Args:
        pm: the pairwise matrix (rows missing persons, columns remains).
        exact_score: exact log10 LR of a family receiving several victims (see
            :func:`kintrace.dvi.likelihoods.placed_log10_lr`); None uses pairwise products.
        max_incompatible: a pair with more incompatible markers is excluded.
        limit: pairs with LR at or below this are left out of the model (0 keeps every LR > 0).
        group_limit: model pairs with LR below this are left out of the search (they never
            belong to the best solution); their posterior mass is bounded instead.
        top: number of best joint solutions returned.
        max_enumerate: components with at most this many assignments are enumerated exactly.
        keep: assignments kept per component by the branch-and-bound search.
        max_nodes: search nodes per component; unvisited subtrees are then bounded.
        tolerance: branch and bound skips a subtree whose mass bound is below this fraction of
            the mass found so far (and which cannot enter the ``keep`` best).
        max_options: a family with more placements of the component's bodies on its missing
            persons is searched person by person with pairwise bounds (not exact).
        unit_of: the search unit of each row (default: its family). Rows of one family in
            different units must be independent given the family's typed members
            (:func:`kintrace.dvi.data.independent_groups`): the family's LR is then the product
            of its units' exact LRs, and each unit's placements are enumerated alone (a sum of
            option counts instead of their product).

    Returns:
        The joint result; solutions best first, with log10 LR against the null assignment.
    """
    model = candidate_mask(pm, max_incompatible=max_incompatible, limit=limit)
    with np.errstate(invalid="ignore"):
        strong = pm.log10_lr >= (math.log10(group_limit) if group_limit > 0.0 else -math.inf)
    # A pair below group_limit is left out only when its missing person is his family's only
    # one in the model: the family's LR is then the pair's LR, and dropping the pair from any
    # assignment multiplies its LR by 1 / LR(pair) > 1, so no best assignment holds it. With
    # several missing persons in the family, the family's LR is not a product of pairwise LRs
    # and every model pair stays in.
    rows_of: dict[str, int] = {}
    for row in np.flatnonzero(model.any(axis=1)):
        rows_of[pm.families[int(row)]] = rows_of.get(pm.families[int(row)], 0) + 1
    multi = np.array([rows_of.get(f, 0) > 1 for f in pm.families], dtype=bool)
    mask = model & (strong | multi[:, None])
    dropped = dropped_mass(model, mask, pm.log10_lr)
    n_rows, n_cols = mask.shape
    pairing = np.zeros((n_rows, n_cols))
    lower = np.zeros((n_rows, n_cols))
    lists: list[list[Solution]] = []
    exact = not dropped.any()
    parts = components(mask, pm.families)
    group_missing = np.zeros(n_rows)
    group_remains = np.zeros(n_cols)
    for rows, cols in parts:
        comp = _Component(
            rows, mask, pm.log10_lr, pm.families, exact_score, max_options=max_options,
            strong=strong, unit_of=unit_of,
        )  # fmt: skip
        enumerate_all = comp.size(max_enumerate) <= max_enumerate
        totals, finished = comp.search(
            top if enumerate_all else max(keep, top), prune=not enumerate_all,
            max_nodes=max_nodes, tolerance=tolerance,
        )  # fmt: skip
        exact = exact and finished
        log10_found = totals.log10_found()
        log10_all = _log10_add(log10_found, totals.left_out)
        leak = float(
            dropped[rows].sum() + dropped[:, cols].sum() - dropped[np.ix_(rows, cols)].sum()
        )
        keep_share = max(0.0, 1.0 - leak) * 10.0 ** (log10_found - log10_all)
        for (c, r), weight in totals.by_pair.items():
            share = weight / totals.found
            pairing[r, c] = share
            lower[r, c] = share * keep_share
        group_missing[rows] = (1.0 - pairing[rows].sum(axis=1)) * keep_share
        group_remains[cols] = (1.0 - pairing[:, cols].sum(axis=0)) * keep_share
        scored = totals.scored()
        posts = _posteriors(scored, log10_found)
        lists.append([Solution(p, s, q) for (s, p), q in zip(scored[:top], posts[:top],
                                                             strict=True)])  # fmt: skip
    unmatched_missing = 1.0 - pairing.sum(axis=1)
    unmatched_remains = 1.0 - pairing.sum(axis=0)
    local_missing, local_remains = unmatched_lower_bounds(model, pm.log10_lr)
    return JointResult(
        solutions=tuple(with_left_out(merge_best(lists, top), model & ~mask, pm.log10_lr, top)),
        pairing=pairing,
        lower=lower,
        unmatched_missing=unmatched_missing,
        unmatched_remains=unmatched_remains,
        candidates=model,
        components=len(parts),
        exact=exact,
        unmatched_missing_lower=np.minimum(
            unmatched_missing, np.maximum(group_missing, local_missing)
        ),
        unmatched_remains_lower=np.minimum(
            unmatched_remains, np.maximum(group_remains, local_remains)
        ),
    )


def unmatched_lower_bounds(
    model: npt.NDArray[np.bool_], log10_lr: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return lower bounds on the flat-prior posterior that each person, each body is unmatched.

    ``P(M unmatched) >= 1 / (1 + sum over bodies V of LR(V = M))`` over the model pairs: an
    assignment pairing M with V maps onto the one that leaves both unmatched, its LR divided by
    ``LR(V = M)``, so the assignments pairing M with V weigh at most ``LR(V = M)`` times those
    leaving M unmatched. The same for a body with the sum over persons. It holds whatever the
    joint search visited (with several missing persons in one family, pairwise LRs stand in
    for the family's joint likelihood, as in :func:`local_lower_bound`).

    Returns:
        ``(missing, remains)``: one bound per row and one per column.

    >>> import numpy as np
    >>> model = np.array([[True, True], [False, True]])
    >>> rows, cols = unmatched_lower_bounds(model, np.log10([[3.0, 1.0], [50.0, 4.0]]))
    >>> [round(float(x), 6) for x in (*rows, *cols)]  # 1/(1+3+1), 1/(1+4); 1/(1+3), 1/(1+1+4)
    [0.2, 0.2, 0.25, 0.166667]
    """
    weights = np.where(model, log10_lr, -np.inf)
    return _unmatched(weights, axis=1), _unmatched(weights, axis=0)


def _unmatched(weights: npt.NDArray[np.float64], axis: int) -> npt.NDArray[np.float64]:
    """Return ``1 / (1 + sum of 10**w)`` along an axis, computed in log space."""
    if weights.shape[axis] == 0:
        return np.ones(weights.shape[1 - axis])
    top = np.max(weights, axis=axis)
    shift = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore", over="ignore"):
        total = np.expand_dims(shift, axis)
        log10_sum = shift + np.log10(np.sum(np.power(10.0, weights - total), axis=axis))
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.power(10.0, log10_sum))
    return result


def local_lower_bound(
    model: npt.NDArray[np.bool_], log10_lr: npt.NDArray[np.float64], r: int, c: int
) -> float:
    """Return a lower bound on the flat-prior posterior of pairing missing ``r`` with remains ``c``.

    With ``λ`` the pair's LR, ``a`` the sum of the other model LRs of the body and ``b`` that of
    the missing person: ``P(V = M) >= λ / (λ + (1 + a)(1 + b))``. Each assignment where V or M
    is paired elsewhere (or unmatched) maps one-to-one, for each choice of V's and M's other
    partners, onto an assignment pairing V with M, its LR divided by those partners' LRs over
    ``λ``; summing over the choices gives the bound. It holds whatever the rest of the problem
    looks like (exactly for families with one missing person; with several, pairwise LRs stand
    in for the family's joint likelihood).

    >>> import numpy as np
    >>> model = np.ones((2, 1), dtype=bool)
    >>> round(local_lower_bound(model, np.log10([[98.0], [1.0]]), 0, 0), 4)  # 98 / (98 + 2)
    0.98
    """
    if not model[r, c]:
        return 0.0
    value = float(log10_lr[r, c])
    with np.errstate(over="ignore"):
        col = np.power(10.0, log10_lr[model[:, c] & (np.arange(model.shape[0]) != r), c])
        row = np.power(10.0, log10_lr[r, model[r] & (np.arange(model.shape[1]) != c)])
    log_rest = math.log10(1.0 + float(col.sum())) + math.log10(1.0 + float(row.sum()))
    if not math.isfinite(log_rest):
        return 0.0
    return 1.0 / (1.0 + 10.0 ** (log_rest - value)) if value > -math.inf else 0.0
