"""Exact pedigree likelihood of one marker, by variable elimination over allele factors.

Each person carries two allele variables, paternal and maternal (a male at an X-linked marker
only the maternal one). Factors (Lange, *Mathematical and Statistical Methods for Genetic
Analysis*, ch. 7; pedprobr's peeling):

* a founder allele (no parent on that side): the allele frequency ``p`` (Hardy–Weinberg);
* an allele from a parent with alleles ``(a, b)``: ``(M[a, c] + M[b, c]) / 2`` with ``M`` the
  mutation matrix of the parent's sex; from an X-linked father: ``M_male[a, c]``;
* a typed genotype ``a/b``: 1 when ``{pat, mat} = {a, b}``; ``a/-``: 1 when either is ``a``.

Summing all variables out gives the likelihood exactly, loops included (:mod:`elimination`).
Untyped persons without typed descendants are pruned first (their factors sum to 1). Alleles
seen in nobody are lumped into one when every mutation matrix is strongly lumpable for that
partition (always without mutation; for ``equal`` and ``proportional``), as pedprobr does.

Theta (co-ancestry, Balding & Nichols 1994): founder alleles are drawn one after another, the
``j``-th being ``a`` with probability ``(k_a θ + (1 - θ) p_a) / (1 + (j - 2) θ)`` given ``k_a``
earlier copies of ``a`` (pedprobr ``thetaCorr``). As pedprobr does for a list of pedigrees, the
draws are shared within each connected component (``theta_scope="component"``); with
``theta_scope="all"`` every founder of the hypothesis shares them (NRC II 4.10 style).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from kintrace.errors import FrequencyError, InvalidInput, PedigreeError
from kintrace.kinship.elimination import Factor, eliminate
from kintrace.kinship.genotypes import Genotype, is_typed
from kintrace.kinship.markers import Marker
from kintrace.kinship.mutation import NO_MUTATION, MutationModel, mutation_matrix
from kintrace.kinship.pedigree import NO_PARENT, Pedigree, Sex

ThetaScope = Literal["component", "all"]
MAX_THETA_TABLE = 1 << 22
"""Largest joint table of founder alleles that the theta correction may build."""


@dataclass(frozen=True, slots=True, eq=False)
class AlleleModel:
    """Allele frequencies and female/male mutation matrices of one marker, maybe lumped."""

    freqs: npt.NDArray[np.float64]
    female: npt.NDArray[np.float64]
    male: npt.NDArray[np.float64]
    xlinked: bool

    @property
    def n(self) -> int:
        """Return the number of (possibly lumped) alleles."""
        return int(self.freqs.size)


@lru_cache(maxsize=512)
def allele_model(marker: Marker, mutation: MutationModel = NO_MUTATION) -> AlleleModel:
    """Build the full (unlumped) allele model of a marker (cached; its arrays are read-only).

    Markers and mutation specs compare by identity, so the cache serves repeated likelihoods
    of the same marker objects (an LR, a search) without rebuilding the mutation matrices.
    """
    female = mutation_matrix(mutation.female, marker)
    male = female if mutation.male is mutation.female else mutation_matrix(mutation.male, marker)
    for array in (female, male):
        array.flags.writeable = False
    return AlleleModel(freqs=marker.freqs, female=female, male=male, xlinked=marker.xlinked)


def lump(model: AlleleModel, observed: Sequence[int]) -> tuple[AlleleModel, dict[int, int]]:
    """Lump the alleles not in ``observed`` into one when the mutation matrices allow it.

    Returns:
        The (possibly) lumped model and the map from old to new index of each observed allele.
    """
    seen = sorted(set(observed))
    rest = [a for a in range(model.n) if a not in set(seen)]
    identity = {a: a for a in range(model.n)}
    if len(rest) < 2 or not all(_lumpable(m, seen, rest) for m in (model.female, model.male)):
        return model, identity
    freqs = np.append(model.freqs[seen], model.freqs[rest].sum())
    return (
        AlleleModel(
            freqs, _lumped(model.female, seen, rest), _lumped(model.male, seen, rest), model.xlinked
        ),
        {a: i for i, a in enumerate(seen)},
    )


def _lumpable(m: npt.NDArray[np.float64], seen: list[int], rest: list[int]) -> bool:
    block = m[np.ix_(rest, seen)]
    return bool(np.allclose(block, block[0], rtol=1e-12, atol=0.0))


def _lumped(
    m: npt.NDArray[np.float64], seen: list[int], rest: list[int]
) -> npt.NDArray[np.float64]:
    k = len(seen)
    result = np.empty((k + 1, k + 1))
    result[:k, :k] = m[np.ix_(seen, seen)]
    result[:k, k] = m[np.ix_(seen, rest)].sum(axis=1)
    result[k, :k] = m[rest[0], seen]
    result[k, k] = m[rest[0], rest].sum()
    return result


def genotype_indices(
    marker: Marker, genotypes: Mapping[str, Genotype], *, source: str = ""
) -> dict[str, tuple[int, int]]:
    """Turn typed genotypes into allele indices of the marker (-1 for an untyped allele).

    Raises:
        FrequencyError: one line per person with an allele the marker does not have.
    """
    prefix = f"{source}: " if source else ""
    result: dict[str, tuple[int, int]] = {}
    problems: list[str] = []
    for person, genotype in genotypes.items():
        if not is_typed(genotype):
            continue
        pair = [-1 if a is None else marker.index(a) for a in genotype]
        for allele, idx in zip(genotype, pair, strict=True):
            if allele is not None and idx < 0:
                problems.append(
                    f"{prefix}person {person}: marker {marker.name}: allele {allele} "
                    "is not in the frequency table"
                )
        result[person] = (pair[0], pair[1])
    if problems:
        raise FrequencyError(problems[0], problems=problems)
    return result


def prune(ped: Pedigree, typed: set[int]) -> list[int]:
    """Return the persons left after removing, again and again, untyped persons with no child."""
    kept = set(range(ped.size))
    n_children = [0] * ped.size
    for i in range(ped.size):
        for p in (ped.father[i], ped.mother[i]):
            if p != NO_PARENT:
                n_children[p] += 1
    stack = [i for i in kept if i not in typed and n_children[i] == 0]
    while stack:
        i = stack.pop()
        kept.discard(i)
        for p in (ped.father[i], ped.mother[i]):
            if p != NO_PARENT:
                n_children[p] -= 1
                if n_children[p] == 0 and p not in typed:
                    stack.append(p)
    return sorted(kept)


def evidence_table(pair: tuple[int, int], n: int, hemizygous: bool) -> npt.NDArray[np.float64]:
    """Return the 0/1 evidence table of a typed genotype over (pat, mat), or mat alone."""
    a, b = pair
    if hemizygous:
        table = np.zeros(n)
        table[a] = 1.0
        return table
    table = np.zeros((n, n))
    if b < 0:
        table[a, :] = 1.0
        table[:, a] = 1.0
    else:
        table[a, b] = table[b, a] = 1.0
    return table


def person_variables(ped: Pedigree, i: int, xlinked: bool) -> tuple[int, ...]:
    """Return the allele variables of person ``i``: (pat, mat), or (mat,) for an X-linked male."""
    if xlinked and ped.sex[i] == Sex.MALE:
        return (2 * i + 1,)
    return (2 * i, 2 * i + 1)


def structure_factors(
    ped: Pedigree, persons: Sequence[int], model: AlleleModel
) -> tuple[list[Factor], list[int]]:
    """Build transmission and founder-prior factors of the persons; also return founder alleles.

    Raises:
        PedigreeError: a person of unknown sex at an X-linked marker.
    """
    factors: list[Factor] = []
    founder_alleles: list[int] = []
    halves = {
        "female": 0.5 * (model.female[:, None, :] + model.female[None, :, :]),
        "male": 0.5 * (model.male[:, None, :] + model.male[None, :, :]),
    }
    for i in persons:
        if model.xlinked and ped.sex[i] == Sex.UNKNOWN:
            raise PedigreeError(f"person {ped.ids[i]}: sex unknown at an X-linked marker")
        own = person_variables(ped, i, model.xlinked)
        sides = [(ped.mother[i], own[-1], "female")]
        if len(own) == 2:
            sides.append((ped.father[i], own[0], "male"))
        for parent, var, parent_sex in sides:
            if parent == NO_PARENT:
                founder_alleles.append(var)
                continue
            parent_vars = person_variables(ped, parent, model.xlinked)
            if len(parent_vars) == 1:
                factors.append(Factor((parent_vars[0], var), model.male))
            else:
                factors.append(Factor((*parent_vars, var), halves[parent_sex]))
    return factors, founder_alleles


def theta_table(freqs: npt.NDArray[np.float64], k: int, theta: float) -> npt.NDArray[np.float64]:
    """Return the joint probability of ``k`` founder alleles under Balding–Nichols sampling.

    Args:
        freqs: allele frequencies (n).
        k: number of founder alleles.
        theta: co-ancestry coefficient in [0, 1).

    Returns:
        An array of shape ``(n,) * k``; entry ``(a_1..a_k)`` is the product over ``j`` of
        ``(c_j θ + (1 - θ) p_{a_j}) / (1 + (j - 2) θ)`` (``c_j`` earlier copies of ``a_j``),
        which depends only on the allele counts (pedprobr ``thetaCorr``).

    >>> t = theta_table(np.array([0.2, 0.8]), 2, 0.1)
    >>> round(float(t[0, 0]), 6), round(float(t.sum()), 12)
    (0.056, 1.0)
    """
    n = freqs.size
    if n**k > MAX_THETA_TABLE:
        raise InvalidInput(
            f"theta correction over {k} founder alleles and {n} alleles is too large"
        )
    # rising[a, c] = prod_{j < c} (j θ + (1 - θ) p_a)
    steps = np.arange(k)[None, :] * theta + (1.0 - theta) * freqs[:, None]
    rising = np.concatenate([np.ones((n, 1)), np.cumprod(steps, axis=1)], axis=1)
    table = np.ones((n,) * k)
    grids = np.indices((n,) * k, sparse=True)
    for a in range(n):
        counts = sum((g == a).astype(np.intp) for g in grids)
        table = table * rising[a][counts]
    denominator = float(np.prod(1.0 + (np.arange(k) - 1.0) * theta))
    result: npt.NDArray[np.float64] = table / denominator
    return result


def component_likelihood(
    factors: list[Factor], founder_alleles: list[int], freqs: npt.NDArray[np.float64], theta: float
) -> float:
    """Sum out every allele variable of one component, founders under HWE or theta sampling."""
    if theta == 0.0 or not founder_alleles:
        priors = [Factor((v,), freqs) for v in founder_alleles]
        return float(eliminate(factors + priors).table)
    joint = eliminate(factors, keep=tuple(founder_alleles))
    return float(np.sum(joint.table * theta_table(freqs, len(founder_alleles), theta)))


def marker_likelihood(
    ped: Pedigree,
    marker: Marker,
    genotypes: Mapping[str, Genotype],
    mutation: MutationModel = NO_MUTATION,
    theta: float = 0.0,
    *,
    theta_scope: ThetaScope = "component",
    source: str = "",
) -> float:
    """Compute the likelihood of the genotypes at one marker under the pedigree.

    Args:
        ped: the pedigree (several components allowed).
        marker: alleles and frequencies; X-linked markers use sex-specific inheritance.
        genotypes: person id -> genotype; persons absent are untyped.
        mutation: female and male mutation models (pedmut definitions).
        theta: co-ancestry coefficient for founder alleles (0 = Hardy–Weinberg).
        theta_scope: founders sharing theta draws: per component (pedprobr) or all.
        source: file name for error messages.

    Returns:
        P(genotypes | pedigree), exact (Elston–Stewart peeling generalised to loops).

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.kinship.pedigree import build_pedigree
    >>> ped = build_pedigree(["af", "mo", "ch"], [None, None, "af"], [None, None, "mo"], [1, 2, 1])
    >>> m = make_marker("M", {"a": 0.25, "b": 0.75})
    >>> marker_likelihood(ped, m, {"af": ("a", "a"), "ch": ("a", "b")})  # p_a^2 * p_b
    0.046875
    """
    if not (0.0 <= theta < 1.0):
        raise InvalidInput(f"theta {theta} not in [0, 1)")
    pairs = genotype_indices(marker, genotypes, source=source)
    unknown = sorted(set(pairs) - set(ped.ids))
    if unknown:
        raise PedigreeError(
            f"{source}: marker {marker.name}: typed persons not in pedigree: {unknown}"
        )
    typed = {ped.index(p): pair for p, pair in pairs.items()}
    kept = set(prune(ped, set(typed)))
    full = allele_model(marker, mutation)
    model, remap = lump(full, [a for pair in typed.values() for a in pair if a >= 0])
    groups = [tuple(range(ped.size))] if theta_scope == "all" else ped.components()
    total = 1.0
    for group in groups:
        persons = [i for i in group if i in kept]
        if not persons:
            continue
        factors, founders = structure_factors(ped, persons, model)
        for i in persons:
            if i in typed:
                factors.append(_evidence(ped, i, typed[i], remap, model, marker.name, source))
        total *= component_likelihood(factors, founders, model.freqs, theta)
    return total


def _evidence(
    ped: Pedigree,
    i: int,
    pair: tuple[int, int],
    remap: dict[int, int],
    model: AlleleModel,
    marker: str,
    source: str,
) -> Factor:
    variables = person_variables(ped, i, model.xlinked)
    hemizygous = len(variables) == 1
    if hemizygous and pair[1] >= 0 and pair[0] != pair[1]:
        raise InvalidInput(
            f"{source + ': ' if source else ''}person {ped.ids[i]}: marker {marker}: "
            "a male has one allele at an X-linked marker"
        )
    mapped = (remap[pair[0]], remap[pair[1]] if pair[1] >= 0 else -1)
    return Factor(variables, evidence_table(mapped, model.n, hemizygous))
