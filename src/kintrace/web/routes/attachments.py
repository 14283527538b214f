"""Attachments: serve a file or its thumbnail to who may see it; add files to a request.

A file is served with the security headers of every answer (``nosniff``, the page policy),
``Content-Disposition: attachment`` unless it is an image (shown inline), and the name it
was sent under in both an ASCII form and RFC 6266's ``filename*`` (UTF-8).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from kintrace.attachments.service import (
    attach_to_request,
    may_add_to_request,
    open_attachment,
    parse_links,
)
from kintrace.attachments.sniff import is_image
from kintrace.cases.views import log_case
from kintrace.errors import InvalidInput, NotFound
from kintrace.instance import Instance
from kintrace.storage.tables import Attachment, TracingRequest
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.limits import RowId, read_files
from kintrace.web.routes.pages import require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]
Files = Annotated[list[UploadFile] | None, File()]


def disposition(kind: str, filename: str) -> str:
    """Return a Content-Disposition header that no file name can break.

    >>> disposition("inline", 'фото "1".jpg')
    'inline; filename="____ _1_.jpg"; filename*=UTF-8\\'\\'%D1%84%D0%BE%D1%82%D0%BE%20%221%22.jpg'
    """
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _serve(data: bytes, media_type: str, filename: str) -> Response:
    kind = "inline" if is_image(media_type) else "attachment"
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": disposition(kind, filename),
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/attachments/{sha256}")
def attachment(db: DbSession, viewer: SignedIn, instance: InstanceDep, sha256: str) -> Response:
    """Serve a file to a viewer who may see a report or request it came with."""
    meta, filename = open_attachment(db, viewer, sha256)
    return _serve(instance.files.get(meta.sha256), meta.media_type, filename)


@router.get("/attachments/{sha256}/thumbnail")
def attachment_thumbnail(
    db: DbSession, viewer: SignedIn, instance: InstanceDep, sha256: str
) -> Response:
    """Serve an image's thumbnail to a viewer who may see the image."""
    meta, filename = open_attachment(db, viewer, sha256)
    small = db.get(Attachment, meta.thumbnail) if meta.thumbnail else None
    if small is None:
        raise NotFound("no such attachment")
    return _serve(instance.files.get(small.sha256), small.media_type, f"small-{filename}")


@router.post("/requests/{tracing_id}/attachments")
def add_request_attachments(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    tracing_id: RowId,
    csrf: Annotated[str, Form()],
    links: Annotated[str, Form()] = "",
    files: Files = None,
) -> RedirectResponse:
    """Add files and links to a tracing request (its relative, or staff of the case)."""
    require_csrf(request, csrf)
    tracing = db.get(TracingRequest, tracing_id)
    if tracing is None:
        raise NotFound(f"no tracing request {tracing_id}")
    may_add_to_request(db, viewer, tracing)
    urls = parse_links(links)
    uploads = read_files(files, max_upload_mb=instance.settings.max_upload_mb)
    if not uploads and not urls:
        raise InvalidInput("field 'files': choose a file or write a link")
    attach_to_request(
        db, instance.files, request=tracing, uploads=uploads, links=urls, actor_id=viewer.user_id
    )
    log_case(db, viewer, tracing.person_id, "change", "request_files")
    return RedirectResponse(f"/persons/{tracing.person_id}#requests", status_code=303)
