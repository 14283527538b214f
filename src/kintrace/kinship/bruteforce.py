"""Brute-force pedigree likelihood: an independent oracle for small pedigrees and markers.

Enumerates every ordered genotype (paternal, maternal allele) of every person, multiplies
founder probabilities and transmission probabilities, keeps the assignments that agree with the
typed genotypes and sums. No pruning, no lumping, no elimination order: the textbook definition
of the likelihood (Lange 2002, eq. 7.1), in a form simple enough to trust. Cost ``n^(2 x persons)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from kintrace.errors import InvalidInput
from kintrace.kinship.genotypes import Genotype, is_typed
from kintrace.kinship.markers import Marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel, mutation_matrix
from kintrace.kinship.pedigree import NO_PARENT, Pedigree, Sex

MAX_CELLS = 1 << 24


def brute_force_likelihood(
    ped: Pedigree,
    marker: Marker,
    genotypes: Mapping[str, Genotype],
    mutation: MutationModel = NO_MUTATION,
) -> float:
    """Sum the joint probability over all genotypes of everyone (tiny cases only).

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.kinship.pedigree import build_pedigree
    >>> ped = build_pedigree(["f", "m", "c"], [None, None, "f"], [None, None, "m"], [1, 2, 2])
    >>> brute_force_likelihood(ped, make_marker("M", {"1": 0.5, "2": 0.5}), {"c": ("1", "1")})
    0.25
    """
    n = marker.n_alleles
    p = marker.freqs
    female = mutation_matrix(mutation.female, marker)
    male = mutation_matrix(mutation.male, marker)
    k = ped.size
    if n ** (2 * k) > MAX_CELLS:
        raise InvalidInput("pedigree too large for brute force")
    # Axis 2i = paternal allele of person i, axis 2i+1 = maternal allele.
    total = np.ones((n,) * (2 * k))
    for i in range(k):
        hemizygous = marker.xlinked and ped.sex[i] == Sex.MALE
        father, mother = ped.father[i], ped.mother[i]
        pat = _axis(2 * i, k, n)
        mat = _axis(2 * i + 1, k, n)
        if hemizygous:
            total = total * np.where(pat == mat, 1.0, 0.0)  # one allele: tie pat to mat
            paternal = np.ones(1)
        elif father == NO_PARENT:
            paternal = p[pat]
        elif marker.xlinked:
            paternal = male[_axis(2 * father + 1, k, n), pat]
        else:
            paternal = _transmit(male, _axis(2 * father, k, n), _axis(2 * father + 1, k, n), pat)
        if mother == NO_PARENT:
            maternal = p[mat]
        else:
            maternal = _transmit(female, _axis(2 * mother, k, n), _axis(2 * mother + 1, k, n), mat)
        total = total * paternal * maternal
        genotype = genotypes.get(ped.ids[i])
        if genotype is not None and is_typed(genotype):
            total = total * _agrees(marker, genotype, pat, mat, hemizygous)
    return float(total.sum())


def _axis(axis: int, k: int, n: int) -> npt.NDArray[np.intp]:
    shape = [1] * (2 * k)
    shape[axis] = n
    return np.arange(n).reshape(shape)


def _transmit(
    m: npt.NDArray[np.float64],
    a: npt.NDArray[np.intp],
    b: npt.NDArray[np.intp],
    child: npt.NDArray[np.intp],
) -> npt.NDArray[np.float64]:
    result: npt.NDArray[np.float64] = 0.5 * (m[a, child] + m[b, child])
    return result


def _agrees(
    marker: Marker,
    genotype: Genotype,
    pat: npt.NDArray[np.intp],
    mat: npt.NDArray[np.intp],
    hemizygous: bool,
) -> npt.NDArray[np.float64]:
    a = marker.index(genotype[0]) if genotype[0] is not None else -1
    b = marker.index(genotype[1]) if genotype[1] is not None else -1
    if hemizygous:
        ok = mat == a
    elif b < 0:
        ok = (pat == a) | (mat == a)
    else:
        ok = ((pat == a) & (mat == b)) | ((pat == b) & (mat == a))
    return np.where(ok, 1.0, 0.0)
