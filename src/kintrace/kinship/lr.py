"""Likelihood ratio of two pedigree hypotheses over the same typed persons, marker by marker.

``LR = P(data | H1) / P(data | H2)`` for each marker; markers are independent, so the total LR
is the product (Egeland, Kling & Mostad, *Relationship Inference with Familias and R*, ch. 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kintrace.errors import MendelianInconsistency, PedigreeError
from kintrace.kinship.genotypes import PedigreeData, check_alleles, is_typed
from kintrace.kinship.likelihood import (
    PreparedMarker,
    ThetaScope,
    marker_likelihood,
    peel_markers,
    prepare_marker,
)
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import (
    NO_MUTATION,
    MutationByMarker,
    MutationModel,
    marker_mutation,
)


@dataclass(frozen=True, slots=True)
class MarkerLR:
    """The likelihoods under both hypotheses at one marker and their ratio."""

    marker: str
    likelihood_h1: float
    likelihood_h2: float
    lr: float


@dataclass(frozen=True, slots=True)
class LRResult:
    """Per-marker LRs and their product; ``log10_lr_total`` is None when the LR is 0 or infinite."""

    markers: tuple[MarkerLR, ...]
    lr_total: float
    log10_lr_total: float | None

    def as_dict(self) -> dict[str, object]:
        """Return the result as plain data (the ``--json`` shape of ``kinship lr``)."""
        return {
            "lr_total": self.lr_total,
            "log10_lr_total": self.log10_lr_total,
            "markers": [
                {
                    "marker": m.marker,
                    "lr": m.lr,
                    "likelihood_h1": m.likelihood_h1,
                    "likelihood_h2": m.likelihood_h2,
                }
                for m in self.markers
            ],
        }


def check_same_typing(
    h1: PedigreeData, h2: PedigreeData, *, sources: tuple[str, str] = ("H1", "H2")
) -> None:
    """Check that both hypotheses hold the same markers, typed persons and genotypes.

    Raises:
        PedigreeError: one line per marker, person or genotype that differs, naming the file.
    """
    problems: list[str] = []
    for marker in sorted(set(h1.markers) ^ set(h2.markers), key=str):
        where = sources[1] if marker in h1.markers else sources[0]
        problems.append(f"{where}: marker {marker}: column missing (present in the other file)")
    for data, other, (name, other_name) in ((h1, h2, sources), (h2, h1, sources[::-1])):
        for person in sorted(data.typed_persons() - other.typed_persons()):
            markers = [m for m in data.markers if is_typed(data.genotype(m, person))]
            problems.append(
                f"{data.where(name, person)}: person {person}: marker {markers[0]}: "
                f"typed here but not in {other_name}"
            )
    common = sorted(h1.typed_persons() & h2.typed_persons())
    for marker in [m for m in h1.markers if m in h2.markers]:
        for person in common:
            g1, g2 = h1.genotype(marker, person), h2.genotype(marker, person)
            if sorted(g1, key=str) != sorted(g2, key=str):
                problems.append(
                    f"{h2.where(sources[1], person)}: person {person}: marker {marker}: "
                    f"genotype differs from {sources[0]}"
                )
    if problems:
        raise PedigreeError(problems[0], problems=problems)


def likelihood_ratio(
    h1: PedigreeData,
    h2: PedigreeData,
    table: FrequencyTable,
    mutation: MutationModel | MutationByMarker = NO_MUTATION,
    theta: float = 0.0,
    *,
    theta_scope: ThetaScope = "component",
    sources: tuple[str, str] = ("H1", "H2"),
) -> LRResult:
    """Compute the LR of H1 against H2 at each marker of H1 and in total.

    Args:
        h1: pedigree and genotypes under H1.
        h2: the same typed persons and genotypes under H2.
        table: allele frequencies of every marker (X-linked markers marked there).
        mutation: female and male mutation models, for all markers or by marker name.
        theta: co-ancestry correction of founder alleles (0 = Hardy–Weinberg).
        theta_scope: founders sharing theta draws: per component (pedprobr) or all.
        sources: names of the two inputs for error messages.

    Returns:
        The per-marker likelihoods and LRs, the total LR and its log10.

    Raises:
        MendelianInconsistency: a marker with likelihood 0 under both hypotheses.
    """
    check_same_typing(h1, h2, sources=sources)
    check_alleles(h1, table, source=sources[0])
    values = _likelihoods(h1, h2, table, mutation, theta, theta_scope, sources)
    rows: list[MarkerLR] = []
    problems: list[str] = []
    for name, (l1, l2) in zip(h1.markers, values, strict=True):
        if l1 == 0.0 and l2 == 0.0:
            problems.append(
                f"{sources[0]} and {sources[1]}: marker {name}: genotypes impossible under both "
                "hypotheses (a Mendelian inconsistency; consider a mutation model)"
            )
            continue
        rows.append(MarkerLR(name, l1, l2, l1 / l2 if l2 > 0.0 else math.inf))
    if problems:
        raise MendelianInconsistency(problems[0], problems=problems)
    return combine(rows)


def _likelihoods(
    h1: PedigreeData,
    h2: PedigreeData,
    table: FrequencyTable,
    mutation: MutationModel | MutationByMarker,
    theta: float,
    theta_scope: ThetaScope,
    sources: tuple[str, str],
) -> list[tuple[float, float]]:
    """Return (P(data | H1), P(data | H2)) per marker of H1, markers of one shape peeled at once."""
    if theta != 0.0:
        return [
            tuple(  # type: ignore[misc]
                marker_likelihood(
                    h.pedigree,
                    table[name],
                    h.typing.get(name, {}),
                    marker_mutation(mutation, name),
                    theta,
                    theta_scope=theta_scope,
                    source=source,
                )  # fmt: skip
                for h, source in ((h1, sources[0]), (h2, sources[1]))
            )
            for name in h1.markers
        ]
    prepared: tuple[list[PreparedMarker], list[PreparedMarker]] = ([], [])
    for name in h1.markers:
        model = marker_mutation(mutation, name)
        for h, source, out in ((h1, sources[0], prepared[0]), (h2, sources[1], prepared[1])):
            out.append(
                prepare_marker(
                    h.pedigree, table[name], h.typing.get(name, {}), model, source=source
                )
            )
    l1 = peel_markers(h1.pedigree, prepared[0], theta_scope=theta_scope)
    l2 = peel_markers(h2.pedigree, prepared[1], theta_scope=theta_scope)
    return [(float(a), float(b)) for a, b in zip(l1, l2, strict=True)]


def combine(rows: list[MarkerLR]) -> LRResult:
    """Multiply per-marker LRs into the total, summing log10 LRs to avoid under/overflow."""
    if any(r.lr == 0.0 for r in rows):
        return LRResult(tuple(rows), 0.0, None)
    if any(math.isinf(r.lr) for r in rows):
        return LRResult(tuple(rows), math.inf, None)
    log10 = sum(math.log10(r.lr) for r in rows)
    return LRResult(tuple(rows), math.prod(r.lr for r in rows), log10)
