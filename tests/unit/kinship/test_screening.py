"""The two-pass screen returns exactly what summing every pair returns.

:func:`kintrace.kinship.search.screen` (float32 bounds, then exact sums for a few candidates)
against :func:`kintrace.kinship.search.screen_every_pair` (the one-pass screen it replaced):
the same scores bit for bit, the same rows wherever scores differ, on real family tables and on
random tables with exclusions, unknown sexes, ties, tiny and padded row counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from kintrace.errors import FrequencyError, MendelianInconsistency
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.pedfile import Family, Profile, parse_families
from kintrace.kinship.screening import bound_tables, pair_markers, screen_certified
from kintrace.kinship.search import (
    FamilyTables,
    build_family_tables,
    profile_columns,
    screen,
    screen_every_pair,
    search_families,
    search_profiles,
)

Case = tuple[FamilyTables, list[npt.NDArray[np.intp]], npt.NDArray[np.int8]]


def random_case(
    rng: np.random.Generator,
    rows: int,
    profiles: int,
    *,
    markers: int = 23,
    excluded: float = 0.05,
    dtype: Any = np.float64,
) -> Case:
    """Random log10 LR tables (some -inf), random sexes (0 unknown) and profile columns."""
    widths = rng.integers(3, 60, markers)
    tables = []
    for width in widths:
        values = rng.standard_normal((rows, int(width))) * 2.0 - 0.5
        values[rng.random(values.shape) < excluded] = -np.inf
        tables.append(values.astype(dtype))
    families = FamilyTables(
        families=tuple(f"F{r}" for r in range(rows)),
        positions=("MP",) * rows,
        sexes=rng.integers(0, 3, rows).astype(np.int8),
        markers=(),
        log10_lr=tuple(tables),
    )
    columns = [rng.integers(0, int(w), profiles) for w in widths]
    return families, columns, rng.integers(0, 3, profiles).astype(np.int8)


def every_score(case: Case) -> npt.NDArray[Any]:
    """Every pair's score, summed marker by marker from 0 in the tables' dtype; -inf for sex."""
    tables, columns, sexes = case
    dtype = tables.log10_lr[0].dtype
    scores = np.zeros((sexes.size, len(tables.families)), dtype=dtype)
    for table, cols in zip(tables.log10_lr, columns, strict=True):
        scores += table[:, cols].T
    own, row_sex = sexes[:, None], tables.sexes[None, :]
    scores[(own != row_sex) & (own != 0) & (row_sex != 0)] = -np.inf
    return scores


def assert_same_answer(
    case: Case, top: int, **options: Any
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any], int]:
    """The one-pass screen's scores bit for bit; the rows best first, ties by row order."""
    tables, columns, sexes = case
    _, want = screen_every_pair(tables, columns, sexes, top=top)
    rows, got, uncertified = screen_certified(tables, columns, sexes, top=top, **options)
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    assert np.array_equal(got, want)  # bit for bit, -inf included
    scores = every_score(case)
    n_rows = len(tables.families)
    assert ((rows >= 0) & (rows < n_rows)).all()
    for k in range(rows.shape[0]):
        assert len(set(rows[k].tolist())) == rows.shape[1]  # no row twice
        finite = np.isfinite(got[k])
        ranked = np.lexsort((np.arange(n_rows), -scores[k]))[: int(finite.sum())]
        assert rows[k][finite].tolist() == ranked.tolist()
        assert np.array_equal(scores[k][rows[k]], got[k])
    return rows, got, uncertified


@pytest.mark.parametrize(
    ("rows", "profiles", "top", "tile_rows", "tile_profiles"),
    [
        (2000, 300, 5, 256, 16),
        (4096, 64, 5, 4096, 32),  # exactly one tile
        (130, 50, 10, 64, 7),  # padded last tile, profiles not a multiple of the tile
        (7, 20, 5, 64, 32),  # fewer rows than a group
        (3, 10, 5, 64, 32),  # fewer rows than top
        (500, 40, 1, 128, 8),
    ],
)
def test_random_tables_give_the_one_pass_answer(
    rows: int, profiles: int, top: int, tile_rows: int, tile_profiles: int
) -> None:
    case = random_case(np.random.default_rng(rows + profiles), rows, profiles)
    assert_same_answer(case, top, rows_per_tile=tile_rows, profiles_per_tile=tile_profiles)


def test_float32_tables_give_the_one_pass_float32_answer() -> None:
    case = random_case(np.random.default_rng(5), 900, 60, dtype=np.float32)
    assert_same_answer(case, 5, rows_per_tile=256)


def test_mostly_excluded_profiles_list_real_rows_only() -> None:
    """Nearly every row excluded: padding rows must never be answered."""
    case = random_case(np.random.default_rng(6), 70, 30, excluded=0.6, markers=8)
    rows, scores, _ = assert_same_answer(case, 5, rows_per_tile=128)
    assert np.isneginf(scores).any()


def test_ties_are_answered_in_row_order_by_the_exact_fallback() -> None:
    """Rows copied 8 times tie exactly, beyond the candidates: every row is summed then."""
    tables, columns, sexes = random_case(np.random.default_rng(7), 100, 40)
    copies = 8
    many = FamilyTables(
        families=tables.families * copies,
        positions=tables.positions * copies,
        sexes=np.tile(tables.sexes, copies),
        markers=(),
        log10_lr=tuple(np.concatenate([t] * copies) for t in tables.log10_lr),
    )
    rows, scores, uncertified = assert_same_answer((many, columns, sexes), 3)
    assert uncertified > 0
    finite = np.isfinite(scores[:, 0])
    # the best row and its first two copies, in row order
    assert (rows[finite, 1] == rows[finite, 0] + 100).all()
    assert (rows[finite, 2] == rows[finite, 0] + 200).all()


def test_the_bounds_are_upper_bounds_of_every_pair() -> None:
    tables, columns, sexes = random_case(np.random.default_rng(8), 300, 25)
    bounds = bound_tables(tables, sexes, rows_per_tile=128)
    n = len(tables.families)
    exact = np.zeros((sexes.size, n))
    bound = np.zeros((sexes.size, n), dtype=np.float32)
    for table, up, cols in zip(tables.log10_lr, bounds.transposed, columns, strict=True):
        exact += table[:, cols].T
        whole = up.swapaxes(0, 1).reshape(up.shape[1], -1)  # (columns, padded rows)
        bound += whole[cols, :n]
    own, row_sex = sexes[:, None], tables.sexes[None, :]
    exact[(own != row_sex) & (own != 0) & (row_sex != 0)] = -np.inf
    starts = bounds.start.swapaxes(0, 1).reshape(bounds.start.shape[1], -1)
    start = starts[[bounds.sex_codes[int(s)] for s in sexes], :n]
    bound = bound + start
    assert (bound >= exact).all()
    assert (np.isneginf(bound) == np.isneginf(exact)).all()  # -inf only where excluded


def random_families(
    rng: np.random.Generator, n_families: int, n_profiles: int
) -> tuple[FrequencyTable, list[Family], list[Profile]]:
    """Trios and families with one typed parent, some missing mothers too; random profiles."""
    table = FrequencyTable(
        {
            name: make_marker(
                name, dict(zip("abcdefgh"[:n], rng.dirichlet(np.ones(n)), strict=True))
            )
            for name, n in (("M1", 4), ("M2", 6), ("M3", 8))
        }
    )
    alleles = {m: list(table[m].alleles) for m in table.names}

    def genotype(m: str) -> str:
        a, b = rng.choice(alleles[m], 2)
        return f"{a}/{b}"

    lines = ["family id fid mid sex missing M1 M2 M3"]
    for f in range(n_families):
        fa = " ".join(genotype(m) for m in table.names)
        mo = " ".join(genotype(m) for m in table.names)
        lines.append(f"F{f} FA 0 0 1 0 {fa}")
        lines.append(f"F{f} MO 0 0 2 1 -/- -/- -/-" if f % 3 else f"F{f} MO 0 0 2 0 {mo}")
        lines.append(f"F{f} MP FA MO {1 + f % 2} 1 -/- -/- -/-")
    families = parse_families("\n".join(lines) + "\n")
    profiles = [
        Profile(
            f"P{k}",
            int(rng.integers(0, 3)),
            {m: tuple(str(a) for a in rng.choice(alleles[m], 2)) for m in table.names},
        )
        for k in range(n_profiles)
    ]
    return table, families, profiles


def test_real_family_tables_give_the_one_pass_answer_with_and_without_mutation() -> None:
    table, families, profiles = random_families(np.random.default_rng(9), 120, 80)
    for model in (MutationModel(), MutationModel.both(MutationSpec("equal", rate=0.01))):
        tables = build_family_tables(families, table, model)
        columns = profile_columns(profiles, tables.markers)
        sexes = np.array([p.sex for p in profiles], dtype=np.int8)
        assert_same_answer((tables, columns, sexes), 5, rows_per_tile=64)
        assert np.array_equal(
            screen(tables, columns, sexes, top=5)[1],
            screen_every_pair(tables, columns, sexes, top=5)[1],
        )
        matches = search_profiles(profiles, tables, top=5)
        assert matches and all(np.isfinite(m.log10_lr) for m in matches)


@pytest.mark.parametrize("chunk", [1, 7, 50, 1000])
def test_searching_families_chunk_by_chunk_gives_the_whole_tables_answer(chunk: int) -> None:
    table, families, profiles = random_families(np.random.default_rng(10), 40, 30)
    model = MutationModel.both(MutationSpec("equal", rate=0.005))
    whole = search_profiles(profiles, build_family_tables(families, table, model), top=4)
    chunked = search_families(profiles, families, table, model, top=4, chunk=chunk)
    assert chunked == whole


def test_searching_families_by_chunks_raises_what_the_whole_tables_raise() -> None:
    table, families, profiles = random_families(np.random.default_rng(11), 12, 5)
    bad_profile = Profile("z", 1, {"M2": ("a", "q")})
    with pytest.raises(FrequencyError) as whole:
        search_profiles([bad_profile], build_family_tables(families, table), source="p.ped")
    with pytest.raises(FrequencyError) as chunked:
        search_families([bad_profile], families, table, profiles_source="p.ped", chunk=5)
    assert chunked.value.problems == whole.value.problems
    # a family impossible without mutation, in the last chunk: reported before the profile
    impossible = parse_families(
        "family id fid mid sex missing M1 M2 M3\n"
        "X FA 0 0 1 0 a/a a/a a/a\nX MO 0 0 2 0 b/b b/b b/b\n"
        "X S FA MO 1 0 c/c a/b a/b\nX MP FA MO 1 1 -/- -/- -/-\n"
    )
    every = families + impossible
    with pytest.raises(MendelianInconsistency) as whole_error:
        build_family_tables(every, table, source="f.ped")
    with pytest.raises(MendelianInconsistency) as chunked_error:
        search_families([bad_profile], every, table, families_source="f.ped", chunk=5)
    assert str(chunked_error.value) == str(whole_error.value)
    assert chunked_error.value.problems == whole_error.value.problems


def test_paired_markers_give_the_same_answer() -> None:
    """Many profiles on small markers: pairs of markers are summed once per combination."""
    case = random_case(np.random.default_rng(12), 300, 3000, markers=12)
    tables, columns, sexes = case
    for c in columns:  # few columns used, as for common alleles
        c %= 4
    bounds = bound_tables(tables, sexes, rows_per_tile=128)
    paired, lookups = pair_markers(bounds, columns)
    assert len(paired.transposed) < len(bounds.transposed)
    assert [c.size for c in lookups] == [sexes.size] * len(lookups)
    assert_same_answer(case, 5, rows_per_tile=128, profiles_per_tile=64)
