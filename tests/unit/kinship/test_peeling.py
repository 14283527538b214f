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
