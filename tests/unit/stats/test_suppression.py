"""Small counts and their complements are hidden so that none can be worked out from totals."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.stats.service import HIDDEN, NO_DESK, NOT_ASSESSED, Figures, publish, suppress

Breakdowns = dict[str, dict[str, int]]


def recoverable(total: int | None, breakdowns: dict[str, dict[str, int | None]]) -> set[str]:
    """Brute force: the hidden cells (and total) that take one value only in every fitting table.

    ``None`` is a hidden value. A reader knows that a hidden cell is at least 1 (zeros are
    published) and that each breakdown sums to the total; a hidden total is tried up to 12
    more than the largest visible sum.
    """
    unknowns = [f"{name}.{key}" for name, cells in breakdowns.items()
                for key, v in cells.items() if v is None]  # fmt: skip
    visible = {name: sum(v for v in cells.values() if v is not None)
               for name, cells in breakdowns.items()}  # fmt: skip
    totals = [total] if total is not None else range(1, max(visible.values()) + 13)
    seen: dict[str, set[int]] = {u: set() for u in [*unknowns, "total"]}
    for t in totals:
        options: list[list[tuple[int, ...]]] = []  # per breakdown: ways to share its remainder
        for name, cells in breakdowns.items():
            hidden = [k for k, v in cells.items() if v is None]
            rest = t - visible[name]
            options.append(
                [c for c in itertools.product(range(1, rest + 1), repeat=len(hidden))
                 if sum(c) == rest] if hidden else ([()] if rest == 0 else [])
            )  # fmt: skip
        for combo in itertools.product(*options):
            seen["total"].add(t)
            for u, v in zip(unknowns, [v for part in combo for v in part], strict=True):
                seen[u].add(v)
    assert seen["total"], "the published table fits no table at all"
    found = {u for u in unknowns if len(seen[u]) == 1}
    return found | ({"total"} if total is None and len(seen["total"]) == 1 else set())


def published(total: int, breakdowns: Breakdowns) -> tuple[int | None, dict]:
    chosen = suppress(total, breakdowns)
    shown = {
        name: {k: (None if k in chosen.cells[name] else v) for k, v in cells.items()}
        for name, cells in breakdowns.items()
    }
    return (None if chosen.total else total), shown


def random_table(rng: random.Random, total: int) -> Breakdowns:
    def split(n: int, parts: int) -> dict[str, int]:
        cuts = sorted(rng.randint(0, n) for _ in range(parts - 1))
        edges = [0, *cuts, n]
        return {f"c{i}": edges[i + 1] - edges[i] for i in range(parts)}

    return {"status": split(total, rng.randint(1, 5)), "region": split(total, rng.randint(1, 4))}


def test_a_small_count_alone_in_its_breakdown_takes_a_complement() -> None:
    chosen = suppress(20, {"status": {"a": 3, "b": 9, "c": 8}, "region": {"n": 20}})
    assert chosen.cells["status"] == {"a", "c"}  # 3 hidden; 8, the smallest other, with it
    assert not chosen.total


def test_two_hidden_ones_are_not_enough() -> None:
    chosen = suppress(12, {"s": {"a": 1, "b": 1, "c": 10}, "r": {"x": 12}})
    assert chosen.cells["s"] == {"a", "b", "c"}  # 1 + 1 = 2 would tell both are 1


def test_a_small_total_hides_everything() -> None:
    chosen = suppress(3, {"s": {"a": 3, "b": 0}, "r": {"x": 2, "y": 1}})
    assert chosen.total
    assert chosen.cells == {"s": {"a"}, "r": {"x", "y"}}


def test_nothing_hidden_when_every_count_is_large() -> None:
    chosen = suppress(30, {"s": {"a": 10, "b": 20, "c": 0}, "r": {"x": 30}})
    assert not chosen.total and chosen.cells == {"s": frozenset(), "r": frozenset()}


@pytest.mark.parametrize("seed", range(300))
def test_no_hidden_cell_can_be_worked_out_by_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    total = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 15, 20])
    table = random_table(rng, total)
    chosen = suppress(total, table)
    for name, cells in table.items():
        for key, v in cells.items():
            if 0 < v < 5:
                assert key in chosen.cells[name], (name, key)
            if v == 0:
                assert key not in chosen.cells[name]
    shown_total, shown = published(total, table)
    assert recoverable(shown_total, shown) == set(), (table, chosen)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 8), min_size=1, max_size=4), st.data())
def test_hypothesis_tables_leak_nothing(status: list[int], data: st.DataObject) -> None:
    total = sum(status)
    region = data.draw(st.lists(st.integers(0, 8), min_size=1, max_size=3))
    region[-1] += total - sum(region)
    if region[-1] < 0:
        return
    table = {
        "status": {f"s{i}": v for i, v in enumerate(status)},
        "region": {f"r{i}": v for i, v in enumerate(region)},
    }
    shown_total, shown = published(total, table)
    assert recoverable(shown_total, shown) == set()


def test_published_figures_carry_no_exact_hidden_value() -> None:
    figures = Figures(
        persons=40,
        requests=3,
        reports=120,
        by_status={"missing": 33, "returned": 3, "identified": 4, NOT_ASSESSED: 0},
        by_region={"North": 37, NO_DESK: 3},
    )
    public = publish(figures)
    status = {c.key: c for c in public.by_status}
    region = {c.key: c for c in public.by_region}
    assert public.persons == "40" and public.requests == HIDDEN and public.reports == "120"
    assert status["returned"].text == status["identified"].text == HIDDEN
    assert status["returned"].share is None and status["identified"].share is None
    assert status["missing"].text == "33"  # 3 + 4 = 7 hidden in two cells: each 1 to 6
    assert status[NOT_ASSESSED].text == "0"  # zeros stay
    assert region[NO_DESK].text == HIDDEN and region["North"].text == HIDDEN  # 37 gives 3
