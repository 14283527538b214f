"""A case dossier made from the database, read back page by page, verified; both engines."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report, a_request
from kintrace.access import SYSTEM, Role, Viewer
from kintrace.config import Settings
from kintrace.dossier.service import Verdict, make_dossier, verify_dossier
from kintrace.dossier.snapshot import content_hash, now_utc
from kintrace.errors import Forbidden, NotFound
from kintrace.reports.model import SourceType
from kintrace.reports.service import attach_file
from kintrace.storage.dossier_tables import DossierRecord
from kintrace.storage.files import FileStore
from kintrace.storage.tables import CaseView, DnaCase, Identification, Person
from kintrace.users.service import create_user
from pdf_pages import page_texts

MADE = datetime(2026, 3, 4, 5, 6, 7)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="x" * 40)


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "attachments")


def a_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def a_case(db: Session, files: FileStore) -> Person:
    person = a_person(db, "Петренко")
    a_request(db, person)
    a_report(db, person, "missing", date(2022, 9, 18))
    seen = a_report(db, person, "captured_reported", date(2022, 10, 2))
    attach_file(db, files, report=seen, data=a_photo(), filename="фото.png")
    db.add(DnaCase(person_id=person.id, code="M-TEST0001", created_at=datetime(2026, 1, 1)))
    db.add(
        Identification(
            remains_code="S-TEST0002", person_id=person.id, lr=2.5e7, posterior=0.9991,
            conclusion="probable", method="kintrace dvi (out.json)", state="confirmed",
            proposed_at=datetime(2026, 1, 2), decided_at=datetime(2026, 1, 3),
        )
    )  # fmt: skip
    db.add(
        Identification(
            remains_code="S-PROPOSED", person_id=person.id, lr=10.0, posterior=None,
            conclusion="probable", method="by hand", state="proposed",
            proposed_at=datetime(2026, 1, 2),
        )
    )  # fmt: skip
    db.flush()
    return person


def test_the_dossier_shows_the_case_in_russian_on_every_page_and_is_recorded(
    db: Session, settings: Settings, files: FileStore
) -> None:
    person = a_case(db, files)
    made = make_dossier(
        db, SYSTEM, person.id, lang="ru", settings=settings, files=files, made_at=MADE
    )
    pages = page_texts(made.pdf)
    text = " ".join(pages)
    assert "Петренко Александр Иванович" in pages[0]
    for section in ("Личность", "Статус", "Сообщения", "Вложения", "ДНК-идентификация"):
        assert section in text, section
    assert "фото.png" in text and "S-TEST0002" in text and "M-TEST0001" in text
    assert "S-PROPOSED" not in text  # a proposal is not an identification
    record = made.record
    for page in pages:  # the stamp is on every page
        assert record.code in page and record.instance_id in page
        assert record.content_sha256 in page.replace(" ", "")
        assert "2026-03-04 05:06:07 UTC" in page
    stored = db.scalar(select(DossierRecord).where(DossierRecord.code == record.code))
    assert stored is not None and stored.person_id == person.id and stored.made_by is None
    assert stored.lang == "ru" and stored.made_at == MADE
    assert content_hash(stored.snapshot) == stored.content_sha256
    photo = stored.snapshot["reports"][1]["attachments"][0]
    assert photo["filename"] == "фото.png" and len(photo["sha256"]) == 64
    assert f"/Subject (kintrace-dossier {record.code}; ".encode() in made.pdf


def test_the_same_case_made_again_has_the_same_content_hash(
    db: Session, settings: Settings, files: FileStore
) -> None:
    person = a_case(db, files)
    one = make_dossier(
        db, SYSTEM, person.id, lang="uk", settings=settings, files=files, made_at=MADE
    )
    two = make_dossier(
        db, SYSTEM, person.id, lang="uk", settings=settings, files=files, made_at=MADE
    )
    assert one.record.content_sha256 == two.record.content_sha256
    assert one.record.code != two.record.code and one.record.sha256 != two.record.sha256
    assert "Петренко" in page_texts(one.pdf)[0] and "Особа" in page_texts(one.pdf)[0]


def test_verification_finds_an_unaltered_file_and_names_the_problem_of_an_altered_one(
    db: Session, settings: Settings, files: FileStore
) -> None:
    person = a_case(db, files)
    made = make_dossier(db, SYSTEM, person.id, lang="en", settings=settings, files=files)
    result = verify_dossier(db, made.pdf, viewer=SYSTEM, settings=settings)
    assert result.verdict is Verdict.UNALTERED and result.ok
    assert result.changes == [] and result.changes_shown
    changed = bytearray(made.pdf)
    changed[len(changed) // 3] ^= 0x01  # one byte, somewhere in a page's stream
    result = verify_dossier(db, bytes(changed), viewer=SYSTEM, settings=settings)
    assert result.verdict is Verdict.ALTERED and not result.ok
    assert result.record is not None and result.record.code == made.record.code
    assert f"recorded for dossier {made.record.code}" in result.problem()
    assert verify_dossier(db, b"%PDF-1.4 other", viewer=SYSTEM, settings=settings).verdict is (
        Verdict.NOT_A_DOSSIER
    )
    foreign = made.pdf.replace(
        made.record.instance_id.encode(), b"00000000-0000-0000-0000-000000000000"
    )
    assert verify_dossier(db, foreign, viewer=SYSTEM, settings=settings).verdict is (
        Verdict.OTHER_INSTANCE
    )
    unknown = made.pdf.replace(made.record.code.encode(), b"D-ZZZZZZZZZZ")
    assert verify_dossier(db, unknown, viewer=SYSTEM, settings=settings).verdict is (
        Verdict.UNKNOWN_DOSSIER
    )


def test_verification_says_what_changed_in_the_case_since(
    db: Session, settings: Settings, files: FileStore
) -> None:
    person = a_case(db, files)
    made = make_dossier(
        db, SYSTEM, person.id, lang="en", settings=settings, files=files,
        made_at=now_utc() - timedelta(hours=1),
    )  # fmt: skip
    news = a_report(db, person, "captured_confirmed", date(2026, 2, 1), SourceType.RED_CROSS, 1)
    result = verify_dossier(db, made.pdf, viewer=SYSTEM, settings=settings)
    assert result.ok
    kinds = {c.kind: c.values for c in result.changes}
    assert kinds["new_report"]["id"] == news.id
    assert kinds["assessed_status"]["after"] == "captured_confirmed"


def test_a_relative_gets_only_her_own_case_and_what_relatives_may_see(
    db: Session, settings: Settings, files: FileStore
) -> None:
    person = a_case(db, files)
    user = create_user(db, username="olena", password="a long password", role=Role.RELATIVE)
    relative = Viewer(user.id, Role.RELATIVE)
    with pytest.raises(NotFound):  # not her case
        make_dossier(db, relative, person.id, lang="uk", settings=settings, files=files)
    mine = a_person(db, "Коваль")
    a_request(db, mine, user_id=user.id)
    a_report(db, mine, "missing", date(2023, 1, 1))
    made = make_dossier(db, relative, mine.id, lang="uk", settings=settings, files=files)
    assert made.record.made_by == user.id
    logged = db.scalars(select(CaseView).where(CaseView.person_id == mine.id)).all()
    assert [(v.action, v.what, v.user_id) for v in logged] == [("dossier", "dossier_pdf", user.id)]
    assert made.record.snapshot["viewer_role"] == "relative"
    assert "Коваль" in page_texts(made.pdf)[0]
    with pytest.raises(Forbidden):
        make_dossier(db, Viewer(None, Role.DNA_LAB), mine.id, lang="en", settings=settings,
                     files=files)  # fmt: skip
    # a relative verifying a dossier of a case she may not see learns the verdict only
    other = make_dossier(db, SYSTEM, person.id, lang="en", settings=settings, files=files)
    result = verify_dossier(db, other.pdf, viewer=relative, settings=settings)
    assert result.ok and not result.changes_shown and result.changes == []


def test_files_and_links_given_with_a_request_are_in_the_dossier(
    db: Session, settings: Settings, files: FileStore
) -> None:
    from kintrace.attachments.service import Upload, attach_to_request
    from kintrace.storage.tables import TracingRequest

    person = a_person(db, "Коваленко")
    a_request(db, person)
    request = db.scalars(select(TracingRequest).where(TracingRequest.person_id == person.id)).one()
    attach_to_request(
        db, files, request=request, uploads=[Upload("лист.png", a_photo())],
        links=["https://t.me/c/123/456"], actor_id=None,
    )  # fmt: skip
    made = make_dossier(
        db, SYSTEM, person.id, lang="uk", settings=settings, files=files, made_at=MADE
    )
    text = " ".join(page_texts(made.pdf)).replace("\n", " ")
    assert "лист.png" in text and "https://t.me/c/123/456" in text
    assert f"запит № {request.id}" in text
