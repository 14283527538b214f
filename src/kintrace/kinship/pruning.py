"""Familial search by threshold: a few lead markers summed for every pair, the rest bounded.

The answer of :func:`kintrace.kinship.screening.screen_certified` (each profile's best ``top``
rows by exact score, ties by row order, the exact scores bit for bit), with less work per
pair. For each profile block and tile of rows:

1. **Bound.** ``B = start[r] + sum over lead markers of T_m[r, c_m(p)]`` in float32 (the
   lookups rounded to float32), where ``start[r] = up(margin + sum over the other markers of
   max_c T_m[r, c])`` (``up``: rounded up to float32; the maximum over the columns the
   profiles use; ``-inf`` where the sexes differ). ``B >= S``, the exact score (the proof is
   in docs/kinship.md, "the threshold screen and why each discard is safe"). The lead markers
   are those whose lookups lower the bound most on a sample of pairs (exclusions, rare
   genotypes).
2. **Discard.** ``L_p``, the ``top``-th best exact score found so far for profile ``p`` (or a
   caller's floor), is a lower bound of the final ``top``-th best. A pair with ``B < L_p`` has
   ``S < L_p`` and cannot enter the answer; a pair with ``B = -inf`` scores ``-inf`` (such rows
   only ever fill an answer, and any real row does that). The other pairs are summed exactly.
3. **Seed.** A profile without ``top`` finite scores yet, and with more than
   ``SEED_GROUPS * top`` groups of finite bounds in the tile, first takes the best row of each
   of its ``top`` best groups, so that ``L_p`` is finite from its first tile on (with fewer
   such groups, their rows are the candidates anyway).

The bounds of a block of profiles against a tile are one sparse product (a one-hot matrix of
each profile's starting row and lead columns times the stacked float32 lead tables): the same
float32 additions in the same order as looking up and adding marker by marker, without the
temporaries. The exact sums are the one-pass screen's (from 0, marker by marker, in the tables'
dtype).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from kintrace.kinship.screening import FloatArray, round_up

if TYPE_CHECKING:
    from kintrace.kinship.search import FamilyTables

LEAD = 6
"""Markers summed for every pair; the others enter the bound by their row maximum."""

PROFILES_PER_BLOCK = 512
"""Profiles of one block (one thread's unit of work; large, so that the fixed cost of each
step, some microseconds per numpy call, is shared by many pairs)."""

ROWS_PER_TILE = 8192
"""Rows of one tile (a block's bounds against a tile: 512 x 8192 float32, 16 MiB)."""

SAMPLE = 512
"""Rows and profiles sampled to choose the lead markers."""

GROUP = 64
"""Rows per group: a tile's rows are searched through the maxima of its groups."""

SEED_GROUPS = 4
"""A profile without a threshold yet is seeded when more than ``SEED_GROUPS * top`` groups of
the tile have a finite bound (fewer: summing their candidates costs less than seeding)."""

_SAFETY = 2.0 * 32.0
"""Margin factor, as in :mod:`kintrace.kinship.screening`."""

_LOW = -30.0
"""log10 LR at which a lookup counts as an exclusion when choosing the lead markers."""


def lead_markers(
    tables: FamilyTables, columns: Sequence[npt.NDArray[np.intp]], lead: int, seed: int = 0
) -> list[int]:
    """Return the ``lead`` markers whose lookups fall furthest below their row maximum.

    On a sample of rows and profiles: the mean of ``max_c T[r, c] - T[r, c(p)]`` (an
    exclusion counted as a drop to :data:`_LOW`). Any choice gives the same answer; this one
    discards the most pairs.
    """
    n_rows = len(tables.families)
    n_profiles = columns[0].size if columns else 0
    rng = np.random.default_rng(seed)
    rows = rng.choice(n_rows, size=min(SAMPLE, n_rows), replace=False)
    profiles = rng.choice(n_profiles, size=min(SAMPLE, n_profiles), replace=False)
    drops = []
    for table, cols in zip(tables.log10_lr, columns, strict=True):
        values = np.maximum(table[rows][:, cols[profiles]], _LOW)
        best = np.maximum(table[rows].max(axis=1), _LOW)
        drops.append(float(np.mean(best[:, None] - values)))
    return sorted(range(len(drops)), key=lambda m: -drops[m])[: min(lead, len(drops))]


class _Plan:
    """What every block reads: the lead tables, the rows' starting values, the exact tables."""

    def __init__(
        self,
        tables: FamilyTables,
        columns: Sequence[npt.NDArray[np.intp]],
        sexes: npt.NDArray[np.int8],
        lead: int,
        rows_per_tile: int,
    ) -> None:
        n_rows = len(tables.families)
        self.n_rows = n_rows
        # a tile no wider than the rows need (whole groups)
        self.width = min(rows_per_tile, -(-max(n_rows, 1) // GROUP) * GROUP)
        rows_per_tile = self.width
        self.tiles = -(-max(n_rows, 1) // rows_per_tile)
        self.dtype = tables.log10_lr[0].dtype if tables.log10_lr else np.dtype(np.float64)
        exact_u = float(np.finfo(self.dtype).eps) / 2
        chosen = lead_markers(tables, columns, lead) if n_rows else []
        size = np.zeros(n_rows)
        rest = np.zeros(n_rows)
        lead_tables: list[npt.NDArray[np.floating[Any]]] = []
        lead_columns: list[npt.NDArray[np.intp]] = []
        for m, (table, cols) in enumerate(zip(tables.log10_lr, columns, strict=True)):
            # only the columns the profiles use matter: the bound and its margin over those
            used = np.zeros(table.shape[1], dtype=bool)
            used[cols] = True
            if not used.any():
                continue
            high, magnitude = _row_maxima(table, used)
            if m not in chosen:
                rest += high
            size += magnitude  # max |x| over finite used x
            if m in chosen:
                lead_tables.append(table)
                lead_columns.append(cols)
        size = size * (1.0 + 2.0**-22) + 2.0**-140  # covers the lookups' float32 rounding
        margin = size * (_SAFETY * (2.0**-24 + exact_u) + 2.0 * 2.0**-24) + 2.0**-140
        with np.errstate(invalid="ignore"):
            start = round_up(rest + margin)
        self.codes = {int(s): k for k, s in enumerate(np.unique(sexes))}
        n_codes = max(len(self.codes), 1)
        # per tile, one float32 matrix: the starting rows (one per sex code), then each lead
        # table transposed, rounded to the nearest float32 (an error of at most |x| 2^-24 +
        # 2^-150 each, inside the margin); padding rows -inf
        offsets = np.cumsum([n_codes] + [t.shape[1] for t in lead_tables])
        self.stacked = np.empty((self.tiles, int(offsets[-1]), rows_per_tile), np.float32)
        self.stacked[-1, :, n_rows - (self.tiles - 1) * rows_per_tile :] = -np.inf
        for sex, k in self.codes.items():
            differs = (tables.sexes != sex) & (tables.sexes != 0) & (sex != 0)
            row = np.where(differs, np.float32(-np.inf), start)
            for tile in range(self.tiles):
                part = row[tile * rows_per_tile : (tile + 1) * rows_per_tile]
                self.stacked[tile, k, : part.size] = part
        step = 512  # rows transposed at a time (in cache)
        for table, first in zip(lead_tables, offsets[:-1], strict=True):
            for tile in range(self.tiles):
                for t0 in range(0, rows_per_tile, step):
                    r0 = tile * rows_per_tile + t0
                    part = table[r0 : r0 + min(step, rows_per_tile - t0)]
                    width = part.shape[1]
                    self.stacked[tile, first : first + width, t0 : t0 + part.shape[0]] = part.T
        # per profile, the stacked rows its bound adds: its sex code's, then its lead columns'
        self.terms = np.empty((sexes.size, 1 + len(lead_tables)), dtype=np.int32)
        self.terms[:, 0] = [self.codes[int(s)] for s in sexes]
        for j, (cols, first) in enumerate(zip(lead_columns, offsets[:-1], strict=True)):
            self.terms[:, 1 + j] = cols + first
        self.n_lead = len(lead_tables)
        self.exact = [np.ascontiguousarray(t).reshape(-1) for t in tables.log10_lr]
        self.exact_widths = np.array([t.shape[1] for t in tables.log10_lr], dtype=np.intp)
        self.columns = np.array(columns, dtype=np.intp).reshape(len(columns), sexes.size)
        self.same_dtype = all(t.dtype == self.dtype for t in tables.log10_lr)

    def bounds(self, first: int, stop: int) -> Callable[[int], npt.NDArray[np.float32]]:
        """The float32 bounds of profiles ``first:stop`` against one tile's rows, per tile.

        A sparse product: each profile's row of the one-hot matrix selects its starting row
        and lead columns, so each bound is ``0 + start + y_1 + ... + y_L``, summed in float32
        in that order (scipy's CSR times dense product adds ``1 * x`` term by term, exactly),
        one profile at a time, with no temporary.
        """
        from scipy import sparse  # here: importing scipy costs commands that never screen

        n_block = stop - first
        per = 1 + self.n_lead
        ones = sparse.csr_array(
            (
                np.ones(n_block * per, dtype=np.float32),
                self.terms[first:stop].reshape(-1),
                np.arange(0, n_block * per + 1, per, dtype=np.int32),
            ),
            shape=(n_block, self.stacked.shape[1]),
        )

        def tile_bounds(tile: int) -> npt.NDArray[np.float32]:
            result: npt.NDArray[np.float32] = ones @ self.stacked[tile]
            return result

        return tile_bounds

    def exact_scores(self, profiles: npt.NDArray[np.intp], rows: npt.NDArray[np.intp]) -> Any:
        """Exact scores of (profile, row) pairs, summed as the one-pass screen sums them."""
        if not self.same_dtype:
            scores = np.zeros(rows.size, dtype=self.dtype)
            for flat, width, cols in zip(self.exact, self.exact_widths, self.columns, strict=True):
                np.add(scores, flat[rows * width + cols[profiles]], out=scores)
            return scores
        where = self.exact_widths[:, None] * rows[None, :]
        where += self.columns[:, profiles]
        scores = np.zeros(rows.size, dtype=self.dtype)
        values = np.empty(rows.size, dtype=self.dtype)
        for flat, at in zip(self.exact, where, strict=True):  # from 0, marker by marker
            np.take(flat, at, out=values)
            np.add(scores, values, out=scores)
        return scores


def _row_maxima(
    table: npt.NDArray[np.floating[Any]], used: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per row, the maximum over the used columns and the largest finite ``|x|`` among them
    (0 when none), computed over blocks of rows that stay in cache."""
    n_rows = table.shape[0]
    high = np.empty(n_rows)
    magnitude = np.empty(n_rows)
    every = bool(used.all())
    step = 256
    for r0 in range(0, n_rows, step):
        part = table[r0 : r0 + step]
        masked = part if every else np.where(used, part, -np.inf)
        high[r0 : r0 + step] = masked.max(axis=1)
        size = np.abs(masked)
        size[np.isinf(size)] = 0.0  # unused columns and exclusions
        magnitude[r0 : r0 + step] = size.max(axis=1)
    return high, magnitude


def _merge(
    top_rows: npt.NDArray[np.intp],
    top_scores: FloatArray,
    profiles: npt.NDArray[np.intp],
    rows: npt.NDArray[np.intp],
    scores: FloatArray,
) -> None:
    """Merge scored pairs (block-local profile indices) into the block's best lists, in place.

    Ranked by score, best first, ties by row; ``-inf`` scores and empty slots (row -1) drop.
    """
    n_block, keep = top_rows.shape
    finite = scores > -np.inf
    held = top_rows.reshape(-1) >= 0
    p = np.concatenate([np.repeat(np.arange(n_block), keep)[held], profiles[finite]])
    r = np.concatenate([top_rows.reshape(-1)[held], rows[finite]])
    s = np.concatenate([top_scores.reshape(-1)[held], scores[finite]])
    order = np.lexsort((r, -s, p))
    p, r, s = p[order], r[order], s[order]
    position = np.arange(p.size) - np.searchsorted(p, np.arange(n_block))[p]
    inside = position < keep
    top_rows.fill(-1)
    top_scores.fill(-np.inf)
    top_rows[p[inside], position[inside]] = r[inside]
    top_scores[p[inside], position[inside]] = s[inside]


def _fill(rows: npt.NDArray[np.intp], n_rows: int) -> None:
    """Give empty slots (-1; their score is ``-inf``) real rows not yet listed, in place: the
    smallest such rows, in slot order."""
    empty = rows < 0
    which = np.flatnonzero(empty.any(axis=1))
    if not which.size:
        return
    keep = rows.shape[1]
    # at most ``keep`` rows are listed, so the first ``keep`` free rows are below 2 keep
    candidates = np.arange(min(2 * keep, n_rows))
    part = rows[which]
    listed = (candidates[None, :, None] == part[:, None, :]).any(axis=2)
    free = np.take_along_axis(
        np.broadcast_to(candidates, listed.shape), np.argsort(listed, axis=1, kind="stable"), 1
    )
    holes = empty[which]
    rank = np.cumsum(holes, axis=1) - 1  # the k-th empty slot takes the k-th free row
    part[holes] = np.take_along_axis(free, np.maximum(rank, 0), axis=1)[holes]
    rows[which] = part


def _seed(
    acc: npt.NDArray[np.float32],
    maxima: npt.NDArray[np.float32],
    which: npt.NDArray[np.intp],
    keep: int,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """For profiles ``which``: the best row of each of their ``keep`` best groups (tile-local).

    Returns ``(profiles, rows)``, ``-inf`` bounds left out.
    """
    lanes = maxima.shape[1]
    if lanes > keep:
        chosen = np.argpartition(-maxima[which], keep - 1, axis=1)[:, :keep]
    else:
        chosen = np.broadcast_to(np.arange(lanes), (which.size, lanes))
    rows = chosen[:, :, None] + lanes * np.arange(GROUP)[None, None, :]  # (u, k, GROUP)
    values = acc[which[:, None, None], rows]
    best = np.take_along_axis(rows, values.argmax(axis=2)[:, :, None], axis=2)[:, :, 0]
    p = np.broadcast_to(which[:, None], best.shape).reshape(-1)
    r = best.reshape(-1)
    alive = acc[p, r] > -np.inf
    return p[alive], r[alive]


def _candidates(
    acc: npt.NDArray[np.float32], maxima: npt.NDArray[np.float32], bar: npt.NDArray[np.float32]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The (profile, tile-local row) pairs with ``acc >= bar[profile]``, found group by group."""
    lanes = maxima.shape[1]
    hit_p, hit_l = np.nonzero(maxima >= bar[:, None])
    if not hit_p.size:
        return hit_p, hit_l
    rows = hit_l[:, None] + lanes * np.arange(GROUP)[None, :]  # (hits, GROUP)
    inside = acc[hit_p[:, None], rows] >= bar[hit_p][:, None]
    return np.broadcast_to(hit_p[:, None], rows.shape)[inside], rows[inside]


def _block(
    plan: _Plan,
    first: int,
    stop: int,
    keep: int,
    floor: npt.NDArray[np.float64] | None,
) -> tuple[npt.NDArray[np.intp], FloatArray, int]:
    """One block of profiles against every tile: best rows, their scores, pairs summed."""
    n_block = stop - first
    width = plan.width
    lanes = width // GROUP  # group l of a tile: rows l, l + lanes, l + 2 lanes, ...
    top_rows = np.full((n_block, keep), -1, dtype=np.intp)
    top_scores = np.full((n_block, keep), -np.inf, dtype=plan.dtype)
    low = np.full(n_block, -np.inf) if floor is None else floor[first:stop].astype(np.float64)
    bounds = plan.bounds(first, stop)
    summed = 0

    def score(p: npt.NDArray[np.intp], r: npt.NDArray[np.intp]) -> None:
        nonlocal summed
        real = r + tile * width
        inside = real < plan.n_rows
        p, real = p[inside], real[inside]
        if p.size:
            _merge(top_rows, top_scores, p, real, plan.exact_scores(p + first, real))
        summed += p.size

    lowest = np.finfo(np.float32).min
    for tile in range(plan.tiles):
        acc = bounds(tile)
        maxima = acc.reshape(n_block, GROUP, lanes).max(axis=1)
        unseeded = np.flatnonzero(np.maximum(top_scores[:, -1], low) == -np.inf)
        if unseeded.size:
            # seeding pays only where more than ``keep`` groups have a finite bound: otherwise
            # the candidates below are those groups' rows anyway
            many = (maxima[unseeded] >= lowest).sum(axis=1) > SEED_GROUPS * keep
            if many.any():
                p, r = _seed(acc, maxima, unseeded[many], keep)
                score(p, r)
                acc[p, r] = -np.inf  # summed now, not again below
        # B < L (float64) discards: L rounded down to float32 keeps that safe; -inf never kept
        threshold = np.maximum(top_scores[:, -1].astype(np.float64), low)
        bar = np.maximum(_down32(threshold), lowest)
        score(*_candidates(acc, maxima, bar))
    return top_rows, top_scores, summed


def _down32(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    """float32 values none above the float64 value they stand for (``-inf`` stays)."""
    rounded = values.astype(np.float32)
    above = rounded.astype(np.float64) > values
    rounded[above] = np.nextafter(rounded[above], np.float32(-np.inf))
    return rounded


def screen_pruned(
    tables: FamilyTables,
    columns: Sequence[npt.NDArray[np.intp]],
    sexes: npt.NDArray[np.int8],
    *,
    top: int,
    threads: int = 2,
    floor: npt.NDArray[np.float64] | None = None,
    lead: int = LEAD,
    profiles_per_block: int = PROFILES_PER_BLOCK,
    rows_per_tile: int = ROWS_PER_TILE,
) -> tuple[npt.NDArray[np.intp], FloatArray, int]:
    """Rank table rows for every profile by summed log10 LR; keep the best ``top``.

    Args:
        tables: family tables (R rows).
        columns: per marker, the column of each of P profiles.
        sexes: sex code of each profile (0 unknown).
        top: rows kept per profile.
        threads: worker threads over profile blocks (numpy releases the GIL).
        floor: per profile, a score that rows must reach to matter (the ``top``-th best score
            of earlier chunks, whose rows rank first on ties): rows scoring below it may be
            left out and their places filled by other rows scored ``-inf``. None: no floor.
        lead: markers summed for every pair.
        profiles_per_block: profiles of one block.
        rows_per_tile: rows of one tile.

    Returns:
        ``(rows, scores, summed)``: (P, top') each, ``top' = min(top, R)``, best first, ties
        by row; the scores are the exact sums in the tables' dtype (without a floor, those of
        :func:`~kintrace.kinship.screening.screen_certified`); ``summed``: pairs summed exactly.
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
    plan = _Plan(tables, columns, sexes, lead, rows_per_tile)

    def work(first: int) -> int:
        stop = min(first + profiles_per_block, n_profiles)
        rows, scores, summed = _block(plan, first, stop, keep, floor)
        _fill(rows, n_rows)
        rows_out[first:stop] = rows
        scores_out[first:stop] = scores
        return summed

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        summed = sum(pool.map(work, range(0, n_profiles, profiles_per_block)))
    return rows_out, scores_out, summed
