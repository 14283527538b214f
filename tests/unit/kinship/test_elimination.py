"""contract(): the same numbers, bit for bit, as np.einsum with numpy's greedy path."""

from __future__ import annotations

import numpy as np
import pytest

from kintrace.kinship.elimination import Factor, contract


def _einsum(factors: list[Factor], out: tuple[int, ...]) -> np.ndarray:
    """What contract() computed before it ran numpy's contraction list itself."""
    labels: dict[int, int] = {}
    for f in factors:
        for v in f.variables:
            labels.setdefault(v, len(labels))
    batch = len(labels)
    batched = any(f.batched for f in factors)
    args: list[object] = []
    for f in factors:
        args += [f.table, ([batch] if f.batched else []) + [labels[v] for v in f.variables]]
    args.append(([batch] if batched else []) + [labels[v] for v in out])
    if len(factors) <= 2:
        return np.asarray(np.einsum(*args))
    path = np.einsum_path(*args, optimize="greedy")[0]
    return np.asarray(np.einsum(*args, optimize=path))


@pytest.mark.parametrize("seed", range(40))
def test_contract_matches_einsum_with_the_greedy_path_bit_for_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_vars = int(rng.integers(2, 6))
    sizes = rng.integers(2, 9, size=n_vars)
    factors = []
    for _ in range(int(rng.integers(1, 6))):
        scope = tuple(
            int(v)
            for v in rng.choice(
                n_vars, size=int(rng.integers(1, min(4, n_vars) + 1)), replace=False
            )
        )
        batched = bool(rng.integers(0, 2))
        shape = ((5,) if batched else ()) + tuple(int(sizes[v]) for v in scope)
        factors.append(Factor(scope, rng.random(shape), batched=batched))
    present = sorted({v for f in factors for v in f.variables})
    out = tuple(int(v) for v in rng.permutation(present)[: int(rng.integers(0, len(present)))])
    for _ in range(2):  # the second call takes the cached steps
        got = contract(factors, out).table
        want = _einsum(factors, out)
        assert got.shape == want.shape
        assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("seed", range(40))
def test_steps_cached_at_one_batch_size_match_einsum_at_others(seed: int) -> None:
    """Every factor batched: the steps are cached without the batch size (the greedy order
    compares sizes that all hold it), and each size gets np.einsum's numbers bit for bit."""
    rng = np.random.default_rng(100 + seed)
    n_vars = int(rng.integers(2, 7))
    sizes = rng.integers(2, 9, size=n_vars)
    scopes = [
        tuple(
            int(v)
            for v in rng.choice(
                n_vars, size=int(rng.integers(1, min(4, n_vars) + 1)), replace=False
            )
        )
        for _ in range(int(rng.integers(3, 7)))
    ]
    present = sorted({v for s in scopes for v in s})
    out = tuple(int(v) for v in rng.permutation(present)[: int(rng.integers(0, len(present)))])
    for batch in (int(rng.integers(2, 40)), 2, 1, 57, 3, 91):
        factors = [
            Factor(s, rng.random((batch, *(int(sizes[v]) for v in s))), batched=True)
            for s in scopes
        ]
        got = contract(factors, out).table
        want = _einsum(factors, out)
        assert got.shape == want.shape
        assert got.tobytes() == want.tobytes()


def test_blas_products_equal_the_exact_contraction_within_rounding() -> None:
    """``contract(..., blas=True)``: a two-factor product by BLAS, the exact order's values
    within rounding, the same zeros; more factors are contracted as without it."""
    rng = np.random.default_rng(17)
    for n, batch in ((3, 5), (12, 40), (55, 8)):
        a = Factor((0, 1, 2), rng.random((n, n, n)) * (rng.random((n, n, n)) < 0.7))
        b = Factor((2, 3), rng.random((batch, n, n)) * (rng.random((batch, n, n)) < 0.5), True)
        want = contract([a, b], (0, 1, 3))
        got = contract([a, b], (0, 1, 3), blas=True)
        assert got.batched and got.variables == want.variables
        assert np.array_equal(got.table == 0, want.table == 0)
        np.testing.assert_allclose(got.table, want.table, rtol=1e-13, atol=0)
        c = Factor((3,), rng.random((batch, n)), True)
        three = contract([a, b, c], (0,))
        assert np.array_equal(contract([a, b, c], (0,), blas=True).table, three.table)
