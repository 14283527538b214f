"""The guided tracing request: a form for relatives and desks, that looks for him first."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kintrace.access import MAY_RECORD_OFFICIAL, Role, Viewer
from kintrace.attachments.service import attach_to_request, parse_links
from kintrace.cases.dates import PartialDate, parse_birth_date, parse_partial_date
from kintrace.cases.intake import (
    MAY_FILE_REQUESTS,
    Intake,
    LastContact,
    Statement,
    birth_from_age,
    file_intake,
    likely_persons,
)
from kintrace.cases.model import (
    Channel,
    ConsentScope,
    InquirerDetails,
    PersonDetails,
    Relationship,
    RequestDetails,
    Sex,
)
from kintrace.cases.service import MAX_EDIT_REASON, edit_person, edits_of, get_person
from kintrace.cases.views import log_case
from kintrace.errors import InvalidInput
from kintrace.instance import Instance
from kintrace.notify.mail import send_account_link
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import SourceDetails, SourceType, Status, check_date
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import TracingRequest
from kintrace.users.invitations import invite_walk_in
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.i18n import language_of
from kintrace.web.limits import RowId, parse_row_id, read_files
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]

FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth",
    "age",
    "unit",
    "rank",
    "personal_number",
    "home_region",
    "relationship",
    "inquirer_name",
    "phone",
    "email",
    "channel",
    "last_contact_on",
    "last_contact_how",
    "last_contact_said",
    "told_claim",
    "told_on",
    "told_by_type",
    "told_by_name",
    "told_text",
    "circumstances",
)
"""The form's text fields, kept as typed when the page shows the likely persons."""

Text = Annotated[str, Form()]


def _date(text: str, field: str, today: date) -> date | None:
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as error:
        raise InvalidInput(f"field {field!r}: {text[:20]!r} is not a date") from error
    check_date(day, field, today=today)
    return day


E = TypeVar("E", bound=StrEnum)


def _choice(text: str, field: str, words: type[E]) -> E:
    try:
        return words(text)
    except ValueError as error:
        raise InvalidInput(f"field {field!r}: {text[:40]!r} is not one of the choices") from error


def _birth(birth: str, age: str, today: date) -> PartialDate | None:
    if birth.strip():
        return parse_birth_date(birth, today)
    if age.strip():
        if not age.strip().isdigit():
            raise InvalidInput("field 'age': give an age between 14 and 100")
        return birth_from_age(int(age.strip()), today)
    return None


def read_intake(values: dict[str, str], consent: list[str], viewer: Viewer, today: date) -> Intake:
    """Read the form into an intake, or say which field is wrong."""
    sought = PersonDetails(
        surname=values["surname"].strip(),
        given_name=values["given_name"].strip(),
        patronymic=values["patronymic"].strip(),
        sex=_choice(values["sex"] or "male", "sex", Sex),
        birth=_birth(values["birth"], values["age"], today),
        home_region=values["home_region"].strip(),
        unit=values["unit"].strip(),
        rank=values["rank"].strip(),
        personal_number=values["personal_number"].strip(),
    )
    name = values["inquirer_name"].strip() or (
        viewer.display_name if viewer.role is Role.RELATIVE else ""
    )
    if not name:
        raise InvalidInput("field 'inquirer_name': give the relative's name")
    scopes = frozenset(_choice(c, "consent", ConsentScope) for c in consent)
    inquirer = InquirerDetails(
        name,
        _choice(values["relationship"], "relationship", Relationship),
        values["phone"].strip(),
        values["email"].strip(),
        scopes,
    )
    channel = (
        Channel.WEB
        if viewer.role is Role.RELATIVE
        else _choice(values["channel"] or "walk_in", "channel", Channel)
    )
    contact_on = _date(values["last_contact_on"], "last_contact_on", today)
    request = RequestDetails(
        filed_on=today,
        channel=channel,
        region=values["home_region"].strip(),
        circumstances=values["circumstances"].strip(),
        last_contact_on=contact_on,
    )
    contact = (
        LastContact(contact_on, values["last_contact_how"], values["last_contact_said"])
        if contact_on
        else None
    )
    statements: tuple[Statement, ...] = ()
    if values["told_claim"].strip():
        told_on = _date(values["told_on"], "told_on", today)
        if told_on is None:
            raise InvalidInput("field 'told_on': say when you were told")
        statements = (
            Statement(
                _choice(values["told_claim"], "told_claim", Status),
                told_on,
                SourceDetails(
                    values["told_by_name"].strip()[:200],
                    _choice(values["told_by_type"] or "relative", "told_by_type", SourceType),
                ),
                values["told_text"],
            ),
        )
    return Intake(sought, inquirer, request, contact, statements)


def _form_page(
    request: Request, viewer: Viewer, values: dict[str, str], consent: list[str], **extra: object
) -> HTMLResponse:
    return page(
        request,
        "request_new.html",
        viewer,
        values=values,
        consent=consent,
        relationships=[r.value for r in Relationship],
        channels=[c.value for c in Channel if c is not Channel.WEB],
        scopes=[s.value for s in ConsentScope],
        **extra,
    )


@router.get("/requests/new")
def new_request(request: Request, viewer: SignedIn) -> HTMLResponse:
    """Show the guided tracing request form."""
    viewer.require(MAY_FILE_REQUESTS, "file tracing requests")
    values = dict.fromkeys(FIELDS, "")
    if viewer.role is Role.RELATIVE:
        values["inquirer_name"] = viewer.display_name
    return _form_page(request, viewer, values, [], likely=None)


@router.post("/requests/new")
def post_request(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Text,
    surname: Text = "",
    given_name: Text = "",
    patronymic: Text = "",
    sex: Text = "",
    birth: Text = "",
    age: Text = "",
    unit: Text = "",
    rank: Text = "",
    personal_number: Text = "",
    home_region: Text = "",
    relationship: Text = "mother",
    inquirer_name: Text = "",
    phone: Text = "",
    email: Text = "",
    channel: Text = "",
    last_contact_on: Text = "",
    last_contact_how: Text = "",
    last_contact_said: Text = "",
    told_claim: Text = "",
    told_on: Text = "",
    told_by_type: Text = "",
    told_by_name: Text = "",
    told_text: Text = "",
    circumstances: Text = "",
    consent: Annotated[list[str] | None, Form()] = None,
    person: Text = "",
    links: Text = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Look for him among the recorded persons first; then file the request.

    ``person`` empty: show the likely persons. ``person=new``: record a new person.
    ``person=<id>``: join that person's case (one the viewer may see). Files and links
    come with the last step (the form that names the person) and are kept with the request.
    """
    require_csrf(request, csrf)
    viewer.require(MAY_FILE_REQUESTS, "file tracing requests")
    typed = (surname, given_name, patronymic, sex, birth, age, unit, rank, personal_number,
             home_region, relationship, inquirer_name, phone, email, channel, last_contact_on,
             last_contact_how, last_contact_said, told_claim, told_on, told_by_type,
             told_by_name, told_text, circumstances)  # fmt: skip
    values = dict(zip(FIELDS, typed, strict=True))
    chosen = list(consent or [])
    today = date.today()
    intake = read_intake(values, chosen, viewer, today)
    if not person.strip():
        if not intake.person.surname:
            raise InvalidInput("field 'surname': write his surname as the family writes it")
        likely = likely_persons(db, viewer, intake.person)
        return _form_page(request, viewer, values, chosen, likely=likely)
    person_id = None if person.strip() == "new" else parse_row_id(person, "person")
    urls = parse_links(links)
    uploads = read_files(files, max_upload_mb=instance.settings.max_upload_mb)
    filed, tracing = file_intake(db, viewer, intake, person_id=person_id)
    attach_to_request(
        db, instance.files, request=tracing, uploads=uploads, links=urls, actor_id=viewer.user_id
    )
    log_case(db, viewer, filed.id, "change", "request")
    recompute_person(db, filed.id, today=today, settings=instance.settings, reason="new report")
    return RedirectResponse(f"/persons/{filed.id}", status_code=303)


@router.post("/relatives/{inquirer_id}/invite")
def invite_relative(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    inquirer_id: RowId,
    csrf: Text,
    email: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    """Give a walk-in relative's request to their own account (a new one gets a link)."""
    require_csrf(request, csrf)
    set_actor(db, actor_id=viewer.user_id, reason="desk invited a walk-in relative")
    _user, outgoing = invite_walk_in(
        db, viewer, inquirer_id, email=email, language=language_of(request), now=datetime.now()
    )
    if outgoing is not None:
        send_account_link(instance.settings, outgoing)
    person_id = db.scalar(
        select(TracingRequest.person_id)
        .where(TracingRequest.inquirer_id == inquirer_id)
        .order_by(TracingRequest.id)
        .limit(1)
    )
    return RedirectResponse(f"/persons/{person_id}#requests", status_code=303)


@router.get("/persons/{person_id}/edit")
def edit_person_page(
    request: Request, db: DbSession, viewer: SignedIn, person_id: RowId
) -> Response:
    """Show a person's details for correction, with the history of earlier corrections."""
    viewer.require(MAY_RECORD_OFFICIAL, "edit persons")
    person = get_person(db, viewer, person_id)
    return page(request, "person_edit.html", viewer, p=person, edits=edits_of(db, person.id))


@router.post("/persons/{person_id}/edit")
def edit_person_form(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    person_id: RowId,
    csrf: Text,
    reason: Text = "",
    surname: Text = "",
    given_name: Text = "",
    patronymic: Text = "",
    sex: Text = "male",
    birth: Text = "",
    unit: Text = "",
    rank: Text = "",
    personal_number: Text = "",
    home_region: Text = "",
) -> RedirectResponse:
    """Correct a person's details (desks and analysts); the change log keeps the old ones."""
    require_csrf(request, csrf)
    details = PersonDetails(
        surname=surname.strip(),
        given_name=given_name.strip(),
        patronymic=patronymic.strip(),
        sex=_choice(sex, "sex", Sex),
        birth=parse_partial_date(birth) if birth.strip() else None,
        home_region=home_region,
        unit=unit,
        rank=rank,
        personal_number=personal_number,
    )
    edit_person(db, viewer, person_id, details, reason=reason[:MAX_EDIT_REASON])
    log_case(db, viewer, person_id, "change", "person_details")
    return RedirectResponse(f"/persons/{person_id}", status_code=303)
