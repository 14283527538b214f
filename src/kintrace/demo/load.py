"""Load the generated demo data into a database, with one demo user for each role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from kintrace.access import Role
from kintrace.cases.service import add_person, file_request, get_or_create_region
from kintrace.config import Settings
from kintrace.demo.generate import DemoDataset, DemoPerson, generate
from kintrace.reconciliation.service import recompute_all
from kintrace.reports.model import RETRACTION
from kintrace.reports.service import (
    get_or_create_source,
    record_official_status,
    record_report,
    send_authority_request,
)
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import AuthorityRequest, Source
from kintrace.users.service import create_user, ensure_roles

DEMO_PASSWORD = "demo"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo loader wrote."""

    persons: int
    requests: int
    reports: int
    users: list[tuple[str, str]]


def _load_person(
    session: Session,
    person: DemoPerson,
    sources: dict[tuple[str, str], Source],
    relative_user: int | None,
) -> tuple[int, int]:
    region = get_or_create_region(session, person.desk_region)
    row = add_person(session, person.details, region=region, actor_id=None)
    for index, demo_request in enumerate(person.requests):
        file_request(
            session,
            person=row,
            inquirer=demo_request.inquirer,
            request=demo_request.request,
            actor_id=None,
            user_id=relative_user if index == 0 else None,
        )
    ids: dict[str, int] = {}
    for demo_report in person.reports:
        key = (demo_report.source.name, demo_report.source.type.value)
        if key not in sources:
            sources[key] = get_or_create_source(session, demo_report.source)
        details = demo_report.details
        if details.claim == RETRACTION and details.retracts is not None:
            details = replace(details, retracts=str(ids[details.retracts]))
        stored = record_report(
            session, person=row, source=sources[key], details=details, actor_id=None
        )
        ids[demo_report.key] = stored.id
    if person.official is not None:
        record_official_status(session, person=row, details=person.official, actor_id=None)
    for ask in person.authority_requests:
        sent: AuthorityRequest = send_authority_request(
            session,
            person=row,
            kind=ask.kind,
            authority=ask.authority,
            sent_on=ask.sent_on,
            due_on=ask.due_on,
        )
        if ask.replied_on is not None:
            sent.replied_on = ask.replied_on
            sent.reply = ask.reply
    return len(person.requests), len(person.reports)


def _users(session: Session, data: DemoDataset) -> tuple[list[tuple[str, str]], int]:
    ensure_roles(session)
    first_desk = get_or_create_region(session, data.persons[0].desk_region)
    plan = [
        ("admin", Role.ADMINISTRATOR, "Administrator", None),
        ("analyst", Role.ANALYST, "Olena Analyst", None),
        ("desk", Role.OPERATOR, f"Desk {first_desk.name}", first_desk.id),
        ("relative", Role.RELATIVE, data.persons[0].requests[0].inquirer.full_name, None),
        ("lab", Role.DNA_LAB, "DNA laboratory", None),
        ("reviewer", Role.REVIEWER, "Second reviewer", None),
    ]
    made = []
    relative_id = 0
    for username, role, name, region_id in plan:
        user = create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=name,
            region_id=region_id,
        )
        if role is Role.RELATIVE:
            relative_id = user.id
        made.append((username, role.value))
    return made, relative_id


def load_demo(
    session: Session,
    *,
    persons: int = 300,
    seed: int = 2024,
    today: date | None = None,
    settings: Settings | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> DemoSummary:
    """Generate the demo data and store it (in the caller's transaction)."""
    day = today or date.today()
    data = generate(seed=seed, persons=persons, today=min(day, date(2026, 11, 1)))
    set_actor(session, actor_id=None, reason="demo data")
    users, relative_id = _users(session, data)
    sources: dict[tuple[str, str], Source] = {}
    for source in data.sources:
        key = (source.name, source.type.value)
        if key not in sources:
            sources[key] = get_or_create_source(session, source)
    requests = reports = 0
    for index, person in enumerate(data.persons, start=1):
        r, n = _load_person(session, person, sources, relative_id if index == 1 else None)
        requests += r
        reports += n
        progress(index)
    recompute_all(session, today=day, settings=settings or Settings(), reason="demo data loaded")
    return DemoSummary(len(data.persons), requests, reports, users)
