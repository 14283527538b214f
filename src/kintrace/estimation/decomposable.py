"""Bayesian model averaging over decomposable graphical models, in the spirit of dga.

Madigan & York (1997), "Bayesian methods for estimation of the size of a closed population",
*Biometrika* 84(1), 19-31; reference implementation: the R package dga (Johndrow, Lum & Ball;
``bma.cr``), whose formulas this module follows.

Each decomposable (chordal) graph on the ``K <= 5`` lists is a model of how the lists depend
on one another. Under a hyper-Dirichlet prior (``delta`` prior persons per cell of the full
``2**K`` table, ``delta * 2**(K - |A|)`` per cell of the marginal table over lists ``A``), a
graph's marginal likelihood factorises over its cliques and separators:
``sum over cliques C of log m(C) - sum over separators S of log m(S)``, where ``m(A)`` is the
Dirichlet-multinomial likelihood of the marginal table over ``A`` whose all-absent cell holds the
unknown unobserved count ``N0``. With the multinomial coefficient, a prior on ``N`` (``1/N`` by
default, as dga) and equal prior weight on the graphs, this gives the joint posterior of graph and
``N0`` on a grid; summing over graphs averages the models by their posterior probabilities.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln, logsumexp

from kintrace.errors import InvalidInput
from kintrace.estimation.histories import CaptureHistories
from kintrace.estimation.poisson import FloatArray

MAX_LISTS = 5
GRID_POINTS = 20_000


@dataclass(frozen=True, slots=True)
class Graph:
    """A decomposable graph: its edges, maximal cliques and separators (lists from 0)."""

    edges: tuple[tuple[int, int], ...]
    cliques: tuple[frozenset[int], ...]
    separators: tuple[frozenset[int], ...]

    def name(self) -> str:
        """Return the graph as its cliques, e.g. ``[12][3]`` (lists from 1)."""
        return "".join(
            "[" + "".join(str(v + 1) for v in sorted(c)) + "]"
            for c in sorted(self.cliques, key=sorted)
        )


@dataclass(frozen=True, slots=True)
class DecomposableEstimate:
    """Model-averaged posterior of the total population."""

    median: float
    mean: float
    ci_low: float
    ci_high: float
    top_graph: str
    top_probability: float
    graphs: int


def _perfect_cliques(n: int, adjacency: list[set[int]]) -> list[frozenset[int]] | None:
    """Return the maximal cliques in a perfect order, or None when the graph is not chordal.

    Maximum cardinality search (Tarjan & Yannakakis 1984): the graph is chordal iff each
    vertex's earlier neighbours form a clique; the sets ``{v} + earlier neighbours`` that are
    maximal, in visiting order, have the running intersection property.
    """
    order: list[int] = []
    weight = [0] * n
    unvisited = set(range(n))
    while unvisited:
        v = max(sorted(unvisited), key=lambda u: weight[u])
        order.append(v)
        unvisited.remove(v)
        for u in adjacency[v] & unvisited:
            weight[u] += 1
    position = {v: i for i, v in enumerate(order)}
    candidates: list[frozenset[int]] = []
    for v in order:
        earlier = {u for u in adjacency[v] if position[u] < position[v]}
        if any(b not in adjacency[a] for a, b in itertools.combinations(earlier, 2)):
            return None
        candidates.append(frozenset(earlier | {v}))
    return [c for c in candidates if not any(c < other for other in candidates)]


def decomposable_graphs(n_lists: int) -> list[Graph]:
    """Return every decomposable graph on ``n_lists`` vertices.

    >>> [len(decomposable_graphs(k)) for k in (2, 3, 4)]
    [2, 8, 61]
    """
    pairs = list(itertools.combinations(range(n_lists), 2))
    graphs: list[Graph] = []
    for mask in range(2 ** len(pairs)):
        edges = tuple(p for i, p in enumerate(pairs) if mask >> i & 1)
        adjacency: list[set[int]] = [set() for _ in range(n_lists)]
        for a, b in edges:
            adjacency[a].add(b)
            adjacency[b].add(a)
        cliques = _perfect_cliques(n_lists, adjacency)
        if cliques is None:
            continue
        separators = []
        seen: set[int] = set()
        for clique in cliques:
            separator = clique & seen
            if separator:
                separators.append(frozenset(separator))
            seen |= clique
        graphs.append(Graph(edges=edges, cliques=tuple(cliques), separators=tuple(separators)))
    return graphs


def _subset_log_likelihoods(
    table: CaptureHistories, n_missing: FloatArray, delta: float
) -> dict[frozenset[int], FloatArray]:
    """Return ``log m(A)`` over the grid for every non-empty subset ``A`` of the lists."""
    k = table.n_lists
    members = table.membership()
    total_prior = delta * 2**k
    n_total = table.n_observed + n_missing
    shared = gammaln(total_prior) - gammaln(n_total + total_prior)
    result: dict[frozenset[int], FloatArray] = {}
    for size in range(1, k + 1):
        for subset in itertools.combinations(range(k), size):
            prior = delta * 2 ** (k - size)
            codes = (members[:, list(subset)] << np.arange(size)).sum(axis=1)
            marginal = np.bincount(codes, weights=table.counts, minlength=2**size)
            present = marginal[1:]
            constant = float(np.sum(gammaln(present + prior)) - 2**size * gammaln(prior))
            result[frozenset(subset)] = shared + gammaln(marginal[0] + n_missing + prior) + constant
    return result


def log_posterior(
    table: CaptureHistories,
    n_missing: FloatArray,
    *,
    delta: float | None = None,
    log_prior: FloatArray | None = None,
    graphs: list[Graph] | None = None,
) -> tuple[list[Graph], FloatArray]:
    """Return the graphs and the unnormalised log posterior of (graph, N0) on the grid.

    Args:
        table: the capture histories (at most :data:`MAX_LISTS` lists).
        n_missing: grid of values of the unobserved count ``N0``.
        delta: hyper-Dirichlet prior persons per cell of the full table (default ``2**-K``).
        log_prior: log prior of ``N = n + N0`` on the grid (default ``-log N``, as dga).
        graphs: the models (default: every decomposable graph).
    """
    k = table.n_lists
    if k > MAX_LISTS:
        raise InvalidInput(f"--decomposable: at most {MAX_LISTS} lists, the table has {k}")
    chosen = graphs if graphs is not None else decomposable_graphs(k)
    prior_delta = 2.0**-k if delta is None else delta
    n_total = table.n_observed + n_missing
    terms = _subset_log_likelihoods(table, n_missing, prior_delta)
    observed = table.counts.astype(np.float64)
    coefficient = (
        gammaln(n_total + 1) - gammaln(n_missing + 1) - float(np.sum(gammaln(observed + 1)))
    )
    prior = -np.log(n_total) if log_prior is None else log_prior
    weights = np.empty((len(chosen), len(n_missing)))
    for i, graph in enumerate(chosen):
        row = coefficient + prior
        for clique in graph.cliques:
            row = row + terms[clique]
        for separator in graph.separators:
            row = row - terms[separator]
        weights[i] = row
    return chosen, weights


def _grid(table: CaptureHistories, graphs: list[Graph]) -> FloatArray:
    """Return a grid of N0 that holds all but a negligible part of the posterior."""
    n = table.n_observed
    coarse = np.unique(np.round(np.concatenate([[0.0], np.geomspace(1, 1000.0 * n, 4000)])))
    _, weights = log_posterior(table, coarse, graphs=graphs)
    averaged = logsumexp(weights, axis=0)
    widths = np.gradient(coarse)
    mass = np.exp(averaged - averaged.max()) * widths
    cumulative = np.cumsum(mass) / mass.sum()
    low = coarse[max(int(np.searchsorted(cumulative, 1e-7)) - 1, 0)]
    high = coarse[min(int(np.searchsorted(cumulative, 1 - 1e-7)) + 1, len(coarse) - 1)]
    step = max(1.0, np.ceil((high - low) / GRID_POINTS))
    return np.arange(low, high + step, step)


def _quantile(values: FloatArray, probabilities: FloatArray, q: float) -> float:
    cumulative = np.cumsum(probabilities)
    return float(values[min(int(np.searchsorted(cumulative, q)), len(values) - 1)])


def estimate_decomposable(table: CaptureHistories) -> DecomposableEstimate:
    """Average every decomposable graph's posterior of N (uniform over graphs, ``p(N) ∝ 1/N``).

    The grid of ``N0`` is found from a coarse pass (all but ``2e-7`` of the posterior) and then
    laid at integer steps (or coarser, at most :data:`GRID_POINTS` points, for large tables).
    """
    graphs = decomposable_graphs(table.n_lists)
    grid = _grid(table, graphs)
    _, weights = log_posterior(table, grid, graphs=graphs)
    joint = np.exp(weights - logsumexp(weights))
    by_n = joint.sum(axis=0)
    by_graph = joint.sum(axis=1)
    total = table.n_observed + grid
    top = int(np.argmax(by_graph))
    return DecomposableEstimate(
        median=_quantile(total, by_n, 0.5),
        mean=float(np.sum(total * by_n)),
        ci_low=_quantile(total, by_n, 0.025),
        ci_high=_quantile(total, by_n, 0.975),
        top_graph=graphs[top].name(),
        top_probability=float(by_graph[top]),
        graphs=len(graphs),
    )


def integer_grid(start: int, stop: int) -> npt.NDArray[np.float64]:
    """Return the grid ``start, start + 1, ..., stop`` of unobserved counts, as floats."""
    return np.arange(start, stop + 1, dtype=np.float64)
