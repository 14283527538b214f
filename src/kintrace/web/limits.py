"""What the web app accepts: ids in range, request bodies under the upload limit, and a last guard.

- Ids in paths and queries are whole numbers from 1 to 2**31 - 1, the range of an ``Integer``
  column on PostgreSQL (SQLite's is wider): a larger id cannot exist, and sending it to the
  database would fail there instead of answering "not found".
- A request body larger than ``KINTRACE_MAX_UPLOAD_MB`` (plus a little room for the other form
  fields) is refused with 413: early, from its ``Content-Length``, or while it streams in, when
  the header is missing or lies. Routes that read an uploaded file read it in chunks with
  :func:`read_upload`, which stops at the limit.
- An exception nobody expected becomes a 500 page (or JSON under ``/api``) that names no data;
  the log gets its type and the route, never the message (it may quote personal data).
  These guards sit inside the security-headers middleware, so their answers carry the headers.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated

from fastapi import FastAPI, Path, Query, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kintrace.attachments.service import Upload
from kintrace.errors import InvalidInput
from kintrace.web.render import templates

log = logging.getLogger("kintrace.web")

MAX_ROW_ID = 2**31 - 1
"""The largest id a row can have (PostgreSQL ``Integer``)."""

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
"""An id in a path: 1 to :data:`MAX_ROW_ID`."""

PageNo = Annotated[int, Query(alias="page", ge=1, le=MAX_ROW_ID)]
"""A page number in a query."""

FORM_ROOM = 64 * 1024
"""Bytes a request may carry beyond the file itself: the other fields and multipart framing."""

CHUNK = 64 * 1024

_DIGITS = re.compile(r"[0-9]{1,10}")  # ASCII digits only: "①".isdigit() is True


def parse_row_id(text: str, field: str) -> int | None:
    """Read an optional id typed in a form or query: empty means none.

    >>> parse_row_id(" 12 ", "region"), parse_row_id("", "region")
    (12, None)
    """
    text = text.strip()
    if not text:
        return None
    value = int(text) if _DIGITS.fullmatch(text) else 0
    if not 1 <= value <= MAX_ROW_ID:
        raise InvalidInput(f"field {field!r}: {text[:20]!r} is not a number from 1 to {MAX_ROW_ID}")
    return value


class UploadTooLarge(InvalidInput):
    """A request body or uploaded file is larger than the instance accepts (413)."""


def max_upload_bytes(max_upload_mb: int) -> int:
    """Return the largest file accepted, in bytes."""
    return max_upload_mb * 1024 * 1024


async def read_upload(upload: UploadFile, *, limit: int) -> bytes:
    """Read an uploaded file in chunks; UploadTooLarge as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    total = 0
    while chunk := await upload.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise UploadTooLarge(too_large_message(limit, upload.filename or "the file"))
        chunks.append(chunk)
    return b"".join(chunks)


def read_files(files: list[UploadFile] | None, *, max_upload_mb: int) -> list[Upload]:
    """Read a form's files in chunks, stopping as soon as they pass the upload limit together.

    The body limit has already refused a request over the limit while it streamed in; this
    counts again, per form, so that nothing over it is ever held whole.
    """
    limit = max_upload_bytes(max_upload_mb)
    total = 0
    uploads = []
    for upload in files or []:
        if not upload.filename:
            continue  # an empty file input
        chunks = []
        while chunk := upload.file.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise UploadTooLarge(too_large_message(limit, "the upload"))
            chunks.append(chunk)
        uploads.append(Upload(upload.filename, b"".join(chunks)))
    return uploads


def too_large_message(limit: int, what: str = "the upload") -> str:
    """Say that something is over the upload limit, in MiB."""
    return f"{what} is larger than {limit // (1024 * 1024)} MiB, the largest upload accepted"


def _error_response(scope: Scope, code: int, problem: str, error: str) -> Response:
    request = Request(scope)
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": error, "detail": [problem]}, code)
    return templates.TemplateResponse(
        request, "error.html", {"code": code, "problems": [problem], "viewer": None}, code
    )


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, before or while it streams in."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = too_large_message(self.limit - FORM_ROOM)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            response = _error_response(scope, 413, message, UploadTooLarge.__name__)
            await response(scope, _drained, send)
            return
        seen = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal seen, over
            if over:  # the app asks again after we cut it off: the body ends here
                return {"type": "http.disconnect"}
            got = await receive()
            if got["type"] == "http.request":
                seen += len(got.get("body", b""))
                if seen > self.limit:
                    over = True
                    raise UploadTooLarge(message)
            return got

        async def guarded_send(out: Message) -> None:
            nonlocal started
            if over:
                return  # whatever the app makes of the cut-off body is replaced below
            started = started or out["type"] == "http.response.start"
            await send(out)

        try:
            await self.app(scope, counted, guarded_send)
        except UploadTooLarge:
            if not over:
                raise
        if over and not started:
            response = _error_response(scope, 413, message, UploadTooLarge.__name__)
            await response(scope, _drained, send)


async def _drained() -> Message:
    return {"type": "http.disconnect"}


class LastGuard:
    """Turn an unexpected exception into a 500 answer that names no data (and log its type)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except UploadTooLarge:
            raise  # the body limit around us answers it
        except Exception as error:
            # the type and route only: an exception's message may quote personal data
            log.error(
                "unexpected %s on %s %s", type(error).__name__, scope["method"], scope["path"]
            )
            if started:
                raise
            response = _error_response(
                scope, 500, "Something went wrong on our side; nothing was changed.", "ServerError"
            )
            await response(scope, _drained, send)


def add_limits(app: FastAPI, *, max_upload_mb: int) -> None:
    """Install the body limit and the last guard (call before the security-headers middleware)."""
    app.add_middleware(LastGuard)
    app.add_middleware(BodyLimit, limit=max_upload_bytes(max_upload_mb) + FORM_ROOM)
