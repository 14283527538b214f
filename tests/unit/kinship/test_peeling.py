"""Peeling helpers (``kinship/peeling.py``): the closed-form fold of a parent onto children."""

from __future__ import annotations

import numpy as np
import pytest

from kintrace.kinship import peeling
from kintrace.kinship.search import fold_parents


def test_fold_parents_is_importable_from_search_as_before() -> None:
    assert fold_parents is peeling.fold_parents


@pytest.mark.parametrize("children", [1, 2])
def test_the_closed_form_fold_equals_the_sum_over_the_parents_alleles(children: int) -> None:
    """``F(c) = Σ G(a,a') (M[a,c] + M[a',c]) / 2`` and the two-child product, summed by hand."""
    rng = np.random.default_rng(3)
    n, batch = 4, 3
    g = rng.random((batch, n, n))
    ms = [rng.random((n, n)) for _ in range(children)]
    if children == 2:
        ms[1] = np.eye(n)  # the identity path (no mutation) of the matrix product
    expected = np.zeros((batch,) + (n,) * children)
    for b in range(batch):
        for a in range(n):
            for a2 in range(n):
                t = [(m[a] + m[a2]) / 2.0 for m in ms]
                term = t[0] if children == 1 else np.outer(t[0], t[1])
                expected[b] += g[b, a, a2] * term
    assert peeling._fold(g, ms) == pytest.approx(expected, rel=1e-12)


SIBSHIP_CELLS = [("1", "2"), ("2", "2"), ("1", None), ("3", "1"), (None, None)]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("closed_form", [True, False])
def test_a_couple_with_three_or_four_children_folds_exactly(
    seed: int, closed_form: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Untyped (or typed) parents, three or four typed, half-typed or untyped children and a
    missing son: :func:`peeling.fold_sibships` (or, with it disabled, the general elimination)
    gives the brute-force sum over every genotype of everyone, for L(F) and P(F, M = x/y)."""
    from kintrace.kinship.bruteforce import brute_force_likelihood
    from kintrace.kinship.genotypes import PedigreeData
    from kintrace.kinship.likelihood import allele_model
    from kintrace.kinship.markers import make_marker
    from kintrace.kinship.mutation import MutationModel, parse_mutation_spec
    from kintrace.kinship.pedigree import build_pedigree

    calls: list[int] = []
    side_block = peeling._side_block
    monkeypatch.setattr(peeling, "_side_block", lambda *a: calls.append(1) or side_block(*a))
    if not closed_form:
        monkeypatch.setattr(peeling, "MAX_SIBSHIP_TERMS", 0)
    rng = np.random.default_rng(seed)
    marker = make_marker("M", {"1": 0.2, "2": 0.3, "3": 0.5})
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.05"))
    kids = 4 if seed == 1 else 3
    ids = ["FA", "MO", "MP"] + [f"S{k}" for k in range(kids)]
    ped = build_pedigree(
        ids, [None, None] + ["FA"] * (kids + 1), [None, None] + ["MO"] * (kids + 1),
        [1, 2] + [1] * (kids + 1),
    )  # fmt: skip
    group = []
    for _ in range(2):
        cells = {f"S{k}": SIBSHIP_CELLS[int(rng.integers(4))] for k in range(kids)}
        if seed >= 4:
            cells["FA"] = ("1", "3")
        group.append(PedigreeData(ped, ("M",), {"M": cells}))
    joint, likelihood = peeling.peel_batch(group, ped.index("MP"), marker, allele_model(
        marker, mutation))  # fmt: skip
    assert joint is not None
    assert bool(calls) == closed_form
    for b, data in enumerate(group):
        cells = data.typing["M"]
        assert likelihood[b] == pytest.approx(
            brute_force_likelihood(ped, marker, cells, mutation), rel=1e-12
        )
        for x in range(3):
            for y in range(x, 3):
                pair = (marker.alleles[x], marker.alleles[y])
                ordered = joint[b, x, y] + (joint[b, y, x] if x != y else 0.0)
                expected = brute_force_likelihood(ped, marker, {**cells, "MP": pair}, mutation)
                assert ordered == pytest.approx(expected, rel=1e-12)
