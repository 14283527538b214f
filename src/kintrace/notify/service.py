"""Finding the news of each family's cases, keeping it in the app, and mailing it.

:func:`scan` reads what was written since its last run, whoever wrote it (the web app, an
import, a recompute, the daily clocks): new assessments whose status differs from the one
before, new official statuses, new reports from sources other than relatives, answers of
authorities and answers past due, court dates that came, confirmed identifications, steps of
the remains handover. Each becomes an :class:`~kintrace.notify.events.Event`, announced to
every relative with an account who asked about the person (:func:`announce`), once per
relative and change (a unique key). :func:`mail_news` then e-mails what is new: at once for
relatives who chose ``immediate``, in one digest a day for ``daily``, never for ``off``.

Only persons a relative may see are announced to them (their own requests), and only what
relatives may see: reports of other relatives are left out (they need that relative's
consent), identifications only once confirmed. Nothing about a person goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kintrace.config import Settings
from kintrace.notify.events import DIGEST_SUBJECT, MAIL_BODY, SUBJECT, Event, Kind, render
from kintrace.notify.mail import Mail, language_or_default, send
from kintrace.storage.tables import (
    Assessment,
    AuthorityRequest,
    Identification,
    Inquirer,
    Notification,
    NotifyMark,
    OfficialStatus,
    Person,
    RemainsHandover,
    Report,
    Source,
    TracingRequest,
    User,
)
from kintrace.web.i18n import tr

log = logging.getLogger(__name__)

MODES = ("immediate", "daily", "off")
"""How a relative may choose to receive news by e-mail (in the app it is always shown)."""

WINDOW_DAYS = 30
"""How far back answers, late answers, court dates and identifications are looked for."""

BATCH = 2000
"""Rows of one table read per pass of the scan."""


@dataclass(frozen=True, slots=True)
class News:
    """A notification as its reader sees it."""

    id: int
    person_id: int | None
    text: str
    created_at: datetime
    read: bool


def _mark(session: Session, name: str) -> int:
    row = session.get(NotifyMark, name)
    return row.value if row is not None else 0


def _set_mark(session: Session, name: str, value: int) -> None:
    row = session.get(NotifyMark, name)
    if row is None:
        session.add(NotifyMark(name=name, value=value))
    elif value > row.value:
        row.value = value


def _name(person: Person) -> str:
    return " ".join(p for p in (person.surname, person.given_name, person.patronymic) if p)


def subscribers(session: Session, person_ids: Iterable[int]) -> dict[int, list[User]]:
    """Return the active relatives with an account who asked about each person.

    A request on a person merged into another counts for the one it was merged into.
    """
    wanted = sorted(set(person_ids))
    result: dict[int, list[User]] = {pid: [] for pid in wanted}
    if not wanted:
        return result
    root = func.coalesce(Person.merged_into_id, Person.id)
    rows = session.execute(
        select(root, User)
        .select_from(TracingRequest)
        .join(Person, Person.id == TracingRequest.person_id)
        .join(Inquirer, Inquirer.id == TracingRequest.inquirer_id)
        .join(User, User.id == Inquirer.user_id)
        .where(root.in_(wanted), User.active.is_(True), User.role == "relative")
    ).all()
    for pid, user in rows:
        if all(u.id != user.id for u in result[pid]):
            result[pid].append(user)
    return result


def announce(session: Session, events: Sequence[Event], *, now: datetime) -> int:
    """Keep each event as a notification of every relative of its person; return how many.

    An event already announced to a relative (same key) is not announced again.
    """
    if not events:
        return 0
    fans = subscribers(session, (e.person_id for e in events))
    keys = [e.key for e in events]
    users = sorted({u.id for e in events for u in fans[e.person_id]})
    if not users:
        return 0
    known: set[tuple[int, str | None]] = {
        (user_id, key)
        for user_id, key in session.execute(
            select(Notification.user_id, Notification.event_key).where(
                Notification.user_id.in_(users), Notification.event_key.in_(keys)
            )
        )
    }
    made = 0
    for event in events:
        for user in fans[event.person_id]:
            if (user.id, event.key) in known:
                continue
            known.add((user.id, event.key))
            session.add(
                Notification(
                    user_id=user.id,
                    person_id=event.person_id,
                    text=render(event, "en"),
                    created_at=now,
                    kind=event.kind.value,
                    event_key=event.key,
                    params=dict(event.params),
                )
            )
            made += 1
    session.flush()
    return made


def _persons(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}


def _status_events(session: Session) -> list[Event]:
    after = _mark(session, "assessments")
    rows = list(
        session.scalars(
            select(Assessment).where(Assessment.id > after).order_by(Assessment.id).limit(BATCH)
        )
    )
    if not rows:
        return []
    _set_mark(session, "assessments", rows[-1].id)
    fans = subscribers(session, (r.person_id for r in rows))
    rows = [r for r in rows if fans[r.person_id]]  # most persons have no relative's account
    persons = _persons(session, (r.person_id for r in rows))
    events = []
    for row in rows:
        before = session.scalar(
            select(Assessment.status)
            .where(Assessment.person_id == row.person_id, Assessment.id < row.id)
            .order_by(Assessment.id.desc())
            .limit(1)
        )
        if before is None or before == row.status:
            continue
        params = {
            "person": _name(persons[row.person_id]),
            "before": before,
            "after": row.status,
            "date": row.computed_at.date().isoformat(),
            "source": "",
            "grade": "",
            "reported": "",
        }
        newest = _newest_support(session, row.supporting)
        if newest is not None:
            params.update(
                source=newest.source.type,
                grade=f"{newest.reliability}{newest.credibility}",
                reported=newest.observed_on.isoformat(),
            )
        events.append(Event(Kind.STATUS, f"status:{row.id}", row.person_id, params))
    return events


def _newest_support(session: Session, report_ids: Sequence[int]) -> Report | None:
    if not report_ids:
        return None
    return session.scalars(
        select(Report)
        .where(Report.id.in_(list(report_ids)))
        .order_by(Report.observed_on.desc(), Report.id.desc())
        .limit(1)
    ).first()


def _official_events(session: Session) -> list[Event]:
    after = _mark(session, "official_statuses")
    rows = list(
        session.scalars(
            select(OfficialStatus)
            .where(OfficialStatus.id > after)
            .order_by(OfficialStatus.id)
            .limit(BATCH)
        )
    )
    if not rows:
        return []
    _set_mark(session, "official_statuses", rows[-1].id)
    persons = _persons(session, (r.person_id for r in rows))
    return [
        Event(
            Kind.OFFICIAL,
            f"official:{r.id}",
            r.person_id,
            {
                "person": _name(persons[r.person_id]),
                "authority": r.authority,
                "status": r.status,
                "date": r.since.isoformat(),
            },
        )
        for r in rows
    ]


def _report_events(session: Session) -> list[Event]:
    after = _mark(session, "reports")
    rows = list(
        session.execute(
            select(Report, Source.type)
            .join(Source, Source.id == Report.source_id)
            .where(Report.id > after)
            .order_by(Report.id)
            .limit(BATCH)
        )
    )
    if not rows:
        return []
    _set_mark(session, "reports", rows[-1][0].id)
    shown = [(r, kind) for r, kind in rows if kind != "relative" and r.claim != "retraction"]
    persons = _persons(session, (r.person_id for r, _ in shown))
    return [
        Event(
            Kind.REPORT,
            f"report:{r.id}",
            r.person_id,
            {
                "person": _name(persons[r.person_id]),
                "source": kind,
                "grade": f"{r.reliability}{r.credibility}",
                "date": r.observed_on.isoformat(),
                "claim": r.claim,
            },
        )
        for r, kind in shown
    ]


def _request_events(session: Session, today: date, since: date) -> list[Event]:
    rows = list(
        session.scalars(
            select(AuthorityRequest).where(
                or_(
                    AuthorityRequest.replied_on >= since,
                    (AuthorityRequest.replied_on.is_(None))
                    & (AuthorityRequest.due_on < today)
                    & (AuthorityRequest.due_on >= since),
                )
            )
        )
    )
    persons = _persons(session, (r.person_id for r in rows))
    events = []
    for r in rows:
        base = {
            "person": _name(persons[r.person_id]),
            "authority": r.authority,
            "sent": r.sent_on.isoformat(),
        }
        if r.replied_on is not None:
            params = base | {"date": r.replied_on.isoformat()}
            events.append(Event(Kind.REPLY, f"reply:{r.id}", r.person_id, params))
        else:
            params = base | {"date": r.due_on.isoformat()}
            events.append(Event(Kind.LATE, f"late:{r.id}", r.person_id, params))
    return events


def _court_events(session: Session, today: date, since: date) -> list[Event]:
    rows = session.execute(
        select(Assessment.person_id, Assessment.court_date).where(
            Assessment.is_current.is_(True),
            Assessment.court_date <= today,
            Assessment.court_date >= since,
        )
    ).all()
    persons = _persons(session, (pid for pid, _ in rows))
    events = []
    for pid, court in rows:
        assert court is not None  # the query's condition
        person = persons[pid]
        params = {"person": _name(person), "date": court.isoformat(), "sex": person.sex}
        events.append(Event(Kind.COURT, f"court:{pid}:{court.isoformat()}", pid, params))
    return events


def _identification_events(session: Session, since: date) -> list[Event]:
    rows = list(
        session.scalars(
            select(Identification).where(
                Identification.state == "confirmed",
                Identification.decided_at >= datetime.combine(since, datetime.min.time()),
            )
        )
    )
    persons = _persons(session, (r.person_id for r in rows))
    return [
        Event(
            Kind.IDENTIFICATION,
            f"identification:{r.id}",
            r.person_id,
            {
                "person": _name(persons[r.person_id]),
                "remains": r.remains_code,
                "date": (r.decided_at or datetime.now()).date().isoformat(),
            },
        )
        for r in rows
    ]


def _handover_events(session: Session) -> list[Event]:
    after = _mark(session, "remains_handovers")
    rows = list(
        session.scalars(
            select(RemainsHandover)
            .where(RemainsHandover.id > after)
            .order_by(RemainsHandover.id)
            .limit(BATCH)
        )
    )
    if not rows:
        return []
    _set_mark(session, "remains_handovers", rows[-1].id)
    persons = _persons(session, (r.person_id for r in rows))
    return [
        Event(
            Kind.HANDOVER,
            f"handover:{r.id}",
            r.person_id,
            {
                "person": _name(persons[r.person_id]),
                "step": r.stage,
                "date": r.happened_on.isoformat(),
            },
        )
        for r in rows
    ]


TABLES = {
    "assessments": Assessment.id,
    "official_statuses": OfficialStatus.id,
    "reports": Report.id,
    "remains_handovers": RemainsHandover.id,
}
"""The tables the scan reads by id, under the names of their marks."""


def _start(session: Session, today: date) -> date:
    """Return the day news starts from; on the first scan, start now (no flood of old news)."""
    started = session.get(NotifyMark, "started")
    if started is not None:
        return date.fromordinal(started.value)
    for name, column in TABLES.items():
        _set_mark(session, name, session.scalar(select(func.max(column))) or 0)
    session.add(NotifyMark(name="started", value=today.toordinal()))
    session.flush()
    return today


def scan(session: Session, *, today: date, now: datetime | None = None) -> int:
    """Find the news since the last scan and announce it; return how many notifications.

    The first scan of an instance announces nothing that happened before it: it marks where
    the tables stand and starts from there.
    """
    now = now or datetime.now()
    start = _start(session, today)
    made = 0
    while True:
        events = (
            _status_events(session)
            + _official_events(session)
            + _report_events(session)
            + _handover_events(session)
        )
        more = bool(events)
        made += announce(session, events, now=now)
        if not more:
            break
    since = max(today - timedelta(days=WINDOW_DAYS), start)
    timed = (
        _request_events(session, today, since)
        + _court_events(session, today, since)
        + _identification_events(session, since)
    )
    made += announce(session, timed, now=now)
    return made


def _event_of(row: Notification) -> Event | None:
    try:
        return Event(Kind(row.kind), row.event_key or "", row.person_id or 0, row.params or {})
    except ValueError:
        return None


def words_of(row: Notification, language: str | None) -> str:
    """Return a notification's words in the reader's language (else its stored text)."""
    event = _event_of(row)
    return render(event, language_or_default(language)) if event else row.text


def news_for(
    session: Session,
    user: User,
    *,
    limit: int = 50,
    offset: int = 0,
    language: str | None = None,
) -> list[News]:
    """Return a user's notifications, newest first, in ``language`` (else the user's own)."""
    lang = language or user.language
    rows = session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        News(r.id, r.person_id, words_of(r, lang), r.created_at, r.read_at is not None)
        for r in rows
    ]


def mark_read(session: Session, user_id: int, *, now: datetime) -> int:
    """Mark every unread notification of a user as read; return how many."""
    rows = list(
        session.scalars(
            select(Notification).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
    )
    for row in rows:
        row.read_at = now
    return len(rows)


def set_mode(session: Session, user: User, mode: str) -> None:
    """Choose how news comes by e-mail; refuse a word that is not one of :data:`MODES`."""
    from kintrace.errors import InvalidInput

    if mode not in MODES:
        raise InvalidInput(f"field 'mode': one of {', '.join(MODES)}")
    user.notify_mode = mode


def mail_news(session: Session, settings: Settings, *, daily: bool, now: datetime) -> int:
    """E-mail the news not yet mailed; return how many messages went.

    Immediate readers get their news now, in one message per run; with ``daily``, the readers
    who chose a digest get the day's news in one message. A message that could not be sent is
    tried again at the next run.
    """
    mode = "daily" if daily else "immediate"
    pending = session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.emailed_at.is_(None),
            User.notify_mode == mode,
            User.email.is_not(None),
            User.email_confirmed_at.is_not(None),
            User.active.is_(True),
        )
        .order_by(Notification.user_id, Notification.id)
    )
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for row, user in pending:
        by_user.setdefault(user.id, (user, []))[1].append(row)
    sent = 0
    for user, rows in by_user.values():
        lang = language_or_default(user.language)
        news = "\n\n".join(f"— {words_of(r, lang)}" for r in rows)
        first = rows[0].params or {}
        subject = (
            tr(lang, DIGEST_SUBJECT)
            if daily or len({r.person_id for r in rows}) > 1
            else tr(lang, SUBJECT) % {"name": first.get("person", "")}
        )
        link = f"{settings.link_base}/persons/{rows[0].person_id}" if rows[0].person_id else ""
        body = tr(lang, MAIL_BODY) % {"name": user.display_name, "news": news, "link": link}
        assert user.email is not None
        if send(settings, Mail(to=user.email, subject=subject, body=body)):
            for r in rows:
                r.emailed_at = now
            sent += 1
    if sent:
        log.info("news e-mailed: %d messages", sent)
    return sent
