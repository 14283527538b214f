"""Peeling one marker for a batch of families of one structure (pure; used by the search tables).

Families sharing one structure (sexes, parents, missing position) are peeled together along a
batch axis: :func:`peel_batch` builds each component's factors (transmissions, founder priors,
0/1 evidence per family), sums out every parent that meets only his own factors and one or two
children in closed form (:func:`fold_parents`, Elston–Stewart peeling, ``n³`` work per family)
and eliminates the rest, with two-factor steps run as batched matrix products
(:func:`eliminate_batched`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from kintrace.kinship.elimination import Factor, contract, elimination_plan
from kintrace.kinship.genotypes import Genotype, PedigreeData, is_typed
from kintrace.kinship.likelihood import (
    AlleleModel,
    person_variables,
    prune,
    structure_factors,
)
from kintrace.kinship.markers import Marker
from kintrace.kinship.pedigree import NO_PARENT, Pedigree


def peel_batch(
    group: Sequence[PedigreeData],
    missing: int | None,
    marker: Marker,
    model: AlleleModel,
    *,
    zeros_only: bool = False,
    blas: bool = False,
) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.float64]]:
    """Peel families of one structure at one marker, each looked up by its own person ids.

    ``zeros_only``: the caller uses only which values are 0; ``blas``: two-factor products
    may sum in BLAS's order (see :func:`~kintrace.kinship.elimination.contract`).

    Returns:
        ``(joint, likelihood)``: ``P(data of the missing person's component, M = allele
        pair)`` as a (batch, n, n) or (batch, n) array (None when ``missing`` is None), and
        ``P(data)`` of each whole family (batch,).
    """
    ped = group[0].pedigree
    size = len(group)
    typed_any: dict[int, list[Genotype | None]] = {}
    for b, data in enumerate(group):
        own = data.pedigree
        for person, genotype in data.typing.get(marker.name, {}).items():
            if is_typed(genotype):
                typed_any.setdefault(own.index(person), [None] * size)[b] = genotype
    kept = set(prune(ped, set(typed_any) | ({missing} if missing is not None else set())))
    n = model.n
    joint: npt.NDArray[np.float64] | None = None
    likelihood = np.ones(size)
    for component in ped.components():
        persons = [i for i in sorted(kept) if i in component]
        if not persons:
            continue
        factors, founders = structure_factors(ped, persons, model)
        factors += [Factor((v,), model.freqs) for v in founders]
        for i in persons:
            genotypes = typed_any.get(i)
            if genotypes is None:
                continue
            variables = person_variables(ped, i, model.xlinked)
            table = _evidence_tables(genotypes, marker, n, len(variables) == 1)
            factors.append(Factor(variables, table, batched=True))
        keep = person_variables(ped, missing, model.xlinked) if missing in component else ()
        folded = fold_parents(ped, persons, factors, model, keep)
        folded = fold_sibships(ped, persons, folded, model, keep, typed_any, marker, size)
        result = eliminate_batched(folded, keep, zeros_only=zeros_only, blas=blas)
        values = np.asarray(
            result.table
            if result.batched
            else np.broadcast_to(result.table, (size,) + result.table.shape)
        )
        if keep:
            joint = values
            likelihood = likelihood * values.reshape(size, -1).sum(axis=1)
        else:
            likelihood = likelihood * values
    return joint, likelihood


def _parent_block(
    factors: Sequence[Factor], pair: tuple[int, int], n: int
) -> tuple[npt.NDArray[np.float64], bool] | None:
    """Multiply the factors over the parent's alleles into ``G[(batch,) a, a']`` (None: empty)."""
    block: npt.NDArray[np.float64] | None = None
    batched = False
    for f in factors:
        table = f.table
        if f.variables == (pair[1], pair[0]):
            table = np.swapaxes(table, -1, -2)
        elif f.variables == (pair[0],):
            table = table[..., :, None]
        elif f.variables == (pair[1],):
            table = table[..., None, :]
        elif f.variables != pair:
            raise ValueError(f"factor over {f.variables} is not a factor of {pair}")
        batched = batched or f.batched
        block = table if block is None else block * table
    if block is None:
        return None
    return np.broadcast_to(block, block.shape[:-2] + (n, n)), batched


def _times(x: npt.NDArray[np.float64], m: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Return ``x @ m`` for each family of the batch ``x`` (identity ``m``: ``x`` itself).

    One small matrix product per family rather than one large one: BLAS runs the small ones on
    the calling thread, so a busy machine does not stall them waiting for worker threads.
    """
    if np.array_equal(m, np.eye(m.shape[0])):
        return x
    result: npt.NDArray[np.float64] = np.matmul(x, m)
    return result


def _fold(
    g: npt.NDArray[np.float64], matrices: Sequence[npt.NDArray[np.float64]]
) -> npt.NDArray[np.float64]:
    """Sum a parent's alleles out of ``G[batch, a, a']`` onto one or two children's alleles.

    One child: ``F(c) = (g_r + g_c) M / 2`` (``g_r``, ``g_c``: row and column sums of ``G``).
    Two: ``F(c, d) = M1ᵀ (G + Gᵀ + diag(g_r + g_c)) M2 / 4``.
    """
    rows = g.sum(axis=2)
    cols = g.sum(axis=1)
    if len(matrices) == 1:
        return 0.5 * _times((rows + cols)[:, None, :], matrices[0])[:, 0, :]
    h = g + np.swapaxes(g, 1, 2)
    diagonal = np.arange(g.shape[1])
    h[:, diagonal, diagonal] += rows + cols
    right = _times(h, matrices[1])  # (batch, a, d)
    left = _times(np.swapaxes(right, 1, 2), matrices[0])  # (batch, d, c)
    result: npt.NDArray[np.float64] = 0.25 * np.swapaxes(left, 1, 2)
    return result


def fold_parents(
    ped: Pedigree,
    persons: Sequence[int],
    factors: Sequence[Factor],
    model: AlleleModel,
    keep: Sequence[int] = (),
) -> list[Factor]:
    """Sum out, top down, each parent whose alleles meet only his own factors and his children.

    A parent with alleles ``(a, a')`` whose every factor is either over ``a`` and ``a'`` only
    (founder priors, his evidence, what folding his own parents left; their product ``G``) or
    the transmission ``(M[a, c] + M[a', c]) / 2`` to one of his children's alleles ``c`` (one
    or two children, ``M`` the mutation matrix of his sex) is replaced by one factor over the
    children's alleles (Elston–Stewart peeling of the parent onto his children)::

        F(c)    = sum_{a,a'} G(a, a') (M[a, c] + M[a', c]) / 2 = (g_r + g_c) M / 2
        F(c, d) = sum_{a,a'} G(a, a') (M1[a, c] + M1[a', c]) (M2[a, d] + M2[a', d]) / 4
                = M1ᵀ (G + Gᵀ + diag(g_r + g_c)) M2 / 4

    (``g_r``, ``g_c`` the row and column sums of ``G``). That is two matrix products, ``n³``
    work per family, where eliminating the dense ``n³`` transmission tables one variable at a
    time costs ``n⁴`` work and ``n³`` memory per family: for a 55-allele STR peeled for
    hundreds of families at once that was nearly the whole cost of the tables. The sum is the
    same, so every likelihood is unchanged; parents that do not qualify (more children, loops,
    the missing person) are left to :func:`~kintrace.kinship.elimination.eliminate`.

    Args:
        ped: the pedigree.
        persons: the persons kept in the component (as peeled).
        factors: the component's factors (transmissions from :func:`structure_factors`, founder
            priors, evidence; evidence may be batched).
        model: the allele model whose mutation matrices built the transmissions.
        keep: variables that must not be summed out (the missing person's alleles).

    Returns:
        The factors with every foldable parent summed out.
    """
    result = list(factors)
    if model.female.ndim != 2:
        return result
    kept = set(persons)
    n = model.n
    for parent in ped.generation_order():
        if parent not in kept:
            continue
        pair = person_variables(ped, parent, model.xlinked)
        if len(pair) != 2 or set(pair) & set(keep):
            continue
        children: dict[int, npt.NDArray[np.float64]] = {}
        for child in ped.children(parent):
            if child in kept:
                own = person_variables(ped, child, model.xlinked)
                is_father = ped.father[child] == parent
                children[own[0] if is_father else own[-1]] = (
                    model.male if is_father else model.female
                )
        if not 1 <= len(children) <= 2:
            continue
        transmissions = {(pair[0], pair[1], c) for c in children}
        own_factors: list[Factor] = []
        rest: list[Factor] = []
        foldable = True
        for f in result:
            if f.variables in transmissions:
                continue
            if set(f.variables) & set(pair):
                if not set(f.variables) <= set(pair):
                    foldable = False
                    break
                own_factors.append(f)
            else:
                rest.append(f)
        if not foldable:
            continue
        block = _parent_block(own_factors, (pair[0], pair[1]), n)
        if block is None:
            continue
        g, batched = block
        folded = _fold(g if batched else g[None], list(children.values()))
        result = [*rest, Factor(tuple(children), folded if batched else folded[0], batched)]
    return result


MAX_SIBSHIP_TERMS = 256
"""Most evidence-term combinations :func:`fold_sibships` sums over (``2^k`` for ``k`` typed
children, ``3`` per half-typed one); beyond, the sibship is left to the general elimination."""


def _child_terms(
    genotypes: Sequence[Genotype | None] | None, marker: Marker, n: int, size: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Write one child's 0/1 evidence ``E[b](c, d)`` as ``sum_r u[b, r, c] v[b, r, d]``.

    ``a/b``: ``e_a e_bᵀ + e_b e_aᵀ``; ``a/a``: ``e_a e_aᵀ``; ``a/-``: ``e_a 1ᵀ + 1 e_aᵀ -
    e_a e_aᵀ``; untyped (or absent): ``1 1ᵀ``. Returns ``(u, v)`` of shape (batch, terms, n).
    """
    cells = list(genotypes) if genotypes is not None else [None] * size
    half = any(c is not None and is_typed(c) and (c[0] is None or c[1] is None) for c in cells)
    terms = 3 if half else 2
    u = np.zeros((size, terms, n))
    v = np.zeros((size, terms, n))
    for b, cell in enumerate(cells):
        known = [] if cell is None or not is_typed(cell) else [x for x in cell if x is not None]
        index = [marker.index(x) for x in known]
        if not index:
            u[b, 0] = v[b, 0] = 1.0
        elif len(index) == 1:
            (a,) = index
            u[b, 0, a] = 1.0
            v[b, 0] = 1.0
            u[b, 1] = 1.0
            v[b, 1, a] = 1.0
            u[b, 2, a] = -1.0
            v[b, 2, a] = 1.0
        else:
            a, c = index
            u[b, 0, a] = v[b, 0, c] = 1.0
            if a != c:
                u[b, 1, c] = v[b, 1, a] = 1.0
    return u, v


def _sibship(
    ped: Pedigree, persons: Sequence[int], father: int, mother: int, xlinked: bool
) -> list[int] | None:
    """Return the kept children of a couple when they are all the kept children of either
    parent and none of them has kept children; else None."""
    kept = set(persons)
    children = [c for c in ped.children(father) if c in kept]
    if sorted(children) != sorted(c for c in ped.children(mother) if c in kept):
        return None
    if any(ped.mother[c] != mother or ped.father[c] != father for c in children):
        return None
    if any(g in kept for c in children for g in ped.children(c)):
        return None
    if any(len(person_variables(ped, c, xlinked)) != 2 for c in children):
        return None
    return children


def fold_sibships(
    ped: Pedigree,
    persons: Sequence[int],
    factors: Sequence[Factor],
    model: AlleleModel,
    keep: Sequence[int],
    typed_any: dict[int, list[Genotype | None]],
    marker: Marker,
    size: int,
) -> list[Factor]:
    """Sum a couple and their childless children out in closed form, however many children.

    For parents with alleles ``(a, a')`` and ``(b, b')``, their own factors ``G_f``, ``G_m``
    (founder priors, their evidence, what folding their parents left) and children ``k``
    whose evidence is ``E_k(c, d) = sum_r u_kr(c) v_kr(d)`` (:func:`_child_terms`, at most
    two terms for a typed child), the children's transmissions factor by side::

        L = sum_{r_1..r_K} [sum_{a,a'} G_f(a,a') prod_k (f_k[a] + f_k[a']) / 2]
                           [sum_{b,b'} G_m(b,b') prod_k (g_k[b] + g_k[b']) / 2]

    with ``f_k = M_male u_{k r_k}``, ``g_k = M_female v_{k r_k}``. ``2^K n²`` work per family
    (``K`` typed children), where eliminating the couple jointly costs ``n⁴`` memory per family
    (55 alleles: 9 million cells; that was most of the time and memory of the tables on
    nuclear families with untyped parents and three children). The missing person, when he is
    one of the children, keeps his alleles: ``J(x, y) = sum_r A_r(x) B_r(y)`` with ``A_r =
    (row and column sums of the father's product) M_male / 2``. The sum is the same, so every
    likelihood is unchanged; couples that do not fit (a parent with another mate or kept
    grandchildren, the missing person a parent, X-linked markers) are left as they are.
    """
    result = list(factors)
    if model.female.ndim != 2 or model.xlinked:
        return result
    n = model.n
    done: set[tuple[int, int]] = set()
    for child in persons:
        father, mother = ped.father[child], ped.mother[child]
        if father == NO_PARENT or mother == NO_PARENT or (father, mother) in done:
            continue
        done.add((father, mother))
        children = _sibship(ped, persons, father, mother, model.xlinked)
        if children is None or len(children) < 3:
            continue
        fpair = person_variables(ped, father, False)
        mpair = person_variables(ped, mother, False)
        if set(fpair + mpair) & set(keep):
            continue
        kids = {c: person_variables(ped, c, False) for c in children}
        missing = [c for c in children if set(kids[c]) & set(keep)]
        if len(missing) > 1 or (missing and tuple(keep) != kids[missing[0]]):
            continue
        transmissions = {(*fpair, kids[c][0]) for c in children}
        transmissions |= {(*mpair, kids[c][1]) for c in children}
        evidence = {kids[c] for c in children if c not in missing}
        own_f: list[Factor] = []
        own_m: list[Factor] = []
        rest: list[Factor] = []
        child_vars = {v for c in children for v in kids[c]}
        fits = True
        seen: set[tuple[int, ...]] = set()
        for f in result:
            scope = set(f.variables)
            if f.variables in transmissions:
                continue
            if f.variables in evidence and f.variables not in seen and f.batched:
                seen.add(f.variables)
                continue
            if scope & child_vars:
                fits = False
                break
            if scope & set(fpair):
                if not scope <= set(fpair):
                    fits = False
                    break
                own_f.append(f)
            elif scope & set(mpair):
                if not scope <= set(mpair):
                    fits = False
                    break
                own_m.append(f)
            else:
                rest.append(f)
        typed_children = [c for c in children if c not in missing]
        if not fits or seen != {kids[c] for c in typed_children if c in typed_any}:
            continue
        if any(c not in typed_any for c in typed_children):
            continue
        terms = [_child_terms(typed_any[c], marker, n, size) for c in typed_children]
        if math.prod(u.shape[1] for u, _ in terms) > MAX_SIBSHIP_TERMS:
            continue
        gf = _side_block(own_f, fpair, n, size)
        gm = _side_block(own_m, mpair, n, size)
        f_side = [u @ model.male.T for u, _ in terms]  # (batch, terms, n)
        m_side = [v @ model.female.T for _, v in terms]
        total = np.zeros((size, n, n)) if missing else np.zeros(size)
        for combo in itertools.product(*(range(u.shape[1]) for u, _ in terms)):
            wf, wm = gf, gm
            for k, r in enumerate(combo):
                x, y = f_side[k][:, r], m_side[k][:, r]
                wf = wf * (0.5 * (x[:, :, None] + x[:, None, :]))
                wm = wm * (0.5 * (y[:, :, None] + y[:, None, :]))
            if missing:
                a = 0.5 * ((wf.sum(axis=2) + wf.sum(axis=1)) @ model.male)
                b = 0.5 * ((wm.sum(axis=2) + wm.sum(axis=1)) @ model.female)
                total = total + a[:, :, None] * b[:, None, :]
            else:
                total = total + wf.sum(axis=(1, 2)) * wm.sum(axis=(1, 2))
        out = tuple(keep) if missing else ()
        result = [*rest, Factor(out, total, batched=True)]
    return result


def _side_block(
    own: Sequence[Factor], pair: tuple[int, ...], n: int, size: int
) -> npt.NDArray[np.float64]:
    """Return a parent's own factors multiplied over his alleles, (batch, n, n) (ones: none)."""
    block = _parent_block(own, (pair[0], pair[1]), n)
    if block is None:
        return np.ones((size, n, n))
    g, batched = block
    return np.array(g if batched else np.broadcast_to(g, (size, n, n)))


def _evidence_tables(
    genotypes: Sequence[Genotype | None], marker: Marker, n: int, hemizygous: bool
) -> npt.NDArray[np.float64]:
    """Return one person's 0/1 evidence tables for the batch (all ones where untyped).

    Over (pat, mat), or mat alone for a male at an X-linked marker; ``a/-`` allows ``a`` on
    either side.
    """
    size = len(genotypes)
    first = np.zeros(size, dtype=np.intp)
    second = np.full(size, -1, dtype=np.intp)
    typed = np.zeros(size, dtype=bool)
    for b, cell in enumerate(genotypes):
        if cell is not None and is_typed(cell) and cell[0] is not None:
            typed[b] = True
            first[b] = marker.index(cell[0])
            second[b] = marker.index(cell[1]) if cell[1] is not None else -1
    table = np.zeros((size,) + (n,) * (1 if hemizygous else 2))
    table[~typed] = 1.0
    if hemizygous:
        rows = np.flatnonzero(typed)
        table[rows, first[rows]] = 1.0
        return table
    full = np.flatnonzero(typed & (second >= 0))
    table[full, first[full], second[full]] = 1.0
    table[full, second[full], first[full]] = 1.0
    part = np.flatnonzero(typed & (second < 0))
    table[part, first[part], :] = 1.0
    table[part, :, first[part]] = 1.0
    return table


def _product(parts: Sequence[Factor], out: tuple[int, ...]) -> Factor | None:
    """Contract two two-variable factors sharing one summed variable as a matrix product.

    ``A(x, s) B(s, y) -> (x, y)``, one small product per family of the batch (see
    :func:`_times`); None when the step has another shape (left to the general contraction).
    """
    if len(parts) != 2 or any(len(f.variables) != 2 for f in parts) or len(out) != 2:
        return None
    left, right = parts
    shared = set(left.variables) & set(right.variables)
    if len(shared) != 1:
        return None
    (summed,) = shared
    x = next(v for v in left.variables if v != summed)
    y = next(v for v in right.variables if v != summed)
    if summed in out or set(out) != {x, y} or x == y:
        return None
    a = left.table if left.variables == (x, summed) else np.swapaxes(left.table, -1, -2)
    b = right.table if right.variables == (summed, y) else np.swapaxes(right.table, -1, -2)
    table: npt.NDArray[np.float64] = np.matmul(a, b)
    if out == (y, x):
        table = np.swapaxes(table, -1, -2)
    return Factor(out, table, left.batched or right.batched)


def eliminate_batched(
    factors: Sequence[Factor], keep: Sequence[int], *, zeros_only: bool = False, blas: bool = False
) -> Factor:
    """:func:`~kintrace.kinship.elimination.eliminate`, with matrix-product steps done by BLAS.

    The same plan and the same sums; a step that multiplies two batched two-variable factors
    runs as a batched matrix product (``np.einsum`` runs it as a plain loop, several times
    slower on the 55-allele STRs).
    """
    plan = elimination_plan([f.variables for f in factors], keep)
    active: dict[int, Factor] = dict(enumerate(factors))
    next_id = len(active)
    for fids, out in plan:
        parts = [active.pop(fid) for fid in fids]
        active[next_id] = _product(parts, out) or contract(
            parts, out, zeros_only=zeros_only, blas=blas
        )
        next_id += 1
    return contract(list(active.values()), tuple(keep), zeros_only=zeros_only, blas=blas)
