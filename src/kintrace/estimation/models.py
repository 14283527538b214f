"""Names and design matrices of the log-linear capture-recapture models.

Each model is a Poisson regression on the ``2**K - 1`` observable histories (zeros included); the
count of the unobserved history is ``exp(intercept)``. The models and their columns are those of
Rcapture's ``closedp.t`` (Baillargeon & Rivest 2007, J. Stat. Softw. 19(5), section 2; the
heterogeneity columns after Rivest & Baillargeon 2007 and Rivest 2008):

========== ==================================================================================
``M0``     one column: the number of lists ``k`` a history is on
``Mt``     one column per list (0/1): each list has its own capture probability
``Mh X``   ``k`` plus a heterogeneity column ``f(k)``
``Mth X``  the list columns plus ``f(k)``
========== ==================================================================================

with ``f(k)`` = ``Chao`` (Chao's lower bound, ``max(k - j + 1, 0)`` for ``j = 3 .. K``, each
negative coefficient removed in turn), ``Poisson2`` (``2**k - 1``), ``Darroch`` (``k**2 / 2``) or
``Gamma3.5`` (``-log(3.5 + k) + log(3.5)``).

Hierarchical models are written by their two-way terms with lists numbered from 1 in column order:
``[12,34]`` has every list's main effect plus the 1·2 and 3·4 interactions (Rcapture's ``mX``
notation in ``closedpCI.t``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from kintrace.errors import InvalidInput
from kintrace.estimation.histories import history_matrix
from kintrace.estimation.poisson import FloatArray

HETEROGENEITY = ("Chao", "Poisson2", "Darroch", "Gamma3.5")
NAMED_MODELS = (
    "M0",
    "Mt",
    *(f"Mh {h}" for h in HETEROGENEITY),
    *(f"Mth {h}" for h in HETEROGENEITY),
)
MAX_HIERARCHICAL_LISTS = 9
"""Two-way terms are written with one digit per list, so hierarchical models stop at 9 lists."""
MAX_SEARCH_LISTS = 5
"""Without ``--models``, every subset of two-way terms is searched up to this many lists."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One log-linear model: list effects, heterogeneity column(s), two-way interactions."""

    name: str
    per_list: bool
    heterogeneity: str | None = None
    interactions: tuple[tuple[int, int], ...] = ()


def parse_model(name: str, n_lists: int) -> ModelSpec:
    """Return the model that ``name`` names for a table of ``n_lists`` lists.

    >>> parse_model("[34, 12]", 4)
    ModelSpec(name='[12,34]', per_list=True, heterogeneity=None, interactions=((0, 1), (2, 3)))
    >>> parse_model("Mth Darroch", 4).heterogeneity
    'Darroch'
    """
    text = " ".join(name.split())
    if text in ("M0", "Mt"):
        return ModelSpec(name=text, per_list=text == "Mt")
    if text in NAMED_MODELS:
        family, heterogeneity = text.split(" ")
        if n_lists < 3:
            raise InvalidInput(f"--models: {text!r} needs at least 3 lists, the table has 2")
        return ModelSpec(name=text, per_list=family == "Mth", heterogeneity=heterogeneity)
    if text.startswith("[") and text.endswith("]"):
        return _parse_hierarchical(text, n_lists)
    raise InvalidInput(
        f"--models: unknown model {name!r} (known: {', '.join(NAMED_MODELS)}, or two-way terms "
        "such as [12,34])"
    )


def _parse_hierarchical(text: str, n_lists: int) -> ModelSpec:
    if n_lists > MAX_HIERARCHICAL_LISTS:
        raise InvalidInput(
            f"--models: {text!r}: two-way terms are written for at most "
            f"{MAX_HIERARCHICAL_LISTS} lists, the table has {n_lists}"
        )
    body = text[1:-1].replace(" ", "")
    pairs: set[tuple[int, int]] = set()
    for term in body.split(",") if body else []:
        if len(term) != 2 or not term.isdigit():
            raise InvalidInput(f"--models: {text!r}: term {term!r} is not two list numbers")
        a, b = int(term[0]), int(term[1])
        if a == b or not (1 <= a <= n_lists and 1 <= b <= n_lists):
            raise InvalidInput(
                f"--models: {text!r}: term {term!r} must name two different lists 1..{n_lists}"
            )
        pairs.add((min(a, b) - 1, max(a, b) - 1))
    ordered = tuple(sorted(pairs))
    return ModelSpec(name=hierarchical_name(ordered), per_list=True, interactions=ordered)


def hierarchical_name(pairs: tuple[tuple[int, int], ...]) -> str:
    """Return the ``[12,34]`` name of a set of two-way terms (lists numbered from 0 inside)."""
    return "[" + ",".join(f"{a + 1}{b + 1}" for a, b in pairs) + "]"


def default_models(n_lists: int) -> list[ModelSpec]:
    """Return the models fitted without ``--models``.

    The named models (only ``M0`` and ``Mt`` for two lists, where ``Mt`` is already saturated)
    and, from 3 up to :data:`MAX_SEARCH_LISTS` lists, every model with all main effects and a
    non-empty subset of two-way terms (the empty subset is ``Mt``).
    """
    names = NAMED_MODELS if n_lists >= 3 else ("M0", "Mt")
    specs = [parse_model(name, n_lists) for name in names]
    if 3 <= n_lists <= MAX_SEARCH_LISTS:
        all_pairs = list(itertools.combinations(range(n_lists), 2))
        for size in range(1, len(all_pairs) + 1):
            for subset in itertools.combinations(all_pairs, size):
                specs.append(
                    ModelSpec(name=hierarchical_name(subset), per_list=True, interactions=subset)
                )
    return specs


def heterogeneity_columns(kind: str, n_captures: FloatArray, n_lists: int) -> FloatArray:
    """Return the heterogeneity column(s) ``f(k)`` for the numbers of captures ``k``."""
    if kind == "Chao":
        return np.column_stack([np.maximum(n_captures - j + 1, 0.0) for j in range(3, n_lists + 1)])
    if kind == "Poisson2":
        return (2.0**n_captures - 1.0)[:, None]
    if kind == "Darroch":
        return (n_captures**2 / 2.0)[:, None]
    if kind == "Gamma3.5":
        return (-np.log(3.5 + n_captures) + math.log(3.5))[:, None]
    raise ValueError(f"unknown heterogeneity {kind!r}")


def design_matrix(spec: ModelSpec, n_lists: int) -> tuple[FloatArray, int]:
    """Return the design (intercept first) over the observable histories, and its count of
    columns before the heterogeneity columns (needed to remove Chao's negative etas)."""
    members = history_matrix(n_lists).astype(np.float64)
    n_captures = members.sum(axis=1)
    columns: list[FloatArray] = [np.ones((members.shape[0], 1))]
    columns.append(members if spec.per_list else n_captures[:, None])
    if spec.interactions:
        columns.append(
            np.column_stack([members[:, a] * members[:, b] for a, b in spec.interactions])
        )
    fixed = sum(c.shape[1] for c in columns)
    if spec.heterogeneity is not None:
        columns.append(heterogeneity_columns(spec.heterogeneity, n_captures, n_lists))
    return np.hstack(columns), fixed
