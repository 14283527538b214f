"""The case dossier on the web: an HTML view, the PDF download, and a page to verify a file.

- ``GET /persons/{id}/dossier``: the dossier as a page, in the viewer's language (nothing is
  recorded: only a PDF handed out is a dossier that can be verified).
- ``GET /persons/{id}/dossier.pdf``: the PDF, recorded in ``dossiers`` (who, when, what).
- ``GET /dossier/verify`` and ``POST /dossier/verify``: upload a PDF, see whether it is a
  dossier of this instance, unaltered, and what has changed in the case since.

Who may: the relative of that person (own cases only), desks (their region), analysts and
administrators (:data:`kintrace.dossier.service.MAY_MAKE_DOSSIERS`); the access rules of
:func:`kintrace.cases.dossier.dossier` decide what each sees. Verifying needs a signed-in
user; what changed since is shown only to one who may see the person.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kintrace.cases.views import log_case
from kintrace.dossier.changes import describe
from kintrace.dossier.chart import has_timeline, timeline_svg
from kintrace.dossier.pdf import full_name
from kintrace.dossier.service import (
    MAKE_A_DOSSIER,
    MAY_MAKE_DOSSIERS,
    make_dossier,
    thumbnails_of,
    verify_dossier,
)
from kintrace.dossier.snapshot import build_snapshot, now_utc
from kintrace.dossier.words import CONCLUSION_LABELS, SEX_LABELS
from kintrace.errors import InvalidInput
from kintrace.instance import Instance
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.i18n import N_, language_of
from kintrace.web.limits import RowId, max_upload_bytes, read_upload
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
CHOOSE_A_FILE = N_("choose the dossier's PDF file")
InstanceDep = Annotated[Instance, Depends(get_instance)]


def _day(value: str | None) -> date | None:
    """An ISO date of the snapshot as a date, for the pages' date filters."""
    return date.fromisoformat(value) if value else None


@router.get("/persons/{person_id}/dossier")
def dossier_page(
    request: Request, db: DbSession, viewer: SignedIn, instance: InstanceDep, person_id: RowId
) -> HTMLResponse:
    """Show a person's dossier as a page, with a link to the PDF that can be verified."""
    viewer.require(MAY_MAKE_DOSSIERS, MAKE_A_DOSSIER)
    lang = language_of(request)
    snapshot = build_snapshot(
        db, viewer, person_id, lang=lang, today=date.today(), settings=instance.settings
    )
    log_case(db, viewer, snapshot["person"]["id"], "view", "dossier_page")
    thumbnails = {
        sha: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        for sha, png in thumbnails_of(snapshot, instance.files).items()
    }
    return page(
        request,
        "dossier.html",
        viewer,
        d=snapshot,
        person_name=full_name(snapshot["person"]),
        thumbnails=thumbnails,
        timeline=timeline_svg(snapshot, lang) if has_timeline(snapshot) else "",
        SEX_LABELS=SEX_LABELS,
        CONCLUSION_LABELS=CONCLUSION_LABELS,
        day=_day,
    )


@router.get("/persons/{person_id}/dossier.pdf")
def dossier_pdf(
    request: Request, db: DbSession, viewer: SignedIn, instance: InstanceDep, person_id: RowId
) -> Response:
    """Make, record and hand out a person's dossier as a PDF in the viewer's language."""
    made = make_dossier(
        db,
        viewer,
        person_id,
        lang=language_of(request),
        settings=instance.settings,
        files=instance.files,
    )
    name = f"dossier-{made.record.code}.pdf"
    return Response(
        made.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/dossier/verify")
def verify_form(request: Request, viewer: SignedIn) -> HTMLResponse:
    """The form to upload a dossier and verify it."""
    return page(request, "dossier_verify.html", viewer, result=None)


@router.post("/dossier/verify")
async def verify_upload(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Verify an uploaded file: unaltered or not, and what changed in the case since."""
    require_csrf(request, csrf)
    if file is None or not file.filename:
        raise InvalidInput(f"field 'file': {CHOOSE_A_FILE}")
    data = await read_upload(file, limit=max_upload_bytes(instance.settings.max_upload_mb))
    result = verify_dossier(db, data, viewer=viewer, settings=instance.settings, today=now_utc())
    lang = language_of(request)
    return page(
        request,
        "dossier_verify.html",
        viewer,
        result=result,
        changes=[describe(change, lang) for change in result.changes],
        filename=file.filename[:200],
    )
