"""Peeling many markers at once (batched, padded, cached plans) equals one marker at a time."""

from __future__ import annotations

import numpy as np
import pytest

from kintrace.kinship import likelihood
from kintrace.kinship.elimination import elimination_plan
from kintrace.kinship.genotypes import Genotype
from kintrace.kinship.likelihood import marker_likelihood, marker_likelihoods
from kintrace.kinship.markers import FrequencyTable, Marker, make_marker
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.pedigree import build_pedigree
from kintrace.kinship.simulate import simulate_genotypes

LOOP = build_pedigree(
    ["GF", "GM", "S1", "S2", "W1", "H2", "C1", "C2", "X"],
    [None, None, "GF", "GF", None, None, "S1", "H2", "C1"],
    [None, None, "GM", "GM", None, None, "W1", "S2", "C2"],
    [1, 2, 1, 2, 2, 1, 1, 2, 1],
)


def markers() -> list[Marker]:
    rng = np.random.default_rng(0)
    result = []
    for k, size in enumerate([2, 3, 3, 5, 6, 6, 7, 9, 12, 4]):
        freqs = rng.dirichlet(np.ones(size))
        alleles = {str(8 + a): float(f) for a, f in enumerate(freqs)}
        total = sum(alleles.values())
        alleles = {a: f / total for a, f in alleles.items()}
        result.append(make_marker(f"M{k}", alleles, xlinked=k in (3, 7)))
    return result


MODELS = [
    MutationModel(),
    MutationModel.both(MutationSpec("equal", rate=0.01)),
    MutationModel(
        female=MutationSpec("stepwise", rate=0.002, rate2=1e-6, range=0.1),
        male=MutationSpec("stepwise", rate=0.005, rate2=1e-6, range=0.1),
    ),
]


@pytest.mark.parametrize("mutation", MODELS)
@pytest.mark.parametrize("typed", [("X", "GF", "C2"), ("S1", "C1"), ("X",)])
@pytest.mark.parametrize("overhead", [0, 20_000, 10**12])
def test_batched_likelihoods_equal_one_marker_at_a_time(
    mutation: MutationModel,
    typed: tuple[str, ...],
    overhead: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # overhead 0: every marker alone; 10**12: every group padded into one run.
    monkeypatch.setattr(likelihood, "PEEL_OVERHEAD", overhead)
    ms = markers()
    table = FrequencyTable({m.name: m for m in ms})
    sim = simulate_genotypes(LOOP, table, seed=3)
    typing: dict[str, dict[str, Genotype]] = {
        m.name: {p: sim[m.name][p] for p in typed} for m in ms
    }
    typing["M5"] = {typed[0]: (ms[5].alleles[0], None)}  # one allele typed
    typing["M6"] = {}  # untyped marker
    together = marker_likelihoods(LOOP, ms, typing, mutation)
    for k, m in enumerate(ms):
        alone = marker_likelihood(LOOP, m, typing[m.name], mutation)
        assert together[k] == pytest.approx(alone, rel=1e-13, abs=0.0), m.name


def test_theta_and_mutation_by_marker_fall_back_to_the_same_values() -> None:
    ms = markers()[:3]
    typing = {m.name: {"X": (m.alleles[0], m.alleles[-1]), "GF": (m.alleles[0],) * 2} for m in ms}
    by_marker = {"M1": MODELS[1]}
    got = marker_likelihoods(LOOP, ms, typing, by_marker)  # type: ignore[arg-type]
    want = [
        marker_likelihood(LOOP, m, typing[m.name], by_marker.get(m.name, MutationModel()))
        for m in ms
    ]
    assert got.tolist() == pytest.approx(want, rel=1e-13)
    got = marker_likelihoods(LOOP, ms, typing, theta=0.02)  # type: ignore[arg-type]
    want = [marker_likelihood(LOOP, m, typing[m.name], theta=0.02) for m in ms]
    assert got.tolist() == want


def test_elimination_plans_are_reused() -> None:
    scopes = [(0,), (1,), (0, 1, 2), (2, 3)]
    first = elimination_plan(scopes, keep=(3,))
    assert elimination_plan(list(scopes), keep=(3,)) is first
    assert [out for _, out in first][-1] == (3,)
