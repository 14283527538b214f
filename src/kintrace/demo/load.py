"""Load the generated demo data into a database, with one demo user for each role."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.model import Relationship
from kintrace.cases.service import add_person, file_request, get_or_create_region
from kintrace.config import Settings
from kintrace.demo.generate import DemoDataset, DemoPerson, generate
from kintrace.errors import ConfigurationError
from kintrace.identification.service import case_of, propose, register_sample
from kintrace.reconciliation.bulk import recompute_all
from kintrace.reports.model import RETRACTION
from kintrace.reports.service import (
    get_or_create_source,
    record_official_status,
    record_report,
    send_authority_request,
)
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import AuthorityRequest, Person, Source, User
from kintrace.users.service import create_user, ensure_roles

DEMO_PASSWORD = "demo"

DEMO_MARKER = ".kintrace-demo"
"""The file ``kintrace demo`` writes first into a folder it builds: only such a folder is reset."""


def prepare_demo_folder(folder: Path) -> None:
    """Make ``folder`` ready for a fresh demo instance, or refuse it.

    A folder that does not exist or is empty is used; a folder holding the demo marker (one
    this command built before) is emptied; anything else (a real instance, or any other
    files) is refused, so that the demo never deletes data it did not write.
    """
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir() or folder.is_symlink():
            raise ConfigurationError(f"{folder} is not a folder; choose a new or empty folder")
        if any(folder.iterdir()):
            if not (folder / DEMO_MARKER).is_file():
                raise ConfigurationError(
                    f"{folder} is not empty and was not built by `kintrace demo` "
                    f"(no {DEMO_MARKER} file); nothing was changed: choose a new or empty folder"
                )
            shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEMO_MARKER).write_text(
        "built by `kintrace demo`: the next `kintrace demo` on this folder deletes it\n",
        encoding="utf-8",
    )


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
    _dna(session, data, day)
    return DemoSummary(len(data.persons), requests, reports, users)


_BLOOD = {
    Relationship.MOTHER,
    Relationship.FATHER,
    Relationship.SON,
    Relationship.DAUGHTER,
    Relationship.BROTHER,
    Relationship.SISTER,
    Relationship.WIFE,  # the children's mother, typed beside them
}


def _dna(session: Session, data: DemoDataset, day: date) -> None:
    """Reference samples from the families that asked for DNA tests; remains; proposals."""
    persons = session.scalars(select(Person).order_by(Person.id)).all()
    lab = session.scalar(select(User).where(User.username == "lab"))
    asked = [
        (row, demo)
        for row, demo in zip(persons, data.persons, strict=True)
        if any(a.kind == "dna_test" for a in demo.authority_requests)
    ]
    for row, demo in asked:
        for request in demo.requests:
            kin = request.inquirer.relationship
            if kin in _BLOOD:
                register_sample(
                    session,
                    kind="reference",
                    collected_on=min(day, request.request.filed_on + timedelta(days=14)),
                    actor_id=None,
                    person=row,
                    relationship=kin,
                )
    if lab is None or not asked:
        return
    viewer = Viewer(lab.id, Role.DNA_LAB)
    for index, (row, _demo) in enumerate(asked[:3]):
        remains = register_sample(
            session, kind="remains", collected_on=day - timedelta(days=40), actor_id=lab.id
        )
        propose(
            session,
            viewer,
            remains_code=remains.code,
            case_code=case_of(session, row.id).code,
            lr=[3.2e9, 4.1e6, 2.7e4][index],
            posterior=[0.99999, 0.9993, 0.962][index],
            conclusion=["undisputed", "undisputed", "probable"][index],
            method="kintrace dvi (demo batch of 3 remains)",
        )
    for _ in range(5):
        register_sample(
            session, kind="remains", collected_on=day - timedelta(days=12), actor_id=lab.id
        )
