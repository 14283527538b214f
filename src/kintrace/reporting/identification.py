"""What an identification report states, in one place for its HTML and PDF forms.

A report names the missing person, the remains and the reference family by their coded
identifiers only (never a name), states the two hypotheses in words, the likelihood ratio, the
prior, the posterior probability, the conclusion and what it rests on (markers, mutation
model, threshold, date). :func:`reports_from_dvi` builds reports from a ``kintrace dvi``
result; :func:`recorded_report` from an identification stored by the web app, where the
markers, mutation model and threshold were not recorded and are said to be so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from kintrace.dvi.solve import Conclusion, DviResult, Identification

FLAT_PRIOR = (
    "flat over all joint assignments of remains to missing persons (each body to at most one "
    "person, each person to at most one body)"
)
"""The prior of ``kintrace dvi``'s posteriors, in words."""

NOT_RECORDED = "not recorded"

EXPLANATIONS = {
    Conclusion.UNDISPUTED: "The LR exceeds the threshold and every competing LR of this body "
    "and of this person is below LR / threshold.",
    Conclusion.PROBABLE: "This pairing is in the most likely joint solution, its LR is at least "
    "the probable threshold (threshold / 10 by default) and a guaranteed lower bound on its "
    "posterior probability is at least 0.99.",
    Conclusion.DISPUTED: "This pairing is in the most likely joint solution, but a competing "
    "pairing keeps substantial posterior probability.",
    Conclusion.INCONCLUSIVE: "The evidence is too weak to conclude; more reference samples help.",
}
"""Why a conclusion was reached; a report is written for these conclusions only."""

CLOSING = (
    "Proposed by the kintrace DVI engine. An identification becomes final only when a second "
    "reviewer confirms it."
)
MAX_ALTERNATIVES = 20


@dataclass(frozen=True, slots=True)
class Alternative:
    """A competing pairing of the same body or the same missing person, with its LR."""

    remains: str
    missing: str
    lr: float


@dataclass(frozen=True, slots=True)
class IdentificationReport:
    """The fields of one identification report (coded identifiers only).

    ``markers``, ``mutation`` and ``threshold`` are None where they were not recorded.
    """

    missing: str
    remains: str
    family: str | None
    conclusion: str
    lr: float | None
    posterior: float | None
    posterior_lower: float | None
    prior: str
    markers: tuple[str, ...] | None
    mutation: str | None
    threshold: float | None
    made_on: date
    method: str
    state: str | None = None
    alternatives: tuple[Alternative, ...] = ()
    reason: str = ""  # why this pairing was held back, where it was


def number(value: float | None) -> str:
    """Write a number with six significant digits (``-`` for none).

    >>> number(5.555555555), number(None), number(2.5e-07)
    ('5.55556', '-', '2.5e-07')
    """
    return "-" if value is None else f"{value:.6g}"


def title(report: IdentificationReport) -> str:
    """Return the report's heading."""
    return f"DNA identification report: missing person {report.missing}"


def facts(report: IdentificationReport) -> list[tuple[str, str]]:
    """Return who and what the report is about, as (label, value) rows."""
    rows = [
        ("missing person", report.missing),
        ("reference family", report.family or NOT_RECORDED),
        ("remains", report.remains),
        ("conclusion", report.conclusion),
    ]
    if report.state is not None:
        rows.append(("state of the identification", report.state))
    return rows


def hypotheses(report: IdentificationReport) -> list[tuple[str, str]]:
    """Return the two hypotheses in words, as (name, statement)."""
    family = f"family {report.family}" if report.family else "his or her family"
    return [
        (
            "H1",
            f"the remains {report.remains} are the missing person {report.missing}, related to "
            f"the typed members of {family} as the family pedigree states.",
        ),
        ("H2", f"the remains {report.remains} are of a person unrelated to {family}."),
    ]


def evidence(report: IdentificationReport) -> list[tuple[str, str]]:
    """Return the evidence and what it rests on, as (label, value) rows."""
    lr = report.lr
    log10 = f"{math.log10(lr):.3f}" if lr is not None and 0 < lr < math.inf else "-"
    markers = (
        NOT_RECORDED
        if report.markers is None
        else f"{len(report.markers)}: {', '.join(report.markers)}"
    )
    threshold = NOT_RECORDED if report.threshold is None else number(report.threshold)
    return [
        ("likelihood ratio LR = P(DNA | H1) / P(DNA | H2)", number(lr)),
        ("log10 LR", log10),
        ("prior", report.prior),
        ("posterior probability of the pairing", number(report.posterior)),
        ("guaranteed lower bound on the posterior", number(report.posterior_lower)),
        ("markers", markers),
        ("mutation model", report.mutation or NOT_RECORDED),
        ("undisputed threshold", threshold),
        ("date of the report", report.made_on.isoformat()),
        ("method", report.method),
    ]


def alternatives(report: IdentificationReport) -> list[tuple[str, str, str]]:
    """Return the competing pairings as (remains, missing person, LR) rows."""
    return [(a.remains, a.missing, number(a.lr)) for a in report.alternatives]


def explanation(report: IdentificationReport) -> str:
    """Return why the conclusion was reached (empty when the conclusion has no explanation).

    A pairing held back by the chance bound says so: its own reason comes first.
    """
    try:
        general = EXPLANATIONS[Conclusion(report.conclusion)]
    except (ValueError, KeyError):
        general = ""
    return (
        f"{report.reason[:1].upper()}{report.reason[1:]}. {general}".strip()
        if report.reason
        else general
    )


def reports_from_dvi(
    result: DviResult, *, mutation: str, threshold: float, made_on: date
) -> list[IdentificationReport]:
    """Return one report per missing person paired with a body (undisputed to inconclusive)."""
    markers = {f.name: f.data.markers for f in result.families}
    out = []
    for ident in result.missing:
        if ident.remains is None or ident.missing is None or ident.conclusion not in EXPLANATIONS:
            continue
        out.append(
            IdentificationReport(
                missing=ident.missing,
                remains=ident.remains,
                family=ident.family,
                conclusion=ident.conclusion.value,
                lr=ident.lr,
                posterior=ident.posterior,
                posterior_lower=ident.posterior_lower,
                prior=FLAT_PRIOR,
                markers=tuple(markers.get(ident.family or "", ())),
                mutation=mutation,
                threshold=threshold,
                made_on=made_on,
                method="kintrace dvi: pairwise LR, undisputed and joint identification",
                alternatives=_alternatives(result, ident),
                reason=ident.reason or "",
            )
        )
    return out


def _alternatives(result: DviResult, ident: Identification) -> tuple[Alternative, ...]:
    pm = result.pairwise
    if ident.missing not in pm.missing or ident.remains not in pm.remains:
        return ()
    lr = pm.lr()
    r, c = pm.missing.index(ident.missing), pm.remains.index(ident.remains)
    found = [
        Alternative(pm.remains[k], ident.missing, float(v))
        for k, v in enumerate(lr[r])
        if k != c and not math.isnan(v) and v > 0
    ]
    found += [
        Alternative(ident.remains, pm.missing[k], float(v))
        for k, v in enumerate(lr[:, c])
        if k != r and not math.isnan(v) and v > 0
    ]
    return tuple(found[:MAX_ALTERNATIVES])


def recorded_report(
    *,
    case_code: str,
    remains_code: str,
    lr: float,
    posterior: float | None,
    conclusion: str,
    method: str,
    state: str,
    made_on: date,
) -> IdentificationReport:
    """Return the report of an identification as stored (codes, LR, posterior, conclusion).

    The DNA data are not stored with it: markers, mutation model and threshold are reported
    as not recorded, and the prior is ``kintrace dvi``'s flat prior only for results uploaded
    from it.
    """
    from_dvi = method.startswith("kintrace dvi")
    return IdentificationReport(
        missing=case_code,
        remains=remains_code,
        family=None,
        conclusion=conclusion,
        lr=lr,
        posterior=posterior,
        posterior_lower=None,
        prior=FLAT_PRIOR if from_dvi else f"{NOT_RECORDED} (entered by hand)",
        markers=None,
        mutation=None,
        threshold=None,
        made_on=made_on,
        method=method,
        state=state,
    )
