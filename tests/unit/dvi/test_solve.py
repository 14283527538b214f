"""Conclusions of the whole analysis: "no match" means a bound on the posterior, not a guess."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.joint import joint_search
from kintrace.dvi.pairwise import PairwiseMatrix
from kintrace.dvi.solve import Conclusion, solve_dvi
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec

HEADER = "family id fid mid sex missing"


def unmatched_by_enumeration(lr: np.ndarray, model: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat-prior P(person unmatched), P(body unmatched), by visiting every assignment."""
    n_rows, n_cols = lr.shape
    options = [[None, *[r for r in range(n_rows) if model[r, c]]] for c in range(n_cols)]
    total = 0.0
    rows, cols = np.zeros(n_rows), np.zeros(n_cols)
    for choice in itertools.product(*options):
        used = [r for r in choice if r is not None]
        if len(used) != len(set(used)):
            continue
        weight = math.prod(lr[r, c] for c, r in enumerate(choice) if r is not None)
        total += weight
        rows += weight * np.array([r not in used for r in range(n_rows)])
        cols += weight * np.array([r is None for r in choice])
    return rows / total, cols / total


def test_unmatched_lower_bounds_never_exceed_the_enumerated_posterior() -> None:
    rng = np.random.default_rng(8)
    for _ in range(60):
        n_rows, n_cols = (int(x) for x in rng.integers(1, 5, size=2))
        log10_lr = rng.normal(0.0, 1.5, size=(n_rows, n_cols))
        log10_lr[rng.random((n_rows, n_cols)) < 0.2] = -np.inf
        pm = PairwiseMatrix(
            tuple(f"F{r}" for r in range(n_rows)), tuple(f"M{r}" for r in range(n_rows)),
            tuple(f"V{c}" for c in range(n_cols)), log10_lr,
            np.zeros((n_rows, n_cols), dtype=np.int64), np.ones(n_rows, dtype=bool),
        )  # fmt: skip
        for settings in ({}, {"max_enumerate": 1, "keep": 1, "tolerance": 1.0}):
            joint = joint_search(pm, **settings)  # type: ignore[arg-type]
            rows, cols = unmatched_by_enumeration(np.power(10.0, log10_lr), joint.candidates)
            assert (joint.unmatched_missing_lower <= rows + 1e-12).all()
            assert (joint.unmatched_remains_lower <= cols + 1e-12).all()


def test_many_weak_bodies_are_no_ground_for_no_match() -> None:
    # M is the father of a typed a/a child, p_a = 0.9: each a/b body has LR 1/(2 p_a) = 0.556.
    # Under the flat prior over assignments P(M unmatched) = 1 / (1 + 20 * 0.556) = 0.083
    # exactly: nobody can say that these bodies are not him (the search leaves LR < 1 pairs
    # out, so its own estimate of "unmatched" was 1)
    table = FrequencyTable({"S": make_marker("S", {"a": 0.9, "b": 0.1})})
    fams = parse_dvi_families(f"{HEADER} S\nF MP 0 0 1 1 -/-\nF CH MP 0 2 0 a/a\n")
    bodies = "\n".join(f"V{k} 1 a/b" for k in range(20))
    result = solve_dvi(check_dvi(fams, parse_remains(f"id sex S\n{bodies}\n")), table)
    lr = 1.0 / (2 * 0.9)
    assert result.joint.unmatched_missing[0] == 1.0  # the search's estimate
    assert result.joint.unmatched_missing_lower[0] == pytest.approx(1.0 / (1.0 + 20 * lr))
    assert result.missing[0].conclusion is Conclusion.INCONCLUSIVE
    body = (1.0 + 19 * lr) / (1.0 + 20 * lr)  # P(V0 unmatched), exactly: 0.954 < 0.99
    assert result.joint.unmatched_remains_lower[0] == pytest.approx(1.0 / (1.0 + lr))
    assert result.joint.unmatched_remains_lower[0] <= body
    assert {i.conclusion for i in result.remains} == {Conclusion.INCONCLUSIVE}


def test_bodies_the_family_rules_out_up_to_mutation_are_no_match() -> None:
    # parents a/a and a/a; b/b bodies differ at one marker only (not excluded at 2 allowed
    # incompatible markers) and need two mutations: LR = mu^2 / p_b^2 = 4e-6 each, so
    # P(M unmatched) >= 1 / (1 + 3 * 4e-6): the bodies are not him
    table = FrequencyTable({"S": make_marker("S", {"a": 0.5, "b": 0.5})})
    fams = parse_dvi_families(
        f"{HEADER} S\nF FA 0 0 1 0 a/a\nF MO 0 0 2 0 a/a\nF MP FA MO 1 1 -/-\n"
    )
    remains = parse_remains("id sex S\nV1 1 b/b\nV2 1 b/b\nV3 1 b/b\n")
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.001"))
    result = solve_dvi(check_dvi(fams, remains), table, mutation)
    assert result.pairwise.lr()[0] == pytest.approx([4e-6] * 3, rel=1e-9)
    assert result.joint.unmatched_missing_lower[0] == pytest.approx(1.0 / (1.0 + 1.2e-5))
    assert result.missing[0].conclusion is Conclusion.NO_MATCH
    assert result.missing[0].remains is None
    assert [i.conclusion for i in result.remains] == [Conclusion.NO_MATCH] * 3
