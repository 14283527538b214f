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
* ``no match``: the remains examined are not his (for a body: it is none of the families'
  missing persons). Either no candidate is left at all (no remains of a consistent sex), or,
  not being paired in the best solution, a guaranteed *lower bound* on the posterior
  probability that he is paired with none of the remains is at least ``probable``: the
  larger of the joint search's bound and ``1 / (1 + sum of his model LRs)``
  (:func:`kintrace.dvi.joint.unmatched_lower_bounds`); an estimate alone never makes the
  call. The prior is the flat prior over joint assignments of every posterior here (each
  assignment of remains to missing persons, each body to at most one person and each person
  to at most one body, equally likely), conditional on the undisputed identifications and
  within the model pairs. Under that prior the more remains are compared, the more prior
  weight goes to his being among them, so ``no match`` needs his family to rule the bodies
  out. It says nothing about whether he is alive or dead, nor about remains not recovered or
  not typed;
* **chance bound** (a safeguard on the two calls above, not part of dvir): an unrelated
  person's LR has expectation 1, so ``P(LR >= x | unrelated) <= 1/x`` (Turing's bound, Good
  1950; Ripley); the chance that any of the ``N`` sex-consistent remains compared with a missing
  person reaches the pair's LR ``x`` by chance is at most ``N / x``. A pairing is concluded
  ``undisputed`` or ``probable`` only when ``N / x <= max_chance`` (0.01 by default, the level
  of ``probable``); otherwise it is ``disputed`` (a competing pairing at least ``disputed``) or
  ``inconclusive``, with a :attr:`Identification.reason`. An undisputed pair found in a later
  round of a family whose earlier pair was held back so is held back too (its LR assumed that
  body). The undisputed list and the joint posteriors stay as the method defines them;
* ``excluded``: every sex-consistent (identifiable) counterpart has LR 0 or more than
  ``max_incompatible`` incompatible markers;
* ``not identifiable``: the family's typed relatives cannot tell the person from an unrelated
  one (every LR is 1; dvir ``findNonidentifiable``) and no blood relative of his is missing in
  the family (else he may be identified jointly and enters the joint search).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kintrace.dvi.data import DviData, independent_groups, jointly_informative
from kintrace.dvi.joint import JointResult, Pairs, Solution, joint_search, local_lower_bound
from kintrace.dvi.likelihoods import placed_log10_lrs, profile_log10_likelihood
from kintrace.dvi.pairwise import PairwiseMatrix
from kintrace.dvi.undisputed import Undisputed, undisputed_rounds
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
    max_chance: float = 0.01
    """Largest ``N / LR`` of a concluded pairing (chance bound; see the module docstring)."""
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
    reason: str | None = None
    """Why a pairing that the method would call is not concluded (the chance bound)."""


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
                "lr": [_column(lr[:, c]) for c in range(lr.shape[1])],
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


def _power10(x: float) -> float:
    """Return ``10**x``, infinity beyond the largest float (three missing brothers placed
    together reached LR 10^320; ``10.0**x`` raised OverflowError).

    >>> _power10(2.0), _power10(320.0)
    (100.0, inf)
    """
    try:
        return float(10.0**x)
    except OverflowError:
        return math.inf


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _column(values: npt.NDArray[np.float64]) -> list[float | None]:
    """One column of the pairwise LRs for OUT.json: floats, None where nan or infinite."""
    items: list[float | None] = values.tolist()
    if np.isfinite(values).all():
        return items
    return [x if x is not None and math.isfinite(x) else None for x in items]


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
    rounds = undisputed_rounds(
        data.families, data.remains, table, mutation, threshold=s.threshold,
        families_source=families_source, remains_source=remains_source,
    )  # fmt: skip
    found, families, left = rounds.found, rounds.families, rounds.remains
    first, pm = rounds.first, rounds.reduced
    # the joint search weighs every missing person who may be told apart jointly: pairwise
    # identifiable, or a blood relative of another missing person of his family
    related = {m for f in families for m in jointly_informative(f)}
    pm = replace(
        pm, identifiable=pm.identifiable | np.array([m in related for m in pm.missing], bool)
    )
    by_family = {f.name: f for f in families}
    by_profile = {p.id: p for p in left}
    # L(F) of every family after the undisputed identifications, from the peeling that gave
    # the LR tables: the null assignment's likelihood and the base of every exact score
    base = rounds.log10_family
    cache: dict[Pairs, float] = {}

    def exact_score(family: str, placements: Sequence[Pairs]) -> list[float]:
        todo = list(dict.fromkeys(p for p in placements if p not in cache))
        cache.update(
            zip(todo, placed_log10_lrs(
                by_family[family], [{pm.missing[r]: by_profile[pm.remains[c]] for c, r in p}
                                    for p in todo],
                table, mutation, base=base[family],
            ), strict=True)
        )  # fmt: skip
        return [cache[p] for p in placements]

    # missing persons of one family that its typed members (victims placed as undisputed
    # included) separate are searched as separate units: their placements multiply
    groups = {f.name: independent_groups(f) for f in families}
    unit_of = [
        f"{family}\x00{groups[family].get(m, -1)}"
        for family, m in zip(pm.families, pm.missing, strict=True)
    ]
    joint = joint_search(
        pm, exact_score=exact_score, max_incompatible=s.max_incompatible, limit=s.limit,
        group_limit=s.group_limit, top=s.top, max_enumerate=s.max_enumerate, keep=s.keep,
        unit_of=unit_of,
    )  # fmt: skip
    log10_null = sum(base.values()) + sum(profile_log10_likelihood(p, table) for p in left)
    fixed = {u.remains: u.missing for u in found}
    solutions = tuple(
        _assignment(sol, pm, fixed, [p.id for p in data.remains], log10_null)
        for sol in joint.solutions
    )
    best = joint.solutions[0] if joint.solutions else Solution((), 0.0, 1.0)
    posts = tuple(u.posterior for u in found)
    compared = compared_remains(first)
    held = held_back(found, compared, s.max_chance)
    counts = np.array([compared.get(m, 0) for m in pm.missing], dtype=np.int64)
    ctx = _Context(s, counts, held)
    return DviResult(
        pairwise=first,
        undisputed=tuple(found),
        undisputed_posterior=posts,
        reduced=pm,
        joint=joint,
        solutions=solutions,
        missing=tuple(_missing_conclusions(data, found, posts, pm, joint, best, ctx)),
        remains=tuple(_remains_conclusions(data, found, posts, pm, joint, best, ctx)),
        families=tuple(families),
    )


def compared_remains(pm: PairwiseMatrix) -> dict[str, int]:
    """Return, per missing person, how many remains were compared with him (sex-consistent)."""
    counts = pm.considered.sum(axis=1)
    return {m: int(n) for m, n in zip(pm.missing, counts, strict=True)}


def chance_bound(compared: int, lr: float) -> float:
    """Return ``min(1, N / LR)``: a bound on the chance that one of ``N`` unrelated remains
    reaches ``LR`` (Turing's bound ``P(LR >= x | unrelated) <= 1/x``, summed over the ``N``).

    >>> chance_bound(1000, 5e4), chance_bound(150, 1e6), chance_bound(3, 0.5)
    (0.02, 0.00015, 1.0)
    """
    if lr <= 0.0:
        return 1.0
    return min(1.0, compared / lr)


def chance_reason(compared: int, lr: float, level: float) -> str:
    """Return the reason a pairing is held back by the chance bound."""
    return (
        f"an unrelated body could reach LR {lr:.3g} by chance among the {compared} remains "
        f"compared: chance bound {compared}/LR = {chance_bound(compared, lr):.3g} > {level:g}"
    )


def held_back(
    found: Sequence[Undisputed], compared: dict[str, int], level: float
) -> dict[str, str]:
    """Return the undisputed pairs not concluded, by missing person, with the reason.

    A pair whose chance bound exceeds ``level`` is held back; so is a pair found in a later
    round of a family one of whose earlier pairs is held back (its LR assumed that body).
    """
    held: dict[str, str] = {}
    doubtful: dict[str, tuple[int, str]] = {}
    for u in sorted(found, key=lambda u: u.round):
        n = compared.get(u.missing, 0)
        earlier = doubtful.get(u.family)
        if earlier is not None and earlier[0] < u.round:
            held[u.missing] = (
                f"found after {earlier[1]} was placed in the family, a pairing not concluded"
            )
        elif chance_bound(n, u.lr) > level:
            held[u.missing] = chance_reason(n, u.lr, level)
        else:
            continue
        doubtful.setdefault(u.family, (u.round, f"{u.remains} = {u.missing}"))
    return held


@dataclass(frozen=True, slots=True)
class _Context:
    """What the conclusions need besides the matrices: settings, compared counts, held pairs.

    ``compared[r]`` is the number of remains compared with the reduced matrix's row ``r``;
    ``held`` the undisputed pairs held back by the chance bound (by missing person).
    """

    settings: Settings
    compared: npt.NDArray[np.int64]
    held: dict[str, str]


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
        lr=_power10(sol.log10_lr),
        posterior=sol.posterior,
    )


@dataclass(frozen=True, slots=True)
class _Side:
    """The matrices seen from the missing persons or from the bodies: item ``i`` is row ``i``.

    ``considered`` holds the sex-consistent counterparts (for a body, identifiable persons
    only); ``partner`` each item's counterpart in the best joint solution.
    """

    log10_lr: npt.NDArray[np.float64]
    incompatible: npt.NDArray[np.int64]
    considered: npt.NDArray[np.bool_]
    candidates: npt.NDArray[np.bool_]
    pairing: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    unmatched_lower: npt.NDArray[np.float64]
    partner: dict[int, int]
    compared: npt.NDArray[np.int64]
    """Per pair, the number of remains compared with its missing person."""


def _side(
    pm: PairwiseMatrix,
    joint: JointResult,
    best: Solution,
    compared: npt.NDArray[np.int64],
    *,
    bodies: bool,
) -> _Side:
    """Return the persons' side (rows as they are) or the bodies' side (every matrix transposed)."""
    per_pair = np.broadcast_to(compared[:, None], pm.log10_lr.shape)
    if not bodies:
        return _Side(
            pm.log10_lr, pm.incompatible, pm.considered, joint.candidates, joint.pairing,
            joint.lower, joint.unmatched_missing_lower, {r: c for c, r in best.pairs}, per_pair,
        )  # fmt: skip
    return _Side(
        pm.log10_lr.T, pm.incompatible.T, (pm.considered & pm.identifiable[:, None]).T,
        joint.candidates.T, joint.pairing.T, joint.lower.T, joint.unmatched_remains_lower,
        {c: r for c, r in best.pairs}, per_pair.T,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Finding:
    """The conclusion on one item, its counterpart in the best solution and the pair's figures."""

    conclusion: Conclusion
    partner: int | None = None
    lr: float | None = None
    posterior: float | None = None
    lower: float | None = None
    reason: str | None = None


def _conclude(side: _Side, i: int, s: Settings) -> _Finding:
    """Conclude on item ``i`` of one side (see the module docstring for each conclusion)."""
    if not side.candidates[i].any():
        considered = side.considered[i]
        ruled_out = (side.incompatible[i] > s.max_incompatible) | np.isneginf(side.log10_lr[i])
        excluded = bool(considered.any()) and bool(ruled_out[considered].all())
        return _Finding(Conclusion.EXCLUDED if excluded else Conclusion.NO_MATCH)
    j = side.partner.get(i)
    if j is None:
        unmatched = float(side.unmatched_lower[i])
        return _Finding(Conclusion.NO_MATCH if unmatched >= s.probable else Conclusion.INCONCLUSIVE)
    posterior = float(side.pairing[i, j])
    local = local_lower_bound(side.candidates, side.log10_lr, i, j)
    lower = min(posterior, max(float(side.lower[i, j]), local))
    competitor = max(
        float(np.delete(side.pairing[i, :], j).max(initial=0.0)),
        float(np.delete(side.pairing[:, j], i).max(initial=0.0)),
    )
    log10_lr = float(side.log10_lr[i, j])
    min_lr = s.probable_lr if s.probable_lr is not None else max(1.0, s.threshold / 10.0)
    lr = float(10.0**log10_lr)
    n = int(side.compared[i, j])
    reason = None
    if lower >= s.probable and log10_lr >= math.log10(min_lr):
        if chance_bound(n, lr) <= s.max_chance:
            return _Finding(Conclusion.PROBABLE, j, lr, posterior, lower)
        reason = chance_reason(n, lr, s.max_chance)
    # a pairing held back has posterior >= probable, hence no competitor: inconclusive
    if posterior >= s.probable or competitor < s.disputed:
        conclusion = Conclusion.INCONCLUSIVE
    else:
        conclusion = Conclusion.DISPUTED
    return _Finding(conclusion, j, lr, posterior, lower, reason)


def _undisputed(u: Undisputed, posterior: float, held: dict[str, str]) -> Identification:
    reason = held.get(u.missing)
    conclusion = Conclusion.UNDISPUTED if reason is None else Conclusion.INCONCLUSIVE
    return Identification(
        u.family, u.missing, u.remains, u.lr, posterior, conclusion, posterior, reason
    )


def _missing_conclusions(
    data: DviData,
    found: Sequence[Undisputed],
    posts: Sequence[float],
    pm: PairwiseMatrix,
    joint: JointResult,
    best: Solution,
    ctx: _Context,
) -> list[Identification]:
    s = ctx.settings
    done = {u.missing: _undisputed(u, p, ctx.held) for u, p in zip(found, posts, strict=True)}
    side = _side(pm, joint, best, ctx.compared, bodies=False)
    row_of = {m: r for r, m in enumerate(pm.missing)}
    out: list[Identification] = []
    for family, missing in data.missing:
        if missing in done:
            out.append(done[missing])
            continue
        r = row_of[missing]
        if not pm.identifiable[r]:
            out.append(Identification(family, missing, None, None, None,
                                      Conclusion.NOT_IDENTIFIABLE))  # fmt: skip
            continue
        f = _conclude(side, r, s)
        body = None if f.partner is None else pm.remains[f.partner]
        out.append(
            Identification(
                family, missing, body, f.lr, f.posterior, f.conclusion, f.lower, f.reason
            )
        )
    return out


def _remains_conclusions(
    data: DviData,
    found: Sequence[Undisputed],
    posts: Sequence[float],
    pm: PairwiseMatrix,
    joint: JointResult,
    best: Solution,
    ctx: _Context,
) -> list[Identification]:
    s = ctx.settings
    done = {u.remains: _undisputed(u, p, ctx.held) for u, p in zip(found, posts, strict=True)}
    side = _side(pm, joint, best, ctx.compared, bodies=True)
    col_of = {v: c for c, v in enumerate(pm.remains)}
    out: list[Identification] = []
    for profile in data.remains:
        if profile.id in done:
            out.append(done[profile.id])
            continue
        f = _conclude(side, col_of[profile.id], s)
        r = f.partner
        family, missing = (None, None) if r is None else (pm.families[r], pm.missing[r])
        out.append(
            Identification(
                family, missing, profile.id, f.lr, f.posterior, f.conclusion, f.lower, f.reason
            )
        )
    return out
