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
from kintrace.kinship.elimination import Factor, eliminate, elimination_plan
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

    Results are cached by model (identity) and the set of observed alleles, so repeated
    likelihoods reuse the same lumped model (and its cached transmission tables).

    Returns:
        The (possibly) lumped model and the map from old to new index of each observed allele.
    """
    lumped, remap = _lump(model, tuple(sorted(set(observed))))
    return lumped, dict(remap)


@lru_cache(maxsize=8192)
def _lump(
    model: AlleleModel, seen: tuple[int, ...]
) -> tuple[AlleleModel, tuple[tuple[int, int], ...]]:
    rest = [a for a in range(model.n) if a not in set(seen)]
    identity = tuple((a, a) for a in range(model.n))
    if len(rest) < 2 or not all(_lumpable(m, list(seen), rest) for m in (model.female, model.male)):
        return model, identity
    freqs = np.append(model.freqs[list(seen)], model.freqs[rest].sum())
    return (
        AlleleModel(
            freqs,
            _lumped(model.female, list(seen), rest),
            _lumped(model.male, list(seen), rest),
            model.xlinked,
        ),
        tuple((a, i) for i, a in enumerate(seen)),
    )


def transmission_tables(
    model: AlleleModel,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return ``(M[a, c] + M[b, c]) / 2`` for the female and male matrices (cached, read-only)."""
    if isinstance(model, _StackedModel):
        return model.female_half, model.male_half
    return _transmission_tables(model)


@lru_cache(maxsize=8192)
def _transmission_tables(
    model: AlleleModel,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    return _halves(model.female), _halves(model.male)


def _halves(m: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``(M[a, c] + M[b, c]) / 2`` over the last two axes (a leading batch axis is kept)."""
    half = 0.5 * (m[..., :, None, :] + m[..., None, :, :])
    half.flags.writeable = False
    return half


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
    female_half, male_half = transmission_tables(model)
    halves = {"female": female_half, "male": male_half}
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


@dataclass(frozen=True, slots=True, eq=False)
class PreparedMarker:
    """One marker's data ready for peeling: the (maybe lumped) model and the typed persons."""

    marker: Marker
    model: AlleleModel
    typed: tuple[tuple[int, tuple[int, int]], ...]
    """(person index, allele pair in the model's indices) of each typed person."""
    kept: tuple[int, ...]

    @property
    def shape_key(self) -> tuple[object, ...]:
        """Markers with equal keys have factors of equal shapes (peeled together)."""
        return (self.kept, tuple(i for i, _ in self.typed), self.model.xlinked, self.model.n)


def prepare_marker(
    ped: Pedigree,
    marker: Marker,
    genotypes: Mapping[str, Genotype],
    mutation: MutationModel = NO_MUTATION,
    *,
    source: str = "",
) -> PreparedMarker:
    """Check one marker's genotypes against the pedigree, prune and lump (no peeling yet).

    Raises the errors :func:`marker_likelihood` raises for bad input.
    """
    pairs = genotype_indices(marker, genotypes, source=source)
    unknown = sorted(set(pairs) - set(ped.ids))
    if unknown:
        raise PedigreeError(
            f"{source}: marker {marker.name}: typed persons not in pedigree: {unknown}"
        )
    typed = {ped.index(p): pair for p, pair in pairs.items()}
    kept = tuple(prune(ped, set(typed)))
    model, remap = lump(
        allele_model(marker, mutation), [a for pair in typed.values() for a in pair if a >= 0]
    )
    mapped: list[tuple[int, tuple[int, int]]] = []
    for i in kept:
        if model.xlinked and ped.sex[i] == Sex.UNKNOWN:
            raise PedigreeError(f"person {ped.ids[i]}: sex unknown at an X-linked marker")
        if i in typed:
            pair = typed[i]
            if len(person_variables(ped, i, model.xlinked)) == 1 and 0 <= pair[1] != pair[0]:
                raise InvalidInput(
                    f"{source + ': ' if source else ''}person {ped.ids[i]}: marker "
                    f"{marker.name}: a male has one allele at an X-linked marker"
                )
            mapped.append((i, (remap[pair[0]], remap[pair[1]] if pair[1] >= 0 else -1)))
    return PreparedMarker(marker, model, tuple(sorted(mapped)), kept)


PEEL_OVERHEAD = 20_000
"""Work (table cells) that peeling one marker alone costs in fixed overhead, for bucketing."""


@lru_cache(maxsize=8192)
def padded(model: AlleleModel, n: int) -> AlleleModel:
    """Return the model with ``n - model.n`` extra alleles of frequency 0 (never reached).

    Padded alleles have prior 0 and no transmission into them, so every likelihood is the
    same; markers padded to one size can be peeled together along a batch axis.
    """
    if n == model.n:
        return model
    extra = n - model.n

    def grow(m: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.pad(m, ((0, extra), (0, extra)))

    return AlleleModel(
        np.pad(model.freqs, (0, extra)), grow(model.female), grow(model.male), model.xlinked
    )


def _width(ped: Pedigree, parts: Sequence[Sequence[int]], item: PreparedMarker) -> int:
    """Return the most variables any elimination step of the marker touches."""
    kept = set(item.kept)
    typed = {i for i, _ in item.typed}
    width = 1
    for part in parts:
        persons = [i for i in part if i in kept]
        if not persons:
            continue
        factors, founders = structure_factors(ped, persons, item.model)
        scopes = [f.variables for f in factors]
        scopes += [person_variables(ped, i, item.model.xlinked) for i in persons if i in typed]
        scopes += [(v,) for v in founders]
        for _, out in elimination_plan(scopes):
            width = max(width, len(out) + 1)
    return width


def _buckets(sizes: Sequence[int], width: int) -> list[list[int]]:
    """Split markers (sorted by allele count) into runs padded to the run's largest count.

    A marker joins the current run while the padded work stays below the work of peeling the
    run's markers one by one (each with :data:`PEEL_OVERHEAD`).
    """
    order = sorted(range(len(sizes)), key=lambda k: sizes[k])
    runs: list[list[int]] = []
    for k in order:
        if runs:
            run = runs[-1] + [k]
            padded_work = len(run) * float(sizes[k]) ** width
            alone = sum(float(sizes[j]) ** width + PEEL_OVERHEAD for j in run)
            if padded_work <= alone:
                runs[-1] = run
                continue
        runs.append([k])
    return runs


def peel_markers(
    ped: Pedigree, prepared: Sequence[PreparedMarker], *, theta_scope: ThetaScope = "component"
) -> npt.NDArray[np.float64]:
    """Return the likelihood of each prepared marker (no theta), peeling alike markers at once.

    Markers with the same typed and kept persons are stacked along a batch axis and eliminated
    together with one cached plan, their allele counts padded to a common size (alleles of
    frequency 0, see :func:`padded`) where that costs less than peeling them one by one. A
    marker alone in its run is peeled exactly as :func:`marker_likelihood` peels it.
    """
    result = np.ones(len(prepared))
    groups: dict[tuple[object, ...], list[int]] = {}
    for k, item in enumerate(prepared):
        groups.setdefault(item.shape_key[:3], []).append(k)
    parts = [tuple(range(ped.size))] if theta_scope == "all" else list(ped.components())
    for members in groups.values():
        sizes = [prepared[k].model.n for k in members]
        width = _width(ped, parts, prepared[members[0]]) if len(members) > 1 else 1
        for run in _buckets(sizes, width):
            ks = [members[j] for j in run]
            result[ks] *= _peel_run(ped, parts, [prepared[k] for k in ks])
    return result


@dataclass(frozen=True, slots=True, eq=False)
class _StackedModel(AlleleModel):
    """Models of one size stacked on a leading batch axis, with their transmission tables."""

    female_half: npt.NDArray[np.float64]
    male_half: npt.NDArray[np.float64]


@lru_cache(maxsize=32)
def _stacked(models: tuple[AlleleModel, ...]) -> _StackedModel:
    """Stack models of one size along a batch axis (cached: the same runs recur across LRs)."""
    female = np.stack([m.female for m in models])
    male = female if all(m.male is m.female for m in models) else np.stack([m.male for m in models])
    female_half = np.stack([transmission_tables(m)[0] for m in models])
    male_half = (
        female_half if male is female else np.stack([transmission_tables(m)[1] for m in models])
    )
    return _StackedModel(
        np.stack([m.freqs for m in models]), female, male, models[0].xlinked, female_half, male_half
    )


def _peel_run(
    ped: Pedigree, parts: Sequence[Sequence[int]], items: Sequence[PreparedMarker]
) -> npt.NDArray[np.float64]:
    first = items[0]
    n = max(it.model.n for it in items)
    models = [padded(it.model, n) for it in items]
    kept = set(first.kept)
    typed = [dict(it.typed) for it in items]
    batched = len(items) > 1
    result = np.ones(len(items))
    for part in parts:
        persons = [i for i in part if i in kept]
        if not persons:
            continue
        if batched:
            factors, founders = structure_factors(ped, persons, _stacked(tuple(models)))
            factors = [Factor(f.variables, f.table, True) for f in factors]
        else:
            factors, founders = structure_factors(ped, persons, models[0])
        for i in persons:
            if i not in typed[0]:
                continue
            variables = person_variables(ped, i, first.model.xlinked)
            tables = [evidence_table(t[i], n, len(variables) == 1) for t in typed]
            factors.append(
                Factor(variables, np.stack(tables), True)
                if batched
                else Factor(variables, tables[0])
            )
        if batched:
            priors = [Factor((v,), _stacked(tuple(models)).freqs, True) for v in founders]
        else:
            priors = [Factor((v,), first.model.freqs) for v in founders]
        result *= eliminate(factors + priors).table
    return result


def marker_likelihoods(
    ped: Pedigree,
    markers: Sequence[Marker],
    typing: Mapping[str, Mapping[str, Genotype]],
    mutation: MutationModel | Mapping[str, MutationModel] = NO_MUTATION,
    theta: float = 0.0,
    *,
    theta_scope: ThetaScope = "component",
    source: str = "",
) -> npt.NDArray[np.float64]:
    """Compute :func:`marker_likelihood` for several markers at once (same values).

    Args:
        ped: the pedigree.
        markers: the markers.
        typing: marker name -> person id -> genotype.
        mutation: mutation models, for all markers or by marker name.
        theta: co-ancestry coefficient (markers are then peeled one by one).
        theta_scope: founders sharing theta draws: per component (pedprobr) or all.
        source: file name for error messages.

    >>> from kintrace.kinship.markers import make_marker
    >>> from kintrace.kinship.pedigree import build_pedigree
    >>> ped = build_pedigree(["af", "mo", "ch"], [None, None, "af"], [None, None, "mo"], [1, 2, 1])
    >>> ms = [make_marker(n, {"a": 0.25, "b": 0.75}) for n in ("M1", "M2")]
    >>> marker_likelihoods(ped, ms, {"M1": {"af": ("a", "a"), "ch": ("a", "b")}}).tolist()
    [0.046875, 1.0]
    """

    def model_of(name: str) -> MutationModel:
        if isinstance(mutation, MutationModel):
            return mutation
        return mutation.get(name, NO_MUTATION)

    if theta != 0.0:
        return np.array(
            [
                marker_likelihood(
                    ped,
                    m,
                    typing.get(m.name, {}),
                    model_of(m.name),
                    theta,
                    theta_scope=theta_scope,
                    source=source,
                )  # fmt: skip
                for m in markers
            ]
        )
    prepared = [
        prepare_marker(ped, m, typing.get(m.name, {}), model_of(m.name), source=source)
        for m in markers
    ]
    return peel_markers(ped, prepared, theta_scope=theta_scope)
