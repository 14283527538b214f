"""Closed forms of the search tables for a missing child of a nuclear family (pure).

Most reference families of a national database are nuclear: the missing person's father and
mother, each typed or untyped, and a few typed full siblings. For those,
``P(data, M = (x, y))`` (``x`` paternal, ``y`` maternal) has a closed form that is evaluated
for a whole batch of families at once, with ``O(2^K n)`` work per family and sibship side
(``K`` typed siblings), where generic peeling (:func:`kintrace.kinship.peeling.peel_batch`)
builds factors and eliminates them family structure by family structure.

The derivation (Elston–Stewart peeling of the two parents, written out; Lange, *Mathematical
and Statistical Methods for Genetic Analysis*, 2002, ch. 7): given the parents' alleles
``(a, a')`` and ``(b, b')`` the children are independent, each child's paternal allele drawn
by ``(M_m[a, c] + M_m[a', c]) / 2`` and maternal by ``(M_f[b, d] + M_f[b', d]) / 2``. A typed
sibling with genotype ``{s, t}`` has evidence ``E(c, d) = [c = s][d = t] + [c = t][d = s]``
(one term when ``s = t``), so summing the siblings' alleles out gives, per choice ``r`` of one
term per sibling, a product of a father-side and a mother-side sum::

    J(x, y) = sum_r A_r(x) B_r(y)
    A_r(x)  = sum_{a,a'} G_f(a, a') prod_k (f_k[a] + f_k[a']) / 2 * (M_m[a, x] + M_m[a', x]) / 2

with ``f_k = M_m[:, c_k]`` (``c_k`` the paternal allele that term ``r_k`` gives sibling ``k``)
and ``G_f`` the father's prior times his evidence; ``B_r`` alike with the mother's side. A
typed parent ``{g, h}`` leaves one or two ordered pairs: ``A_r(x) = (2 - [g = h]) p_g p_h
prod_k (f_k[g] + f_k[h]) / 2 * (M_m[g, x] + M_m[h, x]) / 2``. For an untyped founder
``G_f(a, a') = p_a p_a'`` is symmetric, so ``A_r(x) = sum_a R(a) M_m[a, x]`` with the row sums
``R(a) = p_a 2^-K sum_{S ⊆ siblings} prod_{k in S} f_k[a] * sum_a' p_a' prod_{k not in S}
f_k[a']`` (the product of ``K`` binomials expanded). ``P(data) = sum_r (sum A_r)(sum B_r)``.

Only what generic peeling would compute is computed: the families whose pruned pedigree at
the marker is exactly this shape (parents founders of the kept pedigree, every other kept
person a typed full sibling with both alleles, autosomal marker, at most
:data:`MAX_SIBLINGS`) are done here; every other family is left to peeling.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from kintrace.kinship.genotypes import Genotype, PedigreeData
from kintrace.kinship.likelihood import AlleleModel, prune
from kintrace.kinship.markers import Marker
from kintrace.kinship.pedigree import NO_PARENT, Pedigree

MAX_SIBLINGS = 3
"""Most typed full siblings of the closed form (``4^K`` terms); more are left to peeling."""

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Shape:
    """Which persons of a nuclear family are typed: the closed form's plan for a pattern."""

    father: int
    mother: int
    father_typed: bool
    mother_typed: bool
    siblings: tuple[int, ...]


@lru_cache(maxsize=4096)
def nuclear_shape(ped: Pedigree, missing: int, typed: frozenset[int]) -> Shape | None:
    """Return the closed form's plan when ``typed`` persons make a nuclear family, else None.

    ``typed`` holds the persons typed (both alleles) at the marker; the missing person must be
    a child of two parents who are founders of the pruned pedigree, and every other person left
    by pruning a typed full sibling of the missing person without kept children.
    """
    father, mother = ped.father[missing], ped.mother[missing]
    if father == NO_PARENT or mother == NO_PARENT or missing in typed:
        return None
    kept = set(prune(ped, set(typed) | {missing}))
    siblings = tuple(sorted(i for i in kept if i not in (father, mother, missing) and i in typed))
    if kept != {father, mother, missing, *siblings} or len(siblings) > MAX_SIBLINGS:
        return None
    if any(ped.father[s] != father or ped.mother[s] != mother for s in siblings):
        return None
    if any(ped.father[p] in kept or ped.mother[p] in kept for p in (father, mother)):
        return None
    return Shape(father, mother, father in typed, mother in typed, siblings)


@lru_cache(maxsize=256)
def upper_pairs(n: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """``np.triu_indices(n)`` (the unordered genotypes' allele pairs), cached and read-only:
    the tables ask for it once per batch and marker."""
    rows, cols = np.triu_indices(n)
    rows.flags.writeable = False
    cols.flags.writeable = False
    return rows, cols


def _side(
    batch: int,
    typed: npt.NDArray[np.intp] | None,
    columns: Sequence[Floats],
    matrix: Floats,
    freqs: Floats,
) -> tuple[Floats, Floats]:
    """One parent's ``A_r(x)`` and ``sum_x A_r(x)`` for one choice of sibling terms.

    Args:
        typed: (batch, 2) allele indices of a typed parent, or None for an untyped founder.
        columns: per sibling, (batch, n) ``f_k = M[:, c_k]`` (zero rows: the term is absent).
        matrix: the parent's mutation matrix ``M``.
        freqs: allele frequencies.
    """
    if typed is not None:
        g, h = typed[:, 0], typed[:, 1]
        rows = np.arange(batch)
        weight = np.where(g == h, 1.0, 2.0) * freqs[g] * freqs[h]
        for f in columns:
            weight = weight * (0.5 * (f[rows, g] + f[rows, h]))
        a = weight[:, None] * (0.5 * (matrix[g] + matrix[h]))
        return a, a.sum(axis=1)
    k = len(columns)
    r = np.zeros((batch, freqs.size))
    # the frequencies broadcast by the products themselves (no (batch, n) copy per subset);
    # their row sums, for the subset that takes every sibling, once
    every: Floats | None = None
    for chosen in itertools.product((False, True), repeat=k):
        inside: Floats = freqs
        outside: Floats = freqs
        for f, take in zip(columns, chosen, strict=True):
            if take:
                inside = inside * f
            else:
                outside = outside * f
        if outside is freqs:
            if every is None:
                every = np.broadcast_to(freqs, (batch, freqs.size)).sum(axis=1)
            sums = every
        else:
            sums = outside.sum(axis=1)
        r += inside * sums[:, None]
    r *= 0.5**k
    # one small product per family, so that a family's numbers do not depend on its batch
    a = r if np.array_equal(matrix, np.eye(matrix.shape[0])) else (r[:, None, :] @ matrix)[:, 0]
    return a, a.sum(axis=1)


def _terms(
    shape: Shape, alleles: dict[int, npt.NDArray[np.intp]], model: AlleleModel, batch: int
) -> list[tuple[Floats, Floats, Floats, Floats]]:
    """The terms ``(A_r, sum A_r, B_r, sum B_r)`` of ``J = sum_r A_r Bᵀ_r``, (batch, n) and
    (batch,) each."""
    male, female, p = model.male, model.female, model.freqs
    # per sibling, the two terms (c, d) = (s, t) and (t, s); the second zero when s = t
    father_terms: list[tuple[Floats, Floats]] = []
    mother_terms: list[tuple[Floats, Floats]] = []
    for sibling in shape.siblings:
        s, t = alleles[sibling][:, 0], alleles[sibling][:, 1]
        second = (s != t)[:, None].astype(np.float64)
        father_terms.append((male.T[s], male.T[t] * second))
        mother_terms.append((female.T[t], female.T[s]))
    father = alleles[shape.father] if shape.father_typed else None
    mother = alleles[shape.mother] if shape.mother_typed else None
    terms = []
    for combo in itertools.product((0, 1), repeat=len(shape.siblings)):
        f_side = [t[r] for t, r in zip(father_terms, combo, strict=True)]
        m_side = [t[r] for t, r in zip(mother_terms, combo, strict=True)]
        terms.append(
            (*_side(batch, father, f_side, male, p), *_side(batch, mother, m_side, female, p))
        )
    return terms


def nuclear_joint(
    shape: Shape,
    alleles: dict[int, npt.NDArray[np.intp]],
    model: AlleleModel,
    batch: int,
) -> tuple[Floats, Floats]:
    """``P(data, M = (x, y))`` (batch, n, n) and ``P(data)`` (batch,) of nuclear families.

    Args:
        shape: the plan (:func:`nuclear_shape`).
        alleles: for each typed person of the plan, (batch, 2) allele indices.
        model: the marker's allele model (autosomal, two-dimensional mutation matrices).
        batch: the number of families.
    """
    n = model.n
    joint = np.zeros((batch, n, n))
    total = np.zeros(batch)
    for a, sum_a, b, sum_b in _terms(shape, alleles, model, batch):
        joint += a[:, :, None] * b[:, None, :]
        total += sum_a * sum_b
    return joint, total


def nuclear_columns(
    shape: Shape,
    alleles: dict[int, npt.NDArray[np.intp]],
    model: AlleleModel,
    batch: int,
) -> tuple[Floats, Floats]:
    """The search tables' LR columns (batch, columns) and ``P(data)`` (batch,) of nuclear
    families, without building the (batch, n, n) joint.

    The columns of :func:`kintrace.kinship.search.lr_columns` (unordered genotypes ``x <= y``
    in ``np.triu_indices`` order, then ``a/-`` per allele, then untyped): from the terms,
    ``P(x/y) = sum_r A_r[x] B_r[y] + A_r[y] B_r[x]`` (once for ``x = y``) and ``P(carries a)
    = sum_r A_r[a] sum B_r + sum A_r B_r[a] - A_r[a] B_r[a]`` (no cancellation beyond a factor
    2: the last term is at most either of the first two), over ``P(data)`` and the
    Hardy–Weinberg probability. Families whose data are impossible (``P(data) = 0``) get 0
    here; the caller gives them LR 1.
    """
    p = model.freqs
    n = p.size
    rows, cols = upper_pairs(n)
    unordered = np.zeros((batch, rows.size))
    carries = np.zeros((batch, n))
    total = np.zeros(batch)
    for a, sum_a, b, sum_b in _terms(shape, alleles, model, batch):
        unordered += np.take(a, rows, axis=1) * np.take(b, cols, axis=1)
        unordered += np.take(a, cols, axis=1) * np.take(b, rows, axis=1)
        carries += a * sum_b[:, None] + sum_a[:, None] * b - a * b
        total += sum_a * sum_b
    unordered[:, rows == cols] *= 0.5
    out = np.empty((batch, rows.size + n + 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = 1.0 / np.where(total == 0, 1.0, total)
    hwe = np.where(rows == cols, 1.0, 2.0) * p[rows] * p[cols]
    out[:, : rows.size] = unordered * scale[:, None] / hwe
    out[:, rows.size : rows.size + n] = carries * scale[:, None] / (p * (2.0 - p))
    out[:, -1] = 1.0
    return out, total


def identity_model(model: AlleleModel) -> bool:
    """Whether a model has no mutation (identity matrices) and no allele of frequency 0: the
    case :func:`nuclear_possible_columns` decides on allele sets."""
    return _identity_model(model)


@lru_cache(maxsize=512)
def _identity_model(model: AlleleModel) -> bool:
    eye = np.eye(model.n)
    return (
        bool(np.all(model.freqs > 0))
        and np.array_equal(model.male, eye)
        and np.array_equal(model.female, eye)
    )


def _possible_side(
    batch: int, n: int, typed: npt.NDArray[np.intp] | None, required: Sequence[npt.NDArray[np.intp]]
) -> npt.NDArray[np.bool_]:
    """Without mutation, the alleles one parent can pass to the missing child (batch, n) when
    he passed allele ``required[k]`` to sibling ``k``: a typed parent ``{g, h}`` his two
    alleles if every required allele is one of them (else none); an untyped founder every
    allele if the required alleles are one or none, those two if they are two, none if more.
    """
    rows = np.arange(batch)
    if typed is not None:
        g, h = typed[:, 0], typed[:, 1]
        ok = np.ones(batch, dtype=bool)
        for c in required:
            ok &= (c == g) | (c == h)
        possible = np.zeros((batch, n), dtype=bool)
        possible[rows, g] = ok
        possible[rows, h] |= ok
        return possible
    if not required:
        return np.ones((batch, n), dtype=bool)
    first = required[0]
    second = np.full(batch, -1, dtype=np.intp)
    many = np.zeros(batch, dtype=bool)
    for c in required[1:]:
        other = c != first
        many |= other & (second >= 0) & (c != second)
        second = np.where(other & (second < 0), c, second)
    possible = np.zeros((batch, n), dtype=bool)
    possible[second < 0] = True
    two = np.flatnonzero((second >= 0) & ~many)
    possible[two, first[two]] = True
    possible[two, second[two]] = True
    return possible


def nuclear_possible_columns(
    shape: Shape, alleles: dict[int, npt.NDArray[np.intp]], n: int, batch: int
) -> tuple[Floats, Floats]:
    """:func:`nuclear_columns` decided on allele sets, for a model without mutation whose
    alleles all have a positive frequency (:func:`identity_model`): 1 where the LR is
    positive, 0 where it is 0; ``P(data)`` likewise 1 or 0. No value is computed.

    Each term ``r`` of ``J = sum_r A_r Bᵀ_r`` is positive at ``(x, y)`` exactly when the
    father can pass ``x`` and the mother ``y`` with that choice of the siblings' phases
    (:func:`_possible_side`); the terms are sums of products of positive frequencies and
    halves (far from underflow), so ``J``, the unordered genotypes, the ``a/-`` columns and
    ``P(data)`` are 0 exactly where no term is positive (``carries`` of
    :func:`nuclear_columns` is at least each of its first two products, in floating point
    too). For use where only which LRs are 0 matters (the incompatible markers).
    """
    rows, cols = upper_pairs(n)
    joint = np.zeros((batch, n, n), dtype=bool)
    father = alleles[shape.father] if shape.father_typed else None
    mother = alleles[shape.mother] if shape.mother_typed else None
    pairs = [(alleles[s][:, 0], alleles[s][:, 1]) for s in shape.siblings]
    for combo in itertools.product((0, 1), repeat=len(shape.siblings)):
        # term r_k = 1 gives sibling k paternal t, maternal s; void when s = t
        void = np.zeros(batch, dtype=bool)
        paternal, maternal = [], []
        for (s, t), r in zip(pairs, combo, strict=True):
            paternal.append(t if r else s)
            maternal.append(s if r else t)
            if r:
                void |= s == t
        x = _possible_side(batch, n, father, paternal)
        x[void] = False
        y = _possible_side(batch, n, mother, maternal)
        joint |= x[:, :, None] & y[:, None, :]
    either = joint | np.swapaxes(joint, 1, 2)
    out = np.empty((batch, rows.size + n + 1))
    out[:, : rows.size] = either[:, rows, cols]
    out[:, rows.size : rows.size + n] = either.any(axis=2)
    out[:, -1] = 1.0
    total: Floats = np.asarray(either.any(axis=(1, 2)), dtype=np.float64)
    return out, total


def split_nuclear(
    group: Sequence[PedigreeData], missing: int, marker: Marker, model: AlleleModel
) -> list[tuple[Shape, list[int], dict[int, npt.NDArray[np.intp]]]]:
    """Sort the families of one structure by closed-form plan at one marker.

    Returns:
        Per plan, the batch positions of its families and each typed person's allele indices
        ((families, 2)); families without a plan (other shapes, one-allele genotypes, X-linked
        markers, other mutation models) are in none.
    """
    if model.xlinked or model.female.ndim != 2 or model.male.ndim != 2:
        return []
    ped = group[0].pedigree
    where: dict[str | None, int] = {allele: i for i, allele in enumerate(marker.alleles)}
    where[None] = -1
    name = marker.name
    empty: dict[str, Genotype] = {}
    # families by pedigree ids and persons listed: families of one structure renamed alike
    # (dvi.pairwise.canonical) hold equal ids in distinct tuples, and share one bucket
    buckets: dict[
        tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[str, ...], list[int], list[Any]]
    ]
    buckets = {}
    for b, data in enumerate(group):
        typing = data.typing.get(name, empty)
        ids = data.pedigree.ids
        listed = (ids, tuple(typing))
        bucket = buckets.get(listed)
        if bucket is None:
            bucket = buckets[listed] = (ids, [], [])
        bucket[1].append(b)
        bucket[2].append(tuple(typing.values()))
    # per pattern (typed persons in the order the family lists them): plan, members, alleles
    plans: dict[tuple[int, ...], tuple[Shape, list[int], list[npt.NDArray[np.intp]]] | None]
    plans = {}

    def add(
        ids: tuple[str, ...],
        persons: tuple[str, ...],
        members: list[int],
        indices: npt.NDArray[np.intp],
    ) -> None:
        key = tuple(ids.index(person) for person in persons)
        if key not in plans:
            shape = nuclear_shape(ped, missing, frozenset(key))
            plans[key] = None if shape is None else (shape, [], [])
        entry = plans[key]
        if entry is not None:
            entry[1].extend(members)
            entry[2].append(indices)

    for (_, persons), (ids, members, cells) in buckets.items():
        # (members, persons, 2) allele indices; -1: an allele not typed
        flat = [where[allele] for row in cells for genotype in row for allele in genotype]
        indices = np.array(flat, dtype=np.intp).reshape(len(members), len(persons), 2)
        partial = (indices < 0).any(axis=(1, 2))
        if not partial.any():
            add(ids, persons, members, indices)
            continue
        whole = [members[k] for k in np.flatnonzero(~partial)]
        add(ids, persons, whole, indices[~partial])
        for k in np.flatnonzero(partial):
            kept = _both_alleles(dict(zip(persons, cells[k], strict=True)))
            if kept is not None:  # else a one-allele genotype: left to peeling
                pairs = [where[allele] for genotype in kept.values() for allele in genotype]
                add(ids, tuple(kept), [members[k]], np.array(pairs, np.intp).reshape(1, -1, 2))
    result = []
    for key, entry in plans.items():
        if entry is not None and entry[1]:
            shape, members, parts = entry
            indices = np.concatenate(parts)
            alleles = {i: np.ascontiguousarray(indices[:, k]) for k, i in enumerate(key)}
            result.append((shape, members, alleles))
    return result


def _both_alleles(typing: Mapping[str, Genotype]) -> dict[str, Genotype] | None:
    """The persons typed with both alleles (untyped ones left out), or None when a person has
    one allele only."""
    kept = {}
    for person, genotype in typing.items():
        if genotype[0] is None or genotype[1] is None:
            if genotype[0] is None and genotype[1] is None:
                continue
            return None
        kept[person] = genotype
    return kept
