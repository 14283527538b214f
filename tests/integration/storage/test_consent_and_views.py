"""Consent in force and its history, partner exports, samples and the case log, on both
engines (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db_builders import a_person, a_request
from kintrace.access import SYSTEM, Role, Viewer
from kintrace.cases.consent_service import (
    change_consent,
    consent_history,
    consent_in_force,
    consents_of,
    givers_of,
)
from kintrace.cases.model import ConsentScope, Relationship
from kintrace.cases.views import PER_PAGE, case_views, log_case, log_cases
from kintrace.errors import Conflict, NotFound
from kintrace.identification.service import register_sample
from kintrace.lists.export import export_rows
from kintrace.reports.model import ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import file_report
from kintrace.storage.db import AuditedSession
from kintrace.storage.tables import ConsentChange, Inquirer, Sample, TracingRequest
from kintrace.users.service import create_user

RED_CROSS = ConsentScope.RED_CROSS
DNA = ConsentScope.DNA_LABORATORY


def _inquirer(db: AuditedSession, person_id: int) -> Inquirer:
    found = db.scalar(
        select(Inquirer)
        .join(TracingRequest, TracingRequest.inquirer_id == Inquirer.id)
        .where(TracingRequest.person_id == person_id)
        .order_by(Inquirer.id.desc())
    )
    assert found is not None
    return found


def test_a_change_of_consent_is_a_new_row_and_the_newest_is_in_force(db: AuditedSession) -> None:
    person = a_person(db)
    user = create_user(db, username="mother", password="", role=Role.RELATIVE)
    a_request(db, person, user_id=user.id)  # filed agreeing to the Red Cross only
    inquirer = _inquirer(db, person.id)
    mother = Viewer(user.id, Role.RELATIVE)
    assert consent_in_force(db, [inquirer.id]) == {inquirer.id: frozenset({RED_CROSS})}
    change_consent(db, mother, inquirer.id, frozenset({DNA, RED_CROSS}))
    change_consent(db, mother, inquirer.id, frozenset())
    assert change_consent(db, mother, inquirer.id, frozenset()) is None  # nothing new
    assert consent_in_force(db, [inquirer.id]) == {inquirer.id: frozenset()}
    assert [s.scopes for s in consent_history(db, inquirer)] == [
        frozenset(),
        frozenset({DNA, RED_CROSS}),
        frozenset({RED_CROSS}),
    ]
    assert inquirer.consent == "red_cross"  # what was filed stays as filed
    assert db.scalar(select(ConsentChange.scopes).order_by(ConsentChange.id.desc())) == ""
    stranger = create_user(db, username="other", password="", role=Role.RELATIVE)
    with pytest.raises(NotFound):
        change_consent(db, Viewer(stranger.id, Role.RELATIVE), inquirer.id, frozenset())


def test_a_partner_export_carries_only_persons_it_may_have(db: AuditedSession) -> None:
    asked_consented = a_person(db, "Агреев")
    a_request(db, asked_consented)  # Red Cross consent
    asked_refused = a_person(db, "Отказов")
    a_request(db, asked_refused)
    change_consent(db, SYSTEM, _inquirer(db, asked_refused.id).id, frozenset())
    nobody_asked = a_person(db, "Списков")
    names = {asked_consented.id: "Агреев", asked_refused.id: "Отказов", nobody_asked.id: "Списков"}
    mine = set(names)

    def exported(scope: ConsentScope | None) -> set[str]:
        rows = export_rows(db, SYSTEM, partner=scope, log=True)
        return {r["surname"] for r in rows if int(r["id"]) in mine}

    assert exported(None) == {"Агреев", "Отказов", "Списков"}
    assert exported(RED_CROSS) == {"Агреев", "Списков"}
    assert exported(ConsentScope.AUTHORITIES) == {"Списков"}
    logged = case_views(db, SYSTEM, asked_consented.id)
    assert {r.what for r in logged.rows} == {"export_all", "export_red_cross"}
    assert consents_of(db, [nobody_asked.id]) == {nobody_asked.id: {}}


def test_a_reference_sample_needs_the_relatives_consent(db: AuditedSession) -> None:
    person = a_person(db)
    a_request(db, person, Relationship.MOTHER)  # Red Cross only
    inquirer = _inquirer(db, person.id).id
    kwargs = {"kind": "reference", "collected_on": date(2026, 1, 2), "actor_id": None}
    with pytest.raises(Conflict, match="DNA laboratory"):
        register_sample(db, person=person, relationship=Relationship.MOTHER,
                        inquirer_id=inquirer, **kwargs)  # fmt: skip
    assert db.scalar(select(Sample.id).where(Sample.person_id == person.id)) is None
    change_consent(db, SYSTEM, inquirer, frozenset({DNA}))
    sample = register_sample(db, person=person, relationship=Relationship.MOTHER,
                             inquirer_id=inquirer, **kwargs)  # fmt: skip
    assert sample.inquirer_id == inquirer


def test_a_relatives_report_is_given_by_their_request(db: AuditedSession) -> None:
    person = a_person(db)
    user = create_user(db, username="wife", password="", role=Role.RELATIVE)
    a_request(db, person, Relationship.WIFE, user_id=user.id)
    wife = Viewer(user.id, Role.RELATIVE)
    said = file_report(
        db,
        wife,
        person=person,
        said_by=SourceDetails("a comrade", SourceType.COMRADE),
        details=ReportDetails("captured_reported", date(2026, 2, 1), 6, "in a hospital", ""),
    )
    assert givers_of(db, [said]) == {said.id: _inquirer(db, person.id).id}


def test_the_case_log_pages_newest_first(db: AuditedSession) -> None:
    person = a_person(db)
    desk = create_user(db, username="desk1", password="", role=Role.OPERATOR,
                       region_id=person.region_id)  # fmt: skip
    viewer = Viewer(desk.id, Role.OPERATOR, person.region_id)
    log_cases(db, viewer, [person.id] * PER_PAGE, "view", "person_page")
    log_case(db, viewer, person.id, "change", "report")
    first = case_views(db, viewer, person.id)
    assert first.total == PER_PAGE + 1 and first.pages == 2
    assert (first.rows[0].action, first.rows[0].what, first.rows[0].yours) == (
        "change",
        "report",
        True,
    )
    assert first.rows[0].desk and first.rows[0].name == ""  # no name unless the desk agreed
    assert len(case_views(db, viewer, person.id, page=2).rows) == 1
    with pytest.raises(ValueError, match="unknown case action"):
        log_case(db, viewer, person.id, "peek", "x")


def test_a_consent_change_and_a_case_log_row_are_never_edited(db: AuditedSession) -> None:
    person = a_person(db)
    a_request(db, person)
    change_consent(db, SYSTEM, _inquirer(db, person.id).id, frozenset())
    log_case(db, SYSTEM, person.id, "view", "person_page")
    db.flush()
    change = db.scalar(select(ConsentChange).order_by(ConsentChange.id.desc()))
    assert change is not None
    change.scopes = "red_cross"
    with pytest.raises(Conflict):
        db.flush()
