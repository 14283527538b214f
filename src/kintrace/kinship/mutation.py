"""Mutation models for STR markers, defined exactly as in the R package pedmut.

A mutation matrix ``M`` has one row per parental allele and one column per transmitted allele;
each row sums to 1. Models (pedmut ``mutationMatrix``, version 0.9):

* ``equal``: ``M[i,i] = 1 - rate``; ``M[i,j] = rate / (n - 1)``.
* ``proportional``: ``M = (1 - a) I + a 1 p^T`` with ``a = rate / sum(p (1 - p))``; undefined
  when ``rate > (1 - sum p^2) / (1 - min p)``.
* ``random``: uniform numbers, rows normalised; with ``seed``, R's ``set.seed(seed); runif``
  stream (see :mod:`kintrace.kinship.rrandom`) so the matrix equals pedmut's; with ``rate``, the
  diagonal is drawn so that the overall rate ``sum p_i (1 - M[i,i])`` equals ``rate``.
* ``stepwise``: alleles fall in groups by their decimal part (integers, ``.1``, ``.2``, ``.3``);
  within a group, mutation weight ``range^|i - j|`` scaled to total ``rate``; to other groups
  ``rate2 / (n - size of own group)`` each; diagonal ``1 - rate``, ``1 - rate2`` or
  ``1 - rate - rate2`` when the allele's group is everything, only itself, or neither.
* ``onestep``: integer alleles; ``rate`` split equally between the one or two neighbours at
  distance 1; diagonal ``1 - rate`` (1 with no neighbour).
* ``dawid``: reversible stepwise model of Dawid et al. (2002): off-diagonal
  ``rate / p_i * (1 - range) / (2 range (n - a)) * range^|i - j|`` with ``a = (1 - range^n) /
  (1 - range)`` and ``|i - j|`` the distance in the sorted allele list; diagonal makes rows sum 1.
* ``trivial``: the identity (no mutation). ``custom``: a given matrix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kintrace.errors import InvalidInput
from kintrace.kinship.markers import Marker
from kintrace.kinship.rrandom import RUniform

MODELS = ("equal", "proportional", "random", "stepwise", "onestep", "dawid", "trivial", "custom")
_KEYS = ("rate", "rate2", "range", "seed")


@dataclass(frozen=True, slots=True, eq=False)
class MutationSpec:
    """One sex's mutation model: pedmut's model name and parameters (or a custom matrix)."""

    model: str
    rate: float | None = None
    rate2: float | None = None
    range: float | None = None
    seed: int | None = None
    matrix: npt.NDArray[np.float64] | None = None


@dataclass(frozen=True, slots=True)
class MutationModel:
    """Female and male mutation models; ``None`` for a sex means no mutation."""

    female: MutationSpec | None = None
    male: MutationSpec | None = None

    @classmethod
    def both(cls, spec: MutationSpec | None) -> MutationModel:
        """Use one model for both sexes."""
        return cls(female=spec, male=spec)


NO_MUTATION = MutationModel()

MutationByMarker = Mapping[str, MutationModel]
"""Mutation models by marker name (Familias files give one per marker)."""


def marker_mutation(mutation: MutationModel | MutationByMarker, marker: str) -> MutationModel:
    """Return the model of one marker: the model itself, or its entry (none: no mutation).

    >>> marker_mutation({"TH01": MutationModel.both(MutationSpec("equal", rate=0.1))}, "VWA")
    MutationModel(female=None, male=None)
    """
    if isinstance(mutation, MutationModel):
        return mutation
    return mutation.get(marker, NO_MUTATION)


def parse_mutation_spec(text: str) -> MutationSpec:
    """Parse ``MODEL`` or ``MODEL:key=value,...`` (keys rate, rate2, range, seed).

    >>> parse_mutation_spec("stepwise:rate=0.002,rate2=1e-6,range=0.1").rate2
    1e-06
    """
    model, _, rest = text.strip().partition(":")
    model = model.strip().lower()
    if model not in MODELS or model == "custom":
        raise InvalidInput(f"mutation model {model!r}: expected one of {', '.join(MODELS[:-1])}")
    values: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, value = item.partition("=")
        key = key.strip().lower()
        if not eq or key not in _KEYS:
            raise InvalidInput(f"mutation {text!r}: {item!r} is not key=value with key in {_KEYS}")
        try:
            values[key] = float(value)
        except ValueError:
            raise InvalidInput(f"mutation {text!r}: {key} {value!r} is not a number") from None
    spec = MutationSpec(
        model=model,
        rate=values.get("rate"),
        rate2=values.get("rate2"),
        range=values.get("range"),
        seed=int(values["seed"]) if "seed" in values else None,
    )
    _check_parameters(spec)
    return spec


def _check_parameters(spec: MutationSpec) -> None:
    needed = {
        "equal": ("rate",),
        "proportional": ("rate",),
        "onestep": ("rate",),
        "stepwise": ("rate", "rate2", "range"),
        "dawid": ("rate", "range"),
    }.get(spec.model, ())
    problems = [
        f"mutation model {spec.model}: {k} is required" for k in needed if getattr(spec, k) is None
    ]
    for key in ("rate", "rate2"):
        value = getattr(spec, key)
        if value is not None and not (0.0 <= value <= 1.0):
            problems.append(f"mutation model {spec.model}: {key} {value} not in [0, 1]")
    if spec.range is not None and not spec.range > 0:
        problems.append(f"mutation model {spec.model}: range {spec.range} must be positive")
    if spec.model == "dawid" and spec.range is not None and not spec.range < 1:
        problems.append(f"mutation model dawid: range {spec.range} must be in (0, 1)")
    if spec.model == "stepwise" and (spec.rate or 0.0) + (spec.rate2 or 0.0) > 1.0:
        problems.append("mutation model stepwise: rate + rate2 must be in [0, 1]")
    if problems:
        raise InvalidInput(problems[0], problems=problems)


def mutation_matrix(spec: MutationSpec | None, marker: Marker) -> npt.NDArray[np.float64]:
    """Build the mutation matrix of a model over all alleles of a marker (pedmut's definitions).

    Args:
        spec: the model; None gives the identity.
        marker: alleles (sorted, as pedtools sorts them) and their frequencies.

    Returns:
        An ``n x n`` row-stochastic matrix, rows = parental allele, columns = transmitted allele.

    >>> from kintrace.kinship.markers import make_marker
    >>> m = make_marker("M", {"1": 0.5, "2": 0.5})
    >>> mutation_matrix(MutationSpec("equal", rate=0.1), m).tolist()
    [[0.9, 0.1], [0.1, 0.9]]
    """
    n = marker.n_alleles
    if spec is None or n == 1 or spec.model == "trivial":
        return np.eye(n)
    _check_parameters(spec)
    rate = spec.rate if spec.rate is not None else 0.0
    p = marker.freqs
    if spec.model == "equal":
        result = np.full((n, n), rate / (n - 1))
        np.fill_diagonal(result, 1.0 - rate)
        return result
    if spec.model == "proportional":
        return _proportional(p, rate, marker.name)
    if spec.model == "random":
        return _random(p, spec)
    if spec.model == "stepwise":
        return _stepwise(marker, rate, spec.rate2 or 0.0, spec.range or 1.0)
    if spec.model == "onestep":
        return _onestep(marker, rate)
    if spec.model == "dawid":
        return _dawid(marker, rate, spec.range or 0.5)
    return _custom(spec, marker)


def _proportional(p: npt.NDArray[np.float64], rate: float, name: str) -> npt.NDArray[np.float64]:
    max_rate = (1.0 - float(np.sum(p**2))) / (1.0 - float(p.min()))
    if rate > max_rate:
        raise InvalidInput(f"marker {name}: proportional model undefined for rate > {max_rate:.6g}")
    a = rate / float(np.sum(p * (1.0 - p)))
    n = p.size
    result: npt.NDArray[np.float64] = (1.0 - a) * np.eye(n) + a * np.tile(p, (n, 1))
    return result


def _random(p: npt.NDArray[np.float64], spec: MutationSpec) -> npt.NDArray[np.float64]:
    seed = spec.seed if spec.seed is not None else int(np.random.default_rng().integers(2**31))
    unif = RUniform(seed)
    n = p.size
    if spec.rate is None:
        # R fills the matrix column by column.
        draws = unif.runif(n * n).reshape((n, n), order="F")
        normalised: npt.NDArray[np.float64] = draws / draws.sum(axis=1, keepdims=True)
        return normalised
    m0 = np.full(n, 1.0 - spec.rate)
    u = unif.runif(n)
    v = u - float(np.sum(u * p)) / float(np.sum(p * p)) * p
    with np.errstate(divide="ignore", invalid="ignore"):
        k1, k2 = (0.0 - m0) / v, (1.0 - m0) / v
    k_min = float(np.max(np.minimum(k1, k2)))
    k_max = float(np.min(np.maximum(k1, k2)))
    k = float(unif.runif(1, k_min, k_max)[0])
    diagonal = m0 + k * v
    result = np.diag(diagonal)
    for i in range(n):
        y = unif.runif(n - 1)
        result[i, np.arange(n) != i] = y / y.sum() * (1.0 - diagonal[i])
    return result


def _numeric_alleles(marker: Marker, model: str, integer: bool) -> npt.NDArray[np.float64]:
    values = np.round(marker.values(), 2)
    if np.isnan(values).any():
        raise InvalidInput(f"marker {marker.name}: the {model} model needs numeric alleles")
    if integer and (np.round(values) != values).any():
        raise InvalidInput(f"marker {marker.name}: the {model} model needs integer alleles")
    if (np.round(values, 1) != values).any():
        raise InvalidInput(f"marker {marker.name}: microvariants must have one decimal")
    return values


def _stepwise(
    marker: Marker, rate: float, rate2: float, step_range: float
) -> npt.NDArray[np.float64]:
    values = _numeric_alleles(marker, "stepwise", integer=False)
    group = np.round((values - np.round(values)) * 10)
    n = values.size
    result = np.zeros((n, n))
    for i in range(n):
        same = group == group[i]
        n_same = int(same.sum())
        if n_same == n:
            result[i, i] = 1.0 - rate
        elif n_same == 1:
            result[i, i] = 1.0 - rate2
        else:
            result[i, i] = 1.0 - rate - rate2
        if n_same < n:
            result[i, ~same] = rate2 / (n - n_same)
        others = same.copy()
        others[i] = False
        if others.any():
            weights = step_range ** np.abs(values[i] - values[others])
            result[i, others] = weights / weights.sum() * rate
    return result


def _onestep(marker: Marker, rate: float) -> npt.NDArray[np.float64]:
    values = _numeric_alleles(marker, "onestep", integer=True)
    n = values.size
    result = np.zeros((n, n))
    for i in range(n):
        neighbours = np.abs(values - values[i]) == 1
        count = int(neighbours.sum())
        result[i, i] = 1.0 - rate if count else 1.0
        if count:
            result[i, neighbours] = rate / count
    return result


def _dawid(marker: Marker, rate: float, step_range: float) -> npt.NDArray[np.float64]:
    _numeric_alleles(marker, "dawid", integer=True)
    p = marker.freqs
    n = p.size
    a = (1.0 - step_range**n) / (1.0 - step_range)
    steps = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    scale = (1.0 - step_range) / (2.0 * step_range * (n - a))
    result: npt.NDArray[np.float64] = (rate / p)[:, None] * scale * step_range**steps
    np.fill_diagonal(result, 0.0)
    diagonal = 1.0 - result.sum(axis=1)
    if (diagonal < 0).any():
        max_rate = 1.0 / float(np.max((result / rate).sum(axis=1)))
        raise InvalidInput(f"marker {marker.name}: dawid model undefined for rate > {max_rate:.6g}")
    np.fill_diagonal(result, diagonal)
    return result


def _custom(spec: MutationSpec, marker: Marker) -> npt.NDArray[np.float64]:
    matrix = spec.matrix
    n = marker.n_alleles
    if matrix is None or matrix.shape != (n, n):
        raise InvalidInput(f"marker {marker.name}: custom mutation matrix must be {n} x {n}")
    if (matrix < 0).any() or (matrix > 1).any() or not np.allclose(matrix.sum(axis=1), 1.0):
        raise InvalidInput(f"marker {marker.name}: custom matrix entries in [0, 1], rows sum 1")
    return np.asarray(matrix, dtype=np.float64)
