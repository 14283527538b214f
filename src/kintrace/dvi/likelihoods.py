"""Exact likelihoods that the joint search needs beyond the pairwise tables.

* ``L(V)`` of a remains profile alone: Hardy–Weinberg genotype probabilities (``a/b``:
  ``2 p_a p_b``, ``a/a``: ``p_a²``, ``a/-``: ``p_a (2 - p_a)``, a male at an X-linked marker
  ``p_a``), as the kinship engine's likelihood gives them for a singleton.
* ``L(F)`` of every family at once (:func:`family_log10_likelihoods`): families of one
  structure peeled together along a batch axis by
  :func:`kintrace.kinship.search.family_likelihoods`;
* ``L(F with several victims placed)``: exact peeling of many placements at once by
  :func:`kintrace.dvi.placed.placed_log10_likelihoods` (typed persons as phase variables;
  X-linked markers by :func:`kintrace.kinship.peeling.peel_batch`).

A family that receives two or more victims in one assignment is scored with these exact
likelihoods, because the victims may be related among themselves (siblings, parent and child):
the product of their pairwise LRs is then not the joint LR (Vigeland & Egeland 2021, sec. 2).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from kintrace.dvi.data import with_victim
from kintrace.dvi.placed import placed_log10_likelihoods
from kintrace.kinship.genotypes import Genotype, is_typed
from kintrace.kinship.likelihood import allele_model, lump, marker_likelihood
from kintrace.kinship.markers import FrequencyTable, Marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import Sex
from kintrace.kinship.peeling import peel_batch
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


def placed_log10_lrs(
    family: Family,
    placements: Sequence[Mapping[str, Profile]],
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    *,
    base: float | None = None,
) -> list[float]:
    """:func:`placed_log10_lr` of many placements on one family, in one batched peeling.

    The joined families share the family's structure and are peeled together one marker at a
    time (:func:`~kintrace.kinship.peeling.peel_batch`, a batch axis over the placements), with
    the alleles seen in none of them lumped into one (as :func:`marker_likelihood` lumps one
    family's), so scoring every placement of a grave's bodies costs a few numpy calls per
    marker, not one peeling each, and the tables stay small. The numbers are those of
    :func:`placed_log10_lr`.

    Args:
        family: the reference family.
        placements: each a map missing person id -> the remains profile placed on him.
        table: allele frequencies.
        mutation: mutation models.
        base: ``log10 L(F)`` when already known.
    """
    if not placements:
        return []
    numerators, xlinked = placed_log10_likelihoods(family, placements, table, mutation)
    if xlinked:
        joined = []
        for placed in placements:
            one = family
            for missing, profile in placed.items():
                one = with_victim(one, missing, profile)
            joined.append(one)
        numerators = numerators + _lumped_log10_likelihoods(joined, table, mutation, xlinked)
    denominator = family_log10_likelihood(family, table, mutation) if base is None else base
    own: dict[str, float] = {}
    out = []
    for placed, numerator in zip(placements, numerators, strict=True):
        if numerator == -math.inf:
            out.append(-math.inf)
            continue
        total = denominator
        for profile in placed.values():
            if profile.id not in own:
                own[profile.id] = profile_log10_likelihood(profile, table, family.data.markers)
            total += own[profile.id]
        out.append(float(numerator) - total)
    return out


def _lumped_log10_likelihoods(
    joined: Sequence[Family], table: FrequencyTable, mutation: MutationModel, names: Sequence[str]
) -> npt.NDArray[np.float64]:
    """Return ``log10 L`` of families of one structure at the markers ``names``, peeled in
    batches on lumped alleles (:func:`peel_batch`; the X-linked markers)."""
    total = np.zeros(len(joined))
    for name in names:
        marker = table[name]
        seen: set[int] = set()
        for family in joined:
            for genotype in family.data.typing.get(name, {}).values():
                seen.update(marker.index(a) for a in genotype if a is not None)
        full = allele_model(marker, mutation)
        model, remap = lump(full, sorted(a for a in seen if a >= 0))
        peeled = marker
        if model is not full:
            labels = [""] * model.n
            for old, new in remap.items():
                labels[new] = marker.alleles[old]
            labels[-1] = "\x00others"
            peeled = Marker(name, tuple(labels), model.freqs, marker.xlinked)
        for start in range(0, len(joined), _BATCH):
            chunk = [f.data for f in joined[start : start + _BATCH]]
            _, likelihood = peel_batch(chunk, None, peeled, model)
            with np.errstate(divide="ignore"):
                total[start : start + len(chunk)] += np.log10(likelihood)
    return total


_BATCH = 256
"""Placements peeled together (memory: the batch times the largest table on lumped alleles)."""
