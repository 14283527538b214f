"""Undisputed identifications, found and applied iteratively.

A pair ``V = M`` is undisputed when its LR is at least ``threshold`` and every other considered
LR in its row (other remains for M) and its column (other missing persons for V) is below
``LR / threshold`` (dvir ``findUndisputed`` with ``relax = TRUE``). Each undisputed victim joins
its family's data as a typed member in M's place; the LRs of that family's other missing persons
are recomputed (they may now be identifiable), the victim leaves the remains, and the search
repeats until no new pair qualifies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kintrace.dvi.data import with_victim
from kintrace.dvi.joint import local_lower_bound
from kintrace.dvi.likelihoods import family_log10_likelihoods, profile_log10_likelihood
from kintrace.dvi.pairwise import PairwiseMatrix, pairwise_with_likelihoods, select, stack
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedfile import Family, Profile


@dataclass(frozen=True, slots=True)
class Undisputed:
    """An undisputed identification: the pair, its LR and the round in which it was found."""

    remains: str
    missing: str
    family: str
    lr: float
    log10_lr: float
    round: int
    posterior: float
    """``LR / (LR + (1 + a)(1 + b))`` in its round, ``a`` and ``b`` the sums of the other LRs of
    its row and column: a lower bound on the flat-prior posterior (see
    :func:`kintrace.dvi.joint.local_lower_bound`)."""


def find_undisputed(pm: PairwiseMatrix, threshold: float) -> list[tuple[int, int]]:
    """Return ``(row, column)`` of every undisputed pair of the matrix.

    >>> import numpy as np
    >>> pm = PairwiseMatrix(("F", "G"), ("M1", "M2"), ("V1", "V2"),
    ...     np.log10([[1e6, 10.0], [1.0, 5e4]]), np.zeros((2, 2), dtype=np.int64),
    ...     np.ones(2, dtype=bool))
    >>> find_undisputed(pm, 1e4)
    [(0, 0)]
    """
    log_t = math.log10(threshold)
    lr = np.where(np.isnan(pm.log10_lr), -np.inf, pm.log10_lr)
    rows, cols = np.nonzero((lr >= log_t) & pm.identifiable[:, None])
    if rows.size == 0:
        return []
    # the largest other LR of a row (column) is its best one, or its second best for the best
    row_rival = _rival(lr, rows, cols, axis=1)
    col_rival = _rival(lr, cols, rows, axis=0)
    values = lr[rows, cols]
    keep = np.maximum(row_rival, col_rival) < values - log_t
    return [(int(r), int(c)) for r, c in zip(rows[keep], cols[keep], strict=True)]


def _rival(
    lr: npt.NDArray[np.float64],
    lines: npt.NDArray[np.intp],
    positions: npt.NDArray[np.intp],
    axis: int,
) -> npt.NDArray[np.float64]:
    """Return, for each pair, the largest LR of its line (row or column) outside the pair."""
    values = lr if axis == 1 else lr.T
    if values.shape[1] < 2:
        return np.full(lines.size, -np.inf)
    order = np.argsort(-values, axis=1, kind="stable")[:, :2]
    best = np.take_along_axis(values, order, axis=1)
    first = order[lines, 0]
    result: npt.NDArray[np.float64] = np.where(first == positions, best[lines, 1], best[lines, 0])
    return result


@dataclass(frozen=True, slots=True, eq=False)
class UndisputedRounds:
    """What the undisputed rounds leave for the joint search.

    ``log10_family`` holds ``log10 L(F)`` of every family after the identifications, as the
    joint search and ``loglik`` need it: taken from the LR tables of the last round that
    peeled the family; for a family that received one victim and has no missing person left,
    ``L(F) · LR · L(V)`` (the definition of the pairwise LR); else peeled afresh.
    """

    found: tuple[Undisputed, ...]
    families: tuple[Family, ...]
    remains: tuple[Profile, ...]
    first: PairwiseMatrix
    reduced: PairwiseMatrix
    log10_family: dict[str, float]


def identify_undisputed(
    families: Sequence[Family],
    remains: Sequence[Profile],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    threshold: float = 1e4,
    families_source: str = "",
    remains_source: str = "",
) -> tuple[list[Undisputed], list[Family], list[Profile], PairwiseMatrix, PairwiseMatrix]:
    """Apply undisputed identifications until none is left.

    Returns:
        The identifications in the order found, the updated families (identified victims
        joined in), the remains left, the first pairwise matrix and the final one.
    """
    rounds = undisputed_rounds(
        families, remains, table, mutation, threshold=threshold,
        families_source=families_source, remains_source=remains_source,
    )  # fmt: skip
    return (
        list(rounds.found),
        list(rounds.families),
        list(rounds.remains),
        rounds.first,
        rounds.reduced,
    )


def undisputed_rounds(
    families: Sequence[Family],
    remains: Sequence[Profile],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    threshold: float = 1e4,
    families_source: str = "",
    remains_source: str = "",
) -> UndisputedRounds:
    """Apply undisputed identifications until none is left; keep what the joint search needs.

    Each round re-peels only the families that received a victim and still have a missing
    person; every other row of the matrix is carried over.
    """
    fams = list(families)
    left = list(remains)
    first, log10_family = pairwise_with_likelihoods(
        fams, left, table, mutation, families_source=families_source,
        remains_source=remains_source,
    )  # fmt: skip
    pm = first
    found: list[Undisputed] = []
    round_no = 0
    while True:
        pairs = find_undisputed(pm, threshold)
        if not pairs:
            break
        round_no += 1
        by_name = {f.name: i for i, f in enumerate(fams)}
        by_id = {p.id: p for p in left}
        placed: dict[str, list[tuple[Profile, float]]] = {}
        before = {f.name: f for f in fams}
        considered = pm.considered & ~np.isneginf(pm.log10_lr)
        for r, c in pairs:
            name, missing, victim = pm.families[r], pm.missing[r], pm.remains[c]
            log10_lr = float(pm.log10_lr[r, c])
            posterior = local_lower_bound(considered, pm.log10_lr, r, c)
            value = 10.0**log10_lr
            found.append(Undisputed(victim, missing, name, value, log10_lr, round_no, posterior))
            i = by_name[name]
            placed.setdefault(name, []).append((by_id[victim], log10_lr))
            fams[i] = with_victim(fams[i], missing, by_id[victim])
        gone = {p.id for victims in placed.values() for p, _ in victims}
        cols = [k for k, v in enumerate(pm.remains) if v not in gone]
        left = [p for p in left if p.id not in gone]
        fresh_families = [f for f in fams if f.name in placed and f.missing]
        fresh = None
        if fresh_families:
            fresh, fresh_family = pairwise_with_likelihoods(fresh_families, left, table, mutation)
            log10_family.update(fresh_family)
        for name, victims in placed.items():
            if fresh is not None and name in fresh_family:
                continue
            if len(victims) == 1 and name in log10_family:
                # L(F with V) = L(F) LR L(V), V's markers counted where he is placed
                (profile, log10_lr), markers = victims[0], before[name].data.markers
                log10_family[name] += log10_lr + profile_log10_likelihood(profile, table, markers)
            else:  # related victims placed together: peeled afresh below
                log10_family.pop(name, None)
        parts: list[PairwiseMatrix] = []
        for family in fams:
            if family.name in placed:
                if fresh is not None and family.missing:
                    rows = [k for k, f in enumerate(fresh.families) if f == family.name]
                    parts.append(select(fresh, rows, range(len(left))))
            else:
                rows = [k for k, f in enumerate(pm.families) if f == family.name]
                parts.append(select(pm, rows, cols))
        pm = stack(parts, [p.id for p in left])
    unknown = [f for f in fams if f.name not in log10_family]
    log10_family.update(family_log10_likelihoods(unknown, table, mutation))
    return UndisputedRounds(
        tuple(found), tuple(fams), tuple(left), first, pm,
        {f.name: log10_family[f.name] for f in fams},
    )  # fmt: skip
