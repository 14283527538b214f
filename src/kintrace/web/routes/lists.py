"""List uploads (issue 18): an analyst uploads a list with its publisher and date, sees the
preview (what would be linked, created and queued, nothing written), then imports and links it.

The uploaded bytes are read in chunks up to the upload limit. A previewed file is kept in the
content-addressed store (outside the web root, never served) so that the import step needs no
second upload: the import form names it by its SHA-256.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kintrace.access import Viewer
from kintrace.errors import InvalidInput
from kintrace.instance import Instance
from kintrace.linkage.service import MAY_LINK, link_list
from kintrace.lists.decisions import open_case, undo_link, unmatched_records
from kintrace.lists.preview import preview_import
from kintrace.lists.service import ListKind, columns_for, import_list, list_holding, read_list
from kintrace.storage.tables import ImportedList, LinkCandidate, ListRecord, Source
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.i18n import N_
from kintrace.web.limits import RowId, max_upload_bytes, read_upload
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]

KIND_LABELS: dict[str, str] = {
    ListKind.PRISONER_LIST.value: N_("Prisoner list (captured, reported)"),
    ListKind.EXCHANGE_LIST.value: N_("Exchange list (returned)"),
    ListKind.HOSPITAL_LIST.value: N_("Hospital list (wounded)"),
    ListKind.CASUALTY_LIST.value: N_("Casualty list (dead, not recovered)"),
    ListKind.REPATRIATED_REMAINS.value: N_("Repatriated remains (remains recovered)"),
    ListKind.REGISTRY.value: N_("Registry (no claim)"),
    ListKind.REQUESTS.value: N_("Requests (no claim)"),
    ListKind.OTHER.value: N_("Other (no claim)"),
}
"""The kinds an analyst may upload, with the claim each makes (chat exports come another way)."""

_SUFFIXES = (".csv", ".xlsx")
_SAFE_NAME = re.compile(r"[\w .,()\-]{1,150}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class ListForm:
    """The fields of the upload form, checked."""

    name: str
    kind: ListKind
    source: str | None
    published_on: date | None
    columns: str | None

    def fields(self) -> dict[str, str]:
        """Return the fields as the form writes them (to fill the import form)."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "source": self.source or "",
            "published": self.published_on.isoformat() if self.published_on else "",
            "columns": self.columns or "",
        }


def _checked(name: str, kind: str, source: str, published: str, columns: str) -> ListForm:
    problems: list[str] = []
    name = name.strip()
    if not name or len(name) > 200:
        problems.append("field 'name': give the list a name of 1 to 200 characters")
    if kind not in KIND_LABELS:
        problems.append(f"field 'kind': {kind[:40]!r} is not a kind of list")
    if len(source.strip()) > 300:
        problems.append("field 'source': at most 300 characters")
    published_on = None
    if published.strip():
        try:
            published_on = date.fromisoformat(published.strip())
        except ValueError:
            problems.append(f"field 'published': {published[:40]!r} is not a date YYYY-MM-DD")
    if len(columns) > 2000:
        problems.append("field 'columns': at most 2000 characters")
    if problems:
        raise InvalidInput(problems[0], problems)
    return ListForm(
        name, ListKind(kind), source.strip() or None, published_on, columns.strip() or None
    )


def _file_name(original: str) -> str:
    """Return a plain file name for the upload (its suffix says CSV or XLSX)."""
    base = Path(original.replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InvalidInput(f"field 'file': {base[:60]!r} is not a .csv or .xlsx file")
    return base if _SAFE_NAME.fullmatch(base) else f"upload{suffix}"


def recent_lists(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """Return the newest lists with their source and how many rows are linked and queued."""
    linked = func.count(case((LinkCandidate.state.in_(("automatic", "confirmed")), 1)))
    queued = func.count(case((LinkCandidate.state == "pending", 1)))
    counts = dict(
        (list_id, (n_linked, n_queued))
        for list_id, n_linked, n_queued in session.execute(
            select(ListRecord.list_id, linked, queued)
            .join(LinkCandidate, LinkCandidate.list_record_id == ListRecord.id)
            .group_by(ListRecord.list_id)
        )
    )
    rows = session.execute(
        select(ImportedList, Source.name)
        .outerjoin(Source, Source.id == ImportedList.source_id)
        .order_by(ImportedList.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "list": imported,
            "source": source,
            "linked": counts.get(imported.id, (0, 0))[0],
            "queued": counts.get(imported.id, (0, 0))[1],
        }
        for imported, source in rows
    ]


def _page(request: Request, db: Session, viewer: Viewer, **context: Any) -> HTMLResponse:
    return page(
        request,
        "lists.html",
        viewer,
        lists=recent_lists(db),
        waiting=unmatched_records(db, limit=50),
        kinds=KIND_LABELS,
        **{"preview": None, "held_by": None, "form": {}, **context},
    )


@router.get("/lists")
def lists_page(request: Request, db: DbSession, viewer: SignedIn) -> HTMLResponse:
    """The upload form, the newest lists and the rows that link to nobody."""
    viewer.require(MAY_LINK, "upload lists")
    return _page(request, db, viewer)


@router.post("/lists")
async def upload_list(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = ListKind.OTHER.value,
    source: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
    columns: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "preview",
    stored: Annotated[str, Form()] = "",
    filename: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Preview an uploaded list (nothing written), or import and link a previewed one."""
    require_csrf(request, csrf)
    viewer.require(MAY_LINK, "upload lists")
    form = _checked(name, kind, source, published, columns)
    if action not in ("preview", "import"):
        raise InvalidInput(f"field 'action': {action[:20]!r} is not preview or import")
    if file is not None and file.filename:
        original = _file_name(file.filename)
        data = await read_upload(file, limit=max_upload_bytes(instance.settings.max_upload_mb))
    elif _SHA256.fullmatch(stored):
        original = _file_name(filename or "upload.csv")
        data = instance.files.get(stored)
    else:
        raise InvalidInput("field 'file': choose a CSV or XLSX file")
    digest = hashlib.sha256(data).hexdigest()
    holding = list_holding(db, digest)
    if holding is not None:  # the same content again: nothing written, and where it is
        return _page(request, db, viewer, held_by=holding.name, form=form.fields())
    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / original
        path.write_bytes(data)
        column_map, _saved = columns_for(db, path, form.columns, form.source)
        records = read_list(path, column_map)
        arguments: dict[str, Any] = {
            "path": path,
            "name": form.name,
            "kind": form.kind,
            "records": records,
            "source": form.source,
            "published_on": form.published_on,
            "column_map": column_map,
            "sha256": digest,
        }
        if action == "preview":
            preview = preview_import(
                db, **arguments, as_persons=False, settings=instance.settings, today=today
            )
            kept = instance.files.put(data)
            return _page(
                request,
                db,
                viewer,
                preview=preview.figures(),
                form={**form.fields(), "stored": kept, "filename": original},
            )
        imported = import_list(db, **arguments, as_persons=False, actor_id=viewer.user_id)
    link_list(db, list_name=imported.name, status_settings=instance.settings, today=today)
    return RedirectResponse(f"/lists#list-{imported.list_id}", status_code=303)


@router.post("/links/{candidate_id}/undo")
def undo_list_link(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    candidate_id: RowId,
    csrf: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Undo the link of a list row to a person: its report is retracted with the reason."""
    require_csrf(request, csrf)
    link = undo_link(
        db, viewer, candidate_id, reason=reason, settings=instance.settings, today=date.today()
    )
    return RedirectResponse(f"/persons/{link.person_id}#merges", status_code=303)


@router.post("/list-records/{record_id}/case")
def open_case_for_row(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    record_id: RowId,
    csrf: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Open a new case for a list row that links to nobody (with its report)."""
    require_csrf(request, csrf)
    link = open_case(
        db, viewer, record_id, note=note, settings=instance.settings, today=date.today()
    )
    return RedirectResponse(f"/persons/{link.person_id}", status_code=303)
