"""Familial search: precomputed LR tables per family position, screened by array lookups.

For a reference family and a missing person in it, the LR that an unknown profile with genotype
``g`` is that person, against an unrelated person, is ``P(M = g | family data) / P(g)`` (the
family's likelihood cancels). It depends on ``g`` only, so for each marker we tabulate it once
for every genotype column: the ``n(n+1)/2`` unordered genotypes, then ``a/-`` for each allele
``a``, then one column for an untyped marker (LR 1). Screening profiles against families is then
``log10 LR[row, profile] = sum over markers of table_m[row, column_m(profile)]`` — ``np.take``
and additions, chunked over profiles and spread over threads (numpy releases the GIL in both).

Families sharing one structure (sexes, parents, missing position) are peeled together along a
batch axis (:mod:`kintrace.kinship.peeling`). Theta is not applied here (the table would
depend on the profile's own alleles). A profile whose sex is known and differs from the
missing person's gets LR 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from kintrace.errors import FrequencyError, MendelianInconsistency
from kintrace.kinship.genotypes import all_alleles_known, check_alleles, is_typed
from kintrace.kinship.likelihood import AlleleModel, allele_model
from kintrace.kinship.markers import FrequencyTable, Marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.nuclear import (
    identity_model,
    nuclear_columns,
    nuclear_possible_columns,
    split_nuclear,
    upper_pairs,
)
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.peeling import fold_parents as fold_parents  # re-exported (docs, callers)
from kintrace.kinship.peeling import peel_batch

T = TypeVar("T")

BATCH = 256
"""Families peeled together in one batch."""

OnInconsistent = Literal["raise", "skip_marker"]
"""What :func:`build_family_tables` does with a family whose own data are impossible."""


def genotype_columns(n: int) -> npt.NDArray[np.intp]:
    """Return the ``n x n`` symmetric map from an allele pair to its genotype column."""
    rows, cols = upper_pairs(n)
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
    rows, cols = upper_pairs(n)
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


def possible_columns(
    joint: npt.NDArray[np.float64], n: int, hemizygous: bool
) -> npt.NDArray[np.float64]:
    """The columns of :func:`lr_columns` that are 0 there, as 0, and the others as 1.

    An LR column is a posterior over ``P(g)``: a genotype's is 0 exactly when both ordered
    pairs of ``joint`` are 0, an ``a/-`` column when row and column ``a`` are all 0 (their
    sums hold the diagonal twice and subtract it once, so a positive entry leaves a positive
    sum in floating point too), the untyped column never.
    """
    possible = joint > 0
    rows, cols = upper_pairs(n)
    out = np.zeros((joint.shape[0], n_columns(n)))
    if hemizygous:
        out[:, genotype_columns(n)[np.arange(n), np.arange(n)]] = possible
        out[:, rows.size : rows.size + n] = possible
    else:
        either = possible | np.swapaxes(possible, 1, 2)
        out[:, : rows.size] = either[:, rows, cols]
        out[:, rows.size : rows.size + n] = either.any(axis=2)
    out[:, -1] = 1.0
    return out


def _batch_tables(
    group: Sequence[Family],
    missing: int,
    marker: Marker,
    model: AlleleModel,
    *,
    zeros_only: bool = False,
    blas: bool = False,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Return LR columns, whole-family likelihoods and the inconsistent mask of one batch.

    Families that are nuclear at this marker take the closed form
    (:mod:`kintrace.kinship.nuclear`); the others are peeled. A family whose own data are
    impossible (component of the missing person) gets LR 1 columns and True in the mask.
    """
    datas = [f.data for f in group]
    size = len(group)
    lrs = np.empty((size, n_columns(model.n)))
    likelihood = np.empty(size)
    bad = np.zeros(size, dtype=bool)
    rest = np.ones(size, dtype=bool)
    # only which LRs are 0, without mutation: decided on allele sets, no value computed
    by_sets = zeros_only and identity_model(model)
    for shape, members, alleles in split_nuclear(datas, missing, marker, model):
        if by_sets:
            columns = nuclear_possible_columns(shape, alleles, model.n, len(members))
        else:
            columns = nuclear_columns(shape, alleles, model, len(members))
        lrs[members], likelihood[members] = columns
        bad[members] = likelihood[members] == 0
        rest[members] = False
    others = np.flatnonzero(rest)
    if others.size:
        peeled = datas if others.size == size else [datas[b] for b in others]
        joint, likelihood[others] = peel_batch(
            peeled, missing, marker, model, zeros_only=zeros_only, blas=blas
        )
        assert joint is not None
        totals = joint.reshape(others.size, -1).sum(axis=1)
        impossible = totals == 0
        if impossible.any():
            joint = joint.copy()
            joint[impossible] = 1.0
        if zeros_only:
            lrs[others] = possible_columns(joint, model.n, joint.ndim == 2)
        else:
            lrs[others] = lr_columns(joint, model, joint.ndim == 2)
        bad[others] = impossible
    lrs[bad] = 1.0
    return lrs, likelihood, bad


def _log10(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``np.log10(values)``, computed only where a value is not 0 (``-inf`` there, as
    ``np.log10`` gives): most LRs of families with a typed parent are 0 without mutation, and
    a ``log10`` costs some 20 ns."""
    nonzero = values != 0
    if nonzero.all():
        return np.log10(values)
    result = np.full(values.shape, -np.inf)
    np.log10(values, out=result, where=nonzero)
    return result


def build_family_tables(
    families: Sequence[Family],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    dtype: type[np.floating[Any]] = np.float64,
    source: str = "",
    inconsistent: OnInconsistent = "raise",
    zeros_only: bool = False,
    blas: bool = False,
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
        zeros_only: the caller uses only which LRs and likelihoods are 0 (log10 ``-inf``), as
            the incompatible-marker counts do: the peeled sums may then run in another order
            (:func:`~kintrace.kinship.elimination.contract`), so the other values may differ
            in the last bits; which are 0 does not. The log10 LRs are then ``-inf`` where
            the LR is 0 and 0 elsewhere (:func:`possible_columns`); without mutation, the
            nuclear families' are decided on allele sets
            (:func:`~kintrace.kinship.nuclear.nuclear_possible_columns`) and their
            likelihoods are 1 where positive.
        blas: the peeled families' two-factor products may run as BLAS matrix products
            (:func:`~kintrace.kinship.elimination.contract`): the same values within
            rounding (a few units in the last place), the same zeros; several times faster on
            the many-allele STRs.

    Returns:
        Tables with one row per (family, missing person), in input order.

    Raises:
        MendelianInconsistency: with ``inconsistent="raise"``, one line per family and marker.
    """
    markers = tuple(dict.fromkeys(m for f in families for m in f.data.markers))
    if not all_alleles_known((f.data for f in families), table):
        for family in families:  # the first family's problems, as checked one by one
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
                    [rows[r][0] for r in chunk], missing, marker, model,
                    zeros_only=zeros_only, blas=blas,
                )  # fmt: skip
                likelihood[chunk, k] = values
                for b in np.flatnonzero(bad):
                    bad_rows[chunk[int(b)]].append(name)
                # zeros_only: log10 LR -inf where the LR is 0, 0 elsewhere (no log computed)
                result[chunk] = np.where(lrs == 0, -np.inf, 0.0) if zeros_only else _log10(lrs)
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
                _, likelihood[chunk, k] = peel_batch(group, None, marker, model)
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
        untyped = n_genotypes + n
        columns = np.full(len(profiles), untyped, dtype=np.intp)
        # a genotype's column, once found without a problem (remains repeat common genotypes)
        known: dict[object, int] = {}
        for k, profile in enumerate(profiles):
            genotype = profile.genotypes.get(marker.name)
            if genotype is None:
                continue
            column = known.get(genotype)
            if column is not None:
                columns[k] = column
                continue
            if not is_typed(genotype):
                continue
            idx = [marker.index(a) if a is not None else -1 for a in genotype]
            clean = True
            for allele, i in zip(genotype, idx, strict=True):
                if allele is not None and i < 0:
                    clean = False
                    problems.append(
                        f"{prefix}person {profile.id}: marker {marker.name}: allele {allele} "
                        "is not in the frequency table"
                    )
            if min(idx[0], n) < 0 or (genotype[1] is not None and idx[1] < 0):
                column = untyped
            else:
                column = int(n_genotypes + idx[0] if idx[1] < 0 else lookup[idx[0], idx[1]])
            columns[k] = column
            if clean:
                known[genotype] = column
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
    floor: npt.NDArray[np.float64] | None = None,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.floating[Any]]]:
    """Rank table rows for every profile by summed log10 LR and keep the best ``top``.

    ``floor``: per profile, the ``top``-th best score of rows ranked before these (earlier
    chunks); rows scoring below it may be left out, their places filled by rows scored
    ``-inf`` (see :func:`~kintrace.kinship.pruning.screen_pruned`).

    The answer of :func:`screen_every_pair` (the same scores, bit for bit; ties by row), found
    by a float32 bound on a few lead markers plus the other markers' row maxima, and exact sums
    for the pairs whose bound reaches the profile's best so far
    (:mod:`kintrace.kinship.pruning`).

    Returns:
        ``(rows, log10_lr)``, each (P, top'), best first, ``top' = min(top, R)``.
    """
    # imported here: the DVI tables (kintrace dvi) use this module without screening
    from kintrace.kinship.pruning import screen_pruned

    rows, scores, _ = screen_pruned(tables, columns, sexes, top=top, threads=threads, floor=floor)
    return rows, scores


def screen_every_pair(
    tables: FamilyTables,
    columns: Sequence[npt.NDArray[np.intp]],
    sexes: npt.NDArray[np.int8],
    *,
    top: int,
    threads: int = 2,
    chunk: int = 16,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.floating[Any]]]:
    """Rank table rows for every profile by summed log10 LR, every pair summed (reference).

    The one-pass screen that :func:`screen` replaced, kept as its reference (tests, benchmark).
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
        from concurrent.futures import ThreadPoolExecutor  # only the screens use threads

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


def prefetched(build: Callable[[int], T], keys: Sequence[int]) -> Iterator[T]:
    """Yield ``build(key)`` for each key in order, building the next one in a thread meanwhile.

    The tables of chunk ``k + 1`` are built while chunk ``k`` is screened (both mostly numpy,
    which releases the GIL), so a second core is not idle while one builds; at most two chunks
    are held. An error of a build is raised when its chunk's turn comes.
    """
    from concurrent.futures import ThreadPoolExecutor  # only the screens use threads

    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = pool.submit(build, keys[0]) if keys else None
        for k in range(len(keys)):
            assert ahead is not None
            current = ahead.result()
            ahead = pool.submit(build, keys[k + 1]) if k + 1 < len(keys) else None
            yield current
            del current


FAMILY_CHUNK = 6144
"""Families per chunk of :func:`search_families` (0.25 GB of float64 tables on 23 markers; two
chunks are held at once, one screened while the next is built)."""


def search_families(
    profiles: Sequence[Profile],
    families: Sequence[Family],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    top: int = 5,
    profiles_source: str = "",
    families_source: str = "",
    chunk: int = FAMILY_CHUNK,
    threads: int = 2,
) -> list[Match]:
    """Rank families for each profile, building and screening the families chunk by chunk.

    The answer of :func:`build_family_tables` then :func:`search_profiles` (the same matches,
    the same errors), with the tables of at most ``chunk`` families in memory at a time: each
    chunk's best ``top`` rows per profile are merged (by score, then row order).

    Raises:
        FrequencyError: a family's or a profile's allele missing from the table.
        MendelianInconsistency: one line per family and marker whose data are impossible.
    """
    for family in families:
        check_alleles(
            family.data,
            table,
            source=f"{families_source}: family {family.name}" if families_source else "",
        )
    markers = tuple(dict.fromkeys(m for f in families for m in f.data.markers))
    profile_error: FrequencyError | None = None
    all_columns: list[npt.NDArray[np.intp]] = []
    try:
        if profiles and families:
            all_columns = profile_columns(
                profiles, [table[m] for m in markers], source=profiles_source
            )
    except FrequencyError as error:  # raised after the families' own problems, as before
        profile_error = error
    where = {name: k for k, name in enumerate(markers)}
    sexes = np.array([p.sex for p in profiles], dtype=np.int8)
    names: list[str] = []
    positions: list[str] = []
    best_rows = np.zeros((len(profiles), 0), dtype=np.intp)
    best = np.zeros((len(profiles), 0))
    problems: list[str] = []

    def build(start: int) -> FamilyTables:
        return build_family_tables(
            families[start : start + chunk],
            table,
            mutation,
            source=families_source,
            inconsistent="skip_marker",
        )

    for tables in prefetched(build, range(0, len(families), max(1, chunk))):
        problems += tables.problems()
        offset = len(names)
        names += tables.families
        positions += tables.positions
        if problems or profile_error is not None or not profiles or not tables.families:
            continue
        columns = [all_columns[where[m.name]] for m in tables.markers]
        floor = best[:, top - 1] if best.shape[1] >= top else None
        rows, scores = screen(tables, columns, sexes, top=top, threads=threads, floor=floor)
        merged_rows = np.concatenate([best_rows, rows + offset], axis=1)
        merged = np.concatenate([best, scores], axis=1)
        order = np.lexsort((merged_rows, -merged), axis=-1)[:, :top]
        best_rows = np.take_along_axis(merged_rows, order, axis=1)
        best = np.take_along_axis(merged, order, axis=1)
    if problems:
        raise MendelianInconsistency(
            f"{families_source + ': ' if families_source else ''}{len(problems)} family "
            f"marker(s) inconsistent without mutation; first: {problems[0]}",
            problems=problems,
        )
    if profile_error is not None:
        raise profile_error
    matches: list[Match] = []
    for k, profile in enumerate(profiles):
        finite = [(r, s) for r, s in zip(best_rows[k], best[k], strict=True) if np.isfinite(s)]
        for rank, (r, score) in enumerate(finite, start=1):
            matches.append(
                Match(
                    profile.id,
                    rank,
                    names[r],
                    positions[r],
                    float(10.0 ** float(score)),
                    float(score),
                )
            )
    return matches
