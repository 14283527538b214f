"""What a partner's token reads: only what relatives agreed to share with that partner.

The rule is :func:`kintrace.cases.consent.consented_view` (the one every partner export
applies). :func:`consented_persons` is its person rule as an SQL condition, so that a page
of persons is counted and cut after the filter (a partner's page is never short, its total
never counts a withheld person): a person goes when no relative asked for him, or when at
least one relative who asked has a consent in force (the newest ``consent_changes`` row,
else the consent given with the request) that names the partner's scope.
:func:`partner_case` keeps of one case the requests and reports that may go.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Subquery, func, literal, or_, select
from sqlalchemy.orm import Session

from kintrace.cases.consent import consented_view
from kintrace.cases.consent_service import consents_of, givers_of
from kintrace.cases.dossier import Dossier
from kintrace.cases.model import ConsentScope
from kintrace.storage.tables import ConsentChange, Inquirer, Person, TracingRequest


def consent_in_force() -> Subquery:
    """Every inquirer's consent in force as stored (comma-separated): ``inquirer_id, scopes``."""
    newest = (
        select(ConsentChange.inquirer_id, func.max(ConsentChange.id).label("change_id"))
        .group_by(ConsentChange.inquirer_id)
        .subquery()
    )
    return (
        select(
            Inquirer.id.label("inquirer_id"),
            func.coalesce(ConsentChange.scopes, Inquirer.consent).label("scopes"),
        )
        .outerjoin(newest, newest.c.inquirer_id == Inquirer.id)
        .outerjoin(ConsentChange, ConsentChange.id == newest.c.change_id)
        .subquery()
    )


def consented_persons(scope: ConsentScope) -> ColumnElement[bool]:
    """Return the condition on ``persons`` that :func:`consented_view` gives as ``person``.

    Written as two uncorrelated sets (persons asked for; persons with a relative who agreed)
    so that both engines build each once and probe it per person: a correlated ``EXISTS``
    with the newest consent change inside took PostgreSQL 3.6 s for a page of 20,000 persons
    (``benchmarks/bench_partner_reads.py``).
    """
    force = consent_in_force()
    names_scope = (literal(",") + force.c.scopes + literal(",")).like(f"%,{scope.value},%")
    asked = select(TracingRequest.person_id)
    agreed = (
        select(TracingRequest.person_id)
        .join(force, force.c.inquirer_id == TracingRequest.inquirer_id)
        .where(names_scope)
    )
    return or_(Person.id.not_in(asked), Person.id.in_(agreed))


@dataclass(frozen=True, slots=True)
class PartnerCase:
    """One case as a partner may read it: the dossier cut down, and how much was withheld."""

    case: Dossier
    shared: bool
    withheld_requests: int
    withheld_reports: int


def partner_case(session: Session, case: Dossier, scope: ConsentScope) -> PartnerCase:
    """Keep of a case the requests and reports that may go to a partner of ``scope``.

    ``shared`` is False when every relative who asked for him refused the scope: the caller
    answers as for a person who is not there. A request goes with its own relative's consent;
    a report a relative gave goes with that relative's, any other report goes.
    """
    consents = consents_of(session, [case.person.id])[case.person.id]
    requests = consented_view(
        case.requests, given_by=lambda r: r.request.inquirer_id, consents=consents, scope=scope
    )
    givers = givers_of(session, [r.report for r in case.reports])
    reports = consented_view(
        case.reports, given_by=lambda r: givers[r.report.id], consents=consents, scope=scope
    )
    cut = replace(case, requests=list(requests.items), reports=list(reports.items))
    return PartnerCase(cut, requests.person, requests.withheld, reports.withheld)
