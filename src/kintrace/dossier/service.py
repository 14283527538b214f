"""Make a case dossier (and record it), and verify a file against the records.

Making one (:func:`make_dossier`): the snapshot of the case as the viewer may see it, its
content hash, a new number ``D-…``, this instance's identifier and the time (UTC) form the
stamp; the PDF is written; a row of ``dossiers`` keeps the number, person, maker, time,
language, instance, the SHA-256 of the PDF bytes, and the snapshot with its hash. The row is
inserted once, complete: the caller owns the transaction (the PDF is handed out only after the
commit, so that no file exists whose record was rolled back).

Verifying one (:func:`verify_dossier`): the file's SHA-256 is looked up among the records.
Found: the file is unaltered. Not found: the stamp in its metadata
(:func:`kintrace.dossier.stamp.read_stamp`) names the dossier it claims to be; the verdict is
then *not a dossier* (no stamp), *another instance* (the stamp names another instance),
*unknown dossier* (this instance has no record of that number) or *altered* (the record's hash
differs). For an unaltered or altered dossier whose person the viewer may see, what changed in
the case since (:mod:`kintrace.dossier.changes`) is listed.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.views import log_case
from kintrace.config import Settings
from kintrace.dossier.changes import Change, compare
from kintrace.dossier.images import IMAGE_TYPES, thumbnail_png
from kintrace.dossier.snapshot import Snapshot, build_snapshot, content_hash, now_utc
from kintrace.dossier.stamp import Stamp, read_stamp
from kintrace.dossier.words import N_
from kintrace.errors import KintraceError
from kintrace.storage.dossier_tables import DossierRecord, InstanceIdentity
from kintrace.storage.files import FileStore

MAY_MAKE_DOSSIERS = frozenset({Role.RELATIVE, Role.OPERATOR, Role.ANALYST, Role.ADMINISTRATOR})
"""Who may make a dossier: the relative (own cases), desks (region), analysts, administrators."""

MAKE_A_DOSSIER = N_("make a case dossier")
"""What a role without the right may not do (the refusal names it, translated on the pages)."""

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: numbers are read aloud


def new_code() -> str:
    """Return a new random dossier number, ``D-`` and ten letters or digits (50 bits)."""
    return "D-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def instance_id(session: Session, *, create: bool = False) -> str | None:
    """Return this instance's identifier; make it first if ``create`` (else None if none)."""
    found = session.scalar(select(InstanceIdentity.id).order_by(InstanceIdentity.created_at))
    if found is None and create:
        found = str(uuid.uuid4())
        session.add(InstanceIdentity(id=found, created_at=now_utc()))
        session.flush()
    return found


def thumbnails_of(snapshot: Snapshot, files: FileStore) -> dict[str, bytes]:
    """Return PNG thumbnails of the snapshot's image attachments that the store holds."""
    out: dict[str, bytes] = {}
    given = [a for r in snapshot["requests"] for a in r.get("attachments", [])]
    for item in [a for r in snapshot["reports"] for a in r["attachments"]] + given:
        sha = item["sha256"]
        if not sha or item["media_type"] not in IMAGE_TYPES or sha in out:
            continue
        try:
            data = files.get(sha)
        except KintraceError:  # missing from the store: the hash is still shown
            continue
        picture = thumbnail_png(data)
        if picture is not None:
            out[sha] = picture
    return out


@dataclass(frozen=True, slots=True)
class MadeDossier:
    """A dossier just made: its record (not yet committed) and the PDF bytes."""

    record: DossierRecord
    pdf: bytes


def make_dossier(
    session: Session,
    viewer: Viewer,
    person_id: int,
    *,
    lang: str,
    settings: Settings,
    files: FileStore,
    made_at: datetime | None = None,
    code: str | None = None,
) -> MadeDossier:
    """Make one person's dossier for this viewer (access checked) and record it.

    ``made_at`` (UTC, naive) and ``code`` are for reproducible tests; by default now and a new
    random number. The dossier is logged among the case's views (:mod:`kintrace.cases.views`).
    """
    from kintrace.dossier.pdf import render_pdf  # fpdf2 and matplotlib only when one is made

    viewer.require(MAY_MAKE_DOSSIERS, MAKE_A_DOSSIER)
    made_at = (made_at or now_utc()).replace(microsecond=0)
    snapshot = build_snapshot(
        session, viewer, person_id, lang=lang, today=made_at.date(), settings=settings
    )
    own = instance_id(session, create=True)
    assert own is not None
    stamp = Stamp(code or new_code(), own, made_at, content_hash(snapshot))
    pdf = render_pdf(snapshot, stamp, lang, thumbnails=thumbnails_of(snapshot, files))
    record = DossierRecord(
        code=stamp.code,
        person_id=snapshot["person"]["id"],
        made_by=viewer.user_id,
        made_at=made_at,
        lang=lang,
        instance_id=own,
        sha256=hashlib.sha256(pdf).hexdigest(),
        content_sha256=stamp.content_sha256,
        snapshot=snapshot,
    )
    session.add(record)
    session.flush()
    log_case(session, viewer, record.person_id, "dossier", "dossier_pdf")  # who looked
    return MadeDossier(record, pdf)


class Verdict(StrEnum):
    """What a verification found.

    - ``unaltered``: the file's SHA-256 is that of a dossier this instance made.
    - ``altered``: the file claims to be a dossier of this instance, whose recorded hash differs.
    - ``unknown_dossier``: it claims a number this instance has no record of.
    - ``other_instance``: it was made by another instance (or its stamp was changed).
    - ``not_a_dossier``: it carries no dossier stamp at all.
    """

    UNALTERED = "unaltered"
    ALTERED = "altered"
    UNKNOWN_DOSSIER = "unknown_dossier"
    OTHER_INSTANCE = "other_instance"
    NOT_A_DOSSIER = "not_a_dossier"


@dataclass(frozen=True, slots=True)
class Verification:
    """A verification's verdict, the record it concerns, what changed since, in English."""

    verdict: Verdict
    sha256: str
    record: DossierRecord | None = None
    stamp: Stamp | None = None
    changes: list[Change] = field(default_factory=list)
    changes_shown: bool = False
    """Whether the viewer may see the person, so that what changed could be said."""

    @property
    def ok(self) -> bool:
        """Say whether the file is an unaltered dossier."""
        return self.verdict is Verdict.UNALTERED

    def problem(self) -> str:
        """Say the verdict in one English line (the CLI prints it)."""
        record, stamp = self.record, self.stamp
        if self.verdict is Verdict.UNALTERED and record is not None:
            return (
                f"unaltered: dossier {record.code} made at {record.made_at:%Y-%m-%d %H:%M:%S} UTC"
            )
        if self.verdict is Verdict.ALTERED and record is not None:
            return (
                f"altered: the file's SHA-256 {self.sha256} does not match the one recorded for "
                f"dossier {record.code} made at {record.made_at:%Y-%m-%d %H:%M:%S} UTC "
                f"({record.sha256})"
            )
        if self.verdict is Verdict.UNKNOWN_DOSSIER and stamp is not None:
            return (
                f"unknown dossier: the file claims to be dossier {stamp.code}, of which this "
                "instance has no record (altered, or made by another instance)"
            )
        if self.verdict is Verdict.OTHER_INSTANCE and stamp is not None:
            return (
                f"unknown instance: the file names instance {stamp.instance_id}, not this one; "
                "verify it on the instance that made it"
            )
        return "not a kintrace dossier: the file carries no dossier stamp"


def verify_dossier(
    session: Session,
    data: bytes,
    *,
    viewer: Viewer,
    settings: Settings,
    today: datetime | None = None,
) -> Verification:
    """Verify a file against this instance's dossier records; say what changed since."""
    digest = hashlib.sha256(data).hexdigest()
    record = session.scalar(
        select(DossierRecord).where(DossierRecord.sha256 == digest).order_by(DossierRecord.id)
    )
    stamp = read_stamp(data)
    if record is not None:
        verdict = Verdict.UNALTERED
    elif stamp is None:
        return Verification(Verdict.NOT_A_DOSSIER, digest)
    elif stamp.instance_id != instance_id(session):
        return Verification(Verdict.OTHER_INSTANCE, digest, stamp=stamp)
    else:
        record = session.scalar(select(DossierRecord).where(DossierRecord.code == stamp.code))
        if record is None:
            return Verification(Verdict.UNKNOWN_DOSSIER, digest, stamp=stamp)
        verdict = Verdict.ALTERED
    try:
        now = build_snapshot(
            session,
            viewer,
            record.person_id,
            lang=record.lang,
            today=(today or now_utc()).date(),
            settings=settings,
        )
    except KintraceError:  # the viewer may not see the person: the verdict only
        return Verification(verdict, digest, record=record, stamp=stamp)
    # reports keep the server's local time (datetime.now()); the record keeps UTC
    made_local = record.made_at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)
    changes = compare(record.snapshot, now, made_local)
    return Verification(verdict, digest, record, stamp, changes, changes_shown=True)
