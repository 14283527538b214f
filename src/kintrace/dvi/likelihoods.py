"""Exact likelihoods that the joint search needs beyond the pairwise tables.

* ``L(V)`` of a remains profile alone: Hardy–Weinberg genotype probabilities (``a/b``:
  ``2 p_a p_b``, ``a/a``: ``p_a²``, ``a/-``: ``p_a (2 - p_a)``, a male at an X-linked marker
  ``p_a``), as the kinship engine's likelihood gives them for a singleton.
* ``L(F)`` of every family at once (:func:`family_log10_likelihoods`): families of one
  structure peeled together along a batch axis by
  :func:`kintrace.kinship.search.family_likelihoods`;
* ``L(F with several victims placed)``: exact peeling by
  :func:`kintrace.kinship.likelihood.marker_likelihood`, marker by marker.

A family that receives two or more victims in one assignment is scored with these exact
likelihoods, because the victims may be related among themselves (siblings, parent and child):
the product of their pairwise LRs is then not the joint LR (Vigeland & Egeland 2021, sec. 2).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from kintrace.dvi.data import with_victim
from kintrace.kinship.genotypes import Genotype, is_typed
from kintrace.kinship.likelihood import marker_likelihood
from kintrace.kinship.markers import FrequencyTable, Marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import Sex
from kintrace.kinship.search import family_likelihoods


def genotype_probability(marker: Marker, genotype: Genotype, sex: int) -> float:
    """Return the Hardy–Weinberg probability of one genotype of an unrelated person.

    >>> from kintrace.kinship.markers import make_marker
    >>> m = make_marker("M", {"a": 0.25, "b": 0.75})
    >>> genotype_probability(m, ("a", "b"), 1), genotype_probability(m, ("a", None), 1)
    (0.375, 0.4375)
    """
    if not is_typed(genotype):
        return 1.0
    a, b = genotype
    pa = float(marker.freqs[marker.index(a)]) if a is not None else 1.0
    if marker.xlinked and sex == Sex.MALE:
        return pa
    if b is None:
        return pa * (2.0 - pa)
    pb = float(marker.freqs[marker.index(b)])
    return pa * pa if a == b else 2.0 * pa * pb


def profile_log10_likelihood(
    profile: Profile, table: FrequencyTable, markers: Collection[str] | None = None
) -> float:
    """Return ``log10 L(V)`` of a profile alone over ``markers`` (default: the table's)."""
    total = 0.0
    for name, genotype in profile.genotypes.items():
        if name in table and (markers is None or name in markers):
            total += math.log10(genotype_probability(table[name], genotype, profile.sex))
    return total


def family_log10_likelihood(
    family: Family, table: FrequencyTable, mutation: MutationModel = NO_MUTATION
) -> float:
    """Return ``log10 L(F)``, the exact likelihood of the family's typed members (-inf if 0)."""
    total = 0.0
    for name in family.data.markers:
        genotypes = family.data.typing.get(name, {})
        if not any(is_typed(g) for g in genotypes.values()):
            continue
        value = marker_likelihood(family.data.pedigree, table[name], genotypes, mutation)
        if value <= 0.0:
            return -math.inf
        total += math.log10(value)
    return total


def family_log10_likelihoods(
    families: Sequence[Family], table: FrequencyTable, mutation: MutationModel = NO_MUTATION
) -> dict[str, float]:
    """Return ``log10 L(F)`` of every family by name (-inf if 0), families of one structure at once.

    The same numbers as :func:`family_log10_likelihood` family by family.

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.dvi.data import parse_dvi_families
    >>> t = FrequencyTable({"M": make_marker("M", {"a": 0.25, "b": 0.75})})
    >>> fams = parse_dvi_families("family id fid mid sex missing M\\n"
    ...     "F FA 0 0 1 0 a/a\\nF CH FA 0 1 0 a/b\\nF MP 0 0 1 1 -/-\\n")
    >>> round(10 ** family_log10_likelihoods(fams, t)["F"], 6)  # p_a^2 * p_b
    0.046875
    """
    if not families:
        return {}
    totals = family_likelihoods(families, table, mutation).log10_total()
    return {f.name: float(v) for f, v in zip(families, totals, strict=True)}


def placed_log10_lr(
    family: Family,
    placed: Mapping[str, Profile],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    base: float | None = None,
) -> float:
    """Return ``log10 [L(F with the victims placed) / (L(F) · prod L(V))]``, exactly.

    Args:
        family: the reference family.
        placed: missing person id -> the remains profile placed on him.
        table: allele frequencies.
        mutation: mutation models.
        base: ``log10 L(F)`` when already known.
    """
    joined = family
    for missing, profile in placed.items():
        joined = with_victim(joined, missing, profile)
    numerator = family_log10_likelihood(joined, table, mutation)
    if numerator == -math.inf:
        return -math.inf
    denominator = family_log10_likelihood(family, table, mutation) if base is None else base
    denominator += sum(
        profile_log10_likelihood(p, table, family.data.markers) for p in placed.values()
    )
    return numerator - denominator
