"""Table definitions (SQLAlchemy 2 typed ORM).

History is append-only. Reports, official statuses, assessments and review decisions are
only ever inserted. The few rows that may change (a person's details, a source's grade, a
request's state) are audited: every update or delete writes the old and new values, who and
why into ``change_log`` in the same transaction (see :mod:`kintrace.storage.audit`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table; constraint names are fixed so that migrations are stable."""

    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    """A region served by a regional desk."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Role(Base):
    """A role: relative, operator, analyst, dna_lab, reviewer, administrator."""

    __tablename__ = "roles"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    """Someone who signs in."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(ForeignKey("roles.name"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    # secret columns: the change log records that they changed, never their values
    password_hash: Mapped[str] = mapped_column(String(300), default="", info={"secret": True})
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64), info={"secret": True})
    """The second factor's key (base32); it counts only once confirmed (totp_confirmed_at)."""
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    """The 30-second step of the last code accepted: a code is never accepted twice."""
    language: Mapped[str | None] = mapped_column(String(8))
    """The language chosen for the web app (ru, uk, en); None: the browser's Accept-Language."""
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    """The e-mail address (lower case) for confirmation and reset links; None for most staff."""
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    """When the address was confirmed; an account with an e-mail signs in only once it is."""
    last_signed_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    phone: Mapped[str | None] = mapped_column(String(40))
    """A telephone number a desk may call (walk-in relatives who have no e-mail)."""
    shows_name: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    """Relatives see this user's name, not only role and desk, on "who looked at my case"."""
    notify_mode: Mapped[str] = mapped_column(
        String(16), default="immediate", server_default="immediate"
    )
    """News of a relative's cases by e-mail: ``immediate``, ``daily`` (a digest) or ``off``."""


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256.

    ``stage`` is ``signed_in``, or ``second_factor`` while the password was right but the
    code is still due. Ended sessions are kept (who signed out, when, why) until pruned.
    Bookkeeping: not written to the change log.
    """

    __tablename__ = "web_sessions"
    __table_args__ = {"info": {"audit": False}}
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str] = mapped_column(String(32), default="")


class SignInThrottle(Base):
    """Failed sign-ins counted per account name or per client address (both kept as keyed
    hashes, never in clear), so that throttling holds across processes.

    ``kind`` is ``account`` or ``address``; ``locked_at`` is set on an account after too
    many failures and cleared by an administrator (``kintrace user unlock``).
    Bookkeeping: not written to the change log.
    """

    __tablename__ = "sign_in_throttles"
    __table_args__ = (
        UniqueConstraint("kind", "key_hash", name="uq_sign_in_throttles_kind_key_hash"),
        {"info": {"audit": False}},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(DateTime)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)


class AccountToken(Base):
    """A single-use link sent by e-mail: confirm an address, reset or set a password.

    The link holds a random token, the table only its SHA-256. ``purpose`` is ``confirm``,
    ``reset`` or ``set_password``; a token counts until ``expires_at`` and once (``used_at``).
    Short-lived bookkeeping: not written to the change log, left out of backups.
    """

    __tablename__ = "account_tokens"
    __table_args__ = {"info": {"audit": False}}
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info={"secret": True})
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class Person(Base):
    """A missing service member, the names as written."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    surname: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(200), default="")
    patronymic: Mapped[str] = mapped_column(String(200), default="")
    script: Mapped[str] = mapped_column(String(16))
    sex: Mapped[str] = mapped_column(String(16))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    birth_precision: Mapped[str | None] = mapped_column(String(8))
    home_region: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    rank: Mapped[str] = mapped_column(String(100), default="")
    personal_number: Mapped[str] = mapped_column(String(100), default="")
    # every name, number and unit in one Latin case-folded form (kintrace.cases.search)
    search_key: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    region: Mapped[Region | None] = relationship()

    __table_args__ = (
        Index("ix_persons_surname", "surname"),
        # trigrams on PostgreSQL (migration 0009): LIKE '%stasiv%' without reading every row
        Index(
            "ix_persons_search_key",
            "search_key",
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
        ),
    )


class Inquirer(Base):
    """A relative (or comrade) who asks for a person to be traced."""

    __tablename__ = "inquirers"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(300))
    relationship_: Mapped[str] = mapped_column("relationship", String(32))
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    consent: Mapped[str] = mapped_column(String(200), default="")  # comma-separated scopes
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class TracingRequest(Base):
    """A relative's request to trace one person."""

    __tablename__ = "tracing_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    inquirer_id: Mapped[int] = mapped_column(ForeignKey("inquirers.id"), index=True)
    filed_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    circumstances: Mapped[str] = mapped_column(Text, default="")
    last_contact_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    inquirer: Mapped[Inquirer] = relationship()


class Source(Base):
    """Who or what gives information; reliability None means the type's default."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(32))
    reliability: Mapped[str | None] = mapped_column(String(1))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("name", "type", name="uq_sources_name_type"),)


class Report(Base):
    """One claim of one source about one person. Never updated, never deleted."""

    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    claim: Mapped[str] = mapped_column(String(32))
    observed_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    reliability: Mapped[str] = mapped_column(String(1))  # the source's grade when recorded
    credibility: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    retracts_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    source: Mapped[Source] = relationship()


class ReportGrade(Base):
    """An analyst's grade of one report's credibility (1..6), with why. Never updated.

    The newest grade of a report is its credibility for the status engine; the report keeps
    the credibility it was recorded with, and every grade stays as its history.
    """

    __tablename__ = "report_grades"
    __table_args__ = (
        CheckConstraint("credibility BETWEEN 1 AND 6", name="credibility_1_to_6"),
        # the newest grade of a report in one backward index scan (gather_rows, per report)
        Index("ix_report_grades_report_id_id", "report_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    credibility: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    graded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime] = mapped_column(DateTime)


class Attachment(Base):
    """A file, stored once by its SHA-256 outside the web root."""

    __tablename__ = "attachments"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    thumbnail: Mapped[str | None] = mapped_column(String(64))
    """The SHA-256 of an image's small thumbnail (itself a row here), made at upload."""


class ReportAttachment(Base):
    """An attachment of a report, with the name it was uploaded under."""

    __tablename__ = "report_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachments.sha256"))
    filename: Mapped[str] = mapped_column(String(300))


class ReportLink(Base):
    """A link (a URL kept as text, never fetched by the server) given with a report."""

    __tablename__ = "report_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RequestAttachment(Base):
    """A file (``sha256``) or a link (``url``, never fetched) given with a tracing request."""

    __tablename__ = "request_attachments"
    __table_args__ = (CheckConstraint("(sha256 IS NULL) <> (url IS NULL)", name="file_or_link"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("tracing_requests.id"), index=True)
    sha256: Mapped[str | None] = mapped_column(ForeignKey("attachments.sha256"))
    url: Mapped[str | None] = mapped_column(String(2000))
    filename: Mapped[str] = mapped_column(String(300), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ConsentChange(Base):
    """A relative's choice of with whom their request may be shared, from ``changed_at`` on.

    Never updated: each change is a new row, and the newest row of an inquirer is the
    consent in force (``inquirers.consent`` keeps what was given with the request).
    """

    __tablename__ = "consent_changes"
    __table_args__ = (Index("ix_consent_changes_inquirer_id_id", "inquirer_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inquirer_id: Mapped[int] = mapped_column(ForeignKey("inquirers.id"))
    scopes: Mapped[str] = mapped_column(String(200), default="")  # comma-separated scopes
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CaseView(Base):
    """Someone looked at or changed a person's case: who (role, desk), what (a code), when.

    ``action`` is ``view``, ``change``, ``export``, ``dossier`` or ``letter``; ``what`` a short
    code of the page or change (``person_page``, ``report``...), never personal data.
    Never updated; kept in backups.
    """

    __tablename__ = "case_views"
    __table_args__ = (Index("ix_case_views_person_id_id", "person_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    action: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime)


class OfficialStatus(Base):
    """What an authority says; the newest row of a person is the current one."""

    __tablename__ = "official_statuses"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    since: Mapped[date] = mapped_column(Date)
    authority: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Assessment(Base):
    """One computation of a person's assessed status; every one is kept."""

    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(32))
    status_since: Mapped[date | None] = mapped_column(Date)
    confidence: Mapped[float] = mapped_column(Float)
    flags: Mapped[list[str]] = mapped_column(JSON)
    supporting: Mapped[list[int]] = mapped_column(JSON)
    contradicting: Mapped[list[int]] = mapped_column(JSON)
    court_date: Mapped[date | None] = mapped_column(Date)
    last_information_on: Mapped[date | None] = mapped_column(Date)
    explanation: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(300))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    # (is_current, person_id), not is_current alone: SQLite would pick a lone is_current index
    # for "current rows of these persons" and scan every current row, once per batch.
    __table_args__ = (Index("ix_assessments_current_person", "is_current", "person_id"),)


class AuthorityRequest(Base):
    """A request sent to an authority on a person's behalf, with its due date and reply."""

    __tablename__ = "authority_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    authority: Mapped[str] = mapped_column(String(300))
    sent_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    replied_on: Mapped[date | None] = mapped_column(Date)
    reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ImportedList(Base):
    """A list imported from a file (prisoner list, casualty list, requests...)."""

    __tablename__ = "lists"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # the same file, found again
    row_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    """Who published the list; its linked rows are reports from this source (None: older lists)."""
    published_on: Mapped[date | None] = mapped_column(Date)
    """When the list was published: the date of a row's report when the row gives none."""
    column_map: Mapped[dict[str, str] | None] = mapped_column(JSON)
    """The --columns mapping the file was read with (standard name -> the file's header)."""


class ListRecord(Base):
    """One row of an imported list, as written; linked to a person by record linkage."""

    __tablename__ = "list_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"), index=True)
    record_id: Mapped[str] = mapped_column(String(100))
    line: Mapped[int] = mapped_column(Integer)
    surname: Mapped[str] = mapped_column(String(200), default="")
    given_name: Mapped[str] = mapped_column(String(200), default="")
    patronymic: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str] = mapped_column(String(16))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    birth_precision: Mapped[str | None] = mapped_column(String(8))
    report_date: Mapped[date | None] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    rank: Mapped[str] = mapped_column(String(100), default="")
    personal_number: Mapped[str] = mapped_column(String(100), default="")
    extra: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    __table_args__ = (UniqueConstraint("list_id", "record_id", name="uq_list_records_id"),)


class ChangeLog(Base):
    """What a row was before a change, who changed it, when and why."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    table_name: Mapped[str] = mapped_column(String(64))
    row_key: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(8))  # update | delete
    before: Mapped[dict[str, object]] = mapped_column(JSON)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_change_log_row", "table_name", "row_key"),)


class DnaCase(Base):
    """The coded identifier under which the DNA laboratory knows a missing person."""

    __tablename__ = "dna_cases"
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Sample(Base):
    """A DNA sample known by its code: a relative's reference sample, or remains."""

    __tablename__ = "dna_samples"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "reference" | "remains"
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    inquirer_id: Mapped[int | None] = mapped_column(ForeignKey("inquirers.id"))
    relationship_: Mapped[str] = mapped_column("relationship", String(32), default="")
    collected_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Identification(Base):
    """An identification proposed by the DNA laboratory and decided by a second reviewer."""

    __tablename__ = "identifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    remains_code: Mapped[str] = mapped_column(String(16), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    lr: Mapped[float] = mapped_column(Float)
    posterior: Mapped[float | None] = mapped_column(Float)
    conclusion: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))


class Notification(Base):
    """News of a case for one relative: what changed, why, on what source (notify.events).

    ``kind`` and ``params`` are the event, written in the reader's language when shown or
    mailed; ``text`` its English words when it was made. ``event_key`` names the change, once
    per user. ``emailed_at`` is when it went out by e-mail (in a message of its own or the
    day's digest).
    """

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "event_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(32), default="", server_default="")
    event_key: Mapped[str | None] = mapped_column(String(100))
    params: Mapped[dict[str, str] | None] = mapped_column(JSON)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)


class NotifyMark(Base):
    """How far the news scan has read a table (the highest id seen), by name."""

    __tablename__ = "notify_marks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class LinkCandidate(Base):
    """A pair that record linkage scored: a list record and a person, or two persons.

    ``state``: ``automatic`` (above the upper threshold), ``pending`` (waits for an analyst),
    ``confirmed`` or ``rejected`` (an analyst's decision, kept and used as a label).
    """

    __tablename__ = "link_candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    list_record_id: Mapped[int | None] = mapped_column(ForeignKey("list_records.id"), index=True)
    other_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    probability: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), index=True)
    run: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    """The report a linked list record became (its list's claim); retracted when unlinked."""


class PersonMerge(Base):
    """One person merged into another (every request and report kept); it can be undone."""

    __tablename__ = "person_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    moved: Mapped[list[int]] = mapped_column(JSON, default=list)  # earlier merges re-pointed
    reason: Mapped[str] = mapped_column(String(300), default="")
    merged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(DateTime)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)


class RemainsHandover(Base):
    """One step of handing identified remains over to the family; each step a new row.

    ``stage`` is ``agreed`` (a date and place fixed with the family), ``handed_over`` or
    ``buried``; the newest row is where the handover stands. The ``handed_over`` step records a
    ``remains_returned`` report (``report_id``), which moves the assessed status.
    """

    __tablename__ = "remains_handovers"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    identification_id: Mapped[int] = mapped_column(ForeignKey("identifications.id"))
    stage: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    handed_by: Mapped[str] = mapped_column(String(300), default="")
    received_by: Mapped[str] = mapped_column(String(300), default="")
    burial_place: Mapped[str] = mapped_column(String(300), default="")
    documents: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
