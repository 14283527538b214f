"""Which extra relative would help a thinly typed family most: exact exclusion power and E[LR].

For a missing person M of a family and a candidate relative R of M (his father, his mother, a
full sibling, a child), two figures are computed exactly, marker by marker, over every marker
of the family that the frequency table has (autosomal and X-linked):

* **expected log10 LR** when the remains are truly M: ``sum over r of P(R = r | family) · sum
  over g of P(M = g | family, R = r) · log10 LR(g | family, r)``, summed over markers (a
  Kullback–Leibler divergence, never negative, 0 for a family that says nothing about M).
  Every probability and LR here uses the case's **mutation model**, as the pairwise LR does
  (:mod:`kintrace.dvi.pairwise`): the true remains are generated with mutations, and that is
  the LR they will get. A mutation model lowers the figure (a genotype the family allows only
  through a mutation gets a small LR instead of none at all, and it is less often drawn).
* **exclusion power** ``EP``: the probability that an unrelated person's profile is
  incompatible with the family at one marker or more. At one marker,
  ``EP_m = sum over R's genotypes r of P(R = r | family) · sum over g with P(M = g | family,
  R = r) = 0 of P(g)``, ``P(g)`` the Hardy–Weinberg genotype probability; markers are
  independent, so ``EP = 1 - prod (1 - EP_m)``. Incompatibility is judged **without
  mutation**, as the pairwise step counts incompatible markers whatever the mutation model
  (and as forrel's ``exclusionPower`` disables mutations): under a mutation model no genotype
  has probability 0, so an exclusion power "with mutation" would be 0 for every option and
  rank nothing. ``P(R = r | family)`` still uses the mutation model. Where the family's own
  data (or the family with R typed ``r``, a genotype it allows only through a mutation) are
  impossible without mutation at a marker, that marker excludes nobody.

X-linked markers: a male M (or R) is hemizygous there: his "genotypes" are single alleles with
probability ``p_a`` for an unrelated man; a father adds nothing at X for a son. The unrelated
person of the exclusion power has M's sex (only such remains are compared with M). The new
sibling and the new child are taken male.

The same figures without R describe the family as it is. ``P(R = r | family)`` and ``P(M = g |
family, R = r)`` come from the kinship engine's LR tables
(:func:`kintrace.dvi.pairwise.family_tables`): the table of a position holds ``P(X = g |
data) / P(g)`` for every genotype ``g``. Every genotype ``r`` of R that is possible at some
marker is one copy of the family, R typed ``r_j`` at each marker (markers do not interact), so
one batched call gives every conditional table (one more without mutation for the exclusions).
Where the relative has more than ``samples`` (16) possible genotypes at a marker, 16 are drawn
from ``P(R = r | family)`` with a fixed seed (the figures given each draw stay exact), which
keeps time and memory bounded for STR markers.

A relative already in the pedigree and untyped is typed in place (his id is given); otherwise a
new person is added (``+father``, ``+mother``, ``+sibling``; a child ``+child`` with an untyped
other parent ``+partner``), with untyped parents added where a sibling needs them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kintrace.dvi.pairwise import family_tables, has_mutation
from kintrace.kinship.genotypes import UNTYPED, Genotype, PedigreeData
from kintrace.kinship.markers import FrequencyTable, Marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedfile import Family
from kintrace.kinship.pedigree import NO_PARENT, Sex, build_pedigree
from kintrace.kinship.search import FamilyTables, genotype_columns

RELATIVES = ("father", "mother", "sibling", "child")


@dataclass(frozen=True, slots=True)
class Option:
    """The family's figures with one more typed relative (``person``: an existing id or None)."""

    relative: str
    person: str | None
    exclusion_power: float
    expected_log10_lr: float


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The figures of a missing person's family now, and with each candidate relative typed."""

    family: str
    missing: str
    exclusion_power: float
    expected_log10_lr: float
    options: tuple[Option, ...]

    @property
    def best(self) -> Option | None:
        """Return the option with the largest expected log10 LR (then exclusion power)."""
        if not self.options:
            return None
        return max(self.options, key=lambda o: (o.expected_log10_lr, o.exclusion_power))


def hw_genotypes(marker: Marker) -> npt.NDArray[np.float64]:
    """Return Hardy–Weinberg probabilities of the unordered genotypes (table column order).

    >>> from kintrace.kinship.markers import make_marker
    >>> hw_genotypes(make_marker("M", {"a": 0.25, "b": 0.75})).tolist()
    [0.0625, 0.375, 0.5625]
    """
    p = marker.freqs
    rows, cols = np.triu_indices(marker.n_alleles)
    result: npt.NDArray[np.float64] = np.where(rows == cols, 1.0, 2.0) * p[rows] * p[cols]
    return result


@dataclass(frozen=True, slots=True, eq=False)
class _Genotypes:
    """One person's genotypes at one marker: their LR table columns, labels and ``P(g)``.

    Unordered genotypes with Hardy–Weinberg probabilities, or, for a man at an X-linked
    marker, single alleles (``a`` stored as ``a/a``) with probability ``p_a``.
    """

    columns: npt.NDArray[np.intp]
    labels: tuple[Genotype, ...]
    probability: npt.NDArray[np.float64]


@functools.lru_cache(maxsize=1024)
def _genotypes(marker: Marker, sex: int) -> _Genotypes:
    """The genotypes of a person of ``sex`` at ``marker`` (read-only arrays, one object per
    marker and sex: every row of every table asks for them, 1,540 labels at SE33; a marker is
    hashed by identity and never changed)."""
    n = marker.n_alleles
    if marker.xlinked and sex == Sex.MALE:
        diagonal = genotype_columns(n)[np.arange(n), np.arange(n)]
        found = _Genotypes(diagonal, tuple((a, a) for a in marker.alleles), marker.freqs.copy())
    else:
        rows, cols = np.triu_indices(n)
        labels = tuple(
            (marker.alleles[a], marker.alleles[b]) for a, b in zip(rows, cols, strict=True)
        )
        found = _Genotypes(np.arange(rows.size), labels, hw_genotypes(marker))
    found.columns.setflags(write=False)
    found.probability.setflags(write=False)
    return found


def _figures(
    lr: npt.NDArray[np.floating[Any]],
    lr_exclusion: npt.NDArray[np.floating[Any]],
    genotypes: _Genotypes,
) -> tuple[float, float]:
    """Return (exclusion power, expected log10 LR) at one marker from M's LR rows.

    ``lr`` (under the mutation model) gives ``P(M = g | family) = LR(g) P(g)`` and the LR of
    the true remains; ``lr_exclusion`` (without mutation) the genotypes that are excluded.
    """
    values = np.asarray(lr[genotypes.columns], dtype=np.float64)
    posterior = values * genotypes.probability
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(posterior > 0.0, posterior * np.log10(values), 0.0)
    excluded = np.asarray(lr_exclusion[genotypes.columns]) <= 0.0
    return float(genotypes.probability[excluded].sum()), float(terms.sum())


def _markers(family: Family, table: FrequencyTable) -> tuple[str, ...]:
    return tuple(m for m in family.data.markers if m in table)


def _tables(
    families: Sequence[Family], table: FrequencyTable, mutation: MutationModel
) -> tuple[FamilyTables, FamilyTables]:
    """Return M's LR tables under the mutation model and without mutation (for exclusions)."""
    lrs = family_tables(families, table, mutation, inconsistent="skip_marker")
    if not has_mutation(mutation):
        return lrs, lrs
    return lrs, family_tables(families, table, NO_MUTATION, inconsistent="skip_marker")


def _sex(family: Family, person: str) -> int:
    ped = family.data.pedigree
    return int(ped.sex[ped.index(person)])


def family_figures(
    family: Family,
    missing: str,
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
) -> tuple[float, float]:
    """Return (exclusion power, expected log10 LR) of the family for one missing person.

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.dvi.data import parse_dvi_families
    >>> t = FrequencyTable({"S": make_marker("S", {"a": 0.5, "b": 0.5})})
    >>> fams = parse_dvi_families("family id fid mid sex missing S\\n"
    ...                           "F FA 0 0 1 0 a/a\\nF M FA 0 1 1 -/-\\n")
    >>> ep, e = family_figures(fams[0], "M", t)  # bb excluded; aa LR 2, ab LR 1
    >>> ep, round(e, 6)  # 1/4; (1/2) log10(2)
    (0.25, 0.150515)
    """
    return _family_figures([(family, missing)], table, mutation)[0]


def _alone(wanted: Sequence[tuple[Family, str]], table: FrequencyTable) -> list[Family]:
    """Each (family, missing person) as a family whose only position is that person."""
    return [
        Family(f.name, PedigreeData(f.data.pedigree, _markers(f, table), f.data.typing), (m,))
        for f, m in wanted
    ]


FEW_ALLELES = 0.5
"""The markers whose expected LRs are summed first (:func:`_strong_or_tables`): those with the
fewest alleles, up to this share of the whole cost (``n³`` per marker of ``n`` alleles)."""

MARGIN = 1e-6
"""How far (log10) above the threshold the first markers' sum must be to decide alone."""


def _strong_or_tables(
    wanted: Sequence[tuple[Family, str]],
    table: FrequencyTable,
    mutation: MutationModel,
    log_t: float,
) -> FamilyTables | None:
    """None when every wanted person's expected log10 LR is above ``log_t`` on the markers with
    the fewest alleles alone, else the mutation-model tables of ``_alone(wanted, table)``.

    Each marker's term of the expected log10 LR is ``sum_g P(g | F) log10(P(g | F) / P(g))``,
    a Kullback–Leibler divergence, never negative (0 where a marker is skipped, LR 1), so a
    sum over some markers is at most the sum over all. The markers with the fewest alleles,
    up to a share :data:`FEW_ALLELES` of the cost (a table costs ``n²`` to ``n⁴`` cells: the
    55-allele SE33 alone is about half of the 23 core markers), are summed first; when every
    person passes ``log_t`` on them by :data:`MARGIN` (far more than the rounding of a few
    dozen terms, or a frequency table that sums to 1 within 1e-9) nobody is thin, and the
    other markers are not peeled. They are peeled in three steps (up to a quarter, a half and
    all of that share) and the sum is checked after each: a person far above the threshold
    passes on the smallest markers alone. Otherwise the other markers' tables are built too and
    joined: each marker's table is peeled on its own, in the same batches as in one call
    over every marker, so the tables are the same numbers.
    """
    alone = _alone(wanted, table)
    names = list(dict.fromkeys(m for f in alone for m in f.data.markers))
    by_size = sorted(names, key=lambda m: (table[m].n_alleles, names.index(m)))
    costs = [table[m].n_alleles ** 3 for m in by_size]
    budget, spent, first = FEW_ALLELES * sum(costs), 0, set()
    # the first markers in steps: those up to a quarter, a half, then all of the budget; the
    # sum over a step's markers (in the tables' order) is at most the sum over the first
    # markers in floating point too (nonnegative terms put between the others never lower a
    # sum rounded left to right), so a person passing on fewer markers passes on them all
    steps: list[list[str]] = [[], [], []]
    for name, cost in zip(by_size, costs, strict=True):
        spent += cost
        if spent > budget:
            break
        first.add(name)
        steps[0 if spent <= budget / 4 else 1 if spent <= budget / 2 else 2].append(name)
    if not first or len(first) == len(names):
        return family_tables(alone, table, mutation, inconsistent="skip_marker")
    parts: list[FamilyTables] = []
    done: set[str] = set()
    for step in steps:
        if not step:
            continue
        parts.append(
            family_tables(
                _restricted(alone, set(step)), table, mutation, inconsistent="skip_marker"
            )
        )
        done.update(step)
        few = _joined(parts, [m for m in names if m in done])
        if all(e >= log_t + MARGIN for e in _expected(wanted, few)):
            return None
    rest = set(names) - first
    more = family_tables(_restricted(alone, rest), table, mutation, inconsistent="skip_marker")
    return _joined([*parts, more], names)


def _restricted(families: Sequence[Family], markers: set[str]) -> list[Family]:
    """The families with only the given markers."""
    return [
        Family(
            f.name,
            PedigreeData(
                f.data.pedigree, tuple(m for m in f.data.markers if m in markers), f.data.typing
            ),
            f.missing,
        )
        for f in families
    ]


def _joined(parts: Sequence[FamilyTables], order: Sequence[str]) -> FamilyTables:
    """Tables of the same rows over sets of markers, joined in the markers' ``order``."""
    if len(parts) == 1 and [m.name for m in parts[0].markers] == list(order):
        return parts[0]
    where = {m.name: (t, k) for t in parts for k, m in enumerate(t.markers)}
    picks = [where[name] for name in order]
    inconsistent = tuple(
        tuple(m for m in order if m in set().union(*rows))
        for rows in zip(*(t.inconsistent for t in parts), strict=True)
    )
    first = parts[0]
    return FamilyTables(
        families=first.families,
        positions=first.positions,
        sexes=first.sexes,
        markers=tuple(t.markers[k] for t, k in picks),
        log10_lr=tuple(t.log10_lr[k] for t, k in picks),
        likelihood=np.stack([t.likelihood[:, k] for t, k in picks], axis=1),
        inconsistent=inconsistent,
    )


def _expected(wanted: Sequence[tuple[Family, str]], lrs: FamilyTables) -> list[float]:
    """The expected log10 LR of each (family, missing person) from its mutation-model rows."""
    out: list[float] = []
    for row, (family, missing) in enumerate(wanted):
        sex = _sex(family, missing)
        expected = 0.0
        for marker, log10_lr in zip(lrs.markers, lrs.log10_lr, strict=True):
            lr = np.power(10.0, log10_lr[row].astype(np.float64))
            expected += _expected_log10_lr(lr, _genotypes(marker, sex))
        out.append(expected)
    return out


def _expected_log10_lr(lr: npt.NDArray[np.floating[Any]], genotypes: _Genotypes) -> float:
    """The expected log10 LR term of :func:`_figures` alone (the same arithmetic)."""
    values = np.asarray(lr[genotypes.columns], dtype=np.float64)
    posterior = values * genotypes.probability
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(posterior > 0.0, posterior * np.log10(values), 0.0)
    return float(terms.sum())


def _family_figures(
    wanted: Sequence[tuple[Family, str]],
    table: FrequencyTable,
    mutation: MutationModel,
    lrs: FamilyTables | None = None,
) -> list[tuple[float, float]]:
    """Return :func:`family_figures` of several (family, missing person) pairs at once.

    ``lrs``: the mutation-model tables of ``_alone(wanted, table)`` when already built.
    """
    if not wanted:
        return []
    alone = _alone(wanted, table)
    if lrs is None:
        lrs, exclusions = _tables(alone, table, mutation)
    elif has_mutation(mutation):
        exclusions = family_tables(alone, table, NO_MUTATION, inconsistent="skip_marker")
    else:
        exclusions = lrs
    out: list[tuple[float, float]] = []
    for row, (family, missing) in enumerate(wanted):
        sex = _sex(family, missing)
        keep = 1.0
        expected = 0.0
        for marker, log10_lr, log10_excl in zip(
            lrs.markers, lrs.log10_lr, exclusions.log10_lr, strict=True
        ):
            ep, e = _figures(
                np.power(10.0, log10_lr[row].astype(np.float64)),
                np.power(10.0, log10_excl[row].astype(np.float64)),
                _genotypes(marker, sex),
            )
            keep *= 1.0 - ep
            expected += e
        out.append((1.0 - keep, expected))
    return out


def with_relative(family: Family, missing: str, relative: str) -> tuple[Family, str, bool] | None:
    """Return the family with the relative added (or found), his id and whether he is new.

    None when the relative is already typed (a parent typed at some marker).
    """
    ped = family.data.pedigree
    ids = list(ped.ids)
    fathers = [ped.ids[f] if f != NO_PARENT else None for f in ped.father]
    mothers = [ped.ids[m] if m != NO_PARENT else None for m in ped.mother]
    sexes = [int(s) for s in ped.sex]
    typed = family.data.typed_persons()
    i = ped.index(missing)

    def add(person: str, sex: int, father: str | None = None, mother: str | None = None) -> str:
        name = person
        while name in ids:
            name += "'"
        ids.append(name)
        fathers.append(father)
        mothers.append(mother)
        sexes.append(sex)
        return name

    def parent(which: str) -> tuple[str, bool]:
        column = fathers if which == "father" else mothers
        if column[i] is not None:
            return column[i] or "", False
        column[i] = add(f"+{which}", Sex.MALE if which == "father" else Sex.FEMALE)
        return column[i] or "", True

    if relative in ("father", "mother"):
        person, new = parent(relative)
        if not new and person in typed:
            return None
    elif relative == "sibling":
        father, _ = parent("father")
        mother, _ = parent("mother")
        person, new = add("+sibling", Sex.MALE, father, mother), True
    else:
        partner_sex = Sex.MALE if sexes[i] == Sex.FEMALE else Sex.FEMALE
        partner = add("+partner", partner_sex)
        if partner_sex == Sex.MALE:
            person = add("+child", Sex.MALE, partner, missing)
        else:
            person = add("+child", Sex.MALE, missing, partner)
        new = True
    pedigree = build_pedigree(ids, fathers, mothers, sexes)
    data = PedigreeData(pedigree, family.data.markers, family.data.typing)
    return Family(family.name, data, family.missing), person, new


def relative_figures(
    family: Family,
    missing: str,
    relative: str,
    table: FrequencyTable,
    *,
    mutation: MutationModel = NO_MUTATION,
    samples: int = 16,
    rng: np.random.Generator | None = None,
) -> Option | None:
    """Return the family's figures for ``missing`` once ``relative`` is typed (None: typed).

    At a marker where the relative has at most ``samples`` possible genotypes the average over
    them is exact; elsewhere ``samples`` genotypes are drawn from ``P(R = r | family)`` (``rng``,
    seeded 1 by default) and the figures given each draw, still exact, are averaged.
    """
    generator = rng if rng is not None else np.random.default_rng(1)
    found = with_relative(family, missing, relative)
    if found is None:
        return None
    extended, person, new = found
    markers = _markers(family, table)
    data = extended.data
    base = PedigreeData(data.pedigree, markers, data.typing)
    prior = family_tables(
        [Family(family.name, base, (person,))], table, mutation, inconsistent="skip_marker"
    )
    own_sex = _sex(extended, person)
    possible: list[list[tuple[Genotype, float]]] = []
    for marker, log10_lr in zip(prior.markers, prior.log10_lr, strict=True):
        genotypes = _genotypes(marker, own_sex)
        lr = np.power(10.0, log10_lr[0, genotypes.columns].astype(np.float64))
        probs = lr * genotypes.probability
        support = np.flatnonzero(probs > 0.0)
        if support.size <= samples:
            possible.append([(genotypes.labels[k], float(probs[k])) for k in support])
        else:
            draws = generator.choice(support, size=samples, p=probs[support] / probs[support].sum())
            possible.append([(genotypes.labels[int(k)], 1.0 / samples) for k in draws])
    copies: list[Family] = []
    for j in range(max((len(p) for p in possible), default=0)):
        typing = {m: dict(data.typing.get(m, {})) for m in markers}
        for m, options in zip(markers, possible, strict=True):
            typing[m][person] = options[j][0] if j < len(options) else UNTYPED
        copies.append(Family(family.name, PedigreeData(data.pedigree, markers, typing),
                             (missing,)))  # fmt: skip
    keep = 1.0
    expected = 0.0
    if copies:
        lrs, exclusions = _tables(copies, table, mutation)
        sex = _sex(family, missing)
        for k, marker in enumerate(lrs.markers):
            genotypes = _genotypes(marker, sex)
            ep = e = 0.0
            for j, (_, weight) in enumerate(possible[k]):
                ep_j, e_j = _figures(
                    np.power(10.0, lrs.log10_lr[k][j].astype(np.float64)),
                    np.power(10.0, exclusions.log10_lr[k][j].astype(np.float64)),
                    genotypes,
                )
                ep += weight * ep_j
                e += weight * e_j
            keep *= 1.0 - ep
            expected += e
    return Option(relative, None if new else person, 1.0 - keep, expected)


def suggest_relatives(
    families: Sequence[Family],
    wanted: Sequence[tuple[str, str]],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
) -> list[Suggestion]:
    """Return, for each ``(family, missing)`` wanted, the figures now and with each relative.

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.dvi.data import parse_dvi_families
    >>> t = FrequencyTable({"S": make_marker("S", {"a": 0.5, "b": 0.5})})
    >>> fams = parse_dvi_families("family id fid mid sex missing S\\nF M 0 0 1 1 -/-\\n")
    >>> s = suggest_relatives(fams, [("F", "M")], t)[0]
    >>> s.exclusion_power, [(o.relative, o.exclusion_power) for o in s.options]
    (0.0, [('father', 0.125), ('mother', 0.125), ('sibling', 0.0), ('child', 0.125)])
    """
    by_name = {f.name: f for f in families}
    out: list[Suggestion] = []
    for name, missing in wanted:
        family = by_name[name]
        # the figures concern M alone: the family's other missing persons stay untyped
        ep, expected = family_figures(family, missing, table, mutation)
        options = [
            relative_figures(family, missing, r, table, mutation=mutation) for r in RELATIVES
        ]
        out.append(
            Suggestion(name, missing, ep, expected, tuple(o for o in options if o is not None))
        )
    return out


def weak_missing(
    families: Sequence[Family],
    identifications: Sequence[tuple[str, str, str]],
    table: FrequencyTable,
    *,
    threshold: float,
    mutation: MutationModel = NO_MUTATION,
    samples: int = 16,
    seed: int = 1,
) -> list[Suggestion]:
    """Suggest relatives for each missing person not identified whose family is thin.

    Args:
        families: the families after the undisputed identifications joined them.
        identifications: ``(family, missing, conclusion)`` of every missing person.
        table: allele frequencies.
        threshold: the undisputed LR threshold: a family is thin for M when the expected log10
            LR of M's true remains is below ``log10(threshold)``.
        mutation: the mutation model of the analysis (the pairwise LRs'), used for the
            expected LRs (exclusions are judged without mutation; see the module docstring).
        samples: genotypes of the relative per marker beyond which they are sampled.
        seed: seed of the sampling.

    Returns:
        One suggestion per such missing person (not for undisputed or probable ones).
    """
    log_t = float(np.log10(threshold))
    by_name = {f.name: f for f in families}
    wanted = [
        (by_name[name], missing)
        for name, missing, conclusion in identifications
        if conclusion not in ("undisputed", "probable")
        and name in by_name
        and missing in by_name[name].data.pedigree.ids
    ]
    if not wanted:
        return []
    # thin or not depends on the expected log10 LR alone, from the mutation-model tables: the
    # tables without mutation (exclusion powers) are built only when some person is thin
    lrs = _strong_or_tables(wanted, table, mutation, log_t)
    if lrs is None or all(e >= log_t for e in _expected(wanted, lrs)):
        return []
    rng = np.random.default_rng(seed)  # NumPy's random module only when some person is thin
    out: list[Suggestion] = []
    for (family, missing), (ep, expected) in zip(
        wanted, _family_figures(wanted, table, mutation, lrs), strict=True
    ):
        if expected >= log_t:
            continue
        options = [
            relative_figures(family, missing, r, table, mutation=mutation, samples=samples, rng=rng)
            for r in RELATIVES
        ]
        out.append(Suggestion(family.name, missing, ep, expected,
                              tuple(o for o in options if o is not None)))  # fmt: skip
    return out
