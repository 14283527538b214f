"""Standard relationships between two typed persons, and their convenience LR indices.

Each index compares "A and B are related so" against "A and B are unrelated" using the exact
pedigree likelihood, so mutation models and theta apply as everywhere else. The relatives are
drawn through males where a line has to be chosen (paternal half-siblings, paternal
grandfather, paternal uncle); at X-linked markers build the pedigree you mean with
:func:`~kintrace.kinship.pedigree.build_pedigree` instead. Under Hardy–Weinberg without
mutation these equal the classical IBD formula ``LR = k0 + k1 / X1 + k2 / X2`` (Egeland, Kling &
Mostad 2016, ch. 2) with ``(k0, k1, k2)`` = parent–child (0, 1, 0), full siblings (1/4, 1/2, 1/4),
half-siblings, grandparent, avuncular (1/2, 1/2, 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from kintrace.kinship.genotypes import UNTYPED, Genotype, PedigreeData, check_alleles
from kintrace.kinship.likelihood import ThetaScope, marker_likelihood
from kintrace.kinship.lr import LRResult, MarkerLR, combine, likelihood_ratio
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedigree import Pedigree, build_pedigree, singletons

Profile = Mapping[str, Genotype]
"""Genotypes of one person by marker name."""


class Relationship(StrEnum):
    """How person A is related to person B in a standard pedigree."""

    PARENT_CHILD = "parent-child"
    """A is B's father."""
    FULL_SIBLINGS = "full-siblings"
    """A and B share both parents."""
    HALF_SIBLINGS = "half-siblings"
    """A and B share their father only."""
    GRANDPARENT = "grandparent"
    """A is B's paternal grandfather."""
    AVUNCULAR = "avuncular"
    """A is the brother of B's father."""


def relationship_pedigree(relationship: Relationship, sex_a: int = 1, sex_b: int = 1) -> Pedigree:
    """Build the pedigree in which persons "A" and "B" have the relationship.

    >>> relationship_pedigree(Relationship.FULL_SIBLINGS).ids
    ('F', 'M', 'A', 'B')
    """
    if relationship is Relationship.PARENT_CHILD:
        return build_pedigree(["A", "M", "B"], [None, None, "A"], [None, None, "M"], [1, 2, sex_b])
    if relationship is Relationship.FULL_SIBLINGS:
        return build_pedigree(
            ["F", "M", "A", "B"],
            [None, None, "F", "F"],
            [None, None, "M", "M"],
            [1, 2, sex_a, sex_b],
        )
    if relationship is Relationship.HALF_SIBLINGS:
        return build_pedigree(
            ["F", "M1", "M2", "A", "B"],
            [None, None, None, "F", "F"],
            [None, None, None, "M1", "M2"],
            [1, 2, 2, sex_a, sex_b],
        )
    if relationship is Relationship.GRANDPARENT:
        return build_pedigree(
            ["A", "GM", "F", "M", "B"],
            [None, None, "A", None, "F"],
            [None, None, "GM", None, "M"],
            [1, 2, 1, 2, sex_b],
        )
    return build_pedigree(
        ["GF", "GM", "A", "F", "M", "B"],
        [None, None, "GF", "GF", None, "F"],
        [None, None, "GM", "GM", None, "M"],
        [1, 2, 1, 1, 2, sex_b],
    )


def _data(ped: Pedigree, a: Profile, b: Profile) -> PedigreeData:
    markers = tuple(dict.fromkeys([*a, *b]))
    typing = {m: {p: g for p, g in (("A", a.get(m)), ("B", b.get(m))) if g} for m in markers}
    return PedigreeData(ped, markers, typing)


def relationship_lr(
    relationship: Relationship,
    a: Profile,
    b: Profile,
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    theta: float = 0.0,
    *,
    theta_scope: ThetaScope = "component",
) -> LRResult:
    """Compute the LR of "A and B have the relationship" against "A and B are unrelated"."""
    related = relationship_pedigree(relationship)
    ped = related
    sex_a = int(ped.sex[ped.index("A")])
    unrelated = singletons(["A", "B"], [sex_a, int(ped.sex[ped.index("B")])])
    return likelihood_ratio(
        _data(related, a, b), _data(unrelated, a, b), table, mutation, theta,
        theta_scope=theta_scope,
    )  # fmt: skip


def paternity_lr(
    father: Profile, child: Profile, table: FrequencyTable, mutation: MutationModel = NO_MUTATION
) -> LRResult:
    """Compute the paternity index: alleged father of the child against unrelated."""
    return relationship_lr(Relationship.PARENT_CHILD, father, child, table, mutation)


def sibling_lr(
    a: Profile, b: Profile, table: FrequencyTable, mutation: MutationModel = NO_MUTATION
) -> LRResult:
    """Compute the full-sibling index."""
    return relationship_lr(Relationship.FULL_SIBLINGS, a, b, table, mutation)


def half_sibling_lr(
    a: Profile, b: Profile, table: FrequencyTable, mutation: MutationModel = NO_MUTATION
) -> LRResult:
    """Compute the (paternal) half-sibling index."""
    return relationship_lr(Relationship.HALF_SIBLINGS, a, b, table, mutation)


def grandparent_lr(
    grandparent: Profile,
    grandchild: Profile,
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
) -> LRResult:
    """Compute the grandparent index (paternal grandfather)."""
    return relationship_lr(Relationship.GRANDPARENT, grandparent, grandchild, table, mutation)


def avuncular_lr(
    uncle: Profile, nephew: Profile, table: FrequencyTable, mutation: MutationModel = NO_MUTATION
) -> LRResult:
    """Compute the avuncular index (paternal uncle)."""
    return relationship_lr(Relationship.AVUNCULAR, uncle, nephew, table, mutation)


def direct_match_lr(
    reference: Profile, sample: Profile, table: FrequencyTable, theta: float = 0.0
) -> LRResult:
    """Compute the LR that a sample and a reference (e.g. a toothbrush) come from one person.

    H1 joins the two typings into one person (LR 0 at a marker where they disagree); H2 holds
    two unrelated persons. With full genotypes and no theta the LR is ``1 / P(g)``.
    """
    markers = tuple(dict.fromkeys([*reference, *sample]))
    h2 = _data(singletons(["A", "B"], [0, 0]), reference, sample)
    check_alleles(h2, table)
    one = singletons(["A"], [0])
    rows: list[MarkerLR] = []
    for name in markers:
        marker = table[name]
        l2 = marker_likelihood(h2.pedigree, marker, h2.typing[name], theta=theta)
        merged = _join(reference.get(name, UNTYPED), sample.get(name, UNTYPED))
        l1 = 0.0 if merged is None else marker_likelihood(one, marker, {"A": merged}, theta=theta)
        rows.append(MarkerLR(name, l1, l2, l1 / l2))
    return combine(rows)


def _join(a: Genotype, b: Genotype) -> Genotype | None:
    known_a = sorted(x for x in a if x is not None)
    known_b = sorted(x for x in b if x is not None)
    if len(known_a) < len(known_b):
        known_a, known_b = known_b, known_a
    if not known_b:
        return (known_a + [None, None])[0], (known_a + [None, None])[1]
    if len(known_a) == 2 and len(known_b) == 2:
        return (known_a[0], known_a[1]) if known_a == known_b else None
    if known_b[0] in known_a:
        return (known_a[0], known_a[1] if len(known_a) == 2 else None)
    if len(known_a) == 1:
        return (known_a[0], known_b[0])
    return None
