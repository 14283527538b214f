"""Familial search: precomputed tables agree with per-pair pedigree likelihoods; ranking."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kintrace.errors import FrequencyError, MendelianInconsistency
from kintrace.kinship.genotypes import Genotype
from kintrace.kinship.likelihood import marker_likelihood
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.pedfile import Family, Profile, parse_families
from kintrace.kinship.pedigree import singletons
from kintrace.kinship.search import build_family_tables, family_likelihoods, search_profiles

TABLE = FrequencyTable(
    {
        "M1": make_marker("M1", {"9": 0.2, "9.3": 0.1, "10": 0.4, "11": 0.3}),
        "M2": make_marker("M2", {"1": 0.5, "2": 0.25, "3": 0.25}),
        "DX": make_marker("DX", {"12": 0.3, "13": 0.7}, xlinked=True),
    }
)

FAMILIES = """\
family id fid mid sex missing M1 M2 DX
F1 FA 0 0 1 0 9/10 1/2 12
F1 MO 0 0 2 0 11/11 -/- 12/13
F1 MP FA MO 1 1 -/- -/- -/-
F2 GF 0 0 1 0 10/10 3/3 13
F2 GM 0 0 2 0 -/- -/- -/-
F2 S FA2 MO2 2 0 9.3/10 2/- 12/12
F2 FA2 GF GM 1 0 -/- -/- -/-
F2 MO2 0 0 2 0 -/- -/- -/-
F2 MP FA2 MO2 1 1 -/- -/- -/-
F2 U GF GM 1 1 -/- -/- -/-
"""


def family_lr(family: Family, position: str, profile: Profile, model: MutationModel) -> float:
    """The LR by definition: P(family data, profile as position) / P(family data) P(profile)."""
    data = family.data
    one = singletons(["x"], [profile.sex])
    total = 1.0
    for name in data.markers:
        marker = TABLE[name]
        typing = dict(data.typing.get(name, {}))
        genotype = profile.genotypes.get(name)
        if genotype is None:
            continue
        joint = marker_likelihood(data.pedigree, marker, {**typing, position: genotype}, model)
        alone = marker_likelihood(data.pedigree, marker, typing, model)
        pop = marker_likelihood(one, marker, {"x": genotype}, model)
        total *= joint / (alone * pop)
    return total


def profiles() -> list[Profile]:
    g: dict[str, dict[str, Genotype]] = {
        "p1": {"M1": ("10", "11"), "M2": ("1", "3"), "DX": ("12", "12")},
        "p2": {"M1": ("9.3", "10"), "M2": ("2", "3"), "DX": ("13", "13")},
        "p3": {"M1": ("10", None), "M2": ("2", "2")},
        "p4": {"M2": ("3", "3")},
    }
    return [Profile(k, 1, v) for k, v in g.items()]


@pytest.mark.parametrize(
    "model",
    [
        MutationModel(),
        MutationModel(
            female=MutationSpec("equal", rate=0.01),
            male=MutationSpec("stepwise", rate=0.02, rate2=0.001, range=0.3),
        ),
    ],
)
def test_tables_agree_with_the_pedigree_likelihood_of_each_pair(model: MutationModel) -> None:
    families = parse_families(FAMILIES, source="fam.ped", xlinked={"DX"})
    tables = build_family_tables(families, TABLE, model)
    assert list(zip(tables.families, tables.positions, strict=True)) == [
        ("F1", "MP"),
        ("F2", "MP"),
        ("F2", "U"),
    ]
    matches = search_profiles(profiles(), tables, top=10)
    by_key = {(m.profile, m.family, m.position): m for m in matches}
    by_name = {f.name: f for f in families}
    checked = 0
    for profile in profiles():
        for family, position in zip(tables.families, tables.positions, strict=True):
            expected = family_lr(by_name[family], position, profile, model)
            match = by_key.get((profile.id, family, position))
            if expected == 0.0:
                assert match is None
                continue
            assert match is not None
            assert match.lr == pytest.approx(expected, rel=1e-9)
            assert match.log10_lr == pytest.approx(math.log10(expected), rel=1e-9, abs=1e-12)
            checked += 1
    assert checked >= 6


def test_matches_are_ranked_best_first_and_cut_at_top() -> None:
    families = parse_families(FAMILIES, source="fam.ped", xlinked={"DX"})
    tables = build_family_tables(families, TABLE)
    matches = search_profiles(profiles(), tables, top=2)
    for pid in ("p1", "p2", "p3", "p4"):
        mine = [m for m in matches if m.profile == pid]
        assert len(mine) <= 2
        assert [m.rank for m in mine] == list(range(1, len(mine) + 1))
        assert all(a.lr >= b.lr for a, b in zip(mine, mine[1:], strict=False))


def test_sex_mismatch_and_exclusion_drop_the_candidate() -> None:
    families = parse_families(FAMILIES, source="fam.ped", xlinked={"DX"})
    tables = build_family_tables(families, TABLE)
    female = Profile("w", 2, {"M2": ("1", "2")})
    assert search_profiles([female], tables) == []
    # F1: father 1/2 at M2, mother untyped: a son 3/3 is excluded without mutation.
    excluded = Profile("e", 1, {"M2": ("3", "3")})
    assert {m.family for m in search_profiles([excluded], tables)} == {"F2"}


def test_float32_tables_give_the_same_ranking() -> None:
    families = parse_families(FAMILIES, source="fam.ped", xlinked={"DX"})
    exact = build_family_tables(families, TABLE)
    small = build_family_tables(families, TABLE, dtype=np.float32)
    a = search_profiles(profiles(), exact, top=3)
    b = search_profiles(profiles(), small, top=3)
    assert [(m.profile, m.family, m.position) for m in a] == [
        (m.profile, m.family, m.position) for m in b
    ]
    assert [m.log10_lr for m in b] == pytest.approx([m.log10_lr for m in a], abs=1e-5)


def test_profile_allele_missing_from_the_table_is_named() -> None:
    families = parse_families(FAMILIES, source="fam.ped", xlinked={"DX"})
    tables = build_family_tables(families, TABLE)
    bad = Profile("z", 1, {"M2": ("1", "7")})
    with pytest.raises(FrequencyError, match="person z: marker M2: allele 7"):
        search_profiles([bad], tables, source="profiles.ped")


SAME_SHAPE = """\
family id fid mid sex missing M1 M2 DX
A dadA 0 0 1 0 9/10 1/2 12
A momA 0 0 2 0 11/11 -/- 12/13
A mpA dadA momA 1 1 -/- -/- -/-
B mpB dadB momB 1 1 -/- -/- -/-
B dadB 0 0 1 0 10/10 3/3 13
B momB 0 0 2 0 9/9.3 1/1 -/-
"""


def test_same_shaped_families_with_different_ids_are_each_looked_up_by_their_own_ids() -> None:
    # Regression: every family of a structure group was indexed by the first family's ids.
    # B lists its persons in another order under other ids, so it is not the same structure
    # by index; C below is the same structure as A with other ids.
    families = parse_families(SAME_SHAPE, source="fam.ped", xlinked={"DX"})
    renamed = "\n".join(
        [
            SAME_SHAPE.splitlines()[0],
            "C papa 0 0 1 0 9/10 1/2 12",
            "C mama 0 0 2 0 11/11 -/- 12/13",
            "C kid papa mama 1 1 -/- -/- -/-",
        ]
    )
    families += parse_families(renamed, xlinked={"DX"})
    tables = build_family_tables(families, TABLE)
    assert tables.positions == ("mpA", "mpB", "kid")
    by_name = {f.name: f for f in families}
    for profile in profiles():
        for r, (family, position) in enumerate(zip(tables.families, tables.positions, strict=True)):
            expected = family_lr(by_name[family], position, profile, MutationModel())
            got = search_profiles([profile], tables, top=3)
            match = [m for m in got if m.family == family and m.position == position]
            if expected == 0.0:
                assert not match
            else:
                assert match[0].lr == pytest.approx(expected, rel=1e-12), r
    np.testing.assert_array_equal(tables.log10_lr[0][0], tables.log10_lr[0][2])


INCONSISTENT = """\
family id fid mid sex missing M1 M2 DX
OK FA 0 0 1 0 9/10 1/2 12
OK MO 0 0 2 0 11/11 -/- 12/13
OK MP FA MO 1 1 -/- -/- -/-
BAD FA 0 0 1 0 9/10 1/1 12
BAD MO 0 0 2 0 11/11 1/1 12/13
BAD MP FA MO 1 1 -/- -/- -/-
BAD S FA MO 2 0 -/- 3/3 -/-
"""


def test_one_inconsistent_family_raises_by_default_and_is_reported_with_skip_marker() -> None:
    families = parse_families(INCONSISTENT, xlinked={"DX"})
    with pytest.raises(MendelianInconsistency, match="family BAD: marker M2") as info:
        build_family_tables(families, TABLE, source="fam.ped")
    assert list(info.value.problems) == [
        "family BAD: marker M2: genotypes inconsistent (no mutation model)"
    ]
    tables = build_family_tables(families, TABLE, inconsistent="skip_marker")
    assert tables.inconsistent == ((), ("M2",))
    assert tables.problems() == list(info.value.problems)
    m2 = [m.name for m in tables.markers].index("M2")
    assert np.all(tables.log10_lr[m2][1] == 0.0)
    assert tables.likelihood[1, m2] == 0.0
    alone = build_family_tables(families[:1], TABLE)
    for mine, ok in zip(tables.log10_lr, alone.log10_lr, strict=True):
        np.testing.assert_array_equal(mine[0], ok[0])
    # With mutation the family is consistent and its M2 column is informative again.
    model = MutationModel.both(MutationSpec("equal", rate=0.01))
    mutated = build_family_tables(families, TABLE, model)
    assert mutated.inconsistent == ((), ())
    assert np.any(mutated.log10_lr[m2][1] != 0.0)


def test_family_likelihoods_are_the_pedigree_likelihoods_of_each_family() -> None:
    families = parse_families(FAMILIES, source="fam.ped", xlinked={"DX"})
    families += parse_families(INCONSISTENT, xlinked={"DX"})
    model = MutationModel(
        female=MutationSpec("equal", rate=0.01), male=MutationSpec("equal", rate=0.02)
    )
    for mutation in (MutationModel(), model):
        result = family_likelihoods(families, TABLE, mutation)
        assert result.families == ("F1", "F2", "OK", "BAD")
        assert [m.name for m in result.markers] == ["M1", "M2", "DX"]
        for r, family in enumerate(families):
            for k, marker in enumerate(result.markers):
                expected = marker_likelihood(
                    family.data.pedigree,
                    marker,
                    family.data.typing.get(marker.name, {}),
                    mutation,
                )
                assert result.likelihood[r, k] == pytest.approx(expected, rel=1e-12, abs=0.0)
        if mutation is model:
            assert np.all(result.likelihood > 0.0)
            tables = build_family_tables(families, TABLE, mutation)
            rows = [tables.families.index(f.name) for f in families]
            np.testing.assert_allclose(tables.likelihood[rows], result.likelihood, rtol=1e-12)
        else:
            assert result.likelihood[3, 1] == 0.0
            assert result.log10_total()[3] == -math.inf
    # Hand-derived: F1 at M1, father 9/10 and mother 11/11 unrelated: (2 p9 p10) p11^2.
    assert family_likelihoods(families[:1], TABLE).likelihood[0, 0] == pytest.approx(
        2 * 0.2 * 0.4 * 0.3**2, rel=1e-12
    )


def _profile_columns_one_by_one(
    profiles: list[Profile], markers: list[object]
) -> tuple[list[np.ndarray], list[str]]:
    """Every profile's columns found on its own (the first version of profile_columns)."""
    from kintrace.kinship.genotypes import is_typed
    from kintrace.kinship.search import genotype_columns

    problems: list[str] = []
    result = []
    for marker in markers:
        n = marker.n_alleles  # type: ignore[attr-defined]
        lookup = genotype_columns(n)
        n_genotypes = n * (n + 1) // 2
        columns = np.full(len(profiles), n_genotypes + n, dtype=np.intp)
        for k, profile in enumerate(profiles):
            genotype = profile.genotypes.get(marker.name)  # type: ignore[attr-defined]
            if genotype is None or not is_typed(genotype):
                continue
            idx = [marker.index(a) if a is not None else -1 for a in genotype]  # type: ignore[attr-defined]
            for allele, i in zip(genotype, idx, strict=True):
                if allele is not None and i < 0:
                    problems.append(
                        f"person {profile.id}: marker {marker.name}: allele {allele} "  # type: ignore[attr-defined]
                        "is not in the frequency table"
                    )
            if min(idx[0], n) < 0 or (genotype[1] is not None and idx[1] < 0):
                continue
            columns[k] = n_genotypes + idx[0] if idx[1] < 0 else lookup[idx[0], idx[1]]
        result.append(columns)
    return result, problems


@pytest.mark.parametrize("unknown", [False, True])
def test_profile_columns_of_repeated_genotypes_are_found_once_with_the_same_columns(
    unknown: bool,
) -> None:
    """Remains repeating genotypes (full, one allele, untyped, an allele unknown to the table):
    the same columns as each profile's found alone, and every unknown allele reported at
    each profile that carries it."""
    from kintrace.kinship.search import profile_columns

    rng = np.random.default_rng(5)
    table = FrequencyTable(
        {"A": make_marker("A", {"1": 0.2, "2": 0.3, "3": 0.5}),
         "B": make_marker("B", {str(k): 0.1 for k in range(10)})}
    )  # fmt: skip
    choices: list[Genotype] = [("1", "2"), ("2", "1"), ("3", "3"), ("1", None), (None, None),
                               (None, "2")]  # fmt: skip
    if unknown:
        choices += [("9", "1"), ("1", "x")]
    profiles = []
    for k in range(200):
        genotypes = {"A": choices[int(rng.integers(len(choices)))]}
        b = rng.integers(10, size=2)
        if rng.random() < 0.8:
            genotypes["B"] = (str(b[0]), str(b[1]))
        profiles.append(Profile(f"V{k}", 1, genotypes))
    markers = [table["A"], table["B"]]
    want, problems = _profile_columns_one_by_one(profiles, markers)
    if problems:
        with pytest.raises(FrequencyError) as raised:
            profile_columns(profiles, markers)
        assert list(raised.value.problems) == problems
        assert len(problems) > 2
        return
    got = profile_columns(profiles, markers)
    for a, b in zip(got, want, strict=True):
        assert np.array_equal(a, b)
