"""Familial search at national scale: a float32 bound pass, then exact sums for a few rows.

Screening P profiles against R family rows (:func:`kintrace.kinship.search.screen`) sums, for
every pair, one table entry per marker and keeps each profile's best ``top`` rows. Two passes
do that here, and return exactly what summing every pair in the tables' own precision would:

1. **Bounds, in float32.** Each table is copied to float32 *rounded up* (``-inf`` stays
   ``-inf``: an excluded genotype stays excluded), transposed to (columns, rows). A pair's sum
   of these, plus a per-row margin covering the rounding of both passes, is an upper bound
   ``U`` of its exact score. The sums run over tiles of profiles x rows that stay in cache;
   the starting value of each tile is the margin plus the sex penalty (``-inf`` where the sexes
   differ), so neither costs a pass of its own. Rows are grouped 64 by 64 (strided, so the
   maximum of a group is an element-wise maximum over contiguous slices); the best ``top``
   elements of a profile lie in its ``top`` groups with the largest maxima, so only a few
   groups are searched instead of partitioning every row (the partition cost as much as the
   sums before).
2. **Exact sums, for the candidates.** The ``top + 3`` rows of highest ``U`` are summed
   exactly as the one-pass screen sums them (starting at 0, marker by marker, in the tables'
   dtype), so their scores are bit-identical to it. ``tau``, the highest ``U`` of every row
   left out, bounds every other exact score; when the ``top``-th exact score beats ``tau`` (or
   ``tau`` is ``-inf``: every other row is excluded), the answer is certified. A profile whose
   answer is not certified (near-ties within the margin) is summed against every row exactly.

Ranking is by score, best first, ties by row order. The margin is standard floating-point
error analysis: summing n terms in any order errs by at most ``gamma_(n-1) * sum |x|`` with
``gamma_n = n u / (1 - n u)`` (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd
ed., 2002, section 4.2), here taken as ``2 * 32 * u * sum_m max_c |x_m[c, r]|`` for the float32
pass (``u = 2^-24``) and the same with the tables' own ``u`` for the exact one.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from kintrace.kinship.search import FamilyTables

GROUP = 64
"""Rows per group of the preselection (a group's rows are ``ROWS_PER_TILE / GROUP`` apart)."""

ROWS_PER_TILE = 4096
"""Rows of one tile of the bound pass (a multiple of GROUP)."""

PROFILES_PER_TILE = 32
"""Profiles of one tile of the bound pass (their sums, 32 x 4096 float32, fit in L2)."""

EXTRA = 3
"""Candidates summed exactly beyond ``top`` (slack for the certificate)."""

_SAFETY = 2.0 * 32.0
"""Margin factor: ``gamma_(n-1) <= 32 u`` for the at most 25 terms of a sum, doubled."""

FloatArray = npt.NDArray[np.floating[Any]]


@dataclass(frozen=True, slots=True, eq=False)
class BoundTables:
    """The float32 pass's tables: rounded up, transposed, rows padded to whole tiles."""

    transposed: tuple[npt.NDArray[np.float32], ...]
    """Per marker, (tiles, columns, rows of a tile): table entries rounded up to float32;
    each tile contiguous (``np.take`` copies a non-contiguous source whole)."""
    start: npt.NDArray[np.float32]
    """(tiles, sex codes, rows of a tile): each sum's starting value: the margin, ``-inf``
    where the sexes differ and on padding rows."""
    sex_codes: dict[int, int]
    """Sex code of a profile -> row of :attr:`start`."""
    rows: int
    """Rows before padding."""


def round_up(values: FloatArray) -> npt.NDArray[np.float32]:
    """Return values in float32, none below the value it stands for (``-inf`` stays).

    ``x + |x| 2^-23 + 2^-148``, rounded to the nearest float32, is at least ``x``: the
    rounding moves it by at most half a float32 spacing, ``|x| 2^-24`` (or ``2^-150`` below
    the normal range).
    """
    if values.dtype == np.float32:
        return values.copy()
    with np.errstate(invalid="ignore"):
        raised = values + (np.abs(values) * 2.0**-23 + 2.0**-148)
    result = raised.astype(np.float32)
    result[np.isnan(result)] = -np.inf  # -inf + inf
    return result


def bound_tables(
    tables: FamilyTables, profile_sexes: npt.NDArray[np.int8], *, rows_per_tile: int
) -> BoundTables:
    """Build the float32 bound tables of ``tables`` for profiles of the given sex codes."""
    n_rows = len(tables.families)
    tiles = -(-max(n_rows, 1) // rows_per_tile)
    padded = tiles * rows_per_tile
    exact_u = float(np.finfo(tables.log10_lr[0].dtype).eps) / 2 if tables.log10_lr else 0.0
    size = np.zeros(n_rows)
    transposed: list[npt.NDArray[np.float32]] = []
    for table in tables.log10_lr:
        up = round_up(table)
        magnitude = np.abs(up)
        magnitude[np.isinf(magnitude)] = 0.0
        if up.shape[1]:
            size += magnitude.max(axis=1)
        wide = np.full((up.shape[1], padded), -np.inf, dtype=np.float32)
        wide[:, :n_rows] = up.T
        # (columns, tiles, rows of a tile) -> (tiles, columns, rows of a tile), contiguous
        transposed.append(
            np.ascontiguousarray(wide.reshape(up.shape[1], tiles, rows_per_tile).swapaxes(0, 1))
        )
    margin = round_up(size * _SAFETY * (2.0**-24 + exact_u))
    codes = {int(s): k for k, s in enumerate(np.unique(profile_sexes))}
    start = np.full((max(len(codes), 1), padded), -np.inf, dtype=np.float32)
    for sex, k in codes.items():
        differs = (tables.sexes != sex) & (tables.sexes != 0) & (sex != 0)
        start[k, :n_rows] = np.where(differs, np.float32(-np.inf), margin)
    start = np.ascontiguousarray(start.reshape(len(start), tiles, rows_per_tile).swapaxes(0, 1))
    return BoundTables(tuple(transposed), start, codes, n_rows)


PAIR_BUDGET = 256 * 2**20
"""Bytes that the tables of marker pairs (see :func:`pair_markers`) may take."""


def pair_markers(
    bounds: BoundTables, columns: Sequence[npt.NDArray[np.intp]]
) -> tuple[BoundTables, list[npt.NDArray[np.intp]]]:
    """Sum pairs of markers once per genotype combination seen, to halve their lookups.

    Two markers of few columns (small tables first) become one table of the combinations the
    profiles carry (``T[a] + T[b]`` for each profile's pair of columns ``(a, b)``) when there
    are at most a quarter as many combinations as profiles: each profile then takes one lookup
    and one addition for the pair instead of two. The bound stays a bound: a float32 sum in
    another order, inside the same margin.

    Returns:
        The bound tables with the pairs, and each profile's column in each of them.
    """
    n_profiles = columns[0].size if columns else 0
    order = sorted(range(len(columns)), key=lambda m: bounds.transposed[m].shape[1])
    tiles, _, width = bounds.start.shape
    tables: list[npt.NDArray[np.float32]] = []
    out_columns: list[npt.NDArray[np.intp]] = []
    spent = 0
    k = 0
    while k < len(order):
        a = order[k]
        if k + 1 < len(order):
            b = order[k + 1]
            n_b = bounds.transposed[b].shape[1]
            combos, which = np.unique(columns[a] * n_b + columns[b], return_inverse=True)
            cost = combos.size * tiles * width * 4
            if 4 * combos.size <= n_profiles and spent + cost <= PAIR_BUDGET:
                first, second = combos // n_b, combos % n_b
                pair = np.empty((tiles, combos.size, width), dtype=np.float32)
                for tile in range(tiles):
                    np.add(
                        bounds.transposed[a][tile][first],
                        bounds.transposed[b][tile][second],
                        out=pair[tile],
                    )
                tables.append(pair)
                out_columns.append(which.reshape(-1).astype(np.intp))
                spent += cost
                k += 2
                continue
        tables.append(bounds.transposed[a])
        out_columns.append(columns[a])
        k += 1
    paired = BoundTables(tuple(tables), bounds.start, bounds.sex_codes, bounds.rows)
    return paired, out_columns


def _top_bounds(
    bounds: BoundTables,
    columns: Sequence[npt.NDArray[np.intp]],
    sex_rows: npt.NDArray[np.intp],
    want: int,
    rows_per_tile: int,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """For a few profiles: the ``want`` rows of highest bound, and the bound of all others.

    Returns:
        ``(rows, their bounds, tau)``: (P, want), (P, want), (P,); ``tau`` is at least the
        bound of every row not returned (``-inf`` when they are all excluded).
    """
    n_profiles = sex_rows.size
    lanes = rows_per_tile // GROUP  # groups per tile; group l holds rows l, l + lanes, ...
    pick = min(want, lanes)
    acc = np.empty((n_profiles, rows_per_tile), dtype=np.float32)
    buffer = np.empty_like(acc)
    best_rows = np.zeros((n_profiles, 0), dtype=np.intp)
    best_bounds = np.zeros((n_profiles, 0), dtype=np.float32)
    tau = np.full(n_profiles, -np.inf, dtype=np.float32)
    every = np.arange(n_profiles)[:, None]
    for tile in range(bounds.start.shape[0]):
        r0 = tile * rows_per_tile
        np.take(bounds.start[tile], sex_rows, axis=0, out=acc)
        for table, cols in zip(bounds.transposed, columns, strict=True):
            np.take(table[tile], cols, axis=0, out=buffer)
            np.add(acc, buffer, out=acc)
        group_max = acc.reshape(n_profiles, GROUP, lanes).max(axis=1)
        if pick < lanes:
            part = np.argpartition(-group_max, pick, axis=1)
            groups, beyond = part[:, :pick], part[:, pick]
            tau = np.maximum(tau, group_max[every[:, 0], beyond])
        else:
            groups = np.tile(np.arange(lanes), (n_profiles, 1))
        # the rows of the chosen groups: (P, pick, GROUP) -> (P, pick * GROUP)
        local = (groups[:, :, None] + lanes * np.arange(GROUP)[None, None, :]).reshape(
            n_profiles, -1
        )
        values = np.take_along_axis(acc, local, axis=1)
        rows = np.concatenate([best_rows, local + r0], axis=1)
        values = np.concatenate([best_bounds, values], axis=1)
        if values.shape[1] > want:
            part = np.argpartition(-values, want, axis=1)
            tau = np.maximum(tau, values[every[:, 0], part[:, want]])
            keep = part[:, :want]
            best_rows = np.take_along_axis(rows, keep, axis=1)
            best_bounds = np.take_along_axis(values, keep, axis=1)
        else:
            best_rows, best_bounds = rows, values
    return best_rows, best_bounds, tau


def _exact(
    tables: FamilyTables,
    columns: Sequence[npt.NDArray[np.intp]],
    sexes: npt.NDArray[np.int8],
    rows: npt.NDArray[np.intp],
) -> FloatArray:
    """Sum the exact scores of (profile, row) pairs as the one-pass screen sums them.

    Padding rows (``rows >= R``) score ``-inf``.
    """
    dtype = tables.log10_lr[0].dtype if tables.log10_lr else np.dtype(np.float64)
    padding = rows >= len(tables.families)
    rows = np.where(padding, 0, rows)
    scores = np.zeros(rows.shape, dtype=dtype)
    for table, cols in zip(tables.log10_lr, columns, strict=True):
        np.add(scores, table[rows, cols[:, None]], out=scores)
    row_sex = tables.sexes[rows]
    own = sexes[:, None]
    scores[((row_sex != own) & (row_sex != 0) & (own != 0)) | padding] = -np.inf
    return scores


def _ranked(rows: npt.NDArray[np.intp], scores: FloatArray, keep: int) -> tuple[Any, Any]:
    """Order each profile's rows by score, best first, ties by row; keep ``keep``."""
    order = np.lexsort((rows, -scores), axis=-1)[:, :keep]
    return np.take_along_axis(rows, order, axis=1), np.take_along_axis(scores, order, axis=1)


def _every_row(
    tables: FamilyTables,
    columns: Sequence[npt.NDArray[np.intp]],
    sexes: npt.NDArray[np.int8],
    keep: int,
) -> tuple[Any, Any]:
    """The answer for a few profiles by summing every row exactly (the uncertified ones)."""
    n_rows = len(tables.families)
    rows = np.broadcast_to(np.arange(n_rows), (sexes.size, n_rows))
    return _ranked(np.ascontiguousarray(rows), _exact(tables, columns, sexes, rows), keep)


def _real_rows(rows: npt.NDArray[np.intp], n_rows: int) -> None:
    """Replace padding rows (only ever ranked with ``-inf``) by real rows not yet listed.

    A profile excluded from almost every row may have padding rows among its ``-inf``
    candidates; any excluded real row serves there, as in the one-pass screen.
    """
    for k in np.flatnonzero((rows >= n_rows).any(axis=1)):
        listed = set(rows[k][rows[k] < n_rows].tolist())
        free = (r for r in range(n_rows) if r not in listed)
        rows[k] = [r if r < n_rows else next(free) for r in rows[k].tolist()]


def screen_certified(
    tables: FamilyTables,
    columns: Sequence[npt.NDArray[np.intp]],
    sexes: npt.NDArray[np.int8],
    *,
    top: int,
    threads: int = 2,
    profiles_per_tile: int = PROFILES_PER_TILE,
    rows_per_tile: int = ROWS_PER_TILE,
) -> tuple[npt.NDArray[np.intp], FloatArray, int]:
    """Rank table rows for every profile by summed log10 LR; keep the best ``top``.

    Args:
        tables: family tables (R rows).
        columns: per marker, the column of each of P profiles.
        sexes: sex code of each profile (0 unknown).
        top: rows kept per profile.
        threads: worker threads over profile tiles (numpy releases the GIL).
        profiles_per_tile: profiles summed together.
        rows_per_tile: rows summed together (a multiple of :data:`GROUP`).

    Returns:
        ``(rows, scores, uncertified)``: (P, top') each, ``top' = min(top, R)``, best first,
        ties by row; the scores are the exact sums in the tables' dtype; ``uncertified``
        profiles were summed against every row.
    """
    if rows_per_tile % GROUP:
        raise ValueError(f"rows_per_tile {rows_per_tile} is not a multiple of {GROUP}")
    n_rows = len(tables.families)
    n_profiles = sexes.size
    keep = min(top, n_rows)
    dtype = tables.log10_lr[0].dtype if tables.log10_lr else np.dtype(np.float64)
    rows_out = np.zeros((n_profiles, keep), dtype=np.intp)
    scores_out = np.zeros((n_profiles, keep), dtype=dtype)
    if keep == 0 or n_profiles == 0:
        return rows_out, scores_out, 0
    bounds, lookups = pair_markers(
        bound_tables(tables, sexes, rows_per_tile=rows_per_tile), columns
    )
    sex_rows = np.array([bounds.sex_codes[int(s)] for s in sexes], dtype=np.intp)
    want = min(keep + EXTRA, n_rows)
    uncertified = 0

    def work(start: int) -> int:
        stop = min(start + profiles_per_tile, n_profiles)
        cols = [c[start:stop] for c in columns]
        rows, _, tau = _top_bounds(
            bounds, [c[start:stop] for c in lookups], sex_rows[start:stop], want, rows_per_tile
        )
        exact = _exact(tables, cols, sexes[start:stop], rows)
        ranked_rows, ranked = _ranked(rows, exact, keep)
        kth = ranked[:, keep - 1].astype(np.float64)
        certified = (tau == -np.inf) | (kth > tau.astype(np.float64))
        redo = np.flatnonzero(~certified)
        if redo.size:
            again_rows, again = _every_row(
                tables, [c[redo] for c in cols], sexes[start:stop][redo], keep
            )
            ranked_rows[redo], ranked[redo] = again_rows, again
        _real_rows(ranked_rows, n_rows)
        rows_out[start:stop] = ranked_rows
        scores_out[start:stop] = ranked
        return int(redo.size)

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        uncertified = sum(pool.map(work, range(0, n_profiles, profiles_per_tile)))
    return rows_out, scores_out, uncertified
