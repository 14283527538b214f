"""Exact variable elimination over discrete factors (sum-product), with an optional batch axis.

The pedigree likelihood is a sum over all allele assignments of a product of small factors
(founder priors, transmissions, evidence). Summing the variables out one at a time, always
choosing the variable whose elimination makes the smallest new factor (the greedy min-size
heuristic of Koller & Friedman, *Probabilistic Graphical Models*, ch. 9), gives the exact sum for
any pedigree, loops included; on a loop-free pedigree it is the Elston–Stewart peeling.

A factor may carry a leading batch axis (one slice per family sharing the same structure); every
operation keeps that axis, so many families are peeled in one pass of numpy calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True, eq=False)
class Factor:
    """A non-negative table over variables; ``batched`` tables have a leading batch axis."""

    variables: tuple[int, ...]
    table: npt.NDArray[np.float64]
    batched: bool = False


def contract(factors: Sequence[Factor], out: Sequence[int]) -> Factor:
    """Multiply factors and sum out every variable not in ``out``.

    >>> a = Factor((0,), np.array([0.25, 0.75]))
    >>> b = Factor((0, 1), np.array([[1.0, 0.0], [0.5, 0.5]]))
    >>> contract([a, b], (1,)).table.tolist()
    [0.625, 0.375]
    """
    if not factors:
        return Factor((), np.array(1.0))
    labels: dict[int, int] = {}
    for f in factors:
        for v in f.variables:
            labels.setdefault(v, len(labels))
    batch_label = len(labels)
    batched = any(f.batched for f in factors)
    args: list[object] = []
    for f in factors:
        args.append(f.table)
        args.append(([batch_label] if f.batched else []) + [labels[v] for v in f.variables])
    out_labels = ([batch_label] if batched else []) + [labels[v] for v in out]
    args.append(out_labels)
    table = np.einsum(*args, optimize=len(factors) > 2)  # type: ignore[call-overload]
    return Factor(tuple(out), np.asarray(table, dtype=np.float64), batched)


def eliminate(factors: Sequence[Factor], keep: Sequence[int] = ()) -> Factor:
    """Sum out every variable except ``keep`` and return the factor over ``keep`` (in that order).

    Args:
        factors: the factors of the model; their product is the unnormalised joint.
        keep: variables to keep (empty for the total sum, e.g. a likelihood).

    Returns:
        A factor over ``keep``, batched when any input factor is.
    """
    active: dict[int, Factor] = dict(enumerate(factors))
    next_id = len(active)
    by_var: dict[int, set[int]] = {}
    for fid, f in active.items():
        for v in f.variables:
            by_var.setdefault(v, set()).add(fid)
    keep_set = set(keep)
    pending = set(by_var) - keep_set
    while pending:
        var = min(pending, key=lambda v: (_new_size(v, by_var, active), v))
        pending.remove(var)
        fids = by_var.pop(var)
        group = [active.pop(fid) for fid in sorted(fids)]
        out = sorted({u for f in group for u in f.variables} - {var})
        for u in out:
            by_var[u] -= fids
        new = contract(group, out)
        active[next_id] = new
        for u in out:
            by_var[u].add(next_id)
        next_id += 1
    return contract(list(active.values()), tuple(keep))


def _new_size(var: int, by_var: dict[int, set[int]], active: dict[int, Factor]) -> int:
    return len({u for fid in by_var[var] for u in active[fid].variables})
