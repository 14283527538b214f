"""Letters from a case: gather what they say, write them, record one as sent.

The facts come from the case as this viewer may see it (:func:`kintrace.cases.dossier.dossier`,
access checked there); a letter recorded as sent becomes an authority request
(:func:`kintrace.reports.service.send_authority_request`) whose answer is due after the
instance's ``authority_reply_days`` (:func:`kintrace.reconciliation.clocks.due_date`), and the
person's status is recomputed so the worklist and the family see a late answer.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.dossier import Dossier, RequestView, dossier
from kintrace.cases.model import Sex
from kintrace.cases.service import birth_of
from kintrace.config import Settings
from kintrace.errors import InvalidInput
from kintrace.letters.model import (
    Addressee,
    Letter,
    LetterFacts,
    LetterKind,
    ReportFact,
    RequestFact,
    Sender,
)
from kintrace.letters.text import Translate, addressee_name, compose
from kintrace.reconciliation.clocks import due_date
from kintrace.reconciliation.service import policy_of, recompute_person
from kintrace.reports.model import check_date
from kintrace.reports.service import send_authority_request
from kintrace.storage.tables import AuthorityRequest

MAY_SEND_LETTERS = frozenset({Role.RELATIVE, Role.OPERATOR, Role.ANALYST, Role.ADMINISTRATOR})
"""Who may write letters and record them as sent: the family for its own cases, desks, analysts."""


def _sender(viewer: Viewer, case: Dossier) -> Sender:
    """Return who signs: the viewer's own relative, else the first one, else the desk."""
    own = [r for r in case.requests if r.own]
    visible = [r for r in case.requests if r.inquirer_name != "another relative"]
    found: list[RequestView] = own or visible
    if not found:
        region = case.person.region
        return Sender(name="", desk=region.name if region is not None else "")
    chosen = found[0]
    return Sender(
        name=chosen.inquirer_name, relationship=chosen.relationship, contacts=chosen.contacts
    )


def gather(session: Session, viewer: Viewer, person_id: int) -> LetterFacts:
    """Gather what a letter says about a person, as this viewer may see the case."""
    viewer.require(MAY_SEND_LETTERS, "write letters")
    case = dossier(session, viewer, person_id)
    person = case.person
    assessment = case.assessment
    official = case.official_now
    contacts = [r.request.last_contact_on for r in case.requests if r.request.last_contact_on]
    try:
        sex = Sex(person.sex)
    except ValueError:
        sex = Sex.UNKNOWN
    return LetterFacts(
        person_id=person.id,
        surname=person.surname,
        given_name=person.given_name,
        patronymic=person.patronymic,
        sex=sex,
        sender=_sender(viewer, case),
        birth=birth_of(person),
        unit=person.unit,
        rank=person.rank,
        personal_number=person.personal_number,
        last_contact=max(contacts) if contacts else None,
        last_information=assessment.last_information_on if assessment else None,
        court_date=assessment.court_date if assessment else None,
        assessed=assessment.status if assessment else None,
        assessed_since=assessment.status_since if assessment else None,
        official=official.status if official else None,
        official_since=official.since if official else None,
        official_authority=official.authority if official else "",
        reports=tuple(
            ReportFact(
                observed_on=view.report.observed_on,
                claim=view.report.claim,
                source=view.source_name,
                grade=view.grade,
                place=view.report.place,
                retracted=view.retracted_by is not None,
            )
            for view in case.reports
        ),
        requests=tuple(
            RequestFact(r.kind, r.authority, r.sent_on, r.due_on, r.replied_on)
            for r in case.authority_requests
        ),
    )


def write_letter(
    session: Session,
    viewer: Viewer,
    person_id: int,
    kind: LetterKind,
    lang: str,
    *,
    addressee: Addressee,
    translate: Translate,
    today: date | None = None,
) -> Letter:
    """Write a letter of a kind about a person, in a language (access checked)."""
    facts = gather(session, viewer, person_id)
    return compose(
        facts,
        kind,
        lang,
        addressee=addressee_name(addressee, translate),
        today=today or date.today(),
        translate=translate,
    )


def record_sent(
    session: Session,
    viewer: Viewer,
    person_id: int,
    kind: LetterKind,
    *,
    authority: str,
    sent_on: date,
    settings: Settings,
) -> AuthorityRequest:
    """Record a letter as sent: an authority request due after the legal period, and recompute.

    The answer is due ``settings.authority_reply_days`` after ``sent_on`` (the same rule as a
    request recorded on the person page); the person's assessment is recomputed in the
    caller's transaction so the overdue clock runs from now on.
    """
    viewer.require(MAY_SEND_LETTERS, "record letters as sent")
    case = dossier(session, viewer, person_id)
    if not authority.strip():
        raise InvalidInput("field 'authority': say which authority the letter went to")
    check_date(sent_on, "sent_on", today=date.today())
    row = send_authority_request(
        session,
        person=case.person,
        kind=kind.value,
        authority=authority.strip()[:300],
        sent_on=sent_on,
        due_on=due_date(sent_on, policy_of(settings)),
    )
    recompute_person(
        session, case.person.id, today=date.today(), settings=settings, reason="letter sent"
    )
    return row
