"""Everything about one person that a viewer may see, gathered for a page or an API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.attachments.service import Shown, report_files, request_files
from kintrace.cases.consent_service import givers_of, shared_inquirers
from kintrace.cases.model import ConsentScope
from kintrace.cases.service import get_person, merged_group, requests_of
from kintrace.reports.model import SourceType
from kintrace.reports.service import (
    attachments_of,
    authority_requests_of,
    grades_of,
    official_history,
    reports_of,
)
from kintrace.storage.tables import (
    Assessment,
    AuthorityRequest,
    OfficialStatus,
    Person,
    PersonMerge,
    Report,
    ReportAttachment,
    ReportGrade,
    TracingRequest,
    User,
)


@dataclass(frozen=True, slots=True)
class RequestView:
    """A tracing request as this viewer may see it (contacts hidden where not allowed)."""

    request: TracingRequest
    inquirer_name: str
    relationship: str
    contacts: str
    own: bool
    files: list[Shown] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GradeView:
    """One analyst's grade of a report's credibility: who, when, from what to what, why.

    ``graded_by`` is the analyst's name for staff and "an analyst" for a relative.
    """

    graded_at: datetime
    graded_by: str
    previous: int
    credibility: int
    reason: str


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report with its source, grade, attachments and whether it was retracted.

    ``source_name`` is the source as this viewer may see it: another relative's own source
    is "another relative" to a relative (it holds that relative's name). ``grade`` is what
    the status engine weighs: the source's current reliability and the report's newest
    credibility grade (``grades``, oldest first), or the one it was recorded with.
    """

    report: Report
    grade: str
    retracted_by: int | None
    attachments: list[ReportAttachment]
    source_name: str = ""
    grades: list[GradeView] = field(default_factory=list)
    files: list[Shown] = field(default_factory=list)
    """The report's files and links (``attachments`` keeps the bare file rows)."""

    @property
    def reliability(self) -> str:
        """Return the reliability the engine weighs: the source's grade now, or as recorded."""
        return self.report.source.reliability or self.report.reliability

    @property
    def credibility(self) -> int:
        """Return the report's credibility now: its newest grade, or as recorded."""
        return self.grades[-1].credibility if self.grades else self.report.credibility


@dataclass(frozen=True, slots=True)
class Dossier:
    """One person's case."""

    person: Person
    requests: list[RequestView]
    reports: list[ReportView]
    official: list[OfficialStatus]
    assessments: list[Assessment]
    authority_requests: list[AuthorityRequest]
    merges: list[PersonMerge] = field(default_factory=list)  # duplicates merged into him

    @property
    def assessment(self) -> Assessment | None:
        """Return the current assessed status."""
        return self.assessments[-1] if self.assessments else None

    @property
    def official_now(self) -> OfficialStatus | None:
        """Return the current official status."""
        return self.official[-1] if self.official else None


def _request_view(
    viewer: Viewer, request: TracingRequest, files: list[Shown] | None = None
) -> RequestView:
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
        files=files or [],
    )


def _source_name(viewer: Viewer, report: Report) -> str:
    others = viewer.role is Role.RELATIVE and report.created_by != viewer.user_id
    if others and report.source.type == SourceType.RELATIVE.value:
        return "another relative"
    return report.source.name


def _grader_names(session: Session, viewer: Viewer, grades: list[ReportGrade]) -> dict[int, str]:
    """Return who gave each grade as this viewer may see it: a relative sees no staff names."""
    if viewer.role is Role.RELATIVE:
        return {g.graded_by: "an analyst" for g in grades}
    ids = {g.graded_by for g in grades}
    if not ids:  # most reports were never graded again: no query
        return {}
    found = session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()
    names = {uid: name for uid, name in found}
    return {uid: names.get(uid) or f"user {uid}" for uid in ids}


def _report_view(
    viewer: Viewer,
    report: Report,
    retracted_by: int | None,
    files: list[ReportAttachment],
    grades: list[ReportGrade],
    names: dict[int, str],
    shown: list[Shown] | None = None,
) -> ReportView:
    views: list[GradeView] = []
    previous = report.credibility
    for g in grades:
        views.append(GradeView(g.graded_at, names[g.graded_by], previous, g.credibility, g.reason))
        previous = g.credibility
    reliability = report.source.reliability or report.reliability  # as the engine weighs it
    return ReportView(
        report,
        f"{reliability}{previous}",
        retracted_by,
        files,
        _source_name(viewer, report),
        views,
        shown or [],
    )


def dossier(session: Session, viewer: Viewer, person_id: int) -> Dossier:
    """Gather a person's case for this viewer (access checked)."""
    person = get_person(session, viewer, person_id)
    group = merged_group(session, person.id)  # his own records and those of merged duplicates
    reports = reports_of(session, group)
    requests = requests_of(session, group)
    if viewer.role is Role.RELATIVE:  # other relatives' only where they agreed to share
        shared = shared_inquirers(session, viewer, person.id)
        givers = givers_of(session, reports)
        reports = [r for r in reports if givers[r.id] is None or givers[r.id] in shared]
        requests = [r for r in requests if r.inquirer_id in shared]
    shown = report_files(session, [r.id for r in reports])
    request_shown = request_files(session, [r.id for r in requests])
    retracted = {r.retracts_id: r.id for r in reports if r.retracts_id is not None}
    files = attachments_of(session, [r.id for r in reports]) if reports else {}
    graded = grades_of(session, [r.id for r in reports])
    names = _grader_names(session, viewer, [g for gs in graded.values() for g in gs])
    assessments = list(
        session.scalars(
            select(Assessment).where(Assessment.person_id == person.id).order_by(Assessment.id)
        )
    )
    return Dossier(
        person=person,
        requests=[_request_view(viewer, r, request_shown.get(r.id)) for r in requests],
        reports=[
            _report_view(
                viewer,
                r,
                retracted.get(r.id),
                files.get(r.id, []),
                graded.get(r.id, []),
                names,
                shown.get(r.id),
            )
            for r in reports
        ],
        official=official_history(session, group),
        assessments=assessments,
        authority_requests=authority_requests_of(session, group),
        merges=list(
            session.scalars(
                select(PersonMerge)
                .where(PersonMerge.kept_id == person.id, PersonMerge.undone_at.is_(None))
                .order_by(PersonMerge.id)
            )
        ),
    )
