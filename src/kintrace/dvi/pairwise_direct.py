"""Pairwise LRs of one family by scoring each pair as a placement (pure).

The familial-search tables (:func:`kintrace.dvi.pairwise.family_tables`) tabulate ``P(M = g |
F)`` for every genotype ``g`` of every missing person, peeling families of one structure
together: cheap per family when many families share a structure, but a family of its own
shape pays the whole peeling alone, on every allele of each marker and with the missing
person's two alleles kept through it (the grave of ``benchmarks/bench_dvi.py``: its
grandparents with three sons who have children peeled as ``n⁴`` tables, eight positions, every
undisputed round, with and without mutation). Here such a family's rows are computed from the
placements themselves: ``LR(V = M) = L(F with V on M) / (L(F) · L(V))`` marker by marker, every
sex-consistent pair scored by :func:`kintrace.dvi.placed.placed_marker_log10_likelihoods`
(typed persons as phase variables, alleles seen in no profile lumped). The numbers are the
tables'; a marker is incompatible when its LR is 0 without mutation and the family's own data
are possible without mutation there (as :func:`kintrace.dvi.pairwise._incompatible_tables`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kintrace.dvi.likelihoods import genotype_probability
from kintrace.dvi.placed import placed_marker_log10_likelihoods_under
from kintrace.kinship.genotypes import is_typed
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import NO_PARENT

MAX_DIRECT_PAIRS = 1024
"""Most (missing person, remains) pairs of one family scored directly; beyond, the tables."""

CHUNK = 8
"""Bodies scored in one peeling (their alleles and the family's are kept, the rest lumped)."""


@dataclass(frozen=True, slots=True, eq=False)
class DirectRows:
    """One family's rows of the pairwise matrix (rows its missing persons, columns remains)."""

    log10_lr: npt.NDArray[np.float64]
    incompatible: npt.NDArray[np.int64]
    informative: npt.NDArray[np.bool_]
    sexes: npt.NDArray[np.int64]
    log10_family: float


def structure_key(family: Family) -> tuple[object, ...]:
    """Return what families peeled together by the tables share: sexes, parents, missing."""
    ped = family.data.pedigree
    return (ped.sex, ped.father, ped.mother, tuple(ped.index(m) for m in family.missing))


def direct_rows(
    family: Family,
    remains: Sequence[Profile],
    table: FrequencyTable,
    mutation: MutationModel,
    *,
    mutation_used: bool,
) -> DirectRows | None:
    """Return the family's pairwise rows scored pair by pair, or None to leave it to the tables.

    None when the family has an X-linked marker, too many pairs, or data impossible under
    ``mutation`` at some marker (the tables then report it as they do).
    """
    data = family.data
    ped = data.pedigree
    if any(table[m].xlinked for m in data.markers) or not family.missing:
        return None
    sexes = np.array([int(ped.sex[ped.index(m)]) for m in family.missing], dtype=np.int64)
    body_sex = np.array([p.sex for p in remains], dtype=np.int64)
    clash = (sexes[:, None] != body_sex[None, :]) & (sexes[:, None] != 0) & (body_sex != 0)
    pairs = [(r, c) for r in range(len(sexes)) for c in range(len(remains)) if not clash[r, c]]
    if len(pairs) > MAX_DIRECT_PAIRS:
        return None
    scores, plain, names = _scores(family, remains, pairs, table, mutation, mutation_used)
    if scores is None:
        return None
    base = scores[0]
    own = np.array([[_log10_own(table, name, p) for name in names] for p in remains]).reshape(
        len(remains), len(names)
    )
    rows, cols = (
        np.array([r for r, _ in pairs], dtype=np.intp),
        np.array([c for _, c in pairs], dtype=np.intp),
    )
    per_marker = scores[1:] - base[None, :] - own[cols]
    log10_lr = np.full((len(sexes), len(remains)), np.nan)
    log10_lr[rows, cols] = per_marker.sum(axis=1)
    if plain is not None:
        zero = np.isneginf(plain[1:]) & ~np.isneginf(plain[0])[None, :]
    else:
        zero = np.isneginf(per_marker)
    incompatible = np.zeros((len(sexes), len(remains)), dtype=np.int64)
    incompatible[rows, cols] = zero.sum(axis=1)
    related, inbred = _typed_blood_relative(family)
    if not mutation_used:
        # with no typed blood relative his genotype is independent of every typed one, and
        # without mutation and with unrelated parents his genotype follows the founders'
        # frequencies: every LR is 1 exactly (the sums above give 1 up to rounding). With
        # mutation a non-founder's genotype may drift from those frequencies (a
        # non-stationary model), and an inbred person's is more often homozygous.
        unrelated = ~related & ~inbred
        log10_lr[unrelated] = np.where(np.isnan(log10_lr[unrelated]), np.nan, 0.0)
        incompatible[unrelated] = 0
    seen = np.zeros(len(sexes), dtype=bool)
    seen[rows] = True
    numeric = np.array(
        [bool(np.any(np.abs(per_marker[rows == r]) > 1e-9)) for r in range(len(sexes))]
    )
    has_parent = np.array(
        [ped.father[ped.index(m)] != NO_PARENT or ped.mother[ped.index(m)] != NO_PARENT
         for m in family.missing]
    )  # fmt: skip
    # the tables call a person informative when some genotype has an LR other than 1; here
    # the bodies compared tell it, or (none compared) his typed relatives and, with mutation,
    # his parents
    informative = related | numeric | (~seen & has_parent & mutation_used)
    return DirectRows(log10_lr, incompatible, informative, sexes, float(base.sum()))


def _scores(
    family: Family,
    remains: Sequence[Profile],
    pairs: Sequence[tuple[int, int]],
    table: FrequencyTable,
    mutation: MutationModel,
    mutation_used: bool,
) -> tuple[
    npt.NDArray[np.float64] | None, npt.NDArray[np.float64] | None, list[str]
]:  # fmt: skip
    """Score the empty placement then every pair, ``CHUNK`` bodies per peeling (so that the
    alleles not lumped stay few); also without mutation when ``mutation_used``. None when the
    family's data are impossible under ``mutation``."""
    by_body: dict[int, list[tuple[int, int]]] = {}
    for r, c in pairs:
        by_body.setdefault(c, []).append((r, c))
    bodies = sorted(by_body)
    names: list[str] = []
    with_rows: list[npt.NDArray[np.float64]] = []
    plain_rows: list[npt.NDArray[np.float64]] = []
    order: list[tuple[int, int]] = []
    for start in range(0, max(len(bodies), 1), CHUNK):
        chunk = [p for c in bodies[start : start + CHUNK] for p in by_body[c]]
        placements: list[dict[str, Profile]] = [{}]
        placements += [{family.missing[r]: remains[c]} for r, c in chunk]
        # without mutation too (the incompatible markers), in the same peelings
        models = (mutation, NO_MUTATION) if mutation_used else (mutation,)
        both, names, _ = placed_marker_log10_likelihoods_under(family, placements, table, models)
        scores = both[0].copy()
        if np.isneginf(scores[0]).any():
            return None, None, names
        scores[1:] -= scores[0][None, :]
        with_rows.append(scores[1:] if with_rows else scores)
        if mutation_used:
            plain = both[1].copy()
            base = plain[0]
            with np.errstate(invalid="ignore"):
                relative = plain[1:] - base[None, :]
            plain[1:] = np.where(np.isneginf(base)[None, :], 0.0, relative)
            plain_rows.append(plain[1:] if plain_rows else plain)
        order.extend(chunk)
    position = {pair: k for k, pair in enumerate(order)}
    index = np.array([0] + [1 + position[p] for p in pairs], dtype=np.intp)
    scores_all = np.concatenate(with_rows)[index]
    scores_all[1:] += scores_all[0][None, :]
    plain_all = np.concatenate(plain_rows)[index] if mutation_used else None
    return scores_all, plain_all, names


def _log10_own(table: FrequencyTable, name: str, profile: Profile) -> float:
    genotype = profile.genotypes.get(name)
    if genotype is None or not is_typed(genotype):
        return 0.0
    return float(np.log10(genotype_probability(table[name], genotype, profile.sex)))


def _typed_blood_relative(
    family: Family,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Whether each missing person shares an ancestor (himself included) with a typed person,
    and whether his parents share one (he is inbred).

    Without a typed blood relative his genotype is independent of every typed genotype (no
    trail between them in the pedigree's network).
    """
    data = family.data
    ped = data.pedigree
    typed = {
        ped.index(p)
        for by_person in data.typing.values()
        for p, g in by_person.items()
        if is_typed(g)
    }
    lines: list[set[int]] = []
    for i in range(ped.size):
        seen, todo = {i}, [i]
        while todo:
            j = todo.pop()
            for parent in (ped.father[j], ped.mother[j]):
                if parent != NO_PARENT and parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        lines.append(seen)
    related = np.array(
        [
            any(t != ped.index(m) and lines[t] & lines[ped.index(m)] for t in typed)
            for m in family.missing
        ],
        dtype=bool,
    )
    parents = [(ped.father[ped.index(m)], ped.mother[ped.index(m)]) for m in family.missing]
    inbred = np.array(
        [f != NO_PARENT and m != NO_PARENT and bool(lines[f] & lines[m]) for f, m in parents],
        dtype=bool,
    )
    return related, inbred
