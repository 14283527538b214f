"""The threshold screen returns exactly what summing every pair returns.

:func:`kintrace.kinship.pruning.screen_pruned` (a float32 bound on a few lead markers plus the
other markers' row maxima; exact sums only where the bound reaches the profile's best so far)
against the one-pass screen: the same scores bit for bit, the same rows wherever scores are
finite (ties by row order), on random tables with exclusions, ties and unknown sexes, on real
family tables with and without mutation, with any lead markers, tiles and blocks; and it does
discard pairs on real tables.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from tests.unit.kinship.test_screening import Case, every_score, random_case, random_families

from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.pruning import _Plan, lead_markers, screen_pruned
from kintrace.kinship.search import (
    FamilyTables,
    build_family_tables,
    profile_columns,
    screen_every_pair,
)


def assert_same_answer(case: Case, top: int, **options: Any) -> tuple[Any, Any, int]:
    """The one-pass screen's scores bit for bit; finite rows best first, ties by row."""
    tables, columns, sexes = case
    _, want = screen_every_pair(tables, columns, sexes, top=top)
    rows, got, summed = screen_pruned(tables, columns, sexes, top=top, **options)
    assert got.dtype == want.dtype
    assert np.array_equal(got, want)  # bit for bit, -inf included
    scores = every_score(case)
    n_rows = len(tables.families)
    assert ((rows >= 0) & (rows < n_rows)).all()
    for k in range(rows.shape[0]):
        assert len(set(rows[k].tolist())) == rows.shape[1]
        finite = np.isfinite(got[k])
        ranked = np.lexsort((np.arange(n_rows), -scores[k]))[: int(finite.sum())]
        assert rows[k][finite].tolist() == ranked.tolist()
        assert np.array_equal(scores[k][rows[k]], got[k])
    return rows, got, summed


@pytest.mark.parametrize(
    ("rows", "profiles", "top", "tile", "block", "lead"),
    [
        (2000, 300, 5, 256, 16, 5),
        (4096, 64, 5, 4096, 32, 0),  # no lead marker: every row's bound is its maxima
        (130, 50, 10, 64, 7, 3),  # padded last tile, profiles not a multiple of the block
        (7, 20, 5, 64, 32, 5),  # fewer rows than a group
        (3, 10, 5, 64, 32, 2),  # fewer rows than top
        (500, 40, 1, 128, 8, 23),  # every marker a lead marker
        (5000, 64, 3, 128, 32, 2),
    ],
)
def test_random_tables_give_the_one_pass_answer(
    rows: int, profiles: int, top: int, tile: int, block: int, lead: int
) -> None:
    case = random_case(np.random.default_rng(rows + profiles + lead), rows, profiles)
    assert_same_answer(case, top, rows_per_tile=tile, profiles_per_block=block, lead=lead)


@pytest.mark.parametrize("sex", [0, 1, 2])
def test_profiles_of_one_sex_give_the_one_pass_answer(sex: int) -> None:
    """A block of one sex code starts its sums from one broadcast row."""
    tables, columns, sexes = random_case(np.random.default_rng(16 + sex), 700, 70)
    case = (tables, columns, np.full_like(sexes, sex))
    assert_same_answer(case, 5, rows_per_tile=128, profiles_per_block=16, lead=3)


def test_float32_tables_and_mostly_excluded_profiles() -> None:
    assert_same_answer(random_case(np.random.default_rng(5), 900, 60, dtype=np.float32), 5)
    case = random_case(np.random.default_rng(6), 70, 30, excluded=0.6, markers=8)
    _, scores, _ = assert_same_answer(case, 5, rows_per_tile=128)
    assert np.isneginf(scores).any()


def test_ties_are_answered_in_row_order() -> None:
    """Rows copied 8 times tie exactly: the copies follow in row order."""
    tables, columns, sexes = random_case(np.random.default_rng(7), 100, 40)
    copies = 8
    many = FamilyTables(
        families=tables.families * copies,
        positions=tables.positions * copies,
        sexes=np.tile(tables.sexes, copies),
        markers=(),
        log10_lr=tuple(np.concatenate([t] * copies) for t in tables.log10_lr),
    )
    rows, scores, _ = assert_same_answer((many, columns, sexes), 3, rows_per_tile=128)
    finite = np.isfinite(scores[:, 0])
    assert (rows[finite, 1] == rows[finite, 0] + 100).all()
    assert (rows[finite, 2] == rows[finite, 0] + 200).all()


def test_integer_scores_tie_at_the_threshold() -> None:
    """Scores that tie the running threshold exactly are summed, not discarded."""
    rng = np.random.default_rng(13)
    tables, columns, sexes = random_case(rng, 600, 50, markers=6)
    rounded = tuple(np.round(t) for t in tables.log10_lr)
    case = (
        FamilyTables(tables.families, tables.positions, tables.sexes, (), rounded),
        columns,
        sexes,
    )
    for lead in (1, 3):
        assert_same_answer(case, 4, rows_per_tile=64, profiles_per_block=5, lead=lead)


def test_the_bound_is_an_upper_bound_of_every_pair() -> None:
    tables, columns, sexes = random_case(np.random.default_rng(8), 300, 25)
    plan = _Plan(tables, columns, sexes, 4, 128)
    n = len(tables.families)
    tile_bounds = plan.bounds(0, sexes.size)
    bound = np.concatenate([tile_bounds(t) for t in range(plan.tiles)], axis=1)[:, :n]
    assert bound.dtype == np.float32
    exact = every_score((tables, columns, sexes))
    assert (bound.astype(np.float64) >= exact).all()


def test_real_family_tables_with_and_without_mutation() -> None:
    table, families, profiles = random_families(np.random.default_rng(9), 300, 200)
    summed = {}
    for model in (MutationModel(), MutationModel.both(MutationSpec("equal", rate=0.01))):
        tables = build_family_tables(families, table, model)
        columns = profile_columns(profiles, tables.markers)
        sexes = np.array([p.sex for p in profiles], dtype=np.int8)
        _, _, summed[model.female is None] = assert_same_answer(
            (tables, columns, sexes), 5, rows_per_tile=64, lead=1
        )
    assert summed[True] < 0.5 * 300 * 200  # exclusions discard most pairs without mutation


def test_a_floor_leaves_out_only_rows_below_it() -> None:
    case = random_case(np.random.default_rng(14), 400, 30)
    tables, columns, sexes = case
    _, want = screen_every_pair(tables, columns, sexes, top=5)
    floor = want[:, 2].astype(np.float64)  # the third best: the three best stay, others may go
    rows, got, _ = screen_pruned(tables, columns, sexes, top=5, floor=floor, rows_per_tile=64)
    assert np.array_equal(got[:, :3], want[:, :3])
    scores = every_score(case)
    finite: npt.NDArray[np.bool_] = np.isfinite(got)
    assert np.array_equal(np.take_along_axis(scores, rows, axis=1)[finite], got[finite])


def test_lead_markers_are_the_most_excluding() -> None:
    tables, columns, _ = random_case(np.random.default_rng(15), 200, 100, markers=5)
    excluded = list(tables.log10_lr)
    excluded[3] = np.where(np.arange(excluded[3].shape[1]) % 2, -np.inf, excluded[3])
    tables = FamilyTables(tables.families, tables.positions, tables.sexes, (), tuple(excluded))
    assert lead_markers(tables, columns, 1) == [3]


@pytest.mark.parametrize("excluded", [0.3, 0.6, 0.85])
def test_mostly_excluded_profiles_with_few_finite_groups(excluded: float) -> None:
    """Profiles with few finite bounds are not seeded; their rows come from the candidates;
    empty places are filled with the smallest rows not listed, in slot order."""
    for seed in range(3):
        case = random_case(np.random.default_rng(40 + seed), 900, 80, excluded=excluded)
        for block in (1, 13, 512):
            rows, scores, _ = assert_same_answer(
                case, 5, rows_per_tile=256, profiles_per_block=block, lead=2
            )
            for k in range(rows.shape[0]):
                empty = ~np.isfinite(scores[k])
                free = [r for r in range(900) if r not in set(rows[k][~empty].tolist())]
                assert rows[k][empty].tolist() == free[: int(empty.sum())]


@pytest.mark.parametrize("seed_groups", [0, 1, 4, 1000])
def test_any_seeding_rule_gives_the_one_pass_answer(
    seed_groups: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a profile is seeded changes which pairs are summed, never the answer."""
    monkeypatch.setattr("kintrace.kinship.pruning.SEED_GROUPS", seed_groups)
    case = random_case(np.random.default_rng(50 + seed_groups), 1500, 70, excluded=0.2)
    assert_same_answer(case, 5, rows_per_tile=512, profiles_per_block=32, lead=3)


def test_exact_scores_add_the_markers_in_order_from_zero() -> None:
    """Terms of very different sizes: any other order of the sum would differ in the last
    bits; the exact scores are the marker-by-marker sums, bit for bit."""
    rng = np.random.default_rng(21)
    tables, columns, sexes = random_case(rng, 300, 40, markers=23)
    scaled = tuple(t * 10.0 ** rng.integers(-9, 9) for t in tables.log10_lr)
    tables = FamilyTables(tables.families, tables.positions, tables.sexes, (), scaled)
    plan = _Plan(tables, columns, sexes, 3, 128)
    profiles = np.repeat(np.arange(40), 300)
    rows = np.tile(np.arange(300), 40)
    want = np.zeros(rows.size)
    for table, cols in zip(scaled, columns, strict=True):
        want = want + table[rows, cols[profiles]]
    got = plan.exact_scores(profiles, rows)
    assert np.array_equal(got.view(np.int64), want.view(np.int64))
    for few in (1, 2, 7):  # small batches too (numpy may loop differently over them)
        assert np.array_equal(plan.exact_scores(profiles[:few], rows[:few]), want[:few])
