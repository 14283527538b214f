"""Reports a partner system sends through the API (``POST /api/persons/{id}/reports``).

A partner's report is recorded as what that partner says, like a relative's
(:func:`kintrace.reports.service.file_report`): its source is the partner's own, named
``partner: NAME`` after the token, one per source type the partner uses, created ungraded
(reliability F) so that nothing a partner sends weighs more than analysts allow; analysts
grade that source on the sources page and every report of it follows. The source the partner
names is kept in the report's text. A partner gives its own credibility (1-6) and may not
withdraw reports (a retraction is an analyst's act). The caller recomputes the status.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from kintrace.errors import InvalidInput
from kintrace.partners.tokens import Partner
from kintrace.reports.model import (
    RETRACTION,
    UNGRADED_RELIABILITY,
    ReportDetails,
    SourceDetails,
    Status,
)
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.tables import Person, Report, Source

SOURCE_PREFIX = "partner: "
"""The name of a partner's own source begins with this, then the token's name."""


def partner_source(session: Session, partner: Partner, said_by: SourceDetails) -> Source:
    """Return the partner's own source of this type, ungraded (F) until an analyst grades it."""
    details = SourceDetails(f"{SOURCE_PREFIX}{partner.name}"[:300], said_by.type)
    return get_or_create_source(session, replace(details, reliability=UNGRADED_RELIABILITY))


def _said(partner: Partner, said_by: SourceDetails, text: str) -> str:
    kind = said_by.type.value.replace("_", " ")
    name = said_by.name.strip()
    heard = f"{kind} ({name})" if name and name != said_by.type.value else kind
    told = f"Sent by partner {partner.name} (API token {partner.token_id}), from: {heard}."
    return told + (f" {text}" if text else "")


def partner_report(
    session: Session,
    partner: Partner,
    *,
    person: Person,
    said_by: SourceDetails,
    details: ReportDetails,
) -> Report:
    """Record a partner's report on a person it may see (the caller checked access)."""
    if details.claim == RETRACTION or details.claim not in {s.value for s in Status}:
        raise InvalidInput(
            f"field 'claim': {details.claim[:40]!r} is not a status a partner may report"
        )
    source = partner_source(session, partner, said_by)
    return record_report(
        session,
        person=person,
        source=source,
        details=replace(details, text=_said(partner, said_by, details.text)),
        actor_id=None,
        viewer=partner.viewer,
    )
