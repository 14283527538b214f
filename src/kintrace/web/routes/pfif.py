"""PFIF 1.4 exchange in the web app (issue 18): what ``kintrace pfif import`` and ``kintrace
pfif export`` do, for analysts and administrators.

An upload is read in chunks up to the upload limit (and PFIF's own, 256 MiB), parsed safely
(no DTD, no entity: :mod:`kintrace.exchange.pfif`) and previewed: the import runs inside a
savepoint that is rolled back (:mod:`kintrace.exchange.pfif_preview`), so the page says how many
persons would be created and found again, how many notes become reports, and which records
are refused and why. The previewed file is kept in the content-addressed store (outside the
web root, never served) so that the import step needs no second upload; the import is the
CLI's, all or nothing, and the same content again writes nothing. The download is the CLI's
export, only what relatives consented to the chosen partner; every exported person's case logs
the export, every person an import creates or finds again logs the change.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kintrace.access import Role, Viewer
from kintrace.cases.model import ConsentScope
from kintrace.cases.views import log_cases
from kintrace.errors import InvalidInput
from kintrace.exchange.pfif import MAX_FILE_BYTES, parse_pfif, write_pfif
from kintrace.exchange.pfif_import import import_pfif
from kintrace.exchange.pfif_preview import preview_pfif
from kintrace.exchange.pfif_values import parse_time
from kintrace.exchange.service import DEFAULT_SCOPE, export_pfif, instance_domain
from kintrace.instance import Instance
from kintrace.lists.service import list_holding
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.i18n import N_
from kintrace.web.limits import max_upload_bytes, read_upload
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]

MAY_EXCHANGE = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
"""Who imports and exports PFIF files: the roles that import lists and see every case."""

SCOPE_LABELS = {
    ConsentScope.RED_CROSS.value: N_("the Red Cross"),
    ConsentScope.AUTHORITIES.value: N_("the authorities"),
    ConsentScope.DNA_LABORATORY.value: N_("the DNA laboratory"),
}
"""The partners a file may be for, in the order offered (the first is the CLI's default)."""

MESSAGES = (
    N_("exchange PFIF files"),
    N_("choose a PFIF file (.xml)"),
    N_("not a .xml file"),
    N_("give the list a name of at most 200 characters"),
    N_("not preview or import"),
    N_("not a date YYYY-MM-DD or a UTC time YYYY-MM-DDThh:mm:ssZ"),
)
"""Texts of this page's refusals, for the catalogues."""

_SAFE_NAME = re.compile(r"[\w .,()\-]{1,150}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _file_name(original: str) -> str:
    """Return a plain name for the upload; refuse one that does not end in .xml."""
    base = Path(original.replace("\\", "/")).name
    if Path(base).suffix.lower() != ".xml":
        raise InvalidInput("field 'file': not a .xml file")
    return base if _SAFE_NAME.fullmatch(base) else "upload.xml"


def _list_name(name: str, filename: str, digest: str) -> str:
    """Return the name the file is kept as: the one given, else the CLI's default."""
    name = name.strip()
    if len(name) > 200:
        raise InvalidInput("field 'name': give the list a name of at most 200 characters")
    return name or f"PFIF {filename} {digest[:12]}"


def read_since(text: str, *, now: datetime) -> datetime | None:
    """Read the "changed since" field: a day (from its start, UTC) or a PFIF UTC time.

    >>> read_since("2026-01-02", now=datetime(2026, 5, 1, tzinfo=UTC))
    datetime.datetime(2026, 1, 2, 0, 0, tzinfo=datetime.timezone.utc)
    >>> read_since(" ", now=datetime(2026, 5, 1, tzinfo=UTC)) is None
    True
    """
    text = text.strip()
    if not text:
        return None
    problem = "not a date YYYY-MM-DD or a UTC time YYYY-MM-DDThh:mm:ssZ"
    try:
        if _DAY.fullmatch(text):
            since = datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        else:
            since = parse_time(text)
    except ValueError as error:
        raise InvalidInput(f"field 'since': {problem}") from error
    if since > now:
        raise InvalidInput("field 'since': the date is in the future")
    return since


def _page(request: Request, viewer: Viewer, status_code: int = 200, **context: Any) -> HTMLResponse:
    response = page(
        request,
        "pfif.html",
        viewer,
        scopes=SCOPE_LABELS,
        **{"preview": None, "imported": None, "held_by": None, "form": {}, **context},
    )
    response.status_code = status_code
    return response


@router.get("/exchange/pfif")
def pfif_page(request: Request, viewer: SignedIn) -> HTMLResponse:
    """The upload form (preview first) and the export's download form."""
    viewer.require(MAY_EXCHANGE, "exchange PFIF files")
    return _page(request, viewer)


@router.post("/exchange/pfif")
async def pfif_upload(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "preview",
    stored: Annotated[str, Form()] = "",
    filename: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Preview an uploaded PFIF file (nothing written), or import a previewed one."""
    require_csrf(request, csrf)
    viewer.require(MAY_EXCHANGE, "exchange PFIF files")
    if action not in ("preview", "import"):
        raise InvalidInput("field 'action': not preview or import")
    if file is not None and file.filename:
        original = _file_name(file.filename)
        limit = min(max_upload_bytes(instance.settings.max_upload_mb), MAX_FILE_BYTES)
        data = await read_upload(file, limit=limit)
    elif action == "import" and _SHA256.fullmatch(stored):
        original = _file_name(filename or "upload.xml")
        data = instance.files.get(stored)
    else:
        raise InvalidInput("field 'file': choose a PFIF file (.xml)")
    digest = hashlib.sha256(data).hexdigest()
    list_name = _list_name(name, original, digest)
    form = {"name": name.strip(), "filename": original}
    document = parse_pfif(data, original)  # one clear error for a broken file, nothing kept
    holding = list_holding(db, digest)
    if holding is not None:  # the same content again: nothing written, and where it is
        return _page(request, viewer, held_by=holding.name, form=form)
    domain = instance_domain(instance.settings)
    arguments: dict[str, Any] = {
        "name": original,
        "list_name": list_name,
        "sha256": digest,
        "domain": domain,
        "settings": instance.settings,
        "today": date.today(),
    }
    if action == "preview":
        preview = preview_pfif(db, document, **arguments)
        kept = instance.files.put(data) if preview.importable else ""
        return _page(
            request,
            viewer,
            status_code=200 if preview.importable else 422,
            preview=preview.figures(),
            form={**form, "stored": kept},
        )
    result = import_pfif(db, document, actor_id=viewer.user_id, **arguments)
    log_cases(db, viewer, result.person_ids, "change", "pfif_import")
    return _page(
        request,
        viewer,
        imported={
            "list": result.list_name,
            "list_id": result.list_id,
            "persons_created": result.persons_created,
            "persons_found": result.persons_found,
            "notes_imported": result.notes_imported,
            "notes_known": result.notes_known,
            "notes_without_claim": result.notes_without_claim,
            "statuses_changed": result.statuses_changed,
        },
    )


@router.post("/exchange/pfif.xml")
def pfif_download(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    since: Annotated[str, Form(max_length=40)] = "",
    scope: Annotated[str, Form(max_length=40)] = DEFAULT_SCOPE.value,
) -> Response:
    """Download the PFIF export: only what relatives consented to the partner; logged.

    A form with its CSRF token (a POST): the export is written to each case's log, so no
    other site may start one in an analyst's browser.
    """
    require_csrf(request, csrf)
    viewer.require(MAY_EXCHANGE, "exchange PFIF files")
    if scope not in SCOPE_LABELS:
        raise InvalidInput("field 'scope': not one of the choices")
    after = read_since(since, now=datetime.now(UTC))
    domain = instance_domain(instance.settings)
    result = export_pfif(db, domain=domain, scope=ConsentScope(scope), since=after)
    log_cases(db, viewer, result.person_ids, "export", f"pfif_export_{scope}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Response(
        write_pfif(result.document),
        media_type="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="kintrace-pfif-{scope}-{stamp}.xml"',
            "X-PFIF-Persons": str(result.persons),
            "X-PFIF-Notes": str(result.notes),
            "X-PFIF-Withheld": str(result.withheld),
        },
    )
