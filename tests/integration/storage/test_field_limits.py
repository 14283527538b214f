"""The same field limits on both engines, whichever front end writes the row."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db_builders import a_person, a_report
from kintrace.errors import InvalidInput
from kintrace.storage.db import AuditedSession
from kintrace.storage.tables import Person, Report


@pytest.mark.parametrize(
    ("surname", "said"),
    [
        ("П" * 201, "201 characters, more than 200"),
        ("Петров\x00", "control or direction-override"),
        ("\u202eвортеП", "control or direction-override"),
        ("Петров\nИванов", "control or direction-override"),
    ],
)
def test_a_field_past_its_column_or_with_control_characters_is_refused_on_every_engine(
    db: AuditedSession, surname: str, said: str
) -> None:
    before = db.scalar(select(func.count()).select_from(Person))
    with pytest.raises(InvalidInput) as caught:
        a_person(db, surname=surname)
    assert said in str(caught.value) and "field 'surname'" in str(caught.value)
    assert surname not in str(caught.value)  # the message names the field, never the value
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Person)) == before


def test_long_text_keeps_its_line_breaks_but_not_nul(db: AuditedSession) -> None:
    made = a_report(db, a_person(db))

    def copy_with(text: str) -> Report:
        row = Report(
            person_id=made.person_id,
            source_id=made.source_id,
            claim=made.claim,
            observed_on=made.observed_on,
            reliability=made.reliability,
            credibility=made.credibility,
            text=text,
            created_at=made.created_at,
        )
        db.add(row)
        db.flush()
        return row

    assert copy_with("он сказал:\n\tжив").id
    with pytest.raises(InvalidInput, match="field 'text': a control character"):
        copy_with("он сказал: жив\x00")
