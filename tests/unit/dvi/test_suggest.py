"""Extra-relative suggestions: known answers with unequal frequencies, mutation and X markers."""

from __future__ import annotations

import math

import pytest

from kintrace.dvi import suggest as suggest_module
from kintrace.dvi.data import parse_dvi_families
from kintrace.dvi.pairwise import family_tables
from kintrace.dvi.suggest import (
    FEW_ALLELES,
    MARGIN,
    _alone,
    _expected,
    _restricted,
    _strong_or_tables,
    family_figures,
    relative_figures,
    weak_missing,
)
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.kinship.mutation import MutationModel, parse_mutation_spec
from kintrace.kinship.pedfile import Family

HEADER = "family id fid mid sex missing"
P = [0.1, 0.2, 0.3, 0.4]


def equal_rate(rate: float) -> MutationModel:
    return MutationModel.both(parse_mutation_spec(f"equal:rate={rate}"))


def power(k: int) -> float:
    return sum(p**k for p in P)


def test_a_mother_of_an_untyped_family_excludes_as_the_single_parent_formula_says() -> None:
    # one parent typed, the other absent: P(exclusion of an unrelated person) =
    # 1 - 4 a2 + 2 a2^2 + 4 a3 - 3 a4 (Jamieson & Taylor 1997, single-parent exclusion),
    # a_k = sum p_i^k
    table = FrequencyTable({"S": make_marker("S", {str(k): p for k, p in enumerate(P)})})
    fams = parse_dvi_families(f"{HEADER} S\nF M 0 0 1 1 -/-\n")
    mother = relative_figures(fams[0], "M", "mother", table)
    assert mother is not None
    expected = 1 - 4 * power(2) + 2 * power(2) ** 2 + 4 * power(3) - 3 * power(4)
    assert mother.exclusion_power == pytest.approx(expected, abs=1e-12)
    # E[log10 LR] by enumeration: over the mother's genotypes, M's genotypes given hers and
    # the log10 of their probability over the Hardy-Weinberg one
    expected_lr = 0.0
    n = len(P)
    for a in range(n):
        for b in range(a, n):
            weight = P[a] ** 2 if a == b else 2 * P[a] * P[b]
            # M's maternal allele is a or b (1/2 each), his paternal one is drawn from p
            child: dict[tuple[int, int], float] = {}
            for m in (a, b):
                for x in range(n):
                    key = (min(m, x), max(m, x))
                    child[key] = child.get(key, 0.0) + 0.5 * P[x]
            for (u, v), prob in child.items():
                hw = P[u] ** 2 if u == v else 2 * P[u] * P[v]
                expected_lr += weight * prob * math.log10(prob / hw)
    assert mother.expected_log10_lr == pytest.approx(expected_lr, abs=1e-12)


@pytest.mark.parametrize("rate", [0.0, 0.001, 0.01, 0.05])
def test_a_father_at_one_snp_with_mutation_by_hand(rate: float) -> None:
    # p = q = 1/2, equal model (a flip with probability mu). Father aa (1/4): M is aa, ab, bb
    # with (1 - mu)/2, 1/2, mu/2, LR 2(1 - mu), 1, 2 mu; father ab: LR 1. So
    # E[log10 LR] = [(1 - mu) log10(2(1 - mu)) + mu log10(2 mu)] / 4, smaller with mutation;
    # the exclusion power is judged without mutation: 2 p^2 q^2 = 1/8 whatever mu
    table = FrequencyTable({"S": make_marker("S", {"a": 0.5, "b": 0.5})})
    fams = parse_dvi_families(f"{HEADER} S\nF M 0 0 1 1 -/-\n")
    father = relative_figures(fams[0], "M", "father", table, mutation=equal_rate(rate))
    assert father is not None
    mutated = rate * math.log10(2 * rate) if rate > 0 else 0.0
    expected = ((1 - rate) * math.log10(2 * (1 - rate)) + mutated) / 4
    assert father.expected_log10_lr == pytest.approx(expected, abs=1e-12)
    assert father.exclusion_power == pytest.approx(0.125, abs=1e-12)
    if rate > 0:
        assert father.expected_log10_lr < math.log10(2.0) / 4


def test_the_family_as_it_is_uses_the_mutation_model_for_the_LR_only() -> None:
    # typed father aa: E[log10 LR] = [(1 - mu) log10(2(1 - mu)) + mu log10(2 mu)] / 2; bb is
    # excluded without mutation (1/4)
    table = FrequencyTable({"S": make_marker("S", {"a": 0.5, "b": 0.5})})
    fams = parse_dvi_families(f"{HEADER} S\nF FA 0 0 1 0 a/a\nF M FA 0 1 1 -/-\n")
    rate = 0.01
    ep, expected = family_figures(fams[0], "M", table, equal_rate(rate))
    assert ep == pytest.approx(0.25)
    by_hand = ((1 - rate) * math.log10(2 * (1 - rate)) + rate * math.log10(2 * rate)) / 2
    assert expected == pytest.approx(by_hand, abs=1e-12)
    assert expected < family_figures(fams[0], "M", table)[1]


def test_X_linked_markers_count_for_a_son_through_his_mother_only() -> None:
    # male M at an X marker: his one allele is his mother's. A typed mother excludes an
    # unrelated man with probability sum_x p_x (1 - p_x)^2 = 1 - 2 a2 + a3; his father adds
    # nothing. E[log10 LR]: mother aa gives LR 1/p_a, mother ab gives 1/(2 p_a) or 1/(2 p_b)
    freqs = {str(k): p for k, p in enumerate(P)}
    table = FrequencyTable({"X": make_marker("X", freqs, xlinked=True)})
    fams = parse_dvi_families(f"{HEADER} X\nF M 0 0 1 1 -/-\n", xlinked={"X"})
    mother = relative_figures(fams[0], "M", "mother", table)
    father = relative_figures(fams[0], "M", "father", table)
    assert mother is not None and father is not None
    assert mother.exclusion_power == pytest.approx(1 - 2 * power(2) + power(3), abs=1e-12)
    n = len(P)
    expected = sum(P[a] ** 2 * math.log10(1 / P[a]) for a in range(n))
    expected += sum(
        P[a] * P[b] * (math.log10(1 / (2 * P[a])) + math.log10(1 / (2 * P[b])))
        for a in range(n)
        for b in range(a + 1, n)
    )
    assert mother.expected_log10_lr == pytest.approx(expected, abs=1e-12)
    assert father.exclusion_power == 0.0
    assert father.expected_log10_lr == pytest.approx(0.0, abs=1e-12)


def test_X_linked_markers_add_to_the_autosomal_ones() -> None:
    freqs = {str(k): p for k, p in enumerate(P)}
    both = FrequencyTable(
        {"A": make_marker("A", freqs), "X": make_marker("X", freqs, xlinked=True)}
    )
    autosomal = FrequencyTable({"A": make_marker("A", freqs)})
    text = f"{HEADER} A X\nF MO 0 0 2 0 0/1 2/3\nF M 0 MO 1 1 -/- -/-\n"
    fams = parse_dvi_families(text, xlinked={"X"})
    with_x = family_figures(fams[0], "M", both)
    without = family_figures(fams[0], "M", autosomal)
    assert with_x[1] > without[1] > 0.0
    assert with_x[0] > without[0] > 0.0


def test_a_family_impossible_without_mutation_gets_suggestions_under_a_mutation_model() -> None:
    # parents aa and aa with a bb child at S: impossible without mutation, so S excludes
    # nobody; T still counts
    table = FrequencyTable(
        {
            "S": make_marker("S", {"a": 0.5, "b": 0.5}),
            "T": make_marker("T", {"c": 0.3, "d": 0.7}),
        }
    )
    fams = parse_dvi_families(
        f"{HEADER} S T\nF FA 0 0 1 0 a/a c/c\nF MO 0 0 2 0 a/a -/-\n"
        "F SIB FA MO 1 0 b/b -/-\nF M FA MO 1 1 -/- -/-\n"
    )
    figures = weak_missing(
        fams, [("F", "M", "inconclusive")], table, threshold=1e4, mutation=equal_rate(0.01)
    )
    assert len(figures) == 1
    only_t = FrequencyTable({"T": table["T"]})
    assert figures[0].exclusion_power == pytest.approx(family_figures(fams[0], "M", only_t)[0])
    assert figures[0].expected_log10_lr > 0.0


def test_weak_missing_reports_thin_persons_with_their_family_figures_and_skips_the_others() -> None:
    # under a mutation model: F's missing son has only his mother typed at one marker (thin);
    # G's missing son has both parents typed at every marker (expected log10 LR above 1)
    table = FrequencyTable(
        {
            "S": make_marker("S", {str(k): p for k, p in enumerate(P)}),
            "T": make_marker("T", {"c": 0.05, "d": 0.05, "e": 0.9}),
        }
    )
    fams = parse_dvi_families(
        f"{HEADER} S T\nF MO 0 0 2 0 0/1 -/-\nF M 0 MO 1 1 -/- -/-\n"
        "G GFA 0 0 1 0 0/0 c/c\nG GMO 0 0 2 0 1/1 d/d\nG GM GFA GMO 1 1 -/- -/-\n"
    )
    model = equal_rate(0.001)
    idents = [("F", "M", "inconclusive"), ("G", "GM", "inconclusive")]
    thin = {fam.name: family_figures(fam, fam.missing[0], table, model) for fam in fams}
    assert thin["F"][1] < 1.0 < thin["G"][1]
    figures = weak_missing(fams, idents, table, threshold=10.0, mutation=model)
    assert [(s.family, s.missing) for s in figures] == [("F", "M")]
    assert (figures[0].exclusion_power, figures[0].expected_log10_lr) == pytest.approx(thin["F"])
    assert weak_missing(fams, idents[1:], table, threshold=10.0, mutation=model) == []
    both = weak_missing(fams, idents, table, threshold=1e9, mutation=model)
    assert [s.family for s in both] == ["F", "G"]
    for s in both:
        assert (s.exclusion_power, s.expected_log10_lr) == pytest.approx(thin[s.family])


def _mixed_case(
    sizes: tuple[int, ...] = (2, 14, 3, 9, 5, 12),
) -> tuple[list[tuple[Family, str]], FrequencyTable]:
    """Families of two shapes typed on six markers of 2 to 14 alleles, some genotypes
    impossible without mutation."""
    import random

    rng = random.Random(4)
    markers = {}
    for k, n in enumerate(sizes):
        weights = [rng.uniform(0.2, 1.0) for _ in range(n)]
        markers[f"L{k}"] = make_marker(
            f"L{k}", {str(a): w / sum(weights) for a, w in enumerate(weights)}
        )
    table = FrequencyTable(markers)

    def cell(name: str) -> str:
        return f"{rng.choice(table[name].alleles)}/{rng.choice(table[name].alleles)}"

    lines = [f"{HEADER} {' '.join(table.names)}"]
    untyped = " ".join(["-/-"] * len(sizes))
    for f in range(6):
        cells = " ".join(cell(m) for m in table.names)
        fa, mo = f"F{f}FA", f"F{f}MO"
        lines.append(f"F{f} {fa} 0 0 1 0 " + (cells if f % 2 else untyped))
        lines.append(f"F{f} {mo} 0 0 2 0 {' '.join(cell(m) for m in table.names)}")
        lines.append(f"F{f} F{f}M {fa} {mo} 1 1 {untyped}")
        lines.append(f"F{f} F{f}B {fa} {mo} 1 0 {' '.join(cell(m) for m in table.names)}")
    fams = parse_dvi_families("\n".join(lines) + "\n")
    return [(f, f"{f.name}M") for f in fams], table


def test_tables_built_in_two_parts_equal_one_call_over_every_marker() -> None:
    wanted, table = _mixed_case()
    mutation = equal_rate(0.01)
    whole = family_tables(_alone(wanted, table), table, mutation, inconsistent="skip_marker")
    parts = _strong_or_tables(wanted, table, mutation, log_t=math.inf)
    assert parts is not None
    assert [m.name for m in parts.markers] == [m.name for m in whole.markers]
    for a, b in zip(parts.log10_lr, whole.log10_lr, strict=True):
        assert a.tobytes() == b.tobytes()
    assert parts.likelihood.tobytes() == whole.likelihood.tobytes()
    assert parts.inconsistent == whole.inconsistent
    assert parts.families == whole.families and parts.positions == whole.positions


@pytest.mark.parametrize("log_t", [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0])
def test_markers_with_few_alleles_decide_only_when_every_person_passes(log_t: float) -> None:
    """None (nobody thin) exactly when the whole expected LR of every person passes log_t,
    or on the markers with few alleles already; else the tables of every marker."""
    wanted, table = _mixed_case()
    mutation = equal_rate(0.01)
    whole = family_tables(_alone(wanted, table), table, mutation, inconsistent="skip_marker")
    expected = _expected(wanted, whole)
    got = _strong_or_tables(wanted, table, mutation, log_t)
    if got is None:
        assert all(e >= log_t for e in expected)
    else:
        assert _expected(wanted, got) == expected
    if any(e < log_t for e in expected):
        assert got is not None


MANY = (2, 14, 3, 9, 5, 12, 4, 7, 6, 8, 3, 11, 10, 5, 2, 6)


@pytest.mark.parametrize("log_t", [0.0, 0.3, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0])
def test_markers_peeled_in_steps_decide_as_all_the_first_markers_at_once(
    log_t: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sixteen markers: None exactly when the first markers' sum (all of them at once, as
    before the steps) passes; else the tables of every marker, byte for byte one call's; the
    smallest markers alone decide when every person is far above the threshold."""
    wanted, table = _mixed_case(MANY)
    mutation = equal_rate(0.01)
    alone = _alone(wanted, table)
    names = list(dict.fromkeys(m for f in alone for m in f.data.markers))
    by_size = sorted(names, key=lambda m: (table[m].n_alleles, names.index(m)))
    costs = [table[m].n_alleles ** 3 for m in by_size]
    budget, spent, first = FEW_ALLELES * sum(costs), 0, set()
    for name, cost in zip(by_size, costs, strict=True):
        spent += cost
        if spent > budget:
            break
        first.add(name)
    once = family_tables(_restricted(alone, first), table, mutation, inconsistent="skip_marker")
    before_none = all(e >= log_t + MARGIN for e in _expected(wanted, once))
    calls = []
    real = suggest_module.family_tables

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(suggest_module, "family_tables", spy)
    got = _strong_or_tables(wanted, table, mutation, log_t)
    assert (got is None) == before_none
    if got is not None:
        whole = real(alone, table, mutation, inconsistent="skip_marker")
        assert [m.name for m in got.markers] == [m.name for m in whole.markers]
        for a, b in zip(got.log10_lr, whole.log10_lr, strict=True):
            assert a.tobytes() == b.tobytes()
        assert got.likelihood.tobytes() == whole.likelihood.tobytes()
        assert got.inconsistent == whole.inconsistent
    if log_t == 0.0:
        assert len(calls) == 1  # the smallest markers alone
