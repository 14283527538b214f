"""Undisputed rounds: the rule itself, and the family likelihoods they hand to the joint search."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kintrace.dvi.likelihoods import family_log10_likelihood
from kintrace.dvi.pairwise import PairwiseMatrix
from kintrace.dvi.undisputed import find_undisputed, undisputed_rounds
from kintrace.kinship.genotypes import UNTYPED, Genotype, PedigreeData
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import build_pedigree
from kintrace.kinship.simulate import simulate_genotypes


def by_definition(pm: PairwiseMatrix, threshold: float) -> list[tuple[int, int]]:
    """Undisputed pairs straight from the rule: LR >= t, every other LR of row and column < LR/t."""
    lr = np.where(np.isnan(pm.log10_lr), -np.inf, pm.log10_lr)
    log_t = math.log10(threshold)
    found = []
    for r in range(lr.shape[0]):
        for c in range(lr.shape[1]):
            if not pm.identifiable[r] or lr[r, c] < log_t:
                continue
            others = [lr[r, k] for k in range(lr.shape[1]) if k != c]
            others += [lr[k, c] for k in range(lr.shape[0]) if k != r]
            if all(x < lr[r, c] - log_t for x in others):
                found.append((r, c))
    return found


def test_undisputed_pairs_follow_the_rule_on_random_matrices() -> None:
    rng = np.random.default_rng(11)
    for _ in range(200):
        rows, cols = (int(x) for x in rng.integers(1, 6, size=2))
        log10_lr = rng.choice([-np.inf, np.nan, 0.0, 2.0, 4.0, 4.5, 8.0, 9.0], size=(rows, cols))
        pm = PairwiseMatrix(
            tuple(f"F{r}" for r in range(rows)), tuple(f"M{r}" for r in range(rows)),
            tuple(f"V{c}" for c in range(cols)), log10_lr,
            np.zeros((rows, cols), dtype=np.int64), rng.random(rows) < 0.9,
        )  # fmt: skip
        assert find_undisputed(pm, 1e4) == by_definition(pm, 1e4)


def test_family_likelihoods_after_the_rounds_are_exact() -> None:
    # A receives one victim and has nobody missing left (L(F) LR L(V)); B receives a brother
    # and a sister in one round (peeled afresh: they are related); C receives one of its two
    # missing children (its LR tables are rebuilt, with its likelihood)
    markers = [f"M{k}" for k in range(20)]
    table = FrequencyTable(
        {m: make_marker(m, {str(a): 1.0 / 8 for a in range(1, 9)}) for m in markers}
    )
    ids = ["FA", "MO", "S1", "S2"]
    sexes = [1, 2, 1, 2]
    ped = build_pedigree(ids, [None, None, "FA", "FA"], [None, None, "MO", "MO"], sexes)
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.001"))
    families, remains = [], []
    for k, (name, missing, found) in enumerate(
        [("A", ("S1",), ("S1",)), ("B", ("S1", "S2"), ("S1", "S2")), ("C", ("S1", "S2"), ("S1",))]
    ):
        geno = simulate_genotypes(ped, table, markers, seed=k)
        own = markers[:15] if name == "A" else markers  # the remains have more markers
        typing: dict[str, dict[str, Genotype]] = {
            m: {p: (UNTYPED if p in missing else geno[m][p]) for p in ids} for m in own
        }
        families.append(Family(name, PedigreeData(ped, tuple(own), typing), missing))
        remains += [
            Profile(f"{name}{p}", sexes[ids.index(p)], {m: geno[m][p] for m in markers})
            for p in found
        ]
    rounds = undisputed_rounds(families, remains, table, mutation)
    assert {(u.family, u.missing) for u in rounds.found} == {
        ("A", "S1"), ("B", "S1"), ("B", "S2"), ("C", "S1"),
    }  # fmt: skip
    assert set(rounds.log10_family) == {"A", "B", "C"}
    for family in rounds.families:
        exact = family_log10_likelihood(family, table, mutation)
        assert rounds.log10_family[family.name] == pytest.approx(exact, abs=1e-9)
