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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from numpy._core import multiarray as _multiarray
from numpy._core.einsumfunc import (  # type: ignore[attr-defined]  # numpy 2.x, not in its stubs
    bmm_einsum as _bmm_einsum,
)

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, eq=False)
class Factor:
    """A non-negative table over variables; ``batched`` tables have a leading batch axis."""

    variables: tuple[int, ...]
    table: npt.NDArray[np.float64]
    batched: bool = False


_c_einsum: Callable[..., Any] = _multiarray.c_einsum
"""What ``np.einsum`` calls without ``optimize`` (the factors' sublists are outside its stubs)."""
_einsum_path: Callable[..., Any] = np.einsum_path
"""``np.einsum_path`` untyped: the factors' sublists, and ``einsum_call``, are outside its stubs."""
_Step = tuple[tuple[int, ...], str]
_STEPS: dict[tuple[object, ...], tuple[_Step, ...]] = {}
_PLANS: dict[tuple[object, ...], tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]] = {}
_CACHE_LIMIT = 4096
"""Entries kept in each plan cache (cleared when full; plans are cheap to rebuild)."""


def _remember(cache: dict[tuple[object, ...], _T], key: tuple[object, ...], value: _T) -> _T:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def contract(
    factors: Sequence[Factor], out: Sequence[int], *, zeros_only: bool = False, blas: bool = False
) -> Factor:
    """Multiply factors and sum out every variable not in ``out``.

    With more than two factors, numpy's greedy contraction order is used; it is computed once
    per combination of labels and shapes and reused (the same order ``optimize=True`` finds),
    and so is the list of contractions ``np.einsum`` derives from it on every call: the steps
    are then run as ``np.einsum`` runs them (:func:`_run_steps`), the same numpy calls on the
    same operands, so the tables are the same bit for bit
    (``tests/unit/kinship/test_elimination.py``). Two factors go to ``c_einsum`` as
    ``np.einsum`` without ``optimize`` sends them.

    ``zeros_only``: the caller uses only which cells are 0, so two factors may be multiplied
    by BLAS (``bmm_einsum``; several times faster on the 55-allele STRs, and different in the
    last bits). A cell is a sum of products of non-negative numbers, 0 exactly when every
    product is, in any order of summation, so the cells that are 0 are the same.

    ``blas``: the caller takes the values too, but accepts another order of summation in a
    two-factor product (BLAS): the same values within rounding (sums of non-negative terms,
    a few units in the last place), the same zeros.

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
    key: list[object] = []
    sublists: list[list[int]] = []
    # When every factor has the batch axis, numpy's greedy order compares sizes that all hold
    # it (the same order for any batch size), and the only other use of the size is where the
    # batch letter goes in each intermediate's subscripts, sorted by (size, letter): the same
    # for every batch size above every other axis's. Such sizes share one key.
    big = batched and _larger_batch(factors)
    for f in factors:
        subscripts = ([batch_label] if f.batched else []) + [labels[v] for v in f.variables]
        args.append(f.table)
        args.append(subscripts)
        sublists.append(subscripts)
        key.append((f.table.shape[1:] if big else f.table.shape, tuple(subscripts)))
    out_labels = ([batch_label] if batched else []) + [labels[v] for v in out]
    args.append(out_labels)
    if len(factors) == 2 and (zeros_only or blas):
        inputs = ",".join("".join(_LETTERS[x] for x in subs) for subs in sublists)
        text = inputs + "->" + "".join(_LETTERS[x] for x in out_labels)
        table = _bmm_einsum(text, factors[0].table, factors[1].table)
        return Factor(tuple(out), np.asarray(table, dtype=np.float64), batched)
    if len(factors) <= 2:
        table = _c_einsum(*args)
        return Factor(tuple(out), np.asarray(table, dtype=np.float64), batched)
    key.append((tuple(out_labels), big))
    path_key = tuple(key)
    steps = _STEPS.get(path_key)
    if steps is None:
        path = _einsum_path(*args, optimize="greedy")[0]
        steps = _remember(_STEPS, path_key, _contraction_steps(args, path))
    table = _run_steps([f.table for f in factors], steps)
    return Factor(tuple(out), np.asarray(table, dtype=np.float64), batched)


def _larger_batch(factors: Sequence[Factor]) -> bool:
    """Whether every factor has one batch axis, longer than each of their other axes."""
    size = factors[0].table.shape[0] if factors[0].batched else 0
    for f in factors:
        shape = f.table.shape
        if not f.batched or shape[0] != size or any(d >= size for d in shape[1:]):
            return False
    return True


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""einsum's subscript letters, for the text ``bmm_einsum`` takes."""


def _contraction_steps(args: list[object], path: list[object]) -> tuple[_Step, ...]:
    """The pairwise (or single) contractions ``np.einsum(*args, optimize=path)`` runs, as
    ``(operand positions, einsum text)``: numpy's own list (``einsum_path`` with
    ``einsum_call=True``, what ``np.einsum`` asks for on every call)."""
    _, contractions = _einsum_path(*args, optimize=path, einsum_call=True)
    return tuple((tuple(inds), text) for inds, text, *_ in contractions)


def _run_steps(operands: list[npt.NDArray[np.float64]], steps: Sequence[_Step]) -> object:
    """Run the contractions as ``np.einsum`` does with a path (numpy 2.x: ``bmm_einsum``
    for a pair, ``c_einsum`` otherwise), the same calls on the same operands, without
    parsing the subscripts and the path again on every call."""
    for inds, text in steps:
        parts = [operands.pop(x) for x in inds]
        if len(parts) == 2:
            operands.append(_bmm_einsum(text, *parts))
        else:
            operands.append(_c_einsum(text, *parts))
    return operands[0]


def elimination_plan(
    scopes: Sequence[tuple[int, ...]], keep: Sequence[int] = ()
) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Return the elimination steps for factors over ``scopes``: (factor ids, new scope) each.

    The order is the greedy min-size one: always the variable whose elimination makes the
    factor over the fewest variables (ties: the smallest variable). Factor ids count the input
    factors first, then one new id per step. Plans are cached by scopes and ``keep``.

    >>> elimination_plan([(0,), (0, 1), (1, 2)], keep=(2,))
    (((0, 1), (1,)), ((2, 3), (2,)))
    """
    plan_key = (tuple(scopes), tuple(keep))
    cached = _PLANS.get(plan_key)
    if cached is not None:
        return cached
    active: dict[int, tuple[int, ...]] = dict(enumerate(scopes))
    next_id = len(active)
    by_var: dict[int, set[int]] = {}
    for fid, scope in active.items():
        for v in scope:
            by_var.setdefault(v, set()).add(fid)
    pending = set(by_var) - set(keep)
    steps: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    while pending:
        var = min(
            pending,
            key=lambda v: (len({u for fid in by_var[v] for u in active[fid]}), v),
        )
        pending.remove(var)
        fids = tuple(sorted(by_var.pop(var)))
        for fid in fids:
            del active[fid]
        out = tuple(sorted({u for fid in fids for u in scopes_of(fid, scopes, steps)} - {var}))
        for u in out:
            by_var[u] -= set(fids)
            by_var[u].add(next_id)
        active[next_id] = out
        steps.append((fids, out))
        next_id += 1
    return _remember(_PLANS, plan_key, tuple(steps))


def scopes_of(
    fid: int,
    scopes: Sequence[tuple[int, ...]],
    steps: Sequence[tuple[tuple[int, ...], tuple[int, ...]]],
) -> tuple[int, ...]:
    """Return the scope of factor ``fid`` of a plan being built (input or step output)."""
    return scopes[fid] if fid < len(scopes) else steps[fid - len(scopes)][1]


def eliminate(factors: Sequence[Factor], keep: Sequence[int] = ()) -> Factor:
    """Sum out every variable except ``keep`` and return the factor over ``keep`` (in that order).

    The elimination order (:func:`elimination_plan`) depends only on the factors' variables,
    so it is computed once per pedigree structure and reused across markers and calls.

    Args:
        factors: the factors of the model; their product is the unnormalised joint.
        keep: variables to keep (empty for the total sum, e.g. a likelihood).

    Returns:
        A factor over ``keep``, batched when any input factor is.
    """
    plan = elimination_plan([f.variables for f in factors], keep)
    active: dict[int, Factor] = dict(enumerate(factors))
    next_id = len(active)
    for fids, out in plan:
        active[next_id] = contract([active.pop(fid) for fid in fids], out)
        next_id += 1
    return contract(list(active.values()), tuple(keep))
