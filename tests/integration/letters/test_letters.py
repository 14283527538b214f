"""Letters from a case: names in the right case in the PDF's text, a sent letter's due date."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.db_builders import a_report
from tests.pdf_pages import pdf_text

from kintrace.access import SYSTEM, Role, Viewer
from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import (
    Channel,
    ConsentScope,
    InquirerDetails,
    PersonDetails,
    Relationship,
    RequestDetails,
    Sex,
)
from kintrace.cases.service import add_person, file_request, get_or_create_region
from kintrace.config import Settings
from kintrace.errors import Forbidden, InvalidInput, NotFound
from kintrace.letters.model import Addressee, LetterKind
from kintrace.letters.pdf import letter_pdf
from kintrace.letters.service import gather, record_sent, write_letter
from kintrace.reconciliation.model import Flag
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import OfficialStatusDetails, SourceType, Status
from kintrace.reports.service import record_official_status
from kintrace.storage.tables import Assessment, AuthorityRequest, Person
from kintrace.web.i18n import tr

SETTINGS = Settings(secret_key="x" * 40, authority_reply_days=30)

PEOPLE = {
    # lang: (surname, given, patronymic, sex)
    "ru": ("Иванов", "Сергей", "Петрович", Sex.MALE),
    "uk": ("Коваль", "Олена", "Тарасівна", Sex.FEMALE),
    "en": ("Иванов", "Сергей", "Петрович", Sex.MALE),
}

# the name as each kind's title and request need it, checked by hand
GENITIVE = {
    "ru": "Иванова Сергея Петровича",
    "uk": "Коваль Олени Тарасівни",
    "en": "Иванов Сергей Петрович",
}
TITLE_WORDS = {
    ("ru", LetterKind.STATUS_CHANGE): "Заявление о розыске Иванова Сергея Петровича",
    ("ru", LetterKind.POW_LIST_INCLUSION): "о включении Иванова Сергея Петровича в списки",
    ("ru", LetterKind.DNA_TEST): "для идентификации Иванова Сергея Петровича",
    ("ru", LetterKind.REMAINS_RETURN): "о возвращении останков Иванова Сергея Петровича",
    ("ru", LetterKind.OBJECTION): "умершим военнослужащего Иванова Сергея Петровича",
    ("uk", LetterKind.STATUS_CHANGE): "Заява про розшук Коваль Олени Тарасівни",
    ("uk", LetterKind.POW_LIST_INCLUSION): "Прошу включити Коваль Олену Тарасівну до списків",
    ("uk", LetterKind.DNA_TEST): "у родичів Коваль Олени Тарасівни",
    ("uk", LetterKind.REMAINS_RETURN): "повернення останків Коваль Олени Тарасівни",
    ("uk", LetterKind.OBJECTION): "померлим військовослужбовця Коваль Олени Тарасівни",
    ("en", LetterKind.STATUS_CHANGE): "the search for Иванов Сергей Петрович",
    ("en", LetterKind.POW_LIST_INCLUSION): "the inclusion of Иванов Сергей Петрович in the",
    ("en", LetterKind.DNA_TEST): "to identify Иванов Сергей Петрович",
    ("en", LetterKind.REMAINS_RETURN): "the remains of Иванов Сергей Петрович",
    ("en", LetterKind.OBJECTION): "declaration of death of Иванов Сергей Петрович",
}
ADDRESSEE_WORDS = {"ru": "Министерство обороны", "uk": "Міністерство оборони", "en": "Ministry"}


def a_case(db: Session, lang: str, *, user_id: int | None = None) -> Person:
    """Store a person with a mother's request, reports, an official status and an assessment."""
    surname, given, patronymic, sex = PEOPLE[lang]
    person = add_person(
        db,
        PersonDetails(
            surname=surname,
            given_name=given,
            patronymic=patronymic,
            sex=sex,
            birth=PartialDate(1998, 5, 3, Precision.DAY),
            unit="в/ч 12345",
            rank="рядовой",
            personal_number="АВ-123456",
        ),
        region=get_or_create_region(db, "Курская область"),
        actor_id=None,
    )
    file_request(
        db,
        person=person,
        inquirer=InquirerDetails(
            "Петрова Мария Ивановна",
            Relationship.MOTHER,
            "+7 555 010-20-30",
            "",
            frozenset({ConsentScope.RED_CROSS}),
        ),
        request=RequestDetails(date(2023, 1, 5), Channel.WALK_IN, "", "", date(2022, 9, 17)),
        actor_id=None,
        user_id=user_id,
    )
    a_report(db, person, "missing", date(2022, 9, 18), SourceType.UNIT_COMMANDER)
    a_report(db, person, "captured_reported", date(2022, 10, 5), SourceType.POW_LIST_OTHER_SIDE)
    record_official_status(
        db,
        person=person,
        details=OfficialStatusDetails(Status.MISSING, date(2022, 9, 20), "Военкомат"),
        actor_id=None,
    )
    recompute_person(db, person.id, today=date(2023, 2, 1), settings=SETTINGS, reason="test")
    return person


@pytest.mark.parametrize("kind", list(LetterKind))
@pytest.mark.parametrize("lang", ["ru", "uk", "en"])
def test_each_letter_names_the_person_in_the_right_case(
    db: Session, lang: str, kind: LetterKind
) -> None:
    person = a_case(db, lang)
    letter = write_letter(
        db,
        SYSTEM,
        person.id,
        kind,
        lang,
        addressee=Addressee.MINISTRY if kind is not LetterKind.OBJECTION else Addressee.COURT,
        translate=partial(tr, lang),
        today=date(2023, 3, 1),
    )
    text = pdf_text(letter_pdf(letter))
    assert TITLE_WORDS[(lang, kind)] in text
    assert GENITIVE[lang] in text
    surname, given, patronymic, _ = PEOPLE[lang]
    assert f"{surname} {given} {patronymic}" in text  # the identity block: nominative
    assert "12345" in text and "АВ-123456" in text and "рядовой" in text
    assert "Петрова Мария Ивановна" in text  # the mother signs
    if kind is not LetterKind.OBJECTION:
        assert ADDRESSEE_WORDS[lang] in text
    assert "Военкомат" in text  # the official status with its authority


def test_the_facts_are_the_case_as_this_viewer_sees_it(db: Session) -> None:
    person = a_case(db, "ru")
    facts = gather(db, SYSTEM, person.id)
    assert [r.claim for r in facts.reports] == ["missing", "captured_reported"]
    assert facts.official == "missing"
    assert facts.assessed is not None
    assert facts.sender.name == "Петрова Мария Ивановна"
    assert facts.sender.relationship == "mother"
    assert facts.last_contact == date(2022, 9, 17)  # from the mother's request
    letter = write_letter(
        db,
        SYSTEM,
        person.id,
        LetterKind.POW_LIST_INCLUSION,
        "ru",
        addressee=Addressee.RED_CROSS,
        translate=partial(tr, "ru"),
        today=date(2023, 3, 1),
    )
    body = letter.text()
    assert "Международный комитет Красного Креста" in body
    assert "Прошу включить Иванова Сергея Петровича в списки военнопленных" in body
    assert "мать военнослужащего" in body
    assert "1 марта 2023" in body  # the date in Russian
    assert "Последняя связь с семьёй: 17 сентября 2022 г." in body


def test_recording_a_letter_as_sent_makes_an_authority_request_due_after_the_period(
    db: Session,
) -> None:
    person = a_case(db, "ru")
    sent_on = date.today() - timedelta(days=45)
    row = record_sent(
        db,
        SYSTEM,
        person.id,
        LetterKind.REMAINS_RETURN,
        authority="Министерство обороны",
        sent_on=sent_on,
        settings=SETTINGS,
    )
    stored = db.scalars(select(AuthorityRequest).where(AuthorityRequest.person_id == person.id))
    assert [(r.kind, r.authority, r.sent_on, r.due_on) for r in stored] == [
        ("remains_return", "Министерство обороны", sent_on, sent_on + timedelta(days=30))
    ]
    assert row.replied_on is None
    current = db.scalar(
        select(Assessment).where(Assessment.person_id == person.id, Assessment.is_current)
    )
    assert current is not None
    assert Flag.OVERDUE.value in current.flags  # due 15 days ago, unanswered


def test_a_relative_writes_only_for_their_own_case(db: Session) -> None:
    theirs = a_case(db, "ru", user_id=None)
    stranger = Viewer(user_id=999_999, role=Role.RELATIVE)
    with pytest.raises(NotFound):
        gather(db, stranger, theirs.id)
    with pytest.raises(NotFound):
        record_sent(
            db,
            stranger,
            theirs.id,
            LetterKind.DNA_TEST,
            authority="x",
            sent_on=date.today(),
            settings=SETTINGS,
        )
    with pytest.raises(Forbidden):
        gather(db, Viewer(user_id=1, role=Role.DNA_LAB), theirs.id)
    with pytest.raises(Forbidden):
        gather(db, Viewer(user_id=1, role=Role.REVIEWER), theirs.id)


def test_a_letter_is_not_sent_without_an_authority_or_on_a_future_date(db: Session) -> None:
    person = a_case(db, "ru")
    with pytest.raises(InvalidInput):
        record_sent(
            db,
            SYSTEM,
            person.id,
            LetterKind.DNA_TEST,
            authority="  ",
            sent_on=date.today(),
            settings=SETTINGS,
        )
    with pytest.raises(InvalidInput):
        record_sent(
            db,
            SYSTEM,
            person.id,
            LetterKind.DNA_TEST,
            authority="Бюро",
            sent_on=date.today() + timedelta(days=3),
            settings=SETTINGS,
        )
