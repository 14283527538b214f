"""The pure parts of a dossier: its stamp read back from bytes, content hashes, changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kintrace.dossier.changes import compare, describe
from kintrace.dossier.snapshot import canonical_json, content_hash
from kintrace.dossier.stamp import Stamp, read_stamp

STAMP = Stamp(
    "D-ABCDEFGH23", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", datetime(2026, 3, 4, 5, 6, 7), "c" * 64
)


def test_a_stamp_is_read_back_from_the_bytes_around_it() -> None:
    data = b"%PDF-1.3\n1 0 obj\n<<\n/Subject (" + STAMP.subject().encode() + b")\n>>\n%%EOF"
    assert read_stamp(data) == STAMP


def test_a_changed_stamp_is_not_read_as_a_stamp() -> None:
    subject = STAMP.subject().replace("content-sha256 c", "content-sha256 X")
    assert read_stamp(b"/Subject (" + subject.encode() + b")") is None
    assert read_stamp(b"%PDF-1.7 some other file") is None


def test_the_content_hash_ignores_key_order_and_sees_every_value() -> None:
    one = {"person": {"surname": "Петров", "given_name": "Иван"}, "reports": [1, 2]}
    other = {"reports": [1, 2], "person": {"given_name": "Иван", "surname": "Петров"}}
    assert content_hash(one) == content_hash(other)
    assert canonical_json(one) == canonical_json(other)
    assert "Петров".encode() in canonical_json(one)  # UTF-8, not \u escapes
    changed = {"person": {"surname": "Петрова", "given_name": "Иван"}, "reports": [1, 2]}
    assert content_hash(changed) != content_hash(one)
    assert content_hash({**one, "reports": [2, 1]}) != content_hash(one)


def case(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "reports": [
            {"id": 1, "claim": "missing", "observed_on": "2022-09-18", "source": "штаб",
             "retracted_by": None, "recorded_at": "2026-01-01T10:00:00"},
        ],
        "assessment": {"status": "missing", "since": "2022-09-18"},
        "official": [{"status": "missing", "since": "2022-10-01", "authority": "Минобороны"}],
        "identifications": [],
        "authority_requests": [
            {"id": 5, "authority": "Омбудсмен", "sent_on": "2026-01-02", "replied_on": None},
        ],
    }  # fmt: skip
    base.update(changes)
    return base


def test_nothing_changed_says_nothing() -> None:
    assert compare(case(), case(), datetime(2026, 2, 1)) == []


def test_every_kind_of_change_is_found_and_said() -> None:
    old = case()
    new = case(
        reports=[
            {**old["reports"][0], "retracted_by": 2},
            {"id": 2, "claim": "retraction", "observed_on": "2026-02-03", "source": "штаб",
             "retracted_by": None, "recorded_at": "2026-02-03T09:00:00"},
            {"id": 3, "claim": "captured_confirmed", "observed_on": "2026-02-04",
             "source": "МККК", "retracted_by": None, "recorded_at": "2026-02-04T09:00:00"},
        ],
        assessment={"status": "captured_confirmed", "since": "2026-02-04"},
        official=[*old["official"], {"status": "captured_confirmed", "since": "2026-02-05",
                                     "authority": "Минобороны"}],
        identifications=[{"id": 9, "remains_code": "S-1", "confirmed_on": "2026-02-06"}],
        authority_requests=[
            {**old["authority_requests"][0], "replied_on": "2026-02-07"},
            {"id": 6, "authority": "МККК", "sent_on": "2026-02-08", "replied_on": None},
        ],
    )  # fmt: skip
    changes = compare(old, new, datetime(2026, 2, 1))
    kinds = [c.kind for c in changes]
    assert kinds == [
        "new_report", "new_report", "retracted", "assessed_status", "official_status",
        "identification", "authority_answer", "authority_request",
    ]  # fmt: skip
    said = [describe(c, "ru") for c in changes]
    assert "В плену (подтверждено)" in said[1] and "МККК" in said[1]
    assert said[3] == "Оценённый статус: Пропал без вести → В плену (подтверждено)"
    english = [describe(c, "en") for c in changes]
    assert english[2] == "Report #1 was withdrawn by report #2"
    assert english[5] == "DNA identification confirmed (2026-02-06): remains S-1"


def test_a_report_recorded_before_the_dossier_is_not_new_even_if_it_was_not_shown() -> None:
    """A relative's dossier lacks the reports they may not see; they are not 'new' later."""
    hidden = {"id": 7, "claim": "wounded", "observed_on": "2022-09-20", "source": "x",
              "retracted_by": None, "recorded_at": "2026-01-05T00:00:00"}  # fmt: skip
    old = case()
    new = case(reports=[*old["reports"], hidden])
    assert compare(old, new, datetime(2026, 2, 1)) == []
    assert [c.kind for c in compare(old, new, datetime(2026, 1, 2))] == ["new_report"]
