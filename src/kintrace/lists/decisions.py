"""An analyst's decisions on list rows: undo a row's link, open a case for a row linked to nobody.

A row linked to a person is a report on him (:mod:`kintrace.lists.evidence`). Undoing the link
rejects the pair (a label for the model, never proposed again) and retracts the report with the
analyst's reason. A row linked to nobody and proposed for nobody waits
(:func:`unmatched_records`) until an analyst opens a new case for it (:func:`open_case`).
Each recomputes the person's status in the caller's transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Viewer
from kintrace.cases.service import add_person, get_or_create_region
from kintrace.config import Settings
from kintrace.errors import Conflict, InvalidInput, NotFound
from kintrace.linkage.service import MAY_LINK, record_details
from kintrace.lists.evidence import KIND_CLAIMS, link_evidence
from kintrace.reconciliation.service import recompute_person
from kintrace.storage.tables import ImportedList, LinkCandidate, ListRecord


def undo_link(
    session: Session,
    viewer: Viewer,
    candidate_id: int,
    *,
    reason: str,
    settings: Settings,
    today: date,
) -> LinkCandidate:
    """Undo the link of a list record to a person (automatic or confirmed), with a reason.

    The pair is rejected from then on (a label for the model, never proposed again), the
    report the link made is retracted with the reason, and the person's status is recomputed.
    """
    viewer.require(MAY_LINK, "undo record links")
    candidate = session.get(LinkCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"no link candidate {candidate_id}")
    if candidate.list_record_id is None:
        raise Conflict(f"link candidate {candidate_id} pairs two persons: undo their merge")
    if candidate.state not in ("automatic", "confirmed"):
        raise Conflict(f"link candidate {candidate_id} is {candidate.state}, not a link")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("field 'reason': say why the record is not this person")
    candidate.state = "rejected"
    candidate.decided_by = viewer.user_id
    candidate.decided_at = datetime.now()
    candidate.note = reason
    link_evidence(
        session, viewer, candidate, linked=False, reason=reason, settings=settings, today=today
    )
    session.flush()
    return candidate


def unmatched_records(
    session: Session, *, list_name: str | None = None, limit: int = 100
) -> list[tuple[ListRecord, str]]:
    """Return list records linked to nobody and proposed for nobody, with their list's name.

    They wait here until an analyst opens a new case for one (:func:`open_case`).
    """
    taken = select(LinkCandidate.list_record_id).where(
        LinkCandidate.list_record_id.is_not(None),
        LinkCandidate.state.in_(("automatic", "confirmed", "pending")),
    )
    statement = (
        select(ListRecord, ImportedList.name)
        .join(ImportedList, ImportedList.id == ListRecord.list_id)
        .where(ListRecord.id.not_in(taken), ImportedList.kind.in_(list(KIND_CLAIMS)))
        .order_by(ListRecord.id)
        .limit(limit)
    )
    if list_name is not None:
        statement = statement.where(ImportedList.name == list_name)
    return [(r, name) for r, name in session.execute(statement).all()]


def open_case(
    session: Session,
    viewer: Viewer,
    list_record_id: int,
    *,
    note: str,
    settings: Settings,
    today: date,
) -> LinkCandidate:
    """Open a new case for a list record that links to nobody: a person as the row gives him.

    The record is linked to the new person (a confirmed link, kept with the analyst's note),
    its report is made and the new person's status computed.
    """
    viewer.require(MAY_LINK, "open cases from list records")
    record = session.get(ListRecord, list_record_id)
    if record is None:
        raise NotFound(f"no list record {list_record_id}")
    linked = session.scalar(
        select(LinkCandidate.id)
        .where(
            LinkCandidate.list_record_id == record.id,
            LinkCandidate.state.in_(("automatic", "confirmed")),
        )
        .limit(1)
    )
    if linked is not None:
        raise Conflict(f"list record {list_record_id} is linked to a person already")
    details = record_details(record)
    region = get_or_create_region(session, details.home_region) if details.home_region else None
    person = add_person(session, details, region=region, actor_id=viewer.user_id)
    now = datetime.now()
    candidate = LinkCandidate(
        person_id=person.id,
        list_record_id=record.id,
        probability=1.0,
        evidence={},
        state="confirmed",
        run="new case",
        created_at=now,
        decided_by=viewer.user_id,
        decided_at=now,
        note=note.strip(),
    )
    session.add(candidate)
    session.flush()
    link_evidence(
        session, viewer, candidate, linked=True, reason=note, settings=settings, today=today
    )
    recompute_person(session, person.id, today=today, settings=settings, reason="new case")
    session.flush()
    return candidate
