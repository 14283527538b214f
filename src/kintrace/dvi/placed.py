"""Exact likelihoods of one family with victims placed, many placements at once (pure).

The joint search scores every placement of a grave's bodies on its missing persons: the same
pedigree, peeled again and again with different persons typed. Peeling on allele variables
(two per person, ``n`` alleles each) makes a parent with several typed children meet his
partner's alleles in one table: with the grandparents of three sons who have children, one
grandparent's two alleles and the other's two share a factor, ``n⁴`` cells per marker and
placement. Here a person typed at a marker (both alleles) is one *phase* variable instead,
with at most two states (``a/b`` read as paternal ``a``, maternal ``b`` or the reverse; the
second state of ``a/a`` is void): a typed grandmother costs 2 where her alleles cost ``n²``.
Untyped persons (and persons typed at one allele) keep their two allele variables, with their
evidence as a 0/1 table. The factors are the usual ones (founder priors, transmissions
``(M[a, c] + M[a', c]) / 2``), gathered at the phases' alleles; the variables are summed out
in a greedy order that always makes the smallest new table (domain sizes counted, not
variables), the minimum-weight heuristic of Koller & Friedman, *Probabilistic Graphical
Models*, ch. 9. The sum is the same as any other order's, so the likelihood is exact.

Items (one placement at one marker) with the same persons typed, half-typed, untyped and pruned
share one plan and are peeled together along a batch axis, markers included: on the grave of
``benchmarks/bench_dvi.py`` (592 placements, 57 typing patterns, 23 markers) a few thousand
numpy calls in all. X-linked markers are left to the caller.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kintrace.kinship.elimination import Factor, contract
from kintrace.kinship.genotypes import Genotype
from kintrace.kinship.likelihood import AlleleModel, allele_model, lump, prune
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import MutationModel
from kintrace.kinship.pedfile import Family, Profile
from kintrace.kinship.pedigree import NO_PARENT, Pedigree

PHASED, HALF, UNTYPED, PRUNED = 0, 1, 2, 3
"""How a person enters one item: typed (a phase variable), one allele typed or untyped (two
allele variables, with or without an evidence table), or pruned (untyped, no typed
descendant: summed out to 1)."""

MAX_CELLS = 1 << 22
"""Most cells of one batched factor (the batch is cut into chunks to stay below)."""


@dataclass(frozen=True, slots=True)
class _MarkerModel:
    """One marker's lumped allele model, padded to ``n`` alleles, and its allele index."""

    index: dict[str, int]
    freqs: npt.NDArray[np.float64]
    male: npt.NDArray[np.float64]
    female: npt.NDArray[np.float64]


def _marker_model(model: AlleleModel, remap: dict[int, int], labels: Sequence[str]) -> _MarkerModel:
    index = {labels[old]: new for old, new in remap.items()}
    return _MarkerModel(index, model.freqs, model.male, model.female)


def _padded(models: Sequence[_MarkerModel], n: int) -> tuple[npt.NDArray[np.float64], ...]:
    """Stack the markers' frequencies and halved transmission tables, padded to ``n`` alleles.

    A padded allele has frequency 0 and no mutation leads to it, so it never carries mass.
    Markers with more than ``n`` alleles are left as zeros (not peeled at this ``n``).
    """
    size = len(models)
    freqs = np.zeros((size, n))
    male = np.zeros((size, n, n))
    female = np.zeros((size, n, n))
    for k, m in enumerate(models):
        k_n = len(m.freqs)
        if k_n > n:
            continue
        freqs[k, :k_n] = m.freqs
        male[k, :k_n, :k_n] = m.male
        female[k, :k_n, :k_n] = m.female
    male_half = 0.5 * (male[:, :, None, :] + male[:, None, :, :])
    female_half = 0.5 * (female[:, :, None, :] + female[:, None, :, :])
    # the matrices halved: 0.5 * (x + y) == 0.5 * x + 0.5 * y bit for bit (a power of two
    # scales without rounding, far from the underflow limit), one sum per table gathered
    return freqs, 0.5 * male, 0.5 * female, male_half, female_half


def placed_log10_likelihoods(
    family: Family,
    placements: Sequence[Mapping[str, Profile]],
    table: FrequencyTable,
    mutation: MutationModel,
) -> tuple[npt.NDArray[np.float64], list[str]]:
    """Return ``log10 L(F with the victims placed)`` of each placement over the autosomal markers.

    Each placement maps missing person ids to the remains profiles placed on them. Alleles seen
    in none of the placed families are lumped into one, as
    :func:`kintrace.kinship.likelihood.marker_likelihood` lumps one family's.

    Returns:
        ``(log10 L per placement, the X-linked markers left out)``.
    """
    per_marker, _, xlinked = placed_marker_log10_likelihoods(family, placements, table, mutation)
    return per_marker.sum(axis=1), xlinked


def placed_marker_log10_likelihoods(
    family: Family,
    placements: Sequence[Mapping[str, Profile]],
    table: FrequencyTable,
    mutation: MutationModel,
) -> tuple[npt.NDArray[np.float64], list[str], list[str]]:
    """:func:`placed_log10_likelihoods` marker by marker.

    Returns:
        ``(log10 L, placements x autosomal markers; those markers; the X-linked ones)``.
    """
    scores, names, xlinked = placed_marker_log10_likelihoods_under(
        family, placements, table, (mutation,)
    )
    return scores[0], names, xlinked


def placed_marker_log10_likelihoods_under(
    family: Family,
    placements: Sequence[Mapping[str, Profile]],
    table: FrequencyTable,
    mutations: Sequence[MutationModel],
) -> tuple[npt.NDArray[np.float64], list[str], list[str]]:
    """:func:`placed_marker_log10_likelihoods` under several mutation models at once.

    Each model's items (placement, marker) join the same batches: a typing pattern is the same
    under every model, so the numpy calls of one peeling serve them all.

    Returns:
        ``(log10 L, models x placements x autosomal markers; those markers; the X-linked ones)``.
    """
    data = family.data
    ped = data.pedigree
    names = [m for m in data.markers if not table[m].xlinked]
    xlinked = [m for m in data.markers if table[m].xlinked]
    profiles = {p.id: p for placed in placements for p in placed.values()}
    seen: list[list[int]] = []
    for name in names:
        marker = table[name]
        found: set[int] = set()
        for genotype in data.typing.get(name, {}).values():
            found.update(marker.index(a) for a in genotype if a is not None)
        for profile in profiles.values():
            found.update(
                marker.index(a) for a in profile.genotypes.get(name, (None, None)) if a is not None
            )
        seen.append(sorted(a for a in found if a >= 0))
    models: list[_MarkerModel] = []
    parts: list[npt.NDArray[np.intp]] = []
    for mutation in mutations:
        mine: list[_MarkerModel] = []
        for name, alleles_seen in zip(names, seen, strict=True):
            marker = table[name]
            model, remap = lump(allele_model(marker, mutation), alleles_seen)
            mine.append(_marker_model(model, remap, marker.alleles))
        models += mine
        parts.append(_item_alleles(ped, data.typing, names, mine, profiles, placements))
    # the models' items side by side, as if each model's markers were markers of their own
    alleles = np.concatenate(parts, axis=1)
    total = _peel_items(ped, alleles, models)
    by_model = total.reshape(len(placements), len(mutations), len(names)).transpose(1, 0, 2)
    return by_model, names, xlinked


def _item_alleles(
    ped: Pedigree,
    typing: Mapping[str, Mapping[str, Genotype]],
    names: Sequence[str],
    models: Sequence[_MarkerModel],
    profiles: Mapping[str, Profile],
    placements: Sequence[Mapping[str, Profile]],
) -> npt.NDArray[np.intp]:
    """The lumped allele indices of every item: (placement, marker, person, 2), -1 untyped."""
    size, persons = len(placements), ped.size
    base = np.full((len(names), persons, 2), -1, dtype=np.intp)
    for k, name in enumerate(names):
        for pid, genotype in typing.get(name, {}).items():
            base[k, ped.index(pid)] = _indices(genotype, models[k].index)
    own = {
        pid: np.array(
            [_indices(p.genotypes.get(name, (None, None)), models[k].index)
             for k, name in enumerate(names)], dtype=np.intp,
        ).reshape(len(names), 2)
        for pid, p in profiles.items()
    }  # fmt: skip
    alleles = np.broadcast_to(base, (size, *base.shape)).copy()
    for b, placed in enumerate(placements):
        for missing, profile in placed.items():
            alleles[b, :, ped.index(missing)] = own[profile.id]
    return alleles


def _peel_items(
    ped: Pedigree, alleles: npt.NDArray[np.intp], models: Sequence[_MarkerModel]
) -> npt.NDArray[np.float64]:
    """``log10 L`` of every item (placement, marker) of ``alleles`` (placement, marker, person,
    2), marker ``k`` under ``models[k]``: flat, placement-major."""
    size, n_markers, persons = alleles.shape[0], alleles.shape[1], ped.size
    names = range(n_markers)
    sizes = [len(m.freqs) for m in models]
    n = max(sizes, default=1)
    padded: dict[int, tuple[npt.NDArray[np.float64], ...]] = {}
    # phase order: typed allele first
    typed = alleles >= 0
    states = np.where(typed.all(axis=3), PHASED, np.where(typed.any(axis=3), HALF, UNTYPED))
    half = states == HALF
    alleles[half] = np.sort(alleles[half], axis=1)[:, ::-1]
    flat_alleles = alleles.reshape(size * len(names), persons, 2)
    # items with the same marker (and model) and the same alleles of every person are one
    # peeling: placements of different bodies with one genotype at a marker, a placement's
    # persons left untyped alike (about half the items of a grave's joint placements)
    first, inverse = _distinct_items(flat_alleles, len(names))
    groups: dict[bytes, list[int]] = {}
    flat = states.reshape(size * len(names), persons).astype(np.int8)
    for item in np.sort(first).tolist():
        groups.setdefault(flat[item].tobytes(), []).append(item)
    total = np.zeros(size * len(names))
    for raw, items in groups.items():
        row = np.frombuffer(raw, dtype=np.int8)
        kept = set(prune(ped, {i for i in range(persons) if row[i] != UNTYPED}))
        key = tuple(int(s) if i in kept else PRUNED for i, s in enumerate(row))
        index = np.array(items, dtype=np.intp)
        # the elimination order is chosen at the largest marker's n and kept for smaller ones
        plan = _Plan.build(ped.father, ped.mother, key, n)
        for width, part_index in _by_width(index, sizes, plan):
            stacks = padded.get(width)
            if stacks is None:
                stacks = padded[width] = _padded(models, width)
            chunk = max(1, MAX_CELLS // max(plan.cells(width), 1))
            for start in range(0, len(part_index), chunk):
                part = part_index[start : start + chunk]
                mk = part % len(names)
                values = plan.run(flat_alleles[part], mk, stacks)
                with np.errstate(divide="ignore"):
                    total[part] = np.log10(values)
    return total[first[inverse]]


def _distinct_items(
    flat_alleles: npt.NDArray[np.intp], n_markers: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The distinct items of ``flat_alleles`` (item, person, 2), item ``i`` at marker
    ``i % n_markers``: the first item of each kind, and each item's kind (``first[kind]`` is
    its representative)."""
    count = flat_alleles.shape[0]
    largest = max(int(flat_alleles.max(initial=0)), n_markers)
    # the narrowest integers that hold every index: shorter keys to sort
    dtype = np.int8 if largest < 127 else np.int16 if largest < 32767 else np.int64
    keys = np.empty((count, flat_alleles[0].size + 1), dtype=dtype)
    keys[:, :-1] = flat_alleles.reshape(count, -1)
    keys[:, -1] = np.arange(count) % max(n_markers, 1)
    rows = keys.view(np.dtype((np.void, keys.dtype.itemsize * keys.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    return first.astype(np.intp), inverse.reshape(count).astype(np.intp)


RUN_COST = 150_000
"""The fixed cost of one batched peeling (a few dozen numpy calls), in table cells: about
what one call costs against the cells its contractions touch (measured on the graves of
``benchmarks/bench_dvi.py``, 2026-12-06)."""


def _by_width(
    items: npt.NDArray[np.intp], sizes: Sequence[int], plan: _Plan
) -> list[tuple[int, npt.NDArray[np.intp]]]:
    """Split one typing pattern's items into runs by their markers' allele counts.

    Every item of a run is padded to the run's ``n`` (its largest marker), and the tables grow
    as a power of ``n`` (``n³`` for an untyped parent's two alleles and his child's), so
    markers of 4 alleles peeled at the 10 of the largest cost many times what they need; each
    run costs a few dozen numpy calls more (:data:`RUN_COST`). The runs are the split of the
    sorted allele counts that costs least in that model (dynamic programming over the few
    distinct counts). Padding cannot change a likelihood: a padded allele has frequency 0
    and no transmission reaches it.

    Returns:
        ``(n, items)`` per run.
    """
    k = len(sizes)
    marker_n = np.asarray(sizes, dtype=np.intp)[items % k]
    widths: list[int] = sorted({int(w) for w in marker_n})
    if len(widths) == 1:
        return [(widths[0], items)]
    counts = [int(np.count_nonzero(marker_n == w)) for w in widths]
    work = [sum(2**p * w**a for p, a in plan.powers) for w in widths]

    def cost(lo: int, hi: int) -> float:
        return float(RUN_COST + sum(counts[lo : hi + 1]) * work[hi])

    # best[j]: the cheapest split of widths[:j]; cut[j]: where its last run starts
    best = [0.0] + [math.inf] * len(widths)
    cut = [0] * (len(widths) + 1)
    for j in range(1, len(widths) + 1):
        for i in range(j):
            value = best[i] + cost(i, j - 1)
            if value < best[j]:
                best[j], cut[j] = value, i
    runs: list[tuple[int, npt.NDArray[np.intp]]] = []
    j = len(widths)
    while j > 0:
        i = cut[j]
        chosen = (marker_n >= widths[i]) & (marker_n <= widths[j - 1])
        runs.append((widths[j - 1], items[chosen]))
        j = i
    return runs[::-1]


def _indices(genotype: Genotype, index: Mapping[str, int]) -> tuple[int, int]:
    """Return the lumped allele indices of a genotype (-1 for an untyped allele)."""
    return (
        index[genotype[0]] if genotype[0] is not None else -1,
        index[genotype[1]] if genotype[1] is not None else -1,
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """The factors' layout and elimination order for one typing pattern of the pedigree."""

    father: tuple[int, ...]
    mother: tuple[int, ...]
    key: tuple[int, ...]
    n: int
    steps: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    scopes: tuple[tuple[int, ...], ...]
    largest: int
    powers: tuple[tuple[int, int], ...]
    """Per input factor and elimination step, ``(phase variables, allele variables)`` of the
    table it makes or sums over: the work of one item is ``sum 2^p n^a``."""

    @staticmethod
    def build(
        father: tuple[int, ...], mother: tuple[int, ...], key: tuple[int, ...], n: int
    ) -> _Plan:
        cached = _PLANS.get((father, mother, key, n))
        if cached is not None:
            return cached
        scopes = _scopes(father, mother, key)
        sizes = _domains(key, n)
        steps, largest = _min_weight_plan(scopes, sizes)
        largest = max([largest, *(math.prod(sizes[v] for v in s) for s in scopes)])
        made: list[tuple[int, ...]] = list(scopes)
        unions = list(scopes)
        for fids, out in steps:
            unions.append(tuple({v for f in fids for v in made[f]}))
            made.append(out)
        powers = tuple(
            (sum(1 for v in u if v % 3 == 0), sum(1 for v in u if v % 3 != 0)) for u in unions
        )
        plan = _Plan(father, mother, key, n, steps, tuple(scopes), largest, powers)
        if len(_PLANS) > 1024:
            _PLANS.clear()
        _PLANS[(father, mother, key, n)] = plan
        return plan

    def cells(self, n: int) -> int:
        """Return the cells of the largest table of one item with ``n`` alleles per marker."""
        return max((2**p * n**a for p, a in self.powers), default=1)

    def run(
        self,
        pairs: npt.NDArray[np.intp],
        marker: npt.NDArray[np.intp],
        stacks: tuple[npt.NDArray[np.float64], ...],
    ) -> npt.NDArray[np.float64]:
        """Return the likelihood of each item of the batch: (B,)."""
        tables = _tables(self.father, self.mother, self.key, pairs, marker, stacks)
        active: dict[int, Factor] = {
            k: Factor(scope, table, batched=True)
            for k, (scope, table) in enumerate(zip(self.scopes, tables, strict=True))
        }
        next_id = len(active)
        for fids, out in self.steps:
            active[next_id] = contract([active.pop(f) for f in fids], out)
            next_id += 1
        size = pairs.shape[0]
        result = np.ones(size)
        for f in active.values():
            result = result * np.asarray(f.table).reshape(size)
        return result


_PLANS: dict[tuple[object, ...], _Plan] = {}


def _phase(i: int) -> int:
    return 3 * i


def _pat(i: int) -> int:
    return 3 * i + 1


def _mat(i: int) -> int:
    return 3 * i + 2


def _domains(key: tuple[int, ...], n: int) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for i, state in enumerate(key):
        if state == PHASED:
            sizes[_phase(i)] = 2
        elif state != PRUNED:
            sizes[_pat(i)] = sizes[_mat(i)] = n
    return sizes


def _side_scope(parent: int, key: tuple[int, ...], child_var: int) -> tuple[int, ...]:
    if parent == NO_PARENT:
        return (child_var,)
    if key[parent] == PHASED:
        return (_phase(parent), child_var)
    return (_pat(parent), _mat(parent), child_var)


def _scopes(
    father: tuple[int, ...], mother: tuple[int, ...], key: tuple[int, ...]
) -> list[tuple[int, ...]]:
    """Scopes of the factors, in the order :func:`_tables` builds them."""
    scopes: list[tuple[int, ...]] = []
    for i, state in enumerate(key):
        if state == PRUNED:
            continue
        if state == PHASED:
            scopes.append((_phase(i),))  # validity of the phase (and founder priors)
            for parent in (father[i], mother[i]):
                if parent != NO_PARENT:
                    scopes.append(_side_scope(parent, key, _phase(i)))
        else:
            if state == HALF:
                scopes.append((_pat(i), _mat(i)))
            for parent, var in ((father[i], _pat(i)), (mother[i], _mat(i))):
                scopes.append(_side_scope(parent, key, var))
    return scopes


def _tables(
    father: tuple[int, ...],
    mother: tuple[int, ...],
    key: tuple[int, ...],
    pairs: npt.NDArray[np.intp],
    marker: npt.NDArray[np.intp],
    stacks: tuple[npt.NDArray[np.float64], ...],
) -> list[npt.NDArray[np.float64]]:
    """Build the batched tables of the factors of :func:`_scopes` (same order).

    ``marker`` is the marker of each item, ``stacks`` the markers' frequencies, male and female
    mutation matrices and their halved transmissions ``(M[a, c] + M[a', c]) / 2``
    (:func:`_padded`); a table over a typed person's phases is built from the matrices at his
    alleles, ``n`` or ``n²`` cells per phase, not gathered from the ``n³`` transmissions.
    """
    freqs_k, male_k, female_k, male_half, female_half = stacks  # male_k, female_k halved
    n = freqs_k.shape[1]
    size = len(marker)
    marker1 = marker[:, None]
    marker2 = marker[:, None, None]
    matrices = {"male": male_k, "female": female_k}  # (markers, n, n), gathered by marker
    halves = {"male": male_half, "female": female_half}
    # tables that depend on the marker alone, gathered once and shared by every factor that
    # uses them (factors are never written to)
    gathered: dict[str, npt.NDArray[np.float64]] = {}

    def by_marker(name: str) -> npt.NDArray[np.float64]:
        found = gathered.get(name)
        if found is None:
            source = freqs_k if name == "freqs" else halves[name]
            found = gathered[name] = source[marker]
        return found

    tables: list[npt.NDArray[np.float64]] = []
    # phases of the typed persons: (B, 2) paternal and maternal allele of each state
    phase_pat: dict[int, npt.NDArray[np.intp]] = {}
    phase_mat: dict[int, npt.NDArray[np.intp]] = {}
    # (person, B, 2): 1, and 0 for the void second phase of a homozygous genotype
    valid = np.ones((len(key), size, 2))
    valid[:, :, 1] = (pairs[:, :, 0] != pairs[:, :, 1]).T
    for i, state in enumerate(key):
        if state == PHASED:
            phase_pat[i] = pairs[:, i]
            phase_mat[i] = pairs[:, i, ::-1]
    for i, state in enumerate(key):
        if state == PRUNED:
            continue
        if state == PHASED:
            unary = valid[i]  # contiguous (B, 2)
            if father[i] == NO_PARENT:
                unary = unary * freqs_k[marker[:, None], phase_pat[i]]
            if mother[i] == NO_PARENT:
                unary = unary * freqs_k[marker[:, None], phase_mat[i]]
            tables.append(unary)
            for parent, side, own in (
                (father[i], "male", phase_pat[i]),
                (mother[i], "female", phase_mat[i]),
            ):
                if parent == NO_PARENT:
                    continue
                m = matrices[side]
                if key[parent] == PHASED:  # (B, 2, 2): the parent's phase, the child's phase
                    pp, pm = phase_pat[parent][:, :, None], phase_mat[parent][:, :, None]
                    child = own[:, None, :]
                    tables.append(m[marker2, pp, child] + m[marker2, pm, child])
                else:  # (B, n, n, 2): the parent's alleles, the child's phase
                    # into[b, a, s]: half the parent's allele a passed on as the child's of
                    # phase s
                    into = np.ascontiguousarray(m[marker1, :, own].transpose(0, 2, 1))
                    tables.append(into[:, :, None, :] + into[:, None, :, :])
            continue
        if state == HALF:
            evidence = np.zeros((size, n, n))
            rows, a = np.arange(size), pairs[:, i, 0]
            evidence[rows, a, :] = 1.0
            evidence[rows, :, a] = 1.0
            tables.append(evidence)
        for parent, side in ((father[i], "male"), (mother[i], "female")):
            if parent == NO_PARENT:
                tables.append(by_marker("freqs"))
            elif key[parent] == PHASED:
                m = matrices[side]  # (B, 2, n): from each phase of the parent
                tables.append(m[marker1, phase_pat[parent]] + m[marker1, phase_mat[parent]])
            else:
                tables.append(by_marker(side))
    return tables


def _min_weight_plan(
    scopes: Sequence[tuple[int, ...]], sizes: dict[int, int]
) -> tuple[tuple[tuple[tuple[int, ...], tuple[int, ...]], ...], int]:
    """Elimination steps ``(factor ids, new scope)`` summing out every variable, and the cells
    of the largest table made on the way.

    Greedy: always the variable whose elimination touches the fewest cells (the product of the
    domain sizes of the union of the scopes it appears in); ties to the smallest variable.
    Factor ids count the input factors first, then one new id per step.
    """
    active: dict[int, tuple[int, ...]] = dict(enumerate(scopes))
    next_id = len(active)
    by_var: dict[int, set[int]] = {}
    for fid, scope in active.items():
        for v in scope:
            by_var.setdefault(v, set()).add(fid)
    pending = set(by_var)
    steps: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    largest = 1

    def cost(v: int) -> tuple[int, int]:
        union = {u for fid in by_var[v] for u in active[fid]}
        return math.prod(sizes[u] for u in union), v

    # a variable's cost changes only when a factor of his is replaced, that is when he is in
    # the scope of the table an elimination makes: only those are computed again
    costs = {v: cost(v) for v in pending}
    while pending:
        var = min(pending, key=costs.__getitem__)
        largest = max(largest, costs[var][0])
        pending.remove(var)
        fids = tuple(sorted(by_var.pop(var)))
        union = {u for fid in fids for u in active.pop(fid)}
        out = tuple(sorted(union - {var}))
        for u in out:
            by_var[u] -= set(fids)
            by_var[u].add(next_id)
        active[next_id] = out
        steps.append((fids, out))
        next_id += 1
        for u in out:
            costs[u] = cost(u)
    return tuple(steps), largest
