"""The remains brought home: the handover of identified remains to the family, step by step.

After a confirmed identification a desk arranges with the family when and where the remains are
handed over, records the handover (by whom, to whom, with which documents) and, later, the
burial place. Each step is a new row (:class:`RemainsHandover`), never edited: a correction is
a later row of the same stage. The ``handed_over`` step records a report from the remains
handover (source type ``remains_recovery``, A1) claiming ``remains_returned``, and the person's
status is recomputed in the same transaction; the status engine places ``remains_returned``
after ``identified`` (docs/status.md). Relatives of the person see every step on their case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import MAY_RECORD_OFFICIAL, Viewer
from kintrace.cases.service import get_person
from kintrace.config import Settings
from kintrace.errors import Conflict, InvalidInput
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import (
    EARLIEST_DATE,
    Reliability,
    ReportDetails,
    SourceDetails,
    SourceType,
    Status,
)
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.tables import Identification, RemainsHandover

HANDOVER_SOURCE = "Remains handover (recorded by the desk)"
"""The source of the ``remains_returned`` reports this module records."""

MAX_TEXT = 300
"""The longest place, name or burial place kept (the columns' size)."""

MAX_NOTE = 4000
"""The longest list of documents or note kept."""


class Stage(StrEnum):
    """Where a handover stands, in the order the steps come."""

    AGREED = "agreed"  # date and place fixed with the family
    HANDED_OVER = "handed_over"  # the remains are with the family
    BURIED = "buried"  # the burial place is known


ORDER = (Stage.AGREED, Stage.HANDED_OVER, Stage.BURIED)


@dataclass(frozen=True, slots=True)
class HandoverStep:
    """What a desk records for one step."""

    stage: Stage
    happened_on: date
    place: str = ""
    handed_by: str = ""
    received_by: str = ""
    burial_place: str = ""
    documents: str = ""
    note: str = ""


def _clean(text: str, field: str, limit: int) -> str:
    text = text.strip()
    if len(text) > limit:
        raise InvalidInput(f"field {field!r}: at most {limit} characters")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise InvalidInput(f"field {field!r}: control characters are not allowed")
    return text


def check_step(step: HandoverStep, today: date) -> HandoverStep:
    """Return the step with its texts trimmed, or raise InvalidInput naming the field."""
    if not EARLIEST_DATE <= step.happened_on <= today:
        raise InvalidInput(f"field 'happened_on': a date between {EARLIEST_DATE} and today")
    step = HandoverStep(
        stage=step.stage,
        happened_on=step.happened_on,
        place=_clean(step.place, "place", MAX_TEXT),
        handed_by=_clean(step.handed_by, "handed_by", MAX_TEXT),
        received_by=_clean(step.received_by, "received_by", MAX_TEXT),
        burial_place=_clean(step.burial_place, "burial_place", MAX_TEXT),
        documents=_clean(step.documents, "documents", MAX_NOTE),
        note=_clean(step.note, "note", MAX_NOTE),
    )
    if step.stage is Stage.HANDED_OVER and not (step.handed_by and step.received_by):
        raise InvalidInput("field 'received_by': say who handed them over to whom")
    if step.stage is Stage.BURIED and not step.burial_place:
        raise InvalidInput("field 'burial_place': say where he is buried")
    return step


def confirmed_identification(session: Session, person_id: int) -> Identification | None:
    """Return the person's newest confirmed identification, if any."""
    return session.scalars(
        select(Identification)
        .where(Identification.person_id == person_id, Identification.state == "confirmed")
        .order_by(Identification.id.desc())
        .limit(1)
    ).first()


def handovers_of(session: Session, person_id: int) -> list[RemainsHandover]:
    """Return every recorded step of a person's handover, oldest first."""
    return list(
        session.scalars(
            select(RemainsHandover)
            .where(RemainsHandover.person_id == person_id)
            .order_by(RemainsHandover.id)
        )
    )


def record_step(
    session: Session,
    viewer: Viewer,
    person_id: int,
    step: HandoverStep,
    *,
    settings: Settings,
    today: date,
) -> RemainsHandover:
    """Record one step of a handover (desks of his region, analysts, administrators).

    Refused without a confirmed identification, and a burial before the handover. A step of a
    stage recorded before is a correction (the earlier row stays). The first ``handed_over``
    step records the ``remains_returned`` report and recomputes the status.
    """
    viewer.require(MAY_RECORD_OFFICIAL, "record the handover of remains")
    person = get_person(session, viewer, person_id)
    identification = confirmed_identification(session, person.id)
    if identification is None:
        raise Conflict("the remains can be handed over only after a confirmed identification")
    step = check_step(step, today)
    earlier = handovers_of(session, person.id)
    if step.stage is Stage.BURIED and not any(r.stage == Stage.HANDED_OVER for r in earlier):
        raise Conflict("record the handover to the family before the burial")
    row = RemainsHandover(
        person_id=person.id,
        identification_id=identification.id,
        stage=step.stage.value,
        happened_on=step.happened_on,
        place=step.place,
        handed_by=step.handed_by,
        received_by=step.received_by,
        burial_place=step.burial_place,
        documents=step.documents,
        note=step.note,
        recorded_by=viewer.user_id,
        recorded_at=datetime.now(),
    )
    first_handover = step.stage is Stage.HANDED_OVER and not any(
        r.report_id is not None for r in earlier
    )
    if first_handover:
        source = get_or_create_source(
            session,
            SourceDetails(HANDOVER_SOURCE, SourceType.REMAINS_RECOVERY, Reliability.A),
        )
        report = record_report(
            session,
            person=person,
            source=source,
            details=ReportDetails(
                claim=Status.REMAINS_RETURNED.value,
                observed_on=step.happened_on,
                place=step.place,
                credibility=1,
                text=(
                    f"Remains of identification {identification.remains_code} handed over"
                    f" by {step.handed_by} to {step.received_by}."
                ),
            ),
            actor_id=viewer.user_id,
        )
        row.report_id = report.id
    session.add(row)
    session.flush()
    if first_handover:
        recompute_person(
            session, person.id, today=today, settings=settings, reason="remains handed over"
        )
    return row
