"""The nuclear-family closed forms give what generic peeling gives (1e-12 relative).

Random families of random shapes (trios, one typed parent with typed siblings, untyped parents
with typed siblings, grandparents, one-allele genotypes, inconsistent data), with and without
mutation: the closed form's joint and likelihood against :func:`peel_batch`, and whole search
tables with the closed forms against tables built by peeling alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from kintrace.errors import FrequencyError
from kintrace.kinship import search
from kintrace.kinship.genotypes import Genotype, PedigreeData, all_alleles_known, check_alleles
from kintrace.kinship.likelihood import AlleleModel, allele_model
from kintrace.kinship.markers import FrequencyTable, Marker, make_marker
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.nuclear import (
    MAX_SIBLINGS,
    Shape,
    identity_model,
    nuclear_columns,
    nuclear_joint,
    nuclear_possible_columns,
    nuclear_shape,
    split_nuclear,
)
from kintrace.kinship.pedfile import Family, parse_families
from kintrace.kinship.pedigree import Pedigree
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


def test_untyped_persons_listed_and_one_allele_genotypes_split_as_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Families listing untyped persons ``(None, None)`` take the plan of their typed persons;
    a one-allele genotype leaves its family to peeling; the tables are, bit for bit, those of
    the plans found person by person."""
    rng = np.random.default_rng(31)
    table = random_table(rng)
    families = random_families(rng, table, 60, 2, False)
    untyped: Genotype = (None, None)
    changed = []
    for k, family in enumerate(families):
        typing = {m: dict(by) for m, by in family.data.typing.items()}
        for name, by in typing.items():
            if k % 3 == 0:  # an untyped person listed first, the typed ones after it
                typing[name] = {"MP": untyped, **by}
            elif k % 3 == 1 and by:  # one allele of the first typed person
                person = next(iter(by))
                typing[name] = {**by, person: (by[person][0], None)}
        data = PedigreeData(family.data.pedigree, family.data.markers, typing)
        changed.append(Family(family.name, data, family.missing))
    model = allele_model(table["M3"], MutationModel())
    datas = [f.data for f in changed]
    missing = datas[0].pedigree.index("MP")
    planned = sorted(b for _, members, _ in split_nuclear(datas, missing, table["M3"], model)
                     for b in members)  # fmt: skip
    assert not any(k % 3 == 1 for k in planned if changed[k].data.typing["M3"])
    assert any(k % 3 == 0 for k in planned)
    fast = build_family_tables(changed, table, inconsistent="skip_marker")
    monkeypatch.setattr(search, "split_nuclear", split_one_by_one)
    slow = build_family_tables(changed, table, inconsistent="skip_marker")
    assert np.array_equal(fast.likelihood, slow.likelihood)
    for got, want in zip(fast.log10_lr, slow.log10_lr, strict=True):
        assert np.array_equal(got, want)


def split_one_by_one(
    group: list[PedigreeData], missing: int, marker: Marker, model: AlleleModel
) -> list[tuple[Shape, list[int], dict[int, npt.NDArray[np.intp]]]]:
    """The families' plans found person by person (the first version of ``split_nuclear``)."""
    if model.xlinked or model.female.ndim != 2 or model.male.ndim != 2:
        return []
    ped = group[0].pedigree
    plans: dict[tuple[int, ...], Any] = {}
    for b, data in enumerate(group):
        persons: list[int] = []
        pairs: list[tuple[int, int]] = []
        for person, (first, second) in data.typing.get(marker.name, {}).items():
            if first is None or second is None:
                if first is None and second is None:
                    continue
                break
            persons.append(data.pedigree.ids.index(person))
            pairs.append((marker.index(first), marker.index(second)))
        else:
            key = tuple(persons)
            if key not in plans:
                shape = nuclear_shape(ped, missing, frozenset(key))
                plans[key] = None if shape is None else (shape, [], [[] for _ in key])
            if plans[key] is not None:
                plans[key][1].append(b)
                for cell, pair in zip(plans[key][2], pairs, strict=True):
                    cell.append(pair)
    return [
        (shape, members, {i: np.array(v, dtype=np.intp) for i, v in zip(key, cells, strict=True)})
        for key, entry in plans.items()
        if entry is not None
        for shape, members, cells in [entry]
    ]


def test_log10_of_the_tables_is_numpy_log10_zeros_included() -> None:
    rng = np.random.default_rng(3)
    values = rng.random((40, 30)) * 10.0 ** rng.integers(-300, 300, (40, 30))
    values[rng.random(values.shape) < 0.7] = 0.0
    with np.errstate(divide="ignore"):
        want = np.log10(values)
        assert np.array_equal(search._log10(values), want)
        assert np.array_equal(search._log10(values + 1.0), np.log10(values + 1.0))


def test_a_family_allele_missing_from_the_table_is_named_as_before() -> None:
    rng = np.random.default_rng(12)
    table = random_table(rng)
    families = random_families(rng, table, 6, 1, False)
    assert all_alleles_known([f.data for f in families], table)
    typing = {m: dict(by) for m, by in families[4].data.typing.items()}
    typing["M2"] = {**typing["M2"], "MO": ("z", "a")}
    data = PedigreeData(families[4].data.pedigree, families[4].data.markers, typing)
    families[4] = Family(families[4].name, data, families[4].missing)
    assert not all_alleles_known([f.data for f in families], table)
    with pytest.raises(FrequencyError, match="person MO: marker M2: allele z") as raised:
        build_family_tables(families, table)
    with pytest.raises(FrequencyError) as alone:
        check_alleles(data, table)
    assert raised.value.problems == alone.value.problems
    unknown = PedigreeData(data.pedigree, (*data.markers, "M9"), data.typing)
    assert not all_alleles_known([unknown], table)


def test_families_with_equal_ids_in_distinct_tuples_share_one_plan_per_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Families of one structure renamed alike (as dvi.pairwise.canonical does, one ids tuple
    each) are batched by typing pattern, not one by one; the tables are, bit for bit, those
    of the plans found person by person."""
    rng = np.random.default_rng(8)
    table = random_table(rng)
    families = []
    for family in random_families(rng, table, 40, 2, False):
        ped = family.data.pedigree
        renamed = Pedigree(tuple(list(ped.ids)), ped.sex, ped.father, ped.mother)
        data = PedigreeData(renamed, family.data.markers, family.data.typing)
        families.append(Family(family.name, data, family.missing))
    assert len({id(f.data.pedigree.ids) for f in families}) == len(families)
    datas = [f.data for f in families]
    missing = datas[0].pedigree.index("MP")
    model = allele_model(table["M2"], MutationModel())
    plans = split_nuclear(datas, missing, table["M2"], model)
    patterns = {tuple(p for p, g in d.typing.get("M2", {}).items() if None not in g) for d in datas}
    assert len(plans) <= len(patterns) < len(families)
    fast = build_family_tables(families, table, inconsistent="skip_marker")
    monkeypatch.setattr(search, "split_nuclear", split_one_by_one)
    slow = build_family_tables(families, table, inconsistent="skip_marker")
    assert np.array_equal(fast.likelihood, slow.likelihood)
    for got, want in zip(fast.log10_lr, slow.log10_lr, strict=True):
        assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("siblings", [0, 1, 2, 3])
@pytest.mark.parametrize("father_typed", [0.0, 0.5, 1.0])
def test_allele_sets_give_the_zeros_of_the_closed_form(siblings: int, father_typed: float) -> None:
    """Without mutation, :func:`nuclear_possible_columns` is 1 exactly where the closed form's
    LR columns are positive, and ``P(data)`` 1 exactly where it is positive: families with
    typed and untyped parents, homozygous and heterozygous siblings, impossible data."""
    rng = np.random.default_rng(100 + 10 * siblings + int(4 * father_typed))
    table = random_table(rng)
    families = random_families(rng, table, 80, siblings, grandparents=False)
    for family in families:  # the father typed at random with probability father_typed
        for name in table.names:
            if rng.random() >= father_typed:
                family.data.typing.get(name, {}).pop("FA", None)
    group = [f.data for f in families]
    missing = group[0].pedigree.index("MP")
    zeros = impossible = covered = 0
    for name in table.names:
        model = allele_model(table[name], MutationModel())
        assert identity_model(model)
        for shape, members, alleles in split_nuclear(group, missing, table[name], model):
            want, want_total = nuclear_columns(shape, alleles, model, len(members))
            got, got_total = nuclear_possible_columns(shape, alleles, model.n, len(members))
            assert np.array_equal(got_total, (want_total > 0).astype(float))
            consistent = want_total > 0
            assert np.array_equal(got[consistent], (want[consistent] > 0).astype(float))
            zeros += int(np.count_nonzero(want[consistent] == 0))
            impossible += int(np.count_nonzero(~consistent))
            covered += len(members)
    assert covered > 100 and zeros > 100
    if siblings >= 2:
        assert impossible > 0


def test_a_mutation_model_is_not_decided_on_allele_sets() -> None:
    marker = make_marker("M", {"a": 0.5, "b": 0.5})
    assert identity_model(allele_model(marker, MutationModel()))
    assert not identity_model(allele_model(marker, MODELS[1]))


@pytest.mark.parametrize(
    ("siblings", "grandparents"),
    [(0, False), (1, False), (2, False), (3, False), (1, True), (2, True)],
)
def test_tables_for_their_zeros_have_the_zeros_of_the_exact_tables(
    siblings: int, grandparents: bool
) -> None:
    """``zeros_only`` without mutation (the incompatible markers: nuclear families decided on
    allele sets, the others peeled and read by :func:`search.possible_columns`): -inf exactly
    where the exact tables' log10 LR is -inf, 0 elsewhere; the same impossible families."""
    rng = np.random.default_rng(200 + siblings + 10 * grandparents)
    table = random_table(rng)
    table = FrequencyTable(
        {**{m: table[m] for m in table.names},
         "X": make_marker("X", {"a": 0.2, "b": 0.3, "c": 0.5}, xlinked=True)}
    )  # fmt: skip
    families = random_families(rng, table, 60, siblings, grandparents)
    exact = build_family_tables(families, table, inconsistent="skip_marker")
    fast = build_family_tables(families, table, inconsistent="skip_marker", zeros_only=True)
    assert fast.inconsistent == exact.inconsistent
    assert np.array_equal(fast.likelihood == 0, exact.likelihood == 0)
    zeros = 0
    for got, want in zip(fast.log10_lr, exact.log10_lr, strict=True):
        assert np.array_equal(np.isneginf(got), np.isneginf(want))
        assert np.all(got[~np.isneginf(got)] == 0.0)
        zeros += int(np.count_nonzero(np.isneginf(want)))
    assert zeros > 100


def test_upper_pairs_are_numpys_triu_indices_read_only() -> None:
    from kintrace.kinship.nuclear import upper_pairs

    for n in (1, 2, 5, 55):
        rows, cols = upper_pairs(n)
        want_rows, want_cols = np.triu_indices(n)
        assert np.array_equal(rows, want_rows) and np.array_equal(cols, want_cols)
        assert rows.dtype == want_rows.dtype
        assert upper_pairs(n)[0] is rows  # cached
        with pytest.raises(ValueError):
            rows[0] = 1


@pytest.mark.parametrize(("siblings", "grandparents"), [(1, True), (2, True), (0, False)])
@pytest.mark.parametrize("model", MODELS)
def test_tables_with_blas_products_equal_the_exact_order(
    model: MutationModel, siblings: int, grandparents: bool
) -> None:
    """``blas``: the peeled families' two-factor products by BLAS give the tables of the
    exact order within 1e-12 relative (the same zeros, the same impossible families)."""
    rng = np.random.default_rng(300 + siblings + 10 * grandparents)
    table = random_table(rng)
    families = random_families(rng, table, 50, siblings, grandparents)
    exact = build_family_tables(families, table, model, inconsistent="skip_marker")
    fast = build_family_tables(families, table, model, inconsistent="skip_marker", blas=True)
    assert fast.inconsistent == exact.inconsistent
    np.testing.assert_allclose(fast.likelihood, exact.likelihood, rtol=1e-12, atol=0)
    for got, want in zip(fast.log10_lr, exact.log10_lr, strict=True):
        assert np.array_equal(np.isneginf(got), np.isneginf(want))
        finite = np.isfinite(want)
        np.testing.assert_allclose(10.0 ** got[finite], 10.0 ** want[finite], rtol=1e-12)
