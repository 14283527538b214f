"""Seeded genotype simulation down a pedigree (gene dropping), autosomal and X-linked.

Founder alleles (and the allele of an unknown parent) are drawn from the allele frequencies
(Hardy–Weinberg). A child receives one of the two alleles of each parent with probability 1/2
(at an X-linked marker, a father passes his one allele to daughters and nothing to sons); the
transmitted allele then mutates by the row of the parent's mutation matrix (pedmut models, as
in the likelihoods), so that simulated data follow exactly the model that
:func:`~kintrace.kinship.likelihood.marker_likelihood` evaluates. This is pedtools/forrel's
``profileSim`` / ``markerSim`` idea (Vigeland 2021, *Pedigree Analysis in R*, ch. 4).

Everything draws from one :class:`numpy.random.Generator`, so a seed reproduces the data.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

from kintrace.errors import PedigreeError
from kintrace.kinship.genotypes import Genotype, PedigreeData
from kintrace.kinship.likelihood import allele_model
from kintrace.kinship.markers import FrequencyTable, Marker
from kintrace.kinship.mutation import (
    NO_MUTATION,
    MutationByMarker,
    MutationModel,
    marker_mutation,
)
from kintrace.kinship.pedigree import NO_PARENT, Pedigree, Sex

Seed = int | np.random.Generator
"""A seed, or a generator to draw from (shared with the caller)."""


def _generator(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _mutate(
    alleles: npt.NDArray[np.intp], matrix: npt.NDArray[np.float64], rng: np.random.Generator
) -> npt.NDArray[np.intp]:
    """Replace each allele ``a`` by a draw from row ``a`` of the mutation matrix."""
    if np.array_equal(matrix, np.eye(matrix.shape[0])):
        return alleles
    cumulative = np.cumsum(matrix, axis=1)
    u = rng.random(alleles.size) * cumulative[alleles, -1]
    result: npt.NDArray[np.intp] = np.minimum(
        (cumulative[alleles] <= u[:, None]).sum(axis=1), matrix.shape[0] - 1
    )
    return result


def simulate_alleles(
    ped: Pedigree,
    marker: Marker,
    n: int,
    seed: Seed = 0,
    mutation: MutationModel = NO_MUTATION,
) -> npt.NDArray[np.intp]:
    """Drop genes down the pedigree ``n`` times at one marker.

    Args:
        ped: the pedigree (several components allowed).
        marker: alleles and frequencies; X-linked markers use sex-specific inheritance.
        n: number of independent replicates.
        seed: seed or generator.
        mutation: female and male mutation models (pedmut definitions).

    Returns:
        Allele indices of shape ``(n, persons, 2)``: paternal, maternal. A male at an X-linked
        marker has his one (maternal) allele in both columns.

    Raises:
        PedigreeError: a person of unknown sex at an X-linked marker.

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.kinship.pedigree import build_pedigree
    >>> ped = build_pedigree(["fa", "mo", "ch"], [None, None, "fa"], [None, None, "mo"], [1, 2, 1])
    >>> sims = simulate_alleles(ped, make_marker("M", {"a": 0.5, "b": 0.5}), 1000, seed=1)
    >>> bool(np.all((sims[:, 2, 0] == sims[:, 0, 0]) | (sims[:, 2, 0] == sims[:, 0, 1])))
    True
    """
    rng = _generator(seed)
    model = allele_model(marker, mutation)
    if marker.xlinked:
        unknown = [ped.ids[i] for i in range(ped.size) if ped.sex[i] == Sex.UNKNOWN]
        if unknown:
            raise PedigreeError(
                f"marker {marker.name}: person {unknown[0]}: sex unknown at an X-linked marker"
            )
    alleles = np.zeros((n, ped.size, 2), dtype=np.intp)
    rows = np.arange(n)

    def founder() -> npt.NDArray[np.intp]:
        return rng.choice(marker.n_alleles, size=n, p=marker.freqs).astype(np.intp)

    def from_parent(parent: int, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
        if marker.xlinked and ped.sex[parent] == Sex.MALE:
            passed = alleles[:, parent, 1]
        else:
            passed = alleles[rows, parent, rng.integers(2, size=n)]
        return _mutate(passed, matrix, rng)

    for i in ped.generation_order():
        father, mother = ped.father[i], ped.mother[i]
        maternal = founder() if mother == NO_PARENT else from_parent(mother, model.female)
        if marker.xlinked and ped.sex[i] == Sex.MALE:
            paternal = maternal
        else:
            paternal = founder() if father == NO_PARENT else from_parent(father, model.male)
        alleles[:, i, 0] = paternal
        alleles[:, i, 1] = maternal
    return alleles


def _genotype(marker: Marker, a: int, b: int) -> Genotype:
    low, high = (a, b) if a <= b else (b, a)
    return (marker.alleles[low], marker.alleles[high])


def simulate_data(
    ped: Pedigree,
    table: FrequencyTable,
    n: int,
    *,
    seed: Seed = 0,
    markers: Sequence[str] | None = None,
    typed: Collection[str] | None = None,
    mutation: MutationModel | MutationByMarker = NO_MUTATION,
) -> list[PedigreeData]:
    """Simulate ``n`` independent data sets of the pedigree, typed at some persons.

    Args:
        ped: the pedigree.
        table: allele frequencies of the markers.
        n: number of data sets.
        seed: seed or generator.
        markers: marker names (default: every marker of the table).
        typed: ids of the typed persons (default: everyone).
        mutation: mutation models, for all markers or by marker name.

    Returns:
        ``n`` data sets; genotypes list the lower allele (table order) first.

    Raises:
        PedigreeError: an unknown typed id, or unknown sex at an X-linked marker.
    """
    rng = _generator(seed)
    names = tuple(table.names if markers is None else markers)
    persons = [ped.index(p) for p in (ped.ids if typed is None else typed)]
    typing: list[dict[str, dict[str, Genotype]]] = [{} for _ in range(n)]
    for name in names:
        marker = table[name]
        sims = simulate_alleles(ped, marker, n, rng, marker_mutation(mutation, name))
        for k in range(n):
            typing[k][name] = {
                ped.ids[i]: _genotype(marker, int(sims[k, i, 0]), int(sims[k, i, 1]))
                for i in persons
            }
    return [PedigreeData(ped, names, by_marker) for by_marker in typing]


def simulate_genotypes(
    ped: Pedigree,
    table: FrequencyTable,
    markers: Sequence[str] | None = None,
    *,
    seed: Seed = 0,
    mutation: MutationModel | MutationByMarker = NO_MUTATION,
) -> dict[str, dict[str, Genotype]]:
    """Simulate one data set: marker -> person -> genotype, for every person of the pedigree.

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.kinship.pedigree import build_pedigree
    >>> ped = build_pedigree(["fa", "mo", "ch"], [None, None, "fa"], [None, None, "mo"], [1, 2, 1])
    >>> t = FrequencyTable({"M": make_marker("M", {"a": 1.0})})
    >>> simulate_genotypes(ped, t, seed=1)["M"]["ch"]
    ('a', 'a')
    """
    data = simulate_data(ped, table, 1, seed=seed, markers=markers, mutation=mutation)[0]
    return {m: dict(by_person) for m, by_person in data.typing.items()}
