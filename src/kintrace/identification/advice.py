"""Which further relative's reference sample would help most. Pure.

A general guide from kinship theory, for families before any profile is typed (the exact
figure for a typed family comes from ``kintrace dvi``'s suggestions). It ranks relatives by how
much of the missing person's genome their samples pin down:

- both parents together determine which alleles he can carry at every marker (the strongest
  reference); one parent fixes one allele at each marker;
- a child fixes one allele too, and the child's other parent (his wife) lets the lab tell which
  allele came from him, so "child with the mother" counts nearly as a parent;
- a full sibling shares on average half his genome but at no marker with certainty, so one
  sibling is weaker than a parent and several siblings add up;
- grandparents, half-siblings, uncles and aunts share a quarter and are the last resort.

Sources: Egeland, Kling & Mostad, *Relationship Inference with Familias and R* (2015),
ch. 3 and 5 (exclusion power and expected LR by reference relative); Vigeland & Egeland,
*Joint DNA-based disaster victim identification* (Sci Rep 2021) on family-specific power.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kintrace.cases.model import Relationship


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a marked text
    """Mark a reason for the catalogues; the page translates it (``advice.reason|tr``)."""
    return message


@dataclass(frozen=True, slots=True)
class Advice:
    """The relative to ask next and why (None when the references are already strong)."""

    ask: Relationship | None
    strength: str  # "strong" | "moderate" | "weak" | "none"
    reason: str


def extra_sample_advice(given: Iterable[Relationship]) -> Advice:
    """Say which relative's sample would add most to the references already given.

    >>> extra_sample_advice([Relationship.MOTHER]).ask
    <Relationship.FATHER: 'father'>
    >>> extra_sample_advice([Relationship.MOTHER, Relationship.FATHER]).strength
    'strong'
    >>> extra_sample_advice([]).ask
    <Relationship.MOTHER: 'mother'>
    """
    have = list(given)
    parents = {r for r in have if r in (Relationship.MOTHER, Relationship.FATHER)}
    children = sum(r in (Relationship.SON, Relationship.DAUGHTER) for r in have)
    siblings = sum(r in (Relationship.BROTHER, Relationship.SISTER) for r in have)
    wife = Relationship.WIFE in have
    if len(parents) == 2:
        return Advice(None, "strong", N_("Both parents gave samples: the strongest reference."))
    if parents and (children or siblings >= 2):
        return Advice(
            None, "strong", N_("A parent with children or siblings is a strong reference.")
        )
    if parents:
        other = Relationship.FATHER if Relationship.MOTHER in parents else Relationship.MOTHER
        return Advice(
            other,
            "moderate",
            N_("One parent fixes one allele at each marker; the other parent would fix both."),
        )
    if children and wife:
        if children >= 2:
            return Advice(
                None, "strong", N_("Two children with their mother are a strong reference.")
            )
        return Advice(
            Relationship.SON,
            "moderate",
            N_("One child with the mother fixes one allele; a second child adds most."),
        )
    if children:
        return Advice(
            Relationship.WIFE,
            "moderate",
            N_("The children's mother lets the laboratory tell which allele came from him."),
        )
    if siblings:
        return Advice(
            Relationship.MOTHER,
            "weak" if siblings == 1 else "moderate",
            N_(
                "Siblings share half the genome on average but no allele for certain; "
                "a parent would add most, otherwise another full sibling."
            ),
        )
    if have:
        return Advice(
            Relationship.MOTHER,
            "weak",
            N_(
                "Distant relatives share about a quarter of the genome; a parent, child or "
                "full sibling would add much more."
            ),
        )
    return Advice(Relationship.MOTHER, "none", N_("No reference sample yet: a parent is best."))
