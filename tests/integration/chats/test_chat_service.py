"""Chat mentions in the database: stored once, linked, pending until an analyst decides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_report
from kintrace.access import Role, Viewer
from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import PersonDetails
from kintrace.cases.service import add_person, get_or_create_region
from kintrace.chats.service import (
    CHAT_KIND,
    accept_mention,
    import_chat,
    pending_mentions,
    reject_mention,
)
from kintrace.chats.telegram import read_export
from kintrace.config import Settings
from kintrace.errors import Conflict, Forbidden, InvalidInput
from kintrace.lists.decisions import undo_link
from kintrace.lists.service import ListKind
from kintrace.reconciliation.service import recompute_person
from kintrace.storage.chat_tables import ChatMention
from kintrace.storage.tables import (
    Assessment,
    ChangeLog,
    ImportedList,
    LinkCandidate,
    ListRecord,
    Person,
    Report,
    Source,
)
from kintrace.users.service import create_user

EXPORT = Path(__file__).parents[2] / "unit" / "chats" / "result.json"
TODAY = date(2024, 3, 1)
SETTINGS = Settings()


@pytest.fixture
def analyst(db: Session) -> Viewer:
    user = create_user(db, username="analyst-chat", password="a long password 1", role=Role.ANALYST)
    return Viewer(user.id, Role.ANALYST, display_name="analyst-chat")


def ivanov(db: Session) -> Person:
    """The man of message 2: missing since January 2024."""
    person = add_person(
        db,
        PersonDetails(
            surname="Иванов", given_name="Сергей", patronymic="Петрович",
            birth=PartialDate(1995, 7, 14, Precision.DAY), unit="в/ч 12345",
        ),
        region=get_or_create_region(db, "Курская область"),
        actor_id=None,
    )  # fmt: skip
    a_report(db, person, "missing", on=date(2024, 1, 12))
    recompute_person(db, person.id, today=TODAY, settings=SETTINGS, reason="test")
    return person


def status_of(db: Session, person: Person) -> str:
    current = db.scalar(
        select(Assessment.status).where(Assessment.person_id == person.id, Assessment.is_current)
    )
    return current or ""


def run_import(db: Session, name: str = "chat-1") -> object:
    return import_chat(
        db, messages=read_export(EXPORT), list_name=name, filename="result.json",
        sha256="0" * 64, actor_id=None, settings=SETTINGS, today=TODAY,
    )  # fmt: skip


def test_mentions_are_stored_linked_and_pending_and_count_for_nothing(db: Session) -> None:
    person = ivanov(db)
    reports_before = db.scalar(select(Report.id).order_by(Report.id.desc()).limit(1))
    result = run_import(db)
    assert result.messages == 9 and result.new == 8  # type: ignore[attr-defined]
    ivanov_mentions = [m for m in result.mentions if m.message_id == 2]  # type: ignore[attr-defined]
    assert [m.person_id for m in ivanov_mentions] == [person.id]
    imported = db.scalar(select(ImportedList).where(ImportedList.name == "chat-1"))
    assert imported is not None and imported.kind == "chat_export" and imported.row_count == 8
    source = db.get(Source, imported.source_id)
    assert source is not None
    assert (source.name, source.type) == ("Telegram: Ищем своих | Шукаємо своїх", "social_media")
    rows = db.scalars(select(ChatMention).order_by(ChatMention.id)).all()
    assert {r.state for r in rows} == {"pending"}
    assert [r.message_id for r in rows if r.scam] == [6]
    # nothing counts before an analyst accepts it: no report, the status unmoved
    assert db.scalar(select(Report.id).order_by(Report.id.desc()).limit(1)) == reports_before
    assert status_of(db, person) == "missing"
    assert len(pending_mentions(db)) == 8


def test_the_same_messages_again_add_nothing(db: Session) -> None:
    ivanov(db)
    run_import(db)
    counts = (
        len(db.scalars(select(ChatMention)).all()),
        len(db.scalars(select(ListRecord)).all()),
        len(db.scalars(select(LinkCandidate)).all()),
    )
    again = run_import(db)
    assert again.new == 0 and len(again.mentions) == 8  # type: ignore[attr-defined]
    assert (
        len(db.scalars(select(ChatMention)).all()),
        len(db.scalars(select(ListRecord)).all()),
        len(db.scalars(select(LinkCandidate)).all()),
    ) == counts


def test_a_list_of_another_kind_is_not_a_chat(db: Session) -> None:
    db.add(ImportedList(name="pow-x", kind="prisoner_list", filename="a.csv", sha256="1" * 64,
                        row_count=0, imported_at=TODAY))  # fmt: skip
    db.flush()
    with pytest.raises(Conflict, match="not a chat export"):
        run_import(db, "pow-x")


def _mention_of(db: Session, message_id: int) -> ChatMention:
    found = db.scalar(select(ChatMention).where(ChatMention.message_id == message_id).limit(1))
    assert found is not None
    return found


def test_accepting_makes_a_low_grade_report_with_the_message_and_recomputes(
    db: Session, analyst: Viewer
) -> None:
    person = ivanov(db)
    run_import(db)
    mention = _mention_of(db, 2)
    report = accept_mention(db, analyst, mention.id, settings=SETTINGS, today=TODAY)
    assert (report.person_id, report.claim, report.reliability, report.credibility) == (
        person.id, "missing", "E", 6,
    )  # fmt: skip
    assert report.text.startswith("Ищем Иванова Сергея Петровича")
    assert (report.observed_on, report.place) == (date(2024, 1, 12), "Бахмут")
    assert (mention.state, mention.report_id, mention.decided_by) == (
        "accepted", report.id, analyst.user_id,
    )  # fmt: skip
    current = db.scalar(
        select(Assessment).where(Assessment.person_id == person.id, Assessment.is_current)
    )
    assert current is not None and "mention" in current.reason
    history = db.scalars(select(ChangeLog).where(ChangeLog.table_name == "chat_mentions")).all()
    assert [h.after["state"] for h in history if h.after] == ["accepted"]
    with pytest.raises(Conflict, match="already accepted"):
        accept_mention(db, analyst, mention.id, settings=SETTINGS, today=TODAY)
    # undoing the row's link retracts the report, as for any list row
    candidate = db.scalar(
        select(LinkCandidate).where(LinkCandidate.list_record_id == mention.list_record_id)
    )
    assert candidate is not None and candidate.report_id == report.id
    undo_link(db, analyst, candidate.id, reason="another man", settings=SETTINGS, today=TODAY)
    assert db.scalar(select(Report).where(Report.retracts_id == report.id)) is not None


def test_an_accepted_claim_moves_the_status_once_the_chat_is_graded(
    db: Session, analyst: Viewer
) -> None:
    kovalenko = add_person(
        db,
        PersonDetails(
            surname="Коваленко", given_name="Андрей", patronymic="Викторович",
            birth=PartialDate(1988, 2, 3, Precision.DAY), unit="155 ОБрМП",
        ),
        region=None,
        actor_id=None,
    )  # fmt: skip
    a_report(db, kovalenko, "missing", on=date(2024, 1, 20))
    recompute_person(db, kovalenko.id, today=TODAY, settings=SETTINGS, reason="test")
    result = run_import(db)
    (found,) = [m for m in result.mentions if m.message_id == 9]  # type: ignore[attr-defined]
    assert (found.person_id, found.claim) == (kovalenko.id, "captured_reported")
    # an analyst trusts this chat (C): an accepted claim of it, C6, is credible enough
    source = db.scalar(select(Source).where(Source.type == "social_media"))
    assert source is not None
    source.reliability = "C"
    db.flush()
    assert status_of(db, kovalenko) == "missing"  # pending: counts for nothing
    accept_mention(db, analyst, _mention_of(db, 9).id, settings=SETTINGS, today=TODAY)
    assert status_of(db, kovalenko) == "captured_reported"


def test_rejected_mentions_never_count_and_keep_the_reason(db: Session, analyst: Viewer) -> None:
    person = ivanov(db)
    run_import(db)
    mention = _mention_of(db, 2)
    with pytest.raises(InvalidInput, match="reason"):
        reject_mention(db, analyst, mention.id, reason="  ")
    reject_mention(db, analyst, mention.id, reason="the family found him already")
    assert (mention.state, mention.reason) == ("rejected", "the family found him already")
    with pytest.raises(Conflict, match="already rejected"):
        accept_mention(db, analyst, mention.id, settings=SETTINGS, today=TODAY)
    assert db.scalar(select(Report).where(Report.source.has(type="social_media"))) is None
    assert status_of(db, person) == "missing"


def test_a_scam_can_only_be_rejected(db: Session, analyst: Viewer) -> None:
    run_import(db)
    scam = _mention_of(db, 6)
    assert scam.scam_signals == ["card_number", "payment_request"]
    with pytest.raises(Conflict, match="never counts"):
        accept_mention(db, analyst, scam.id, settings=SETTINGS, today=TODAY)
    reject_mention(db, analyst, scam.id, reason="scam")


def test_a_mention_linked_to_nobody_waits_for_its_link(db: Session, analyst: Viewer) -> None:
    run_import(db)
    mention = _mention_of(db, 3)
    with pytest.raises(Conflict, match="linked to no person"):
        accept_mention(db, analyst, mention.id, settings=SETTINGS, today=TODAY)


def test_only_analysts_decide(db: Session) -> None:
    run_import(db)
    mention = _mention_of(db, 2)
    operator = Viewer(None, Role.OPERATOR, display_name="desk")
    with pytest.raises(Forbidden):
        accept_mention(db, operator, mention.id, settings=SETTINGS, today=TODAY)
    with pytest.raises(Forbidden):
        reject_mention(db, operator, mention.id, reason="no")


def test_the_chat_list_kind_is_the_list_importers() -> None:
    assert ListKind(CHAT_KIND) is ListKind.CHAT_EXPORT
