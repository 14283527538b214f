"""A person's case as plain JSON data: what the dossier shows, hashed and kept with its record.

The snapshot is built from :func:`kintrace.cases.dossier.dossier`, which applies the access
rules (a relative sees what relatives may see), plus the assessed status computed now (the
status engine of :mod:`kintrace.reconciliation`, as on the person's page) and the confirmed
DNA identifications. It holds only JSON types (strings, numbers, lists, dicts; dates as ISO
text), so that it can be stored in ``dossiers.snapshot``, hashed in a canonical form
(:func:`content_hash`: sorted keys, no spaces, UTF-8; RFC 8785's idea without its number
rules, which the snapshot does not need: every number in it is an integer or a float written by
Python's ``repr``) and compared later (:mod:`kintrace.dossier.changes`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Viewer
from kintrace.attachments.service import Shown
from kintrace.cases.dossier import Dossier, dossier
from kintrace.config import Settings
from kintrace.dossier.words import translator
from kintrace.reconciliation.explain import explain
from kintrace.reconciliation.service import assess, gather, policy_of
from kintrace.reconciliation.words import Lang
from kintrace.storage.tables import Attachment, DnaCase, Identification, Person
from kintrace.translation import LANGUAGES

FORMAT = "kintrace-dossier/1"
"""The snapshot's format; a later format may add keys, never change the meaning of one."""

Snapshot = dict[str, Any]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def birth_text(person: Person) -> str:
    """Write a date of birth with its precision: ``04.03.1990``, ``03.1990`` or ``1990``."""
    if person.birth_year is None:
        return ""
    if person.birth_day and person.birth_month and person.birth_precision == "day":
        return f"{person.birth_day:02d}.{person.birth_month:02d}.{person.birth_year}"
    if person.birth_month and person.birth_precision == "month":
        return f"{person.birth_month:02d}.{person.birth_year}"
    return str(person.birth_year)


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "surname": person.surname,
        "given_name": person.given_name,
        "patronymic": person.patronymic,
        "sex": person.sex,
        "birth": birth_text(person),
        "home_region": person.home_region,
        "unit": person.unit,
        "rank": person.rank,
        "personal_number": person.personal_number,
    }


def _reports(session: Session, case: Dossier) -> list[dict[str, Any]]:
    hashes = {a.sha256 for view in case.reports for a in view.attachments}
    meta = (
        {
            a.sha256: a
            for a in session.scalars(select(Attachment).where(Attachment.sha256.in_(hashes)))
        }
        if hashes
        else {}
    )
    out = []
    for view in sorted(case.reports, key=lambda v: (v.report.observed_on, v.report.id)):
        report = view.report
        files = []
        for link in view.attachments:
            found = meta.get(link.sha256)
            files.append(
                {
                    "sha256": link.sha256,
                    "filename": link.filename,
                    "media_type": found.media_type if found else "",
                    "size": found.size if found else 0,
                }
            )
        out.append(
            {
                "id": report.id,
                "claim": report.claim,
                "observed_on": _day(report.observed_on),
                "place": report.place,
                "source": view.source_name,
                "source_type": report.source.type,
                "grade": view.grade,
                "text": report.text,
                "retracts": report.retracts_id,
                "retracted_by": view.retracted_by,
                "recorded_at": report.created_at.isoformat(timespec="seconds"),
                "attachments": files,
            }
        )
    return out


def _request_files(session: Session, shown: Sequence[Shown]) -> list[dict[str, Any]]:
    """The files and links a relative gave with a tracing request (a link has no hash)."""
    hashes = {s.sha256 for s in shown if s.sha256}
    sizes = (
        dict(session.execute(select(Attachment.sha256, Attachment.size).where(
            Attachment.sha256.in_(hashes))).all())
        if hashes
        else {}
    )  # fmt: skip
    return [
        {
            "sha256": s.sha256 or "",
            "filename": s.filename or (s.url or ""),
            "media_type": s.media_type,
            "size": sizes.get(s.sha256, 0) if s.sha256 else 0,
            "url": s.url or "",
        }
        for s in shown
    ]


def _identifications(session: Session, person_id: int) -> list[dict[str, Any]]:
    """The confirmed DNA identifications (a proposal is never shown in a dossier)."""
    case = session.get(DnaCase, person_id)
    rows = session.scalars(
        select(Identification)
        .where(Identification.person_id == person_id, Identification.state == "confirmed")
        .order_by(Identification.id)
    )
    return [
        {
            "id": row.id,
            "case_code": case.code if case else "",
            "remains_code": row.remains_code,
            "lr": row.lr,
            "posterior": row.posterior,
            "conclusion": row.conclusion,
            "method": row.method,
            "confirmed_on": _day(row.decided_at.date() if row.decided_at else None),
        }
        for row in rows
    ]


def build_snapshot(
    session: Session,
    viewer: Viewer,
    person_id: int,
    *,
    lang: str,
    today: date,
    settings: Settings,
) -> Snapshot:
    """Gather one person's case as this viewer may see it (access checked), as JSON data."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    case = dossier(session, viewer, person_id)
    person = case.person
    result = assess(
        gather(session, [person.id])[person.id], today=today, policy=policy_of(settings)
    )
    reference = translator(lang)("report #%(id)s")
    clocks = result.clocks
    assessment = {
        "status": result.status.value,
        "since": _day(result.since),
        "confidence": round(result.confidence, 4),
        "flags": [flag.value for flag in result.flags],
        "last_information_on": _day(clocks.last_information),
        "days_since_last_information": clocks.days_since_last_information,
        "court_date": _day(clocks.court_date),
        "explanation": explain(result, Lang(lang), lambda key: reference % {"id": key}),
    }
    return {
        "format": FORMAT,
        "as_of": today.isoformat(),
        "viewer_role": viewer.role.value,
        "person": _person(person),
        "requests": [
            {
                "id": view.request.id,
                "filed_on": _day(view.request.filed_on),
                "inquirer": view.inquirer_name,
                "relationship": view.relationship,
                "channel": view.request.channel,
                "state": view.request.state,
                "last_contact_on": _day(view.request.last_contact_on),
                # only when there are some: a dossier without them keeps its earlier content
                **({"attachments": _request_files(session, view.files)} if view.files else {}),
            }
            for view in case.requests
        ],
        "reports": _reports(session, case),
        "official": [
            {"status": o.status, "since": _day(o.since), "authority": o.authority}
            for o in case.official
        ],
        "assessment": assessment,
        "authority_requests": [
            {
                "id": r.id,
                "kind": r.kind,
                "authority": r.authority,
                "sent_on": _day(r.sent_on),
                "due_on": _day(r.due_on),
                "replied_on": _day(r.replied_on),
                "reply": r.reply,
            }
            for r in case.authority_requests
        ],
        "identifications": _identifications(session, person.id),
    }


def canonical_json(snapshot: Snapshot) -> bytes:
    """Return the snapshot as canonical JSON bytes (sorted keys, no spaces, UTF-8)."""
    return json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(snapshot: Snapshot) -> str:
    """Return the SHA-256 (hex) of the snapshot's canonical JSON.

    >>> content_hash({"b": 1, "a": "ж"}) == content_hash({"a": "ж", "b": 1})
    True
    """
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def now_utc() -> datetime:
    """Return the time now in UTC, to the second, without a time zone (as the tables keep it)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
