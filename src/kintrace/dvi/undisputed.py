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

from kintrace.dvi.data import with_victim
from kintrace.dvi.joint import local_lower_bound
from kintrace.dvi.pairwise import PairwiseMatrix, pairwise_matrix, select, stack
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
    found: list[tuple[int, int]] = []
    for r, c in zip(*np.nonzero(lr >= log_t), strict=True):
        if not pm.identifiable[r]:
            continue
        value = lr[r, c]
        others = np.concatenate([np.delete(lr[r, :], c), np.delete(lr[:, c], r)])
        if others.size == 0 or float(others.max()) < value - log_t:
            found.append((int(r), int(c)))
    return found


def _posterior_bound(pm: PairwiseMatrix, r: int, c: int) -> float:
    considered = pm.considered & ~np.isneginf(pm.log10_lr)
    return local_lower_bound(considered, pm.log10_lr, r, c)


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
    fams = list(families)
    left = list(remains)
    first = pm = pairwise_matrix(
        fams, left, table, mutation, families_source=families_source, remains_source=remains_source
    )
    found: list[Undisputed] = []
    round_no = 0
    while True:
        pairs = find_undisputed(pm, threshold)
        if not pairs:
            return found, fams, left, first, pm
        round_no += 1
        by_name = {f.name: i for i, f in enumerate(fams)}
        by_id = {p.id: p for p in left}
        changed: set[str] = set()
        gone: set[str] = set()
        for r, c in pairs:
            name, missing, victim = pm.families[r], pm.missing[r], pm.remains[c]
            log10_lr = float(pm.log10_lr[r, c])
            posterior = _posterior_bound(pm, r, c)
            value = 10.0**log10_lr
            found.append(Undisputed(victim, missing, name, value, log10_lr, round_no, posterior))
            i = by_name[name]
            fams[i] = with_victim(fams[i], missing, by_id[victim])
            changed.add(name)
            gone.add(victim)
        cols = [k for k, v in enumerate(pm.remains) if v not in gone]
        left = [p for p in left if p.id not in gone]
        fresh_families = [f for f in fams if f.name in changed and f.missing]
        fresh = pairwise_matrix(fresh_families, left, table, mutation) if fresh_families else None
        parts: list[PairwiseMatrix] = []
        for family in fams:
            if family.name in changed:
                if fresh is not None and family.missing:
                    rows = [k for k, f in enumerate(fresh.families) if f == family.name]
                    parts.append(select(fresh, rows, range(len(left))))
            else:
                rows = [k for k, f in enumerate(pm.families) if f == family.name]
                parts.append(select(pm, rows, cols))
        pm = stack(parts, [p.id for p in left])
