"""Simulate genotypes down a pedigree (gene dropping), for tests and benchmarks with known truth.

Founder alleles are drawn from the allele frequencies (Hardy–Weinberg); each child receives one
of the two alleles of each parent with probability 1/2 (no mutation). Autosomal markers only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kintrace.kinship.genotypes import Genotype
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.pedigree import NO_PARENT, Pedigree


def simulate_genotypes(
    ped: Pedigree, table: FrequencyTable, markers: Sequence[str], rng: np.random.Generator
) -> dict[str, dict[str, Genotype]]:
    """Return marker -> person -> genotype for every person of the pedigree.

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.kinship.pedigree import build_pedigree
    >>> ped = build_pedigree(["fa", "mo", "ch"], [None, None, "fa"], [None, None, "mo"], [1, 2, 1])
    >>> t = FrequencyTable({"M": make_marker("M", {"a": 1.0})})
    >>> simulate_genotypes(ped, t, ["M"], np.random.default_rng(1))["M"]["ch"]
    ('a', 'a')
    """
    order = ped.generation_order()
    result: dict[str, dict[str, Genotype]] = {}
    for name in markers:
        marker = table[name]
        alleles: list[tuple[int, int]] = [(0, 0)] * ped.size
        for i in order:
            pair = []
            for parent in (ped.father[i], ped.mother[i]):
                if parent == NO_PARENT:
                    pair.append(int(rng.choice(marker.n_alleles, p=marker.freqs)))
                else:
                    pair.append(alleles[parent][int(rng.integers(2))])
            alleles[i] = (pair[0], pair[1])
        result[name] = {
            ped.ids[i]: tuple(sorted((marker.alleles[a], marker.alleles[b])))  # type: ignore[misc]
            for i, (a, b) in enumerate(alleles)
        }
    return result
