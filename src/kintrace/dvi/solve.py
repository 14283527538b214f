"""The whole DVI analysis: pairwise LRs, undisputed identifications, joint search, conclusions.

Conclusions (per missing person; the same words per body):

* ``undisputed``: identified in the undisputed step (:mod:`kintrace.dvi.undisputed`);
* ``probable``: paired in the best joint solution, with pairwise LR at least ``probable_lr``
  (``threshold / 10``, 1000 by default, as dvir's ``threshold2``) and a guaranteed *lower
  bound* on the posterior pairing probability at least ``probable`` (0.99 by default, flat
  prior): the larger of the joint search's bound (:attr:`JointResult.lower`, which accounts for
  the assignments the search skipped and the pairs left out of its groups) and the pair's local
  bound (:func:`kintrace.dvi.joint.local_lower_bound`). An estimate alone never makes a pairing
  probable;
* ``disputed``: paired in the best solution, below ``probable``, and a competing pairing of the
  same body or person has posterior at least ``disputed`` (0.1);
* ``inconclusive``: any other case with some posterior weight on a pairing;
* ``no match``: no candidate, or the posterior of no identification is at least ``probable``;
* ``excluded``: every sex-consistent (identifiable) counterpart has LR 0 or more than
  ``max_incompatible`` incompatible markers;
* ``not identifiable``: the family's typed relatives cannot tell the person from an unrelated
  one (every LR is 1; dvir ``findNonidentifiable``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from kintrace.dvi.data import DviData
from kintrace.dvi.joint import JointResult, Pairs, Solution, joint_search, local_lower_bound
from kintrace.dvi.likelihoods import (
    family_log10_likelihood,
    placed_log10_lr,
    profile_log10_likelihood,
)
from kintrace.dvi.pairwise import PairwiseMatrix
from kintrace.dvi.undisputed import Undisputed, identify_undisputed
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import NO_MUTATION, MutationModel
from kintrace.kinship.pedfile import Family

LN10 = math.log(10.0)


class Conclusion(StrEnum):
    """What the evidence says about one missing person or one body (see the module docstring)."""

    UNDISPUTED = "undisputed"
    PROBABLE = "probable"
    DISPUTED = "disputed"
    INCONCLUSIVE = "inconclusive"
    NO_MATCH = "no match"
    EXCLUDED = "excluded"
    NOT_IDENTIFIABLE = "not identifiable"


@dataclass(frozen=True, slots=True)
class Settings:
    """Thresholds of the analysis (defaults as in dvir where dvir has one)."""

    threshold: float = 1e4
    max_incompatible: int = 2
    limit: float = 0.0
    group_limit: float = 1.0
    """Model pairs with a lower LR are left out of the joint search (their mass is bounded)."""
    top: int = 20
    probable: float = 0.99
    probable_lr: float | None = None
    """Minimum pairwise LR of a probable pairing; None: ``max(1, threshold / 10)`` (dvir)."""
    disputed: float = 0.1
    max_enumerate: int = 100_000
    keep: int = 500


@dataclass(frozen=True, slots=True)
class Identification:
    """The conclusion for one missing person (or one body): the counterpart, LR and posterior.

    ``lr`` is the pairwise LR of the pair (None without a counterpart); ``posterior`` is the
    posterior pairing probability under a flat prior (for an undisputed pair, the LR over the
    LR plus one plus every competing LR of its row and column, a lower bound).
    """

    family: str | None
    missing: str | None
    remains: str | None
    lr: float | None
    posterior: float | None
    conclusion: Conclusion
    posterior_lower: float | None = None
    """A guaranteed lower bound on the posterior (within the model; see the module docstring)."""


@dataclass(frozen=True, slots=True)
class JointAssignment:
    """A joint solution over every remains (undisputed pairs included)."""

    assignment: dict[str, str | None]
    loglik: float
    lr: float
    posterior: float


@dataclass(frozen=True, slots=True, eq=False)
class DviResult:
    """Everything the analysis found."""

    pairwise: PairwiseMatrix
    undisputed: tuple[Undisputed, ...]
    undisputed_posterior: tuple[float, ...]
    reduced: PairwiseMatrix
    joint: JointResult
    solutions: tuple[JointAssignment, ...]
    missing: tuple[Identification, ...]
    remains: tuple[Identification, ...]
    families: tuple[Family, ...]

    def as_dict(self) -> dict[str, object]:
        """Return the OUT.json shape of ``kintrace dvi``."""
        lr = self.pairwise.lr()
        return {
            "pairwise_lr": {
                "remains": list(self.pairwise.remains),
                "missing": list(self.pairwise.missing),
                "lr": [
                    [None if math.isnan(x) else _finite(float(x)) for x in lr[:, c]]
                    for c in range(lr.shape[1])
                ],
            },
            "undisputed": [
                {"remains": u.remains, "missing": u.missing, "family": u.family, "lr": u.lr}
                for u in self.undisputed
            ],
            "joint": [
                {
                    "assignment": s.assignment,
                    "loglik": _finite(s.loglik),
                    "lr": _finite(s.lr),
                    "posterior": s.posterior,
                }
                for s in self.solutions
            ],
            "identifications": [
                {
                    "family": i.family,
                    "missing": i.missing,
                    "remains": i.remains,
                    "lr": None if i.lr is None else _finite(i.lr),
                    "conclusion": i.conclusion.value,
                }
                for i in self.missing
            ],
        }


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def solve_dvi(
    data: DviData,
    table: FrequencyTable,
    mutation: MutationModel = NO_MUTATION,
    settings: Settings | None = None,
    *,
    families_source: str = "",
    remains_source: str = "",
) -> DviResult:
    """Run the whole analysis: pairwise LRs, undisputed, joint search, conclusions.

    >>> from kintrace.kinship.markers import make_marker, FrequencyTable
    >>> from kintrace.dvi.data import parse_dvi_families, parse_remains, check_dvi
    >>> t = FrequencyTable({"M": make_marker("M", {"a": 0.25, "b": 0.75})})
    >>> fams = parse_dvi_families("family id fid mid sex missing M\\n"
    ...     "F MP 0 0 1 1 -/-\\nF CH MP 0 1 0 a/a\\n")
    >>> res = solve_dvi(check_dvi(fams, parse_remains("id sex M\\nV 1 a/b\\n")), t)
    >>> [(s.assignment, round(s.posterior, 4)) for s in res.solutions]
    [({'V': 'MP'}, 0.6667), ({'V': None}, 0.3333)]
    >>> res.missing[0].conclusion.value
    'inconclusive'
    """
    s = settings or Settings()
    found, families, left, first, pm = identify_undisputed(
        data.families, data.remains, table, mutation, threshold=s.threshold,
        families_source=families_source, remains_source=remains_source,
    )  # fmt: skip
    by_family = {f.name: f for f in families}
    by_profile = {p.id: p for p in left}
    base: dict[str, float] = {}
    cache: dict[Pairs, float] = {}

    def family_base(name: str) -> float:
        if name not in base:
            base[name] = family_log10_likelihood(by_family[name], table, mutation)
        return base[name]

    def exact_score(family: str, pairs: Pairs) -> float:
        if pairs not in cache:
            placed = {pm.missing[r]: by_profile[pm.remains[c]] for c, r in pairs}
            cache[pairs] = placed_log10_lr(
                by_family[family], placed, table, mutation, base=family_base(family)
            )
        return cache[pairs]

    joint = joint_search(
        pm, exact_score=exact_score, max_incompatible=s.max_incompatible, limit=s.limit,
        group_limit=s.group_limit, top=s.top, max_enumerate=s.max_enumerate, keep=s.keep,
    )  # fmt: skip
    log10_null = sum(family_base(f.name) for f in families) + sum(
        profile_log10_likelihood(p, table) for p in left
    )
    fixed = {u.remains: u.missing for u in found}
    solutions = tuple(
        _assignment(sol, pm, fixed, [p.id for p in data.remains], log10_null)
        for sol in joint.solutions
    )
    best = joint.solutions[0] if joint.solutions else Solution((), 0.0, 1.0)
    posts = tuple(u.posterior for u in found)
    return DviResult(
        pairwise=first,
        undisputed=tuple(found),
        undisputed_posterior=posts,
        reduced=pm,
        joint=joint,
        solutions=solutions,
        missing=tuple(_missing_conclusions(data, found, posts, pm, joint, best, s)),
        remains=tuple(_remains_conclusions(data, found, posts, pm, joint, best, s)),
        families=tuple(families),
    )


def _assignment(
    sol: Solution,
    pm: PairwiseMatrix,
    fixed: dict[str, str],
    order: Sequence[str],
    log10_null: float,
) -> JointAssignment:
    pairs = {pm.remains[c]: pm.missing[r] for c, r in sol.pairs}
    assignment: dict[str, str | None] = {v: fixed.get(v, pairs.get(v)) for v in order}
    return JointAssignment(
        assignment=assignment,
        loglik=(log10_null + sol.log10_lr) * LN10,
        lr=10.0**sol.log10_lr,
        posterior=sol.posterior,
    )


def _conclude(
    paired: bool,
    evidence: tuple[float, float, float],
    competitor: float,
    unmatched: float,
    has_candidate: bool,
    all_excluded: bool,
    s: Settings,
) -> Conclusion:
    """Conclude from ``evidence`` = (posterior estimate, its lower bound, log10 LR)."""
    posterior, lower, log10_lr = evidence
    if not has_candidate:
        return Conclusion.EXCLUDED if all_excluded else Conclusion.NO_MATCH
    if paired:
        min_lr = s.probable_lr if s.probable_lr is not None else max(1.0, s.threshold / 10.0)
        if lower >= s.probable and log10_lr >= math.log10(min_lr):
            return Conclusion.PROBABLE
        if posterior >= s.probable or competitor < s.disputed:
            return Conclusion.INCONCLUSIVE
        return Conclusion.DISPUTED
    return Conclusion.NO_MATCH if unmatched >= s.probable else Conclusion.INCONCLUSIVE


def _pair_evidence(
    pm: PairwiseMatrix, joint: JointResult, r: int, c: int
) -> tuple[float, float, float, float]:
    """Return the posterior estimate, its lower bound, log10 LR and the strongest competitor."""
    posterior = float(joint.pairing[r, c])
    local = local_lower_bound(joint.candidates, pm.log10_lr, r, c)
    lower = min(posterior, max(float(joint.lower[r, c]), local))
    row = np.delete(joint.pairing[r, :], c)
    col = np.delete(joint.pairing[:, c], r)
    competitor = float(max(row.max(initial=0.0), col.max(initial=0.0)))
    return posterior, lower, float(pm.log10_lr[r, c]), competitor


def _missing_conclusions(
    data: DviData,
    found: Sequence[Undisputed],
    posts: Sequence[float],
    pm: PairwiseMatrix,
    joint: JointResult,
    best: Solution,
    s: Settings,
) -> list[Identification]:
    done = {u.missing: (u, p) for u, p in zip(found, posts, strict=True)}
    assigned = {r: c for c, r in best.pairs}
    row_of = {m: r for r, m in enumerate(pm.missing)}
    out: list[Identification] = []
    for family, missing in data.missing:
        if missing in done:
            u, post = done[missing]
            out.append(
                Identification(family, missing, u.remains, u.lr, post, Conclusion.UNDISPUTED, post)
            )
            continue
        r = row_of[missing]
        if not pm.identifiable[r]:
            out.append(Identification(family, missing, None, None, None,
                                      Conclusion.NOT_IDENTIFIABLE))  # fmt: skip
            continue
        considered = pm.considered[r]
        has = bool(joint.candidates[r].any())
        ruled_out = (pm.incompatible[r] > s.max_incompatible) | np.isneginf(pm.log10_lr[r])
        excluded = bool(considered.any()) and bool(ruled_out[considered].all())
        c = assigned.get(r)
        posterior = lower = log10_lr = competitor = None
        if c is not None:
            posterior, lower, log10_lr, competitor = _pair_evidence(pm, joint, r, c)
        conclusion = _conclude(
            c is not None, (posterior or 0.0, lower or 0.0, log10_lr or 0.0), competitor or 0.0,
            float(joint.unmatched_missing[r]), has, excluded, s,
        )  # fmt: skip
        out.append(
            Identification(
                family,
                missing,
                None if c is None else pm.remains[c],
                None if log10_lr is None else float(10.0**log10_lr),
                posterior,
                conclusion,
                lower,
            )  # fmt: skip
        )
    return out


def _remains_conclusions(
    data: DviData,
    found: Sequence[Undisputed],
    posts: Sequence[float],
    pm: PairwiseMatrix,
    joint: JointResult,
    best: Solution,
    s: Settings,
) -> list[Identification]:
    done = {u.remains: (u, p) for u, p in zip(found, posts, strict=True)}
    assigned = {c: r for c, r in best.pairs}
    col_of = {v: c for c, v in enumerate(pm.remains)}
    out: list[Identification] = []
    for profile in data.remains:
        if profile.id in done:
            u, post = done[profile.id]
            out.append(
                Identification(
                    u.family, u.missing, profile.id, u.lr, post, Conclusion.UNDISPUTED, post
                )
            )
            continue
        c = col_of[profile.id]
        considered = pm.considered[:, c] & pm.identifiable
        has = bool(joint.candidates[:, c].any())
        ruled_out = (pm.incompatible[:, c] > s.max_incompatible) | np.isneginf(pm.log10_lr[:, c])
        excluded = bool(considered.any()) and bool(ruled_out[considered].all())
        r = assigned.get(c)
        posterior = lower = log10_lr = competitor = None
        if r is not None:
            posterior, lower, log10_lr, competitor = _pair_evidence(pm, joint, r, c)
        conclusion = _conclude(
            r is not None, (posterior or 0.0, lower or 0.0, log10_lr or 0.0), competitor or 0.0,
            float(joint.unmatched_remains[c]), has, excluded, s,
        )  # fmt: skip
        out.append(
            Identification(
                None if r is None else pm.families[r],
                None if r is None else pm.missing[r],
                profile.id,
                None if log10_lr is None else float(10.0**log10_lr),
                posterior,
                conclusion,
                lower,
            )  # fmt: skip
        )
    return out
