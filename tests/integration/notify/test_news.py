"""The news of each family's cases: found once, kept in the app, mailed as each relative chose."""

from __future__ import annotations

import email
from datetime import date, datetime, timedelta
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report, a_request
from kintrace.access import Role
from kintrace.cases.model import Relationship
from kintrace.config import Settings
from kintrace.errors import InvalidInput
from kintrace.notify.service import mail_news, mark_read, news_for, scan, set_mode
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import OfficialStatusDetails, SourceType, Status
from kintrace.reports.service import record_official_status, send_authority_request
from kintrace.storage.tables import Notification, Person, User
from kintrace.users.service import create_user, ensure_roles

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, 0)


def relative(db: Session, name: str, person: Person, *, language: str = "ru") -> User:
    ensure_roles(db)
    user = create_user(db, username=name, password="a long password", role=Role.RELATIVE)
    user.language = language
    user.email = f"{name}@example.org"
    user.email_confirmed_at = NOW
    a_request(db, person, Relationship.MOTHER, user_id=user.id)
    return user


def texts(db: Session, user: User) -> list[str]:
    return [n.text for n in news_for(db, user)]


@pytest.fixture
def petrov(db: Session) -> Person:
    person = a_person(db)
    a_report(db, person, "missing")
    recompute_person(db, person.id, today=TODAY, settings=Settings(), reason="test")
    return person


def test_the_first_scan_starts_now_and_announces_nothing_older(db: Session, petrov: Person) -> None:
    mother = relative(db, "mother1", petrov)
    assert scan(db, today=TODAY, now=NOW) == 0
    assert texts(db, mother) == []


def test_a_new_report_and_the_status_it_moves_reach_the_family_once_in_its_language(
    db: Session, petrov: Person
) -> None:
    mother = relative(db, "mother1", petrov)
    stranger_person = a_person(db, "Сидоров")
    stranger = relative(db, "other1", stranger_person)
    scan(db, today=TODAY, now=NOW)

    a_report(db, petrov, "captured_reported", date(2026, 11, 1), SourceType.RED_CROSS, 2)
    recompute_person(db, petrov.id, today=TODAY, settings=Settings(), reason="new report")

    assert scan(db, today=TODAY, now=NOW) == 2
    news = texts(db, mother)
    assert len(news) == 2
    status_news = next(t for t in news if "статус" in t)
    assert "«пропал без вести»" in status_news and "«в плену (по сообщениям)»" in status_news
    assert "Почему" in status_news and "Красный Крест" in status_news
    assert any("новое сообщение" in t for t in news)
    assert texts(db, stranger) == []  # another family's case
    assert scan(db, today=TODAY, now=NOW) == 0  # found once


def test_a_relatives_own_report_is_not_announced_to_the_family(db: Session, petrov: Person) -> None:
    mother = relative(db, "mother1", petrov)
    scan(db, today=TODAY, now=NOW)
    a_report(db, petrov, "missing", date(2026, 11, 2), SourceType.RELATIVE, 6)
    scan(db, today=TODAY, now=NOW)
    assert texts(db, mother) == []


def test_official_status_answers_late_answers_and_the_court_date(
    db: Session, petrov: Person
) -> None:
    mother = relative(db, "mother1", petrov, language="uk")
    scan(db, today=TODAY, now=NOW)
    record_official_status(
        db,
        person=petrov,
        details=OfficialStatusDetails(Status.MISSING, date(2026, 11, 3), "Міноборони"),
        actor_id=None,
    )
    send_authority_request(
        db,
        person=petrov,
        kind="status_change",
        authority="Військова частина А0000",
        sent_on=TODAY - timedelta(days=20),
        due_on=TODAY + timedelta(days=10),
    )
    scan(db, today=TODAY, now=NOW)
    assert not any("не надійшла" in t for t in texts(db, mother))  # not due yet
    later = TODAY + timedelta(days=11)
    scan(db, today=later, now=NOW + timedelta(days=11))
    news = texts(db, mother)
    assert any("Міноборони" in t and "«зник безвісти»" in t for t in news)
    assert any("Військова частина А0000" in t and "не надійшла" in t for t in news)


def test_mail_goes_at_once_daily_or_never_as_each_relative_chose(
    db: Session, petrov: Person, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="test-secret")
    at_once = relative(db, "mother1", petrov, language="ru")
    daily = relative(db, "father1", petrov, language="uk")
    never = relative(db, "sister1", petrov, language="en")
    set_mode(db, daily, "daily")
    set_mode(db, never, "off")
    with pytest.raises(InvalidInput, match="mode"):
        set_mode(db, never, "hourly")
    scan(db, today=TODAY, now=NOW)
    a_report(db, petrov, "captured_reported", date(2026, 11, 1), SourceType.RED_CROSS, 2)
    recompute_person(db, petrov.id, today=TODAY, settings=Settings(), reason="new report")
    scan(db, today=TODAY, now=NOW)

    assert mail_news(db, settings, daily=False, now=NOW) == 1
    assert mail_news(db, settings, daily=False, now=NOW) == 0  # nothing mailed twice
    assert mail_news(db, settings, daily=True, now=NOW) == 1
    mails = [
        email.message_from_bytes(p.read_bytes(), policy=default)
        for p in sorted((tmp_path / "outbox").glob("*.eml"))
    ]
    assert sorted(str(m["To"]) for m in mails) == ["father1@example.org", "mother1@example.org"]
    russian = next(m for m in mails if m["To"] == "mother1@example.org")
    body = russian.get_content()
    assert str(russian["Subject"]).startswith("Новости в поиске")
    assert "Здравствуйте" in body and "«в плену (по сообщениям)»" in body
    ukrainian = next(m for m in mails if m["To"] == "father1@example.org")
    assert str(ukrainian["Subject"]) == "Новини дня у ваших справах у kintrace"
    kept = db.scalars(select(Notification).where(Notification.user_id == never.id)).all()
    assert kept and all(n.emailed_at is None for n in kept)  # in the app only

    assert mark_read(db, at_once.id, now=NOW) == 2
    assert all(n.read for n in news_for(db, at_once))
