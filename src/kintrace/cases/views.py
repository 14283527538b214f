"""Who looked at a case: every view and change of a person's case, logged and shown.

:func:`log_case` is the one call the routes make (the person page and its API, exports,
edits, dossiers, letters): one row, added to the request's own transaction, with the
viewer's role and desk, an action and a short code of what was looked at or changed, never
personal data. Relatives see on their case who looked (:func:`case_views`): the role and
the desk, or the name of a viewer who chose to show it (``users.shows_name``, off by
default; set on the account page). Staff who may see the case see the same page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, insert, or_, select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.consent_service import shared_inquirers
from kintrace.cases.service import get_person
from kintrace.storage.tables import CaseView, Inquirer, Region, User

ACTIONS = ("view", "change", "export", "dossier", "letter")
"""What a viewer did with a case."""

PER_PAGE = 50


def log_case(session: Session, viewer: Viewer, person_id: int, action: str, what: str) -> None:
    """Log that ``viewer`` did ``action`` on a person's case; ``what`` is a short code.

    Cheap: one row added to the caller's transaction (written with it, or not at all).
    """
    log_cases(session, viewer, [person_id], action, what)


def log_cases(
    session: Session, viewer: Viewer, person_ids: Sequence[int], action: str, what: str
) -> None:
    """Log the same action on many cases at once (an export), in one statement."""
    if action not in ACTIONS:
        raise ValueError(f"unknown case action {action!r}")
    if not person_ids:
        return
    now = datetime.now()
    session.execute(
        insert(CaseView),
        [
            {
                "person_id": pid,
                "user_id": viewer.user_id,
                "role": viewer.role.value,
                "region_id": viewer.region_id,
                "action": action,
                "what": what[:32],
                "at": now,
            }
            for pid in person_ids
        ],
    )


@dataclass(frozen=True, slots=True)
class ViewRow:
    """One line of "who looked at my case": role, desk, the name where shown, what, when."""

    at: datetime
    role: str
    desk: str
    name: str
    action: str
    what: str
    yours: bool


@dataclass(frozen=True, slots=True)
class ViewPage:
    """A page of a case's log, newest first, with the total count."""

    rows: list[ViewRow]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return max(1, -(-self.total // self.per_page))


def _hidden_relatives(session: Session, viewer: Viewer, person_id: int) -> ColumnElement[bool]:
    """For a relative: leave out other relatives' rows unless they share with relatives
    (that another relative looked would tell that there is one)."""
    shared = shared_inquirers(session, viewer, person_id)
    users = select(Inquirer.user_id).where(
        Inquirer.id.in_(sorted(shared) or [0]), Inquirer.user_id.is_not(None)
    )
    return or_(
        CaseView.role != Role.RELATIVE.value,
        CaseView.user_id == viewer.user_id,
        CaseView.user_id.in_(users),
    )


def case_views(session: Session, viewer: Viewer, person_id: int, *, page: int = 1) -> ViewPage:
    """Return a page of who looked at and changed a person's case (access checked).

    A relative sees what staff did, what they did themselves, and what other relatives did
    only where those agreed to share with other relatives.
    """
    person = get_person(session, viewer, person_id)
    where = [CaseView.person_id == person.id]
    if viewer.role is Role.RELATIVE:
        where.append(_hidden_relatives(session, viewer, person.id))
    total = session.scalar(select(func.count()).select_from(CaseView).where(*where))
    rows = session.execute(
        select(CaseView, Region.name, User.display_name, User.shows_name)
        .outerjoin(Region, Region.id == CaseView.region_id)
        .outerjoin(User, User.id == CaseView.user_id)
        .where(*where)
        .order_by(CaseView.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return ViewPage(
        [
            ViewRow(
                at=v.at,
                role=v.role,
                desk=desk or "",
                name=name if shows and name else "",
                action=v.action,
                what=v.what,
                yours=v.user_id is not None and v.user_id == viewer.user_id,
            )
            for v, desk, name, shows in rows
        ],
        total or 0,
        page,
    )
