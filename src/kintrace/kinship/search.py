"""Familial search: precomputed LR tables per family position, screened by array lookups.

For a reference family and a missing person in it, the LR that an unknown profile with genotype
``g`` is that person, against an unrelated person, is ``P(M = g | family data) / P(g)`` (the
family's likelihood cancels). It depends on ``g`` only, so for each marker we tabulate it once
for every genotype column: the ``n(n+1)/2`` unordered genotypes, then ``a/-`` for each allele
``a``, then one column for an untyped marker (LR 1). Screening profiles against families is then
``log10 LR[row, profile] = sum over markers of table_m[row, column_m(profile)]`` — ``np.take``
and additions, chunked over profiles and spread over threads (numpy releases the GIL in both).

Families sharing one structure (sexes, parents, missing position) are peeled together along a
batch axis. Theta is not applied here (the table would depend on the profile's own alleles).
A profile whose sex is known and differs from the missing person's gets LR 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from kintrace.errors import FrequencyError, MendelianInconsistency
from kintrace.kinship.elimination import Factor, contract, elimination_plan
from kintrace.kinship.genotypes import Genotype, PedigreeData, check_alleles, is_typed
from kintrace.kinship.likelihood import (
    AlleleModel,
    allele_model,
    person_variables,
    prune,
    structure_factors,
)
from kintrace.kinship.markers import FrequencyTable, Marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import Pedigree

BATCH = 256
"""Families peeled together in one batch."""

OnInconsistent = Literal["raise", "skip_marker"]
"""What :func:`build_family_tables` does with a family whose own data are impossible."""


def genotype_columns(n: int) -> npt.NDArray[np.intp]:
    """Return the ``n x n`` symmetric map from an allele pair to its genotype column."""
    rows, cols = np.triu_indices(n)
    lookup = np.empty((n, n), dtype=np.intp)
    lookup[rows, cols] = np.arange(rows.size)
    lookup[cols, rows] = np.arange(rows.size)
    return lookup


def n_columns(n: int) -> int:
    """Return the number of table columns of a marker with ``n`` alleles."""
    return n * (n + 1) // 2 + n + 1


@dataclass(frozen=True, slots=True, eq=False)
class FamilyTables:
    """log10 LR tables: one row per (family, missing person), one array per marker."""

    families: tuple[str, ...]
    positions: tuple[str, ...]
    sexes: npt.NDArray[np.int8]
    markers: tuple[Marker, ...]
    log10_lr: tuple[npt.NDArray[np.floating[Any]], ...]
    likelihood: npt.NDArray[np.float64] = field(default_factory=lambda: np.ones((0, 0)))
    """``P(family data)`` per row and marker (the row's whole family; float64)."""
    inconsistent: tuple[tuple[str, ...], ...] = ()
    """Per row, the markers at which the family's own data are impossible (LR 1 there)."""

    def problems(self) -> list[str]:
        """Return one line per (family, marker) whose data are impossible without mutation."""
        lines = [
            f"family {f}: marker {m}: genotypes inconsistent (no mutation model)"
            for f, names in zip(self.families, self.inconsistent, strict=False)
            for m in names
        ]
        return list(dict.fromkeys(lines))


@dataclass(frozen=True, slots=True, eq=False)
class FamilyLikelihoods:
    """``P(reference data | pedigree)`` of each family (rows) at each marker (columns)."""

    families: tuple[str, ...]
    markers: tuple[Marker, ...]
    likelihood: npt.NDArray[np.float64]

    def log10_total(self) -> npt.NDArray[np.float64]:
        """Return the log10 of each family's likelihood over all markers (-inf when 0)."""
        with np.errstate(divide="ignore"):
            result: npt.NDArray[np.float64] = np.log10(self.likelihood).sum(axis=1)
        return result


def lr_columns(
    joint: npt.NDArray[np.float64], model: AlleleModel, hemizygous: bool
) -> npt.NDArray[np.float64]:
    """Turn ``P(data, M = allele pair)`` (batch, n, n) or (batch, n) into LR columns.

    Returns:
        (batch, columns) LRs: unordered genotypes, ``a/-`` per allele, untyped (1).
    """
    p = model.freqs
    n = model.n
    total = joint.reshape(joint.shape[0], -1).sum(axis=1)
    rows, cols = np.triu_indices(n)
    out = np.zeros((joint.shape[0], n_columns(n)))
    if hemizygous:
        posterior = joint / total[:, None]
        homozygous = genotype_columns(n)[np.arange(n), np.arange(n)]
        out[:, homozygous] = posterior / p
        out[:, rows.size : rows.size + n] = posterior / p
    else:
        posterior = joint / total[:, None, None]
        unordered = posterior + np.swapaxes(posterior, 1, 2)
        unordered[:, np.arange(n), np.arange(n)] *= 0.5
        hwe = np.where(rows == cols, 1.0, 2.0) * p[rows] * p[cols]
        out[:, : rows.size] = unordered[:, rows, cols] / hwe
        carries = posterior.sum(axis=2) + posterior.sum(axis=1) - np.diagonal(posterior, 0, 1, 2)
        out[:, rows.size : rows.size + n] = carries / (p * (2.0 - p))
    out[:, -1] = 1.0
    return out


def _peel_batch(
    group: Sequence[PedigreeData], missing: int | None, marker: Marker, model: AlleleModel
) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.float64]]:
    """Peel families of one structure at one marker, each looked up by its own person ids.

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
        result = _eliminate(fold_parents(ped, persons, factors, model, keep), keep)
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


def _batch_tables(
    group: Sequence[Family], missing: int, marker: Marker, model: AlleleModel
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Return LR columns, whole-family likelihoods and the inconsistent mask of one batch.

    A family whose own data are impossible (component of the missing person) gets LR 1 columns
    and True in the mask.
    """
    joint, likelihood = _peel_batch([f.data for f in group], missing, marker, model)
    assert joint is not None
    totals = joint.reshape(len(group), -1).sum(axis=1)
    bad = totals == 0
    if bad.any():
        joint = joint.copy()
        joint[bad] = 1.0
    lrs = lr_columns(joint, model, joint.ndim == 2)
    lrs[bad] = 1.0
    return lrs, likelihood, bad


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


def _eliminate(factors: Sequence[Factor], keep: Sequence[int]) -> Factor:
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
        active[next_id] = _product(parts, out) or contract(parts, out)
        next_id += 1
    return contract(list(active.values()), tuple(keep))


def build_family_tables(
    families: Sequence[Family],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    dtype: type[np.floating[Any]] = np.float64,
    source: str = "",
    inconsistent: OnInconsistent = "raise",
) -> FamilyTables:
    """Precompute log10 LR tables for every missing person of every family, marker by marker.

    Families of one structure (sexes, parents, position of the missing person) are peeled
    together; each family's persons are looked up by its own ids.

    Args:
        families: reference families with their missing persons.
        table: allele frequencies (every marker of the families must be there).
        mutation: female and male mutation models.
        dtype: float type of the tables (float32 halves memory and speeds up screening).
        source: file name for error messages.
        inconsistent: what to do with a family whose own data are impossible at a marker
            without mutation: ``"raise"`` (one error listing every such family and marker) or
            ``"skip_marker"`` (that marker gets LR 1 for that family's rows, and is listed in
            :attr:`FamilyTables.inconsistent`).

    Returns:
        Tables with one row per (family, missing person), in input order.

    Raises:
        MendelianInconsistency: with ``inconsistent="raise"``, one line per family and marker.
    """
    markers = tuple(dict.fromkeys(m for f in families for m in f.data.markers))
    for family in families:
        check_alleles(
            family.data, table, source=f"{source}: family {family.name}" if source else ""
        )
    rows = [(f, pos) for f in families for pos in f.missing]
    groups: dict[tuple[object, ...], list[int]] = {}
    for r, (family, position) in enumerate(rows):
        ped = family.data.pedigree
        key = (ped.sex, ped.father, ped.mother, ped.index(position))
        groups.setdefault(key, []).append(r)
    out: list[npt.NDArray[np.floating[Any]]] = []
    likelihood = np.ones((len(rows), len(markers)))
    bad_rows: list[list[str]] = [[] for _ in rows]
    for k, name in enumerate(markers):
        marker = table[name]
        model = allele_model(marker, mutation)
        result = np.empty((len(rows), n_columns(marker.n_alleles)), dtype=dtype)
        for members in groups.values():
            for start in range(0, len(members), BATCH):
                chunk = members[start : start + BATCH]
                first, position = rows[chunk[0]]
                missing = first.data.pedigree.index(position)
                lrs, values, bad = _batch_tables(
                    [rows[r][0] for r in chunk], missing, marker, model
                )
                likelihood[chunk, k] = values
                for b in np.flatnonzero(bad):
                    bad_rows[chunk[int(b)]].append(name)
                with np.errstate(divide="ignore"):
                    result[chunk] = np.log10(lrs)
        out.append(result)
    problems = [
        f"family {f.name}: marker {m}: genotypes inconsistent (no mutation model)"
        for (f, _), names in zip(rows, bad_rows, strict=True)
        for m in names
    ]
    problems = list(dict.fromkeys(problems))
    if problems and inconsistent == "raise":
        raise MendelianInconsistency(
            f"{source + ': ' if source else ''}{len(problems)} family marker(s) inconsistent "
            f"without mutation; first: {problems[0]}",
            problems=problems,
        )
    sexes = np.array(
        [int(f.data.pedigree.sex[f.data.pedigree.index(p)]) for f, p in rows], dtype=np.int8
    )
    return FamilyTables(
        families=tuple(f.name for f, _ in rows),
        positions=tuple(p for _, p in rows),
        sexes=sexes,
        markers=tuple(table[m] for m in markers),
        log10_lr=tuple(out),
        likelihood=likelihood,
        inconsistent=tuple(tuple(names) for names in bad_rows),
    )


def family_likelihoods(
    families: Sequence[Family],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
) -> FamilyLikelihoods:
    """Return each family's likelihood ``P(reference data | pedigree)`` at each marker.

    Families of one structure are peeled together (as in :func:`build_family_tables`, whose
    :attr:`FamilyTables.likelihood` holds the same numbers per row). A family whose data are
    impossible at a marker gets 0 there; nothing is raised for it.

    Args:
        families: families (missing persons, if any, are ignored: untyped, they sum out).
        table: allele frequencies of every marker of the families.
        mutation: female and male mutation models.

    Returns:
        One row per family, one column per marker (markers absent from a family: 1).

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.kinship.pedfile import parse_families
    >>> t = FrequencyTable({"M": make_marker("M", {"a": 0.25, "b": 0.75})})
    >>> fams = parse_families("family id fid mid sex missing M\\n"
    ...     "F FA 0 0 1 0 a/a\\nF CH FA 0 1 0 a/b\\nF MP 0 0 1 1 -/-\\n")
    >>> family_likelihoods(fams, t).likelihood.tolist()  # p_a^2 * p_b
    [[0.046875]]
    """
    markers = tuple(dict.fromkeys(m for f in families for m in f.data.markers))
    for family in families:
        check_alleles(family.data, table)
    groups: dict[tuple[object, ...], list[int]] = {}
    for r, family in enumerate(families):
        ped = family.data.pedigree
        groups.setdefault((ped.sex, ped.father, ped.mother), []).append(r)
    likelihood = np.ones((len(families), len(markers)))
    for k, name in enumerate(markers):
        marker = table[name]
        model = allele_model(marker, mutation)
        for members in groups.values():
            for start in range(0, len(members), BATCH):
                chunk = members[start : start + BATCH]
                group = [families[r].data for r in chunk]
                _, likelihood[chunk, k] = _peel_batch(group, None, marker, model)
    return FamilyLikelihoods(
        families=tuple(f.name for f in families),
        markers=tuple(table[m] for m in markers),
        likelihood=likelihood,
    )


def profile_columns(
    profiles: Sequence[Profile], markers: Sequence[Marker], *, source: str = ""
) -> list[npt.NDArray[np.intp]]:
    """Return, for each marker, the table column of each profile's genotype.

    Raises:
        FrequencyError: one line per profile allele missing from the marker.
    """
    prefix = f"{source}: " if source else ""
    problems: list[str] = []
    result = []
    for marker in markers:
        n = marker.n_alleles
        lookup = genotype_columns(n)
        n_genotypes = n * (n + 1) // 2
        columns = np.full(len(profiles), n_genotypes + n, dtype=np.intp)
        for k, profile in enumerate(profiles):
            genotype = profile.genotypes.get(marker.name)
            if genotype is None or not is_typed(genotype):
                continue
            idx = [marker.index(a) if a is not None else -1 for a in genotype]
            for allele, i in zip(genotype, idx, strict=True):
                if allele is not None and i < 0:
                    problems.append(
                        f"{prefix}person {profile.id}: marker {marker.name}: allele {allele} "
                        "is not in the frequency table"
                    )
            if min(idx[0], n) < 0 or (genotype[1] is not None and idx[1] < 0):
                continue
            columns[k] = n_genotypes + idx[0] if idx[1] < 0 else lookup[idx[0], idx[1]]
        result.append(columns)
    if problems:
        raise FrequencyError(problems[0], problems=problems)
    return result


def screen(
    tables: FamilyTables,
    columns: Sequence[npt.NDArray[np.intp]],
    sexes: npt.NDArray[np.int8],
    *,
    top: int,
    threads: int = 2,
    chunk: int = 16,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.floating[Any]]]:
    """Rank table rows for every profile by summed log10 LR and keep the best ``top``.

    The tables are transposed once to (columns, rows), so that one profile's log10 LRs against
    every row at one marker are one contiguous row of the transposed table: screening a chunk
    of profiles is ``np.take`` of whole rows and an in-cache addition per marker.

    Args:
        tables: precomputed family tables (R rows).
        columns: per marker, the column of each of P profiles (see :func:`profile_columns`).
        sexes: sex code of each profile (0 unknown).
        top: matches kept per profile.
        threads: worker threads over profile chunks (numpy releases the GIL).
        chunk: profiles per chunk.

    Returns:
        ``(rows, log10_lr)``, each (P, top'), best first, ``top' = min(top, R)``.
    """
    n_rows = len(tables.families)
    n_profiles = sexes.size
    keep = min(top, n_rows)
    dtype = tables.log10_lr[0].dtype if tables.log10_lr else np.dtype(np.float64)
    transposed = [np.ascontiguousarray(t.T) for t in tables.log10_lr]
    rows_out = np.zeros((n_profiles, keep), dtype=np.intp)
    scores_out = np.zeros((n_profiles, keep), dtype=dtype)

    def work(start: int) -> None:
        stop = min(start + chunk, n_profiles)
        acc = np.zeros((stop - start, n_rows), dtype=dtype)
        buffer = np.empty_like(acc)
        for table, cols in zip(transposed, columns, strict=True):
            np.take(table, cols[start:stop], axis=0, out=buffer)
            np.add(acc, buffer, out=acc)
        row_sex = tables.sexes[None, :]
        own = sexes[start:stop, None]
        acc[(row_sex != own) & (row_sex != 0) & (own != 0)] = -np.inf
        best = (
            np.argpartition(-acc, keep - 1, axis=1)[:, :keep]
            if keep < n_rows
            else np.tile(np.arange(n_rows), (stop - start, 1))
        )
        best_scores = np.take_along_axis(acc, best, axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")
        rows_out[start:stop] = np.take_along_axis(best, order, axis=1)
        scores_out[start:stop] = np.take_along_axis(best_scores, order, axis=1)

    if keep > 0:
        with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            list(pool.map(work, range(0, n_profiles, chunk)))
    return rows_out, scores_out


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked candidate for a profile: the family, the missing person and the LR."""

    profile: str
    rank: int
    family: str
    position: str
    lr: float
    log10_lr: float


def search_profiles(
    profiles: Sequence[Profile], tables: FamilyTables, *, top: int = 5, source: str = ""
) -> list[Match]:
    """Rank families (and positions) for each profile; best first, LR 0 candidates dropped."""
    if not profiles or not tables.families:
        return []
    columns = profile_columns(profiles, tables.markers, source=source)
    sexes = np.array([p.sex for p in profiles], dtype=np.int8)
    rows, scores = screen(tables, columns, sexes, top=top)
    matches: list[Match] = []
    for k, profile in enumerate(profiles):
        rank = 0
        for r, score in zip(rows[k], scores[k], strict=True):
            if not np.isfinite(score):
                continue
            rank += 1
            matches.append(
                Match(
                    profile.id,
                    rank,
                    tables.families[r],
                    tables.positions[r],
                    float(10.0 ** float(score)),
                    float(score),
                )
            )
    return matches
