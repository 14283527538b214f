"""The joint search is exact: checked against every assignment scored on the whole pedigree.

The oracle enumerates every assignment of remains to missing persons (sex-consistent, each body
and each person at most once) and scores it as the product over families of
``L(F with its victims) / (L(F) · prod L(V))``, each likelihood summed over every genotype of
every person of the family (:func:`kintrace.kinship.bruteforce.brute_force_likelihood`). No
pairwise table, no peeling, no bound. Random small cases of every shape: several missing per
family, split by sex, references that need a mutation, untyped founders.
"""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import pytest

from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains, with_victim
from kintrace.dvi.likelihoods import profile_log10_likelihood
from kintrace.dvi.solve import DviResult, Settings, solve_dvi
from kintrace.errors import MendelianInconsistency
from kintrace.kinship.bruteforce import brute_force_likelihood
from kintrace.kinship.genotypes import is_typed
from kintrace.kinship.markers import FrequencyTable, make_marker, parse_frequency_csv
from kintrace.kinship.mutation import NO_MUTATION, MutationModel, parse_mutation_spec
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import Sex

CASES = Path(__file__).resolve().parents[3] / ".." / "shared" / "examples" / "dvi-cases"
EXAMPLE1_FAMILIES = """family id fid mid sex missing L1
F1 M1 0 0 1 1 -/-
F1 R1 0 0 2 0 1/1
F1 M2 M1 R1 1 1 -/-
F1 NN 0 0 2 0 -/-
F1 M3 M2 NN 1 1 -/-
"""
EXAMPLE1_REMAINS = "id sex L1\nV1 1 1/1\nV2 1 2/2\nV3 1 1/2\n"
EXAMPLE1_TABLE = FrequencyTable({"L1": make_marker("L1", {"1": 0.05, "2": 0.05, "3": 0.9})})


def test_dvir_example1_joint_answer() -> None:
    """dvir's example1: jointDVI gives V1=M3, V2=M1, V3=M2, loglik -15.6718, LR 2000,
    posterior 0.6895, then three assignments tied at LR 200. M1's pairwise LRs are all 1."""
    data = check_dvi(parse_dvi_families(EXAMPLE1_FAMILIES), parse_remains(EXAMPLE1_REMAINS))
    res = solve_dvi(data, EXAMPLE1_TABLE)
    best = res.solutions[0]
    assert best.assignment == {"V1": "M3", "V2": "M1", "V3": "M2"}
    assert round(best.loglik, 4) == -15.6718
    assert best.lr == pytest.approx(2000.0, rel=1e-9)
    assert round(best.posterior, 4) == 0.6895
    assert [round(s.lr, 6) for s in res.solutions[1:5]] == [200.0, 200.0, 200.0, 100.0]
    m1 = next(i for i in res.missing if i.missing == "M1")
    assert m1.remains == "V2" and m1.conclusion.value != "not identifiable"


def test_family_split_by_sex_weighed_in_one_family_likelihood() -> None:
    """family-split: each body fits one missing person by sex; the joint LR is 125,000 (the
    whole family likelihood), not 125 x 27 = 3,375."""
    families = (
        "family id fid mid sex missing L1 L2 L3\nF1 FA 0 0 1 0 a/a a/a a/a\n"
        "F1 GM 0 0 2 0 b/c b/c b/c\nF1 MO 0 GM 2 1 -/- -/- -/-\nF1 SON FA MO 1 1 -/- -/- -/-\n"
    )
    remains = "id sex L1 L2 L3\nV1 2 b/b b/b b/b\nV2 1 a/b a/b a/b\n"
    freqs = "marker,allele,frequency\n" + "".join(
        f"L{i},{a},{p}\n" for i in (1, 2, 3) for a, p in (("a", 0.2), ("b", 0.2), ("c", 0.6))
    )
    local = CASES / "family-split" / "freqs.csv"
    table = parse_frequency_csv(local.read_text() if local.exists() else freqs)
    res = solve_dvi(check_dvi(parse_dvi_families(families), parse_remains(remains)), table)
    best = res.solutions[0]
    assert best.assignment == {"V1": "MO", "V2": "SON"}
    if local.exists():
        assert best.lr == pytest.approx(125_000.0, rel=1e-9)
    assert res.joint.components == 1


# ---------------------------------------------------------------- the brute-force oracle


def _family_log10(family: Family, table: FrequencyTable, mutation: MutationModel) -> float:
    total = 0.0
    for name in family.data.markers:
        genotypes = {p: g for p, g in family.data.typing.get(name, {}).items() if is_typed(g)}
        value = brute_force_likelihood(family.data.pedigree, table[name], genotypes, mutation)
        if value <= 0.0:
            return -math.inf
        total += math.log10(value)
    return total


def brute_force_assignments(
    families: list[Family],
    remains: list[Profile],
    persons: set[str],
    table: FrequencyTable,
    mutation: MutationModel,
) -> dict[tuple[tuple[str, str], ...], float]:
    """Return the log10 LR of every assignment (sorted (remains, missing) pairs) of ``persons``."""
    family_of = {m: f for f in families for m in f.missing if m in persons}
    sex_of = {m: f.data.pedigree.sex[f.data.pedigree.index(m)] for m, f in family_of.items()}
    base = {f.name: _family_log10(f, table, mutation) for f in families}
    missing = sorted(family_of)
    out: dict[tuple[tuple[str, str], ...], float] = {}
    for choice in itertools.product([None, *missing], repeat=len(remains)):
        used = [m for m in choice if m is not None]
        if len(used) != len(set(used)):
            continue
        pairs = tuple((v.id, m) for v, m in zip(remains, choice, strict=True) if m is not None)
        if any(
            sex_of[m] != Sex.UNKNOWN and v.sex not in (0, sex_of[m])
            for v, m in zip(remains, choice, strict=True)
            if m is not None
        ):
            continue
        score = 0.0
        for family in families:
            placed = [(v, m) for v, m in zip(remains, choice, strict=True) if m in family.missing]
            if not placed:
                continue
            joined = family
            for v, m in placed:
                joined = with_victim(joined, m, v)
            numerator = _family_log10(joined, table, mutation)
            score += numerator - base[family.name]
            score -= sum(profile_log10_likelihood(v, table) for v, _ in placed)
        out[pairs] = score
    return out


def _random_case(rng: random.Random) -> tuple[str, str, FrequencyTable, MutationModel]:
    """A random small case: 1-2 families of 3-5 persons, 1-3 missing each, 2-3 remains."""
    n_markers = rng.choice([1, 2])
    alleles = ["a", "b", "c"][: rng.choice([2, 3])]
    markers = {}
    for k in range(n_markers):
        weights = [rng.uniform(0.2, 1.0) for _ in alleles]
        markers[f"L{k}"] = make_marker(
            f"L{k}", {a: w / sum(weights) for a, w in zip(alleles, weights, strict=True)}
        )
    table = FrequencyTable(markers)
    mutation = (
        MutationModel.both(parse_mutation_spec("equal:rate=0.05"))
        if rng.random() < 0.4
        else NO_MUTATION
    )

    def genotype() -> str:
        return "/".join(sorted(rng.choice(alleles) for _ in range(2)))

    lines = ["family id fid mid sex missing " + " ".join(markers)]
    for f in range(rng.choice([1, 1, 2])):
        people: list[tuple[str, str, str, int]] = []
        size = rng.randint(3, 5)
        for i in range(size):
            pid = f"F{f}P{i}"
            fathers = [p for p, _, _, s in people if s == 1]
            mothers = [p for p, _, _, s in people if s == 2]
            if i >= 2 and fathers and mothers and rng.random() < 0.8:
                fid, mid = rng.choice(fathers), rng.choice(mothers)
            else:
                fid, mid = "0", "0"
            people.append((pid, fid, mid, rng.choice([1, 2])))
        n_missing = rng.randint(1, min(3, size - 1))
        missing = set(rng.sample([p for p, _, _, _ in people], n_missing))
        for pid, fid, mid, sex in people:
            typed = pid not in missing and rng.random() < 0.6
            cells = [genotype() if typed else "-/-" for _ in markers]
            lines.append(f"F{f} {pid} {fid} {mid} {sex} {int(pid in missing)} " + " ".join(cells))
    rem = ["id sex " + " ".join(markers)]
    for v in range(rng.randint(2, 3)):
        rem.append(f"V{v} {rng.choice([1, 2])} " + " ".join(genotype() for _ in markers))
    return "\n".join(lines) + "\n", "\n".join(rem) + "\n", table, mutation


def _solved_case(
    rng: random.Random, settings: Settings
) -> tuple[list[Family], list[Profile], FrequencyTable, MutationModel, DviResult]:
    """Draw random cases until the references are consistent under the drawn model."""
    while True:
        families_text, remains_text, table, mutation = _random_case(rng)
        families = parse_dvi_families(families_text)
        remains = parse_remains(remains_text)
        try:
            res = solve_dvi(check_dvi(families, remains), table, mutation, settings)
        except MendelianInconsistency:
            continue
        return list(families), list(remains), table, mutation, res


@pytest.mark.parametrize("seed", range(40))
def test_joint_search_equals_brute_force(seed: int) -> None:
    """Every joint search agrees with brute-force enumeration on the whole pedigrees: the best
    LR, the listed LRs in order, each listed posterior and every pairing probability."""
    rng = random.Random(seed)
    settings = Settings(threshold=1e300, max_incompatible=99, group_limit=0.0, top=1000)
    families, remains, table, mutation, res = _solved_case(rng, settings)
    pm = res.reduced
    persons = {m for r, m in enumerate(pm.missing) if pm.identifiable[r]}
    oracle = brute_force_assignments(families, remains, persons, table, mutation)
    finite = {k: v for k, v in oracle.items() if v > -math.inf}
    if not finite:
        return
    ranked = sorted(finite.values(), reverse=True)
    listed = [math.log10(s.lr) for s in res.solutions if s.lr > 0.0]
    assert listed[0] == pytest.approx(ranked[0], abs=1e-9)
    assert listed == pytest.approx(ranked[: len(listed)], abs=1e-9)
    total = sum(10.0 ** (v - ranked[0]) for v in ranked)
    for s in res.solutions:
        pairs = tuple(sorted((v, m) for v, m in s.assignment.items() if m is not None))
        if pairs in finite:
            assert s.posterior == pytest.approx(10.0 ** (finite[pairs] - ranked[0]) / total)
    for r, m in enumerate(pm.missing):
        for c, v in enumerate(pm.remains):
            expected = (
                sum(10.0 ** (w - ranked[0]) for k, w in finite.items() if (v, m) in k) / total
            )
            assert float(res.joint.pairing[r, c]) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("enumerate_up_to", [100_000, 1])
@pytest.mark.parametrize("seed", range(40, 60))
def test_best_assignment_with_default_settings_equals_brute_force(
    seed: int, enumerate_up_to: int
) -> None:
    """With the default settings (pairs below LR 1 of one-missing families left out, at most 2
    incompatible markers) the best assignment is still the brute-force best over all
    assignments with at most 2 incompatible markers per pair, persons left out included; also
    when branch and bound prunes (nothing enumerated, one assignment kept)."""
    rng = random.Random(seed)
    families, remains, table, mutation, res = _solved_case(
        rng, Settings(threshold=1e300, max_enumerate=enumerate_up_to, keep=1, top=1)
    )
    everyone = {m for f in families for m in f.missing}
    oracle = brute_force_assignments(families, remains, everyone, table, mutation)
    pm = res.reduced
    too_many = {
        (pm.remains[c], pm.missing[r])
        for r in range(len(pm.missing))
        for c in range(len(pm.remains))
        if pm.incompatible[r, c] > 2
    }
    allowed = [v for k, v in oracle.items() if not set(k) & too_many]
    best = max(allowed)
    found = math.log10(res.solutions[0].lr) if res.solutions[0].lr > 0 else -math.inf
    assert found == pytest.approx(best, abs=1e-9)


@pytest.mark.parametrize("seed", range(60, 90))
def test_top_list_keeps_assignments_with_pairs_below_one(seed: int) -> None:
    """With the default settings (pairs below LR 1 of one-missing families left out of the
    search) the listed assignments are still the brute-force best ones in order: a listed
    assignment may hold a pair with LR < 1 when it beats the others."""
    rng = random.Random(seed)
    families, remains, table, mutation, res = _solved_case(rng, Settings(threshold=1e300, top=12))
    pm = res.reduced
    persons = {m for r, m in enumerate(pm.missing) if pm.identifiable[r]}
    oracle = brute_force_assignments(families, remains, persons, table, mutation)
    too_many = {
        (pm.remains[c], pm.missing[r])
        for r in range(len(pm.missing))
        for c in range(len(pm.remains))
        if pm.incompatible[r, c] > 2
    }
    ranked = sorted(
        (v for k, v in oracle.items() if v > -math.inf and not set(k) & too_many), reverse=True
    )
    listed = [math.log10(s.lr) for s in res.solutions if s.lr > 0.0]
    assert listed == pytest.approx(ranked[: len(listed)], abs=1e-9)
    assert len(listed) == min(12, len(ranked)) or len(res.solutions) == 12


def test_top_list_example_with_a_pair_below_one() -> None:
    """One family, one missing person, two bodies: the body with LR < 1 still forms the
    second-best assignment only after 'nobody', and both assignments are listed."""
    families = "family id fid mid sex missing M\nF FA 0 0 1 0 a/a\nF MP FA 0 1 1 -/-\n"
    remains = "id sex M\nV1 1 a/b\nV2 1 b/b\n"
    table = FrequencyTable({"M": make_marker("M", {"a": 0.25, "b": 0.75})})
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.01"))
    res = solve_dvi(check_dvi(parse_dvi_families(families), parse_remains(remains)), table,
                    mutation, Settings(threshold=1e300))  # fmt: skip
    listed = [(s.assignment["V1"], s.assignment["V2"]) for s in res.solutions]
    assert listed == [("MP", None), (None, None), (None, "MP")]
    assert res.solutions[2].lr < 1.0


GRAVE = (
    ("GF", "0", "0", 1, False, False), ("GM", "0", "0", 2, True, False),
    ("S1", "GF", "GM", 1, False, True), ("S2", "GF", "GM", 1, False, True),
    ("W1", "0", "0", 2, True, False), ("W2", "0", "0", 2, True, False),
    ("C1", "S1", "W1", 1, False, True), ("C2", "S2", "W2", 1, False, True),
)  # fmt: skip
"""A small grave: two missing sons of an untyped grandfather and a typed grandmother, and one
missing grandson of each with his typed mother (id, father, mother, sex, typed, missing)."""


@pytest.mark.parametrize("seed", range(2))
def test_a_small_grave_is_searched_exactly(seed: int) -> None:
    """Four missing men of one family and their four bodies plus one stranger, every placement
    scored in one batched peeling: the listed LRs, the posteriors and every pairing
    probability equal brute-force enumeration (each family likelihood summed over every
    genotype of all eight persons)."""
    import numpy as np

    from kintrace.dvi.simulate import simulate_genotypes
    from kintrace.kinship.genotypes import format_genotype
    from kintrace.kinship.pedigree import build_pedigree

    gen = np.random.default_rng(seed)
    table = FrequencyTable(
        {m: make_marker(m, {"a": 0.3 + 0.2 * k, "b": 0.7 - 0.2 * k}) for k, m in enumerate("LM")}
    )
    ped = build_pedigree(
        [p[0] for p in GRAVE], [None if p[1] == "0" else p[1] for p in GRAVE],
        [None if p[2] == "0" else p[2] for p in GRAVE], [p[3] for p in GRAVE],
    )  # fmt: skip
    geno = simulate_genotypes(ped, table, ["L", "M"], gen)
    lines = ["family id fid mid sex missing L M"]
    for pid, fid, mid, sex, typed, missing in GRAVE:
        cells = [format_genotype(geno[m][pid]) if typed else "-/-" for m in "LM"]
        lines.append(f"G {pid} {fid} {mid} {sex} {int(missing)} " + " ".join(cells))
    bodies = ["id sex L M"]
    for k, pid in enumerate(["S1", "S2", "C1", "C2"]):
        bodies.append(f"V{k} 1 " + " ".join(format_genotype(geno[m][pid]) for m in "LM"))
    bodies.append("V4 1 a/b a/a")
    families = parse_dvi_families("\n".join(lines) + "\n")
    remains = parse_remains("\n".join(bodies) + "\n")
    settings = Settings(threshold=1e300, max_incompatible=99, group_limit=0.0, top=1000)
    res = solve_dvi(check_dvi(families, remains), table, NO_MUTATION, settings)
    assert res.joint.exact
    persons = {"S1", "S2", "C1", "C2"}
    oracle = brute_force_assignments(list(families), list(remains), persons, table, NO_MUTATION)
    finite = {k: v for k, v in oracle.items() if v > -math.inf}
    ranked = sorted(finite.values(), reverse=True)
    listed = [math.log10(s.lr) for s in res.solutions if s.lr > 0.0]
    assert listed == pytest.approx(ranked[: len(listed)], abs=1e-9)
    assert len(listed) == len(ranked)
    total = sum(10.0 ** (v - ranked[0]) for v in ranked)
    pm = res.reduced
    for r, m in enumerate(pm.missing):
        for c, v in enumerate(pm.remains):
            expected = (
                sum(10.0 ** (w - ranked[0]) for k, w in finite.items() if (v, m) in k) / total
            )
            assert float(res.joint.pairing[r, c]) == pytest.approx(expected, abs=1e-9)


def _simulated(persons: tuple[tuple[str, str, str, int, bool, bool], ...], seed: int) -> tuple[
    list[Family], dict[str, dict[str, tuple[str, str]]], FrequencyTable
]:  # fmt: skip
    """One family of the given persons (id, father, mother, sex, typed, missing), simulated."""
    import numpy as np

    from kintrace.dvi.simulate import simulate_genotypes
    from kintrace.kinship.genotypes import format_genotype
    from kintrace.kinship.pedigree import build_pedigree

    table = FrequencyTable(
        {m: make_marker(m, {"a": 0.3 + 0.2 * k, "b": 0.7 - 0.2 * k}) for k, m in enumerate("LM")}
    )
    ped = build_pedigree(
        [p[0] for p in persons], [None if p[1] == "0" else p[1] for p in persons],
        [None if p[2] == "0" else p[2] for p in persons], [p[3] for p in persons],
    )  # fmt: skip
    geno = simulate_genotypes(ped, table, ["L", "M"], np.random.default_rng(seed))
    lines = ["family id fid mid sex missing L M"]
    for pid, fid, mid, sex, typed, missing in persons:
        cells = [format_genotype(geno[m][pid]) if typed else "-/-" for m in "LM"]
        lines.append(f"G {pid} {fid} {mid} {sex} {int(missing)} " + " ".join(cells))
    by_person = {pid: {m: geno[m][pid] for m in "LM"} for pid, *_ in persons}
    return list(parse_dvi_families("\n".join(lines) + "\n")), by_person, table  # type: ignore[return-value]


SEPARATED = (
    ("GF", "0", "0", 1, False, True), ("GM", "0", "0", 2, True, False),
    ("FA", "GF", "GM", 1, True, False), ("MO", "0", "0", 2, False, False),
    ("S1", "FA", "MO", 1, False, True), ("S2", "FA", "MO", 1, False, True),
)  # fmt: skip
"""A typed father between his missing father and his two missing sons (their mother untyped)."""


@pytest.mark.parametrize("seed", range(3))
def test_missing_persons_separated_by_typed_members_are_searched_apart_exactly(
    seed: int,
) -> None:
    """The typed father separates the grandfather from the sons: two search units whose
    placements multiply. The listed LRs, posteriors and pairing probabilities still equal
    brute-force enumeration on the whole pedigree."""
    from kintrace.dvi.data import independent_groups

    families, geno, table = _simulated(SEPARATED, seed)
    assert independent_groups(families[0]) == {"GF": 0, "S1": 1, "S2": 1}
    bodies = ["id sex L M"] + [
        f"V{k} 1 " + " ".join("/".join(geno[pid][m]) for m in "LM")
        for k, pid in enumerate(["GF", "S1", "S2"])
    ]
    remains = parse_remains("\n".join([*bodies, "V3 1 a/b a/a"]) + "\n")
    settings = Settings(threshold=1e300, max_incompatible=99, group_limit=0.0, top=1000)
    res = solve_dvi(check_dvi(families, remains), table, NO_MUTATION, settings)
    oracle = brute_force_assignments(families, list(remains), {"GF", "S1", "S2"}, table,
                                     NO_MUTATION)  # fmt: skip
    finite = {k: v for k, v in oracle.items() if v > -math.inf}
    ranked = sorted(finite.values(), reverse=True)
    listed = [math.log10(s.lr) for s in res.solutions if s.lr > 0.0]
    assert listed == pytest.approx(ranked, abs=1e-9)
    total = sum(10.0 ** (v - ranked[0]) for v in ranked)
    pm = res.reduced
    for r, m in enumerate(pm.missing):
        for c, v in enumerate(pm.remains):
            expected = (
                sum(10.0 ** (w - ranked[0]) for k, w in finite.items() if (v, m) in k) / total
            )
            assert float(res.joint.pairing[r, c]) == pytest.approx(expected, abs=1e-9)


def test_eight_missing_sons_of_typed_parents_are_searched_exactly() -> None:
    """Eight missing sons of a typed father and mother, eight bodies: 1.4 million placements
    in one family (beyond the 5,000 of max_options, so the family was split person by person
    and the search flagged not exact). Given both parents the sons are independent: eight
    units, searched exactly; the best LR is the product of the pairwise LRs."""
    persons = (("FA", "0", "0", 1, True, False), ("MO", "0", "0", 2, True, False)) + tuple(
        (f"S{k}", "FA", "MO", 1, False, True) for k in range(8)
    )
    families, geno, table = _simulated(persons, 5)
    bodies = ["id sex L M"] + [
        f"V{k} 1 " + " ".join("/".join(geno[f"S{k}"][m]) for m in "LM") for k in range(8)
    ]
    remains = parse_remains("\n".join(bodies) + "\n")
    res = solve_dvi(check_dvi(families, remains), table, NO_MUTATION, Settings(threshold=1e300))
    assert res.joint.exact
    pm = res.reduced
    best = res.solutions[0]
    pairwise = sum(
        float(pm.log10_lr[pm.missing.index(m), pm.remains.index(v)])
        for v, m in best.assignment.items()
        if m is not None
    )
    assert math.log10(best.lr) == pytest.approx(pairwise, abs=1e-9)


RANDOM_GRAVE = (
    ("GF", None, None, 1),
    ("GM", None, None, 2),
    ("S1", "GF", "GM", 1),
    ("D1", "GF", "GM", 2),
    ("W1", None, None, 2),
    ("C1", "S1", "W1", 1),
    ("C2", "S1", "W1", 2),
    ("X1", None, "D1", 1),
)
"""A small grave: grandparents, a son and a daughter, the son's wife and two children, the
daughter's son by an unknown father."""


@pytest.mark.parametrize("seed", range(16))
def test_random_small_graves_equal_brute_force(seed: int) -> None:
    """Random small graves (two or three missing of both sexes, a stranger among the bodies,
    sometimes a reference that needs a mutation, untyped grandfather): the placements scored by
    the batched phase-variable peeling and the pairwise rows scored pair by pair give the
    brute-force LRs in order, and every pairing probability."""
    import numpy as np

    from kintrace.dvi.simulate import simulate_genotypes
    from kintrace.kinship.genotypes import format_genotype
    from kintrace.kinship.pedigree import build_pedigree

    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    table = FrequencyTable(
        {m: make_marker(m, {"a": 0.3 + 0.3 * k, "b": 0.7 - 0.3 * k}) for k, m in enumerate("LM")}
    )
    ped = build_pedigree(*(list(x) for x in zip(*RANDOM_GRAVE, strict=True)))  # type: ignore[arg-type]
    geno = simulate_genotypes(ped, table, ["L", "M"], gen)
    missing = rng.sample(["S1", "D1", "C1", "C2", "X1"], rng.choice([2, 3]))
    typed = {"GM", "W1", "X1", "C2"} - set(missing)
    mutated = rng.random() < 0.5 and "C2" in typed
    if mutated:  # the wife b/b and her daughter a/a at L: a mutation is needed
        geno["L"]["W1"], geno["L"]["C2"] = ("b", "b"), ("a", "a")
    mutation = MutationModel.both(parse_mutation_spec("equal:rate=0.05")) if mutated else (
        MutationModel.both(parse_mutation_spec("equal:rate=0.02"))
        if rng.random() < 0.5 else NO_MUTATION
    )  # fmt: skip
    lines = ["family id fid mid sex missing L M"]
    for pid, fid, mid, sex in RANDOM_GRAVE:
        cells = [format_genotype(geno[m][pid]) if pid in typed else "-/-" for m in "LM"]
        lines.append(
            f"G {pid} {fid or 0} {mid or 0} {sex} {int(pid in missing)} " + " ".join(cells)
        )
    bodies = ["id sex L M"]
    for k, pid in enumerate(missing):
        sex = ped.sex[ped.index(pid)]
        bodies.append(f"V{k} {sex} " + " ".join(format_genotype(geno[m][pid]) for m in "LM"))
    bodies.append(f"V9 {rng.choice([1, 2])} a/b a/a")
    families = parse_dvi_families("\n".join(lines) + "\n")
    remains = parse_remains("\n".join(bodies) + "\n")
    settings = Settings(threshold=1e300, max_incompatible=99, group_limit=0.0, top=1000)
    res = solve_dvi(check_dvi(families, remains), table, mutation, settings)
    assert res.joint.exact
    oracle = brute_force_assignments(list(families), list(remains), set(missing), table, mutation)
    finite = {k: v for k, v in oracle.items() if v > -math.inf}
    ranked = sorted(finite.values(), reverse=True)
    listed = [math.log10(s.lr) for s in res.solutions if s.lr > 0.0]
    assert listed == pytest.approx(ranked[: len(listed)], abs=1e-9)
    assert len(listed) == len(ranked)
    total = sum(10.0 ** (v - ranked[0]) for v in ranked)
    pm = res.reduced
    for r, m in enumerate(pm.missing):
        for c, v in enumerate(pm.remains):
            expected = (
                sum(10.0 ** (w - ranked[0]) for k, w in finite.items() if (v, m) in k) / total
            )
            assert float(res.joint.pairing[r, c]) == pytest.approx(expected, abs=1e-9)


def test_one_missing_person_is_one_group_typed_relatives_or_not() -> None:
    """A family with one missing person has one group, as the union-find over the moral graph
    gives it (typed members around him or not)."""
    from kintrace.dvi.data import independent_groups

    for typed, untyped in (("a/b", "-/-"), ("-/-", "-/-"), ("a/a", "a/b")):
        families = parse_dvi_families(
            "family id fid mid sex missing M\n"
            f"F GF 0 0 1 0 {typed}\nF GM 0 0 2 0 {untyped}\nF FA GF GM 1 1 -/-\n"
            f"F MO 0 0 2 0 {typed}\nF S1 FA MO 1 0 {typed}\n"
        )
        assert independent_groups(families[0]) == {"FA": 0}
