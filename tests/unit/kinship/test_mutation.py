"""Mutation matrices: pedmut's definitions, known entries and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.errors import InvalidInput
from kintrace.kinship.markers import make_marker
from kintrace.kinship.mutation import MutationSpec, mutation_matrix, parse_mutation_spec

LADDER = make_marker("M", {"9": 0.2, "9.3": 0.1, "10": 0.4, "11": 0.3})
INTEGERS = make_marker("N", {"8": 0.1, "9": 0.2, "10": 0.3, "12": 0.4})


def test_equal_gives_rate_over_n_minus_one_to_each_other_allele() -> None:
    m = mutation_matrix(MutationSpec("equal", rate=0.03), LADDER)
    assert np.allclose(np.diag(m), 0.97)
    assert m[0, 1] == pytest.approx(0.01)


def test_proportional_matches_definition() -> None:
    p = LADDER.freqs
    m = mutation_matrix(MutationSpec("proportional", rate=0.01), LADDER)
    a = 0.01 / np.sum(p * (1 - p))
    assert m[0, 2] == pytest.approx(a * p[2], rel=1e-14)
    assert m[1, 1] == pytest.approx(1 - a + a * p[1], rel=1e-14)
    # overall mutation rate sum p_i (1 - m_ii) equals the rate
    assert float(np.sum(p * (1 - np.diag(m)))) == pytest.approx(0.01, rel=1e-12)


def test_stepwise_with_microvariant_by_hand() -> None:
    spec = parse_mutation_spec("stepwise:rate=0.01,rate2=0.001,range=0.1")
    m = mutation_matrix(spec, LADDER)  # alleles 9, 9.3, 10, 11
    assert m[0, 0] == pytest.approx(0.989)
    assert m[0, 2] == pytest.approx(0.1 / 0.11 * 0.01)
    assert m[0, 3] == pytest.approx(0.01 / 0.11 * 0.01)
    assert m[0, 1] == pytest.approx(0.001)
    assert m[1, 1] == pytest.approx(0.999)
    assert m[1, 0] == pytest.approx(0.001 / 3)


def test_onestep_splits_rate_between_neighbours() -> None:
    m = mutation_matrix(MutationSpec("onestep", rate=0.02), INTEGERS)  # 8, 9, 10, 12
    assert m[0].tolist() == pytest.approx([0.98, 0.02, 0, 0])
    assert m[1].tolist() == pytest.approx([0.01, 0.98, 0.01, 0])
    assert m[3].tolist() == [0, 0, 0, 1]


def test_dawid_is_reversible_with_the_given_overall_rate() -> None:
    p = INTEGERS.freqs
    m = mutation_matrix(MutationSpec("dawid", rate=0.005, range=0.5), INTEGERS)
    flow = p[:, None] * m
    assert np.allclose(flow, flow.T, rtol=1e-12)
    assert float(np.sum(p * (1 - np.diag(m)))) == pytest.approx(0.005, rel=1e-12)


def test_random_with_seed_reproduces_r_runif_column_major() -> None:
    two = make_marker("S", {"1": 0.5, "2": 0.5})
    m = mutation_matrix(MutationSpec("random", seed=123), two)
    # set.seed(123); runif(4) = 0.2875775 0.7883051 0.4089769 0.8830174, filled by column
    u = np.array([[0.2875775, 0.4089769], [0.7883051, 0.8830174]])
    assert np.allclose(m, u / u.sum(axis=1, keepdims=True), atol=1e-7)


def test_random_with_rate_has_that_overall_rate() -> None:
    m = mutation_matrix(MutationSpec("random", rate=0.01, seed=7), LADDER)
    assert float(np.sum(LADDER.freqs * (1 - np.diag(m)))) == pytest.approx(0.01, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    model=st.sampled_from(["equal", "proportional", "random", "stepwise", "dawid", "trivial"]),
    rate=st.floats(0.0, 0.05),
)
def test_rows_sum_to_one_and_entries_are_probabilities(model: str, rate: float) -> None:
    marker = LADDER if model != "dawid" else INTEGERS
    spec = MutationSpec(model, rate=rate, rate2=rate / 10, range=0.3, seed=1)
    m = mutation_matrix(spec, marker)
    assert np.allclose(m.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (m >= 0).all() and (m <= 1).all()


def test_zero_rate_is_the_identity() -> None:
    for text in ("equal:rate=0", "proportional:rate=0", "stepwise:rate=0,rate2=0,range=0.1"):
        assert np.array_equal(mutation_matrix(parse_mutation_spec(text), LADDER), np.eye(4))


def test_bad_specs_are_rejected() -> None:
    for text in ("bogus", "equal", "equal:rate=2", "stepwise:rate=0.1", "equal:foo=1"):
        with pytest.raises(InvalidInput):
            parse_mutation_spec(text)
    with pytest.raises(InvalidInput, match="integer"):
        mutation_matrix(MutationSpec("onestep", rate=0.1), LADDER)


def test_stepwise_matches_the_matrix_in_pedmuts_own_tests() -> None:
    # pedmut tests/testthat/test-mutationMatrix.R: alleles 1, 1.5, 2, 3; rate 0.6, rate2 0.3,
    # range 0.5 give these rows.
    marker = make_marker("P", {"1": 0.25, "1.5": 0.25, "2": 0.25, "3": 0.25})
    m = mutation_matrix(MutationSpec("stepwise", rate=0.6, rate2=0.3, range=0.5), marker)
    expected = [
        [0.1, 0.3, 0.4, 0.2],
        [0.1, 0.7, 0.1, 0.1],
        [0.3, 0.3, 0.1, 0.3],
        [0.2, 0.3, 0.4, 0.1],
    ]
    assert np.allclose(m, expected, rtol=0, atol=1e-15)


def test_proportional_is_stationary_and_reversible_equal_is_not_stationary() -> None:
    p = LADDER.freqs
    prop = mutation_matrix(MutationSpec("proportional", rate=0.05), LADDER)
    assert np.allclose(p @ prop, p, rtol=0, atol=1e-15)
    assert np.allclose(p[:, None] * prop, (p[:, None] * prop).T, rtol=0, atol=1e-15)
    equal = mutation_matrix(MutationSpec("equal", rate=0.05), LADDER)
    assert not np.allclose(p @ equal, p)


def test_proportional_rate_above_its_maximum_is_rejected() -> None:
    two = make_marker("S", {"1": 0.5, "2": 0.5})
    # max rate = (1 - sum p^2) / (1 - min p) = 0.5 / 0.5 = 1: at it, every allele mutates
    assert mutation_matrix(MutationSpec("proportional", rate=1.0), two).tolist() == [
        [0.0, 1.0],
        [1.0, 0.0],
    ]
    with pytest.raises(InvalidInput, match="proportional"):
        mutation_matrix(MutationSpec("proportional", rate=0.8), LADDER)  # max 0.7 / 0.9


def test_dawid_entries_follow_the_formula() -> None:
    rate, r = 0.01, 0.5
    p = INTEGERS.freqs
    m = mutation_matrix(MutationSpec("dawid", rate=rate, range=r), INTEGERS)
    n = 4
    a = (1 - r**n) / (1 - r)
    # the distance is counted in positions of the sorted allele list (8, 9, 10, 12)
    assert m[0, 3] == pytest.approx(rate * (1 - r) * r**3 / (2 * r * (n - a)) / p[0], rel=1e-14)
    assert m[2, 1] == pytest.approx(rate * (1 - r) * r / (2 * r * (n - a)) / p[2], rel=1e-14)


def test_custom_and_trivial_models() -> None:
    two = make_marker("S", {"1": 0.5, "2": 0.5})
    custom = np.array([[0.9, 0.1], [0.2, 0.8]])
    assert np.array_equal(mutation_matrix(MutationSpec("custom", matrix=custom), two), custom)
    with pytest.raises(InvalidInput, match="rows sum 1"):
        mutation_matrix(MutationSpec("custom", matrix=np.array([[0.9, 0.2], [0, 1]])), two)
    assert np.array_equal(mutation_matrix(parse_mutation_spec("trivial"), LADDER), np.eye(4))
