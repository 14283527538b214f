"""Record-linkage pages: the review queue, merges of duplicates and their undoing."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from kintrace.cases.service import get_person
from kintrace.errors import InvalidInput
from kintrace.instance import Instance
from kintrace.linkage.service import (
    ALONE,
    MAY_LINK,
    decide_candidate,
    merge_persons,
    review_queue,
    undo_merge,
)
from kintrace.storage.tables import ImportedList, ListRecord, Person
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.limits import MAX_ROW_ID, RowId
from kintrace.web.routes.pages import confirms, page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]


@router.get("/links")
def links_page(request: Request, db: DbSession, viewer: SignedIn) -> HTMLResponse:
    """Candidates between the thresholds, each side by side with the evidence per field."""
    viewer.require(MAY_LINK, "review record linkage")
    queue = review_queue(db)
    persons = {
        p.id: p
        for p in db.scalars(
            select(Person).where(
                Person.id.in_(
                    [c.person_id for c in queue]
                    + [c.other_person_id for c in queue if c.other_person_id]
                )
            )
        )
    }
    record_ids = [c.list_record_id for c in queue if c.list_record_id]
    records = {
        r.id: (r, name)
        for r, name in db.execute(
            select(ListRecord, ImportedList.name)
            .join(ImportedList, ImportedList.id == ListRecord.list_id)
            .where(ListRecord.id.in_(record_ids))
        ).all()
    }
    return page(
        request, "links.html", viewer, queue=queue, persons=persons, records=records, alone=ALONE
    )


@router.post("/links/{candidate_id}")
def decide_link(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    candidate_id: RowId,
    csrf: Annotated[str, Form()],
    decision: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Confirm (link, or merge two persons) or reject a candidate; the decision is kept."""
    require_csrf(request, csrf)
    decide_candidate(
        db,
        viewer,
        candidate_id,
        confirm=confirms(decision),
        note=note,
        settings=instance.settings,
        today=date.today(),
    )
    return RedirectResponse("/links", status_code=303)


@router.post("/persons/{person_id}/merge")
def merge_into(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    person_id: RowId,
    csrf: Annotated[str, Form()],
    duplicate: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
    reason: Annotated[str, Form()],
) -> RedirectResponse:
    """Merge a duplicate into this person (every request and report is kept)."""
    require_csrf(request, csrf)
    viewer.require(MAY_LINK, "merge persons")
    kept = get_person(db, viewer, person_id)
    if not reason.strip():
        raise InvalidInput("field 'reason': say why these are the same man")
    merge_persons(
        db,
        viewer,
        kept_id=kept.id,
        merged_id=duplicate,
        reason=reason.strip(),
        settings=instance.settings,
        today=date.today(),
    )
    return RedirectResponse(f"/persons/{kept.id}#merges", status_code=303)


@router.post("/merges/{merge_id}/undo")
def undo(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    merge_id: RowId,
    csrf: Annotated[str, Form()],
) -> RedirectResponse:
    """Undo a merge: both persons stand apart again."""
    require_csrf(request, csrf)
    merge = undo_merge(db, viewer, merge_id, settings=instance.settings, today=date.today())
    return RedirectResponse(f"/persons/{merge.kept_id}#merges", status_code=303)
