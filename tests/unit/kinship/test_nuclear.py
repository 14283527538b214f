"""The nuclear-family closed forms give what generic peeling gives (1e-12 relative).

Random families of random shapes (trios, one typed parent with typed siblings, untyped parents
with typed siblings, grandparents, one-allele genotypes, inconsistent data), with and without
mutation: the closed form's joint and likelihood against :func:`peel_batch`, and whole search
tables with the closed forms against tables built by peeling alone.
"""

from __future__ import annotations

import numpy as np
import pytest

from kintrace.kinship import search
from kintrace.kinship.likelihood import allele_model
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.nuclear import MAX_SIBLINGS, nuclear_joint, split_nuclear
from kintrace.kinship.pedfile import Family, parse_families
from kintrace.kinship.peeling import peel_batch
from kintrace.kinship.search import build_family_tables

MODELS = [
    MutationModel(),
    MutationModel.both(MutationSpec("equal", rate=0.01)),
    MutationModel(MutationSpec("equal", rate=0.002), MutationSpec("equal", rate=0.03)),
]


def random_table(rng: np.random.Generator) -> FrequencyTable:
    return FrequencyTable(
        {
            name: make_marker(
                name, dict(zip("abcdefghijk"[:n], rng.dirichlet(np.ones(n)), strict=True))
            )
            for name, n in (("M1", 2), ("M2", 5), ("M3", 11))
        }
    )


def random_families(
    rng: np.random.Generator, table: FrequencyTable, n: int, siblings: int, grandparents: bool
) -> list[Family]:
    """Families of one structure; each person typed or not at random, now and then a/-."""
    names = list(table.names)
    alleles = {m: list(table[m].alleles) for m in names}
    lines = ["family id fid mid sex missing " + " ".join(names)]

    def cells(p_typed: float) -> str:
        out = []
        for m in names:
            draw = rng.random()
            if draw > p_typed:
                out.append("-/-")
            elif draw < 0.04:
                out.append(f"{rng.choice(alleles[m])}/-")
            else:
                a, b = rng.choice(alleles[m], 2)
                out.append(f"{a}/{b}")
        return " ".join(out)

    untyped = " ".join("-/-" for _ in names)
    for f in range(n):
        if grandparents:
            lines.append(f"F{f} GF 0 0 1 0 {untyped}")
            lines.append(f"F{f} GM 0 0 2 0 {cells(0.2)}")
            lines.append(f"F{f} FA GF GM 1 0 {cells(0.5)}")
        else:
            lines.append(f"F{f} FA 0 0 1 0 {cells(0.5)}")
        lines.append(f"F{f} MO 0 0 2 0 {cells(0.6)}")
        for s in range(siblings):
            lines.append(f"F{f} S{s} FA MO {1 + s % 2} 0 {cells(0.9)}")
        lines.append(f"F{f} MP FA MO 1 1 {untyped}")
    return parse_families("\n".join(lines) + "\n")


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("siblings", [0, 1, 2, 3, 4])
def test_closed_forms_equal_peeling(model: MutationModel, siblings: int) -> None:
    rng = np.random.default_rng(siblings + 10 * MODELS.index(model))
    table = random_table(rng)
    families = random_families(rng, table, 60, siblings, grandparents=False)
    group = [f.data for f in families]
    missing = group[0].pedigree.index("MP")
    covered = 0
    for name in table.names:
        marker = table[name]
        am = allele_model(marker, model)
        want_joint, want = peel_batch(group, missing, marker, am)
        assert want_joint is not None
        for shape, members, alleles in split_nuclear(group, missing, marker, am):
            joint, likelihood = nuclear_joint(shape, alleles, am, len(members))
            np.testing.assert_allclose(likelihood, want[members], rtol=1e-12, atol=0)
            np.testing.assert_allclose(joint, want_joint[members], rtol=1e-12, atol=1e-300)
            covered += len(members)
            assert len(shape.siblings) <= MAX_SIBLINGS
    assert covered > 30  # many families take the closed form
    assert covered < 3 * 60  # ... and some are peeled (one-allele genotypes; four siblings)


@pytest.mark.parametrize("model", MODELS[:2])
@pytest.mark.parametrize(("siblings", "grandparents"), [(1, False), (2, True), (0, False)])
def test_tables_with_closed_forms_equal_tables_by_peeling(
    model: MutationModel, siblings: int, grandparents: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(7 + siblings)
    table = random_table(rng)
    families = random_families(rng, table, 80, siblings, grandparents)
    fast = build_family_tables(families, table, model, inconsistent="skip_marker")
    monkeypatch.setattr(search, "split_nuclear", lambda *args: [])
    slow = build_family_tables(families, table, model, inconsistent="skip_marker")
    assert fast.inconsistent == slow.inconsistent
    if model == MODELS[0] and siblings:
        assert any(fast.inconsistent)  # impossible families took the closed form too
    np.testing.assert_allclose(fast.likelihood, slow.likelihood, rtol=1e-12, atol=0)
    for got, want in zip(fast.log10_lr, slow.log10_lr, strict=True):
        assert np.array_equal(np.isneginf(got), np.isneginf(want))
        finite = np.isfinite(want)
        lr_got, lr_want = 10.0 ** got[finite], 10.0 ** want[finite]
        np.testing.assert_allclose(lr_got, lr_want, rtol=1e-12, atol=0)
