"""Files and links given with reports and tracing requests: stored once, shown to who may see.

A file is sniffed from its bytes (:mod:`kintrace.attachments.sniff`), stored once in the
content store by its SHA-256 (``attachments``; the same photo sent twice is one file), and
linked to the report (``report_attachments``) or request (``request_attachments``) it came
with, under a cleaned copy of the name it was sent with. An image gets a thumbnail at upload
(itself an attachment, named in ``attachments.thumbnail``). A link is a URL kept as text,
never fetched by the server (``report_links``, ``request_attachments.url``).

Who sees an attachment is who sees what it came with: a person's case (relatives their own
persons, desks their region, analysts, reviewers and administrators all; the laboratory never)
and, for a relative, only their own requests and reports and those of relatives who agreed
to share with other relatives (:func:`kintrace.cases.consent_service.shared_inquirers`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import MAY_RECORD_REPORTS, Role, Viewer
from kintrace.attachments.sniff import is_image, sniff, thumbnail
from kintrace.cases.consent_service import givers_of, shared_inquirers
from kintrace.cases.service import get_person
from kintrace.errors import Forbidden, InvalidInput, NotFound
from kintrace.ids import id_list
from kintrace.storage.files import FileStore
from kintrace.storage.tables import (
    Attachment,
    Inquirer,
    Person,
    Report,
    ReportAttachment,
    ReportLink,
    RequestAttachment,
    TracingRequest,
)

MAX_URL = 2000
"""The longest link kept, in characters."""

MAX_ITEMS = 20
"""Files, or links, one form may carry at most."""

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as a form sent it: the name it came under and its bytes."""

    filename: str
    data: bytes


def clean_filename(name: str) -> str:
    """Keep the last part of a sent file name, without control or direction characters.

    >>> clean_filename("C:\\\\Users\\\\мама\\\\фото 1.jpg"), clean_filename("../\\u202egpj.exe")
    ('фото 1.jpg', 'gpj.exe')
    """
    base = re.split(r"[\\/]", name)[-1]
    kept = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    return kept[:300] or "file"


def parse_links(text: str) -> list[str]:
    """Read links, one a line: each an http(s) address, kept as text and never fetched.

    >>> parse_links(" https://t.me/c/123/456 \\n\\n http://example.org/a?b=1 ")
    ['https://t.me/c/123/456', 'http://example.org/a?b=1']
    """
    links = []
    for number, line in enumerate(text.splitlines(), start=1):
        url = line.strip()
        if not url:
            continue
        parts = urlsplit(url)
        bad = any(unicodedata.category(c)[0] in "CZ" for c in url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or bad:
            raise InvalidInput(f"field 'links', line {number}: not an http or https address")
        if len(url) > MAX_URL:
            raise InvalidInput(f"field 'links', line {number}: longer than {MAX_URL} characters")
        links.append(url)
    if len(links) > MAX_ITEMS:
        raise InvalidInput(f"field 'links': at most {MAX_ITEMS} links at once")
    return links


def store_file(session: Session, store: FileStore, upload: Upload) -> Attachment:
    """Sniff a file, store it once by its SHA-256 (and an image's thumbnail); return its row."""
    media_type = sniff(upload.data, clean_filename(upload.filename))
    digest = store.put(upload.data)
    row = session.get(Attachment, digest)
    if row is not None:
        return row
    thumb = None
    if is_image(media_type):
        small, small_type = thumbnail(upload.data)
        thumb = store.put(small)
        if session.get(Attachment, thumb) is None:
            session.add(
                Attachment(
                    sha256=thumb, size=len(small), media_type=small_type, created_at=datetime.now()
                )
            )
    row = Attachment(
        sha256=digest,
        size=len(upload.data),
        media_type=media_type,
        created_at=datetime.now(),
        thumbnail=thumb,
    )
    session.add(row)
    session.flush()
    return row


def _checked(uploads: Sequence[Upload]) -> list[Upload]:
    sent = [u for u in uploads if u.filename or u.data]
    if len(sent) > MAX_ITEMS:
        raise InvalidInput(f"field 'files': at most {MAX_ITEMS} files at once")
    return sent


def attach_to_report(
    session: Session,
    store: FileStore,
    *,
    report: Report,
    uploads: Sequence[Upload],
    links: Sequence[str],
    actor_id: int | None,
) -> None:
    """Keep files and links given with a new report (checked first: all or nothing)."""
    sent = _checked(uploads)
    stored = [store_file(session, store, u) for u in sent]
    for upload, row in zip(sent, stored, strict=True):
        session.add(
            ReportAttachment(
                report_id=report.id, sha256=row.sha256, filename=clean_filename(upload.filename)
            )
        )
    now = datetime.now()
    for url in links:
        session.add(ReportLink(report_id=report.id, url=url, added_at=now, added_by=actor_id))
    session.flush()


def may_add_to_request(session: Session, viewer: Viewer, request: TracingRequest) -> None:
    """Refuse unless the viewer may add to this request: its relative, or staff of the case."""
    get_person(session, viewer, request.person_id)  # NotFound where the case is not theirs
    inquirer = session.get(Inquirer, request.inquirer_id)
    if viewer.role is Role.RELATIVE:
        if inquirer is None or inquirer.user_id != viewer.user_id:
            raise Forbidden("a relative adds files to their own request only")
        return
    viewer.require(MAY_RECORD_REPORTS, "add files to requests")


def attach_to_request(
    session: Session,
    store: FileStore,
    *,
    request: TracingRequest,
    uploads: Sequence[Upload],
    links: Sequence[str],
    actor_id: int | None,
) -> int:
    """Keep files and links given with a tracing request; return how many were added."""
    sent = _checked(uploads)
    stored = [store_file(session, store, u) for u in sent]
    now = datetime.now()
    for upload, row in zip(sent, stored, strict=True):
        session.add(
            RequestAttachment(
                request_id=request.id,
                sha256=row.sha256,
                filename=clean_filename(upload.filename),
                added_at=now,
                added_by=actor_id,
            )
        )
    for url in links:
        session.add(
            RequestAttachment(request_id=request.id, url=url, added_at=now, added_by=actor_id)
        )
    session.flush()
    return len(sent) + len(links)


@dataclass(frozen=True, slots=True)
class Shown:
    """A file or link as a page shows it."""

    filename: str
    sha256: str | None = None
    media_type: str = ""
    thumbnail: bool = False
    url: str | None = None


def request_files(session: Session, request_ids: Sequence[int]) -> dict[int, list[Shown]]:
    """Return the files and links of each request, oldest first."""
    result: dict[int, list[Shown]] = {}
    if not request_ids:
        return result
    rows = session.execute(
        select(RequestAttachment, Attachment)
        .outerjoin(Attachment, Attachment.sha256 == RequestAttachment.sha256)
        .where(RequestAttachment.request_id.in_(id_list(request_ids)))
        .order_by(RequestAttachment.id)
    ).all()
    for link, meta in rows:
        result.setdefault(link.request_id, []).append(
            _shown(link.filename, link.sha256, meta, link.url)
        )
    return result


def report_files(session: Session, report_ids: Sequence[int]) -> dict[int, list[Shown]]:
    """Return the files and links of each report, files first."""
    result: dict[int, list[Shown]] = {}
    if not report_ids:
        return result
    ids = id_list(report_ids)
    rows = session.execute(
        select(ReportAttachment, Attachment)
        .join(Attachment, Attachment.sha256 == ReportAttachment.sha256)
        .where(ReportAttachment.report_id.in_(ids))
        .order_by(ReportAttachment.id)
    ).all()
    for link, meta in rows:
        result.setdefault(link.report_id, []).append(_shown(link.filename, link.sha256, meta, None))
    for url_row in session.scalars(
        select(ReportLink).where(ReportLink.report_id.in_(ids)).order_by(ReportLink.id)
    ):
        result.setdefault(url_row.report_id, []).append(Shown(url_row.url, url=url_row.url))
    return result


def _shown(filename: str, sha256: str | None, meta: Attachment | None, url: str | None) -> Shown:
    if sha256 is None or meta is None:
        return Shown(url or "", url=url)
    return Shown(filename, sha256, meta.media_type, meta.thumbnail is not None)


def _kept(session: Session, person_id: int) -> int:
    person = session.get(Person, person_id)
    return person.merged_into_id if person and person.merged_into_id else person_id


def _may_see_report(session: Session, viewer: Viewer, report: Report) -> bool:
    person = _kept(session, report.person_id)
    try:
        get_person(session, viewer, person)
    except NotFound:
        return False
    if viewer.role is not Role.RELATIVE:
        return True
    giver = givers_of(session, [report])[report.id]
    return giver is None or giver in shared_inquirers(session, viewer, person)


def _may_see_request(session: Session, viewer: Viewer, request: TracingRequest) -> bool:
    person = _kept(session, request.person_id)
    try:
        get_person(session, viewer, person)
    except NotFound:
        return False
    if viewer.role is not Role.RELATIVE:
        return True
    return request.inquirer_id in shared_inquirers(session, viewer, person)


def open_attachment(session: Session, viewer: Viewer, sha256: str) -> tuple[Attachment, str]:
    """Return a file and the name to serve it under, to a viewer who may see something it
    came with; NotFound (the same words) for a file that does not exist or is not theirs."""
    if not viewer.sees_persons:
        raise Forbidden(f"a {viewer.role.value} may not see attachments")
    missing = NotFound("no such attachment")
    meta = session.get(Attachment, sha256) if _SHA256.fullmatch(sha256) else None
    if meta is None:
        raise missing
    for link, report in session.execute(
        select(ReportAttachment, Report)
        .join(Report, Report.id == ReportAttachment.report_id)
        .where(ReportAttachment.sha256 == sha256)
        .limit(50)
    ):
        if _may_see_report(session, viewer, report):
            return meta, link.filename
    for item, request in session.execute(
        select(RequestAttachment, TracingRequest)
        .join(TracingRequest, TracingRequest.id == RequestAttachment.request_id)
        .where(RequestAttachment.sha256 == sha256)
        .limit(50)
    ):
        if _may_see_request(session, viewer, request):
            return meta, item.filename
    raise missing
