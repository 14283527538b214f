"""Everything about one person that a viewer may see, gathered for a page or an API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.model import ConsentScope
from kintrace.cases.service import get_person, requests_of
from kintrace.reports.service import (
    attachments_of,
    authority_requests_of,
    official_history,
    reports_of,
)
from kintrace.storage.tables import (
    Assessment,
    AuthorityRequest,
    OfficialStatus,
    Person,
    Report,
    ReportAttachment,
    TracingRequest,
)


@dataclass(frozen=True, slots=True)
class RequestView:
    """A tracing request as this viewer may see it (contacts hidden where not allowed)."""

    request: TracingRequest
    inquirer_name: str
    relationship: str
    contacts: str
    own: bool


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report with its source, grade, attachments and whether it was retracted."""

    report: Report
    grade: str
    retracted_by: int | None
    attachments: list[ReportAttachment]


@dataclass(frozen=True, slots=True)
class Dossier:
    """One person's case."""

    person: Person
    requests: list[RequestView]
    reports: list[ReportView]
    official: list[OfficialStatus]
    assessments: list[Assessment]
    authority_requests: list[AuthorityRequest]

    @property
    def assessment(self) -> Assessment | None:
        """Return the current assessed status."""
        return self.assessments[-1] if self.assessments else None

    @property
    def official_now(self) -> OfficialStatus | None:
        """Return the current official status."""
        return self.official[-1] if self.official else None


def _request_view(viewer: Viewer, request: TracingRequest) -> RequestView:
    inquirer = request.inquirer
    own = viewer.user_id is not None and inquirer.user_id == viewer.user_id
    shared = ConsentScope.OTHER_RELATIVES.value in inquirer.consent.split(",")
    staff = viewer.role in {Role.OPERATOR, Role.ANALYST, Role.ADMINISTRATOR, Role.REVIEWER}
    sees_name = own or staff or shared
    contacts = ", ".join(c for c in (inquirer.phone, inquirer.email) if c)
    return RequestView(
        request=request,
        inquirer_name=inquirer.full_name if sees_name else "another relative",
        relationship=inquirer.relationship_,
        contacts=contacts if (own or staff) else "",
        own=own,
    )


def dossier(session: Session, viewer: Viewer, person_id: int) -> Dossier:
    """Gather a person's case for this viewer (access checked)."""
    person = get_person(session, viewer, person_id)
    reports = reports_of(session, person.id)
    retracted = {r.retracts_id: r.id for r in reports if r.retracts_id is not None}
    files = attachments_of(session, [r.id for r in reports])
    assessments = list(
        session.scalars(
            select(Assessment).where(Assessment.person_id == person.id).order_by(Assessment.id)
        )
    )
    return Dossier(
        person=person,
        requests=[_request_view(viewer, r) for r in requests_of(session, person.id)],
        reports=[
            ReportView(
                r, f"{r.reliability}{r.credibility}", retracted.get(r.id), files.get(r.id, [])
            )
            for r in reports
        ],
        official=official_history(session, person.id),
        assessments=assessments,
        authority_requests=authority_requests_of(session, person.id),
    )
