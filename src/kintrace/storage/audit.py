"""Keep history: refuse edits of append-only rows, log every other update and delete.

A listener on every session checks, before each flush, the rows about to be updated or
deleted. Rows of append-only tables (reports, official statuses, the change log itself) are
never changed: that raises :class:`~kintrace.errors.Conflict`. For every other table the old
values, the new values, who (``session.info["actor_id"]``) and why
(``session.info["reason"]``, required) are written to ``change_log`` in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from kintrace.errors import Conflict
from kintrace.storage.tables import (
    Assessment,
    Base,
    CaseView,
    ChangeLog,
    ConsentChange,
    OfficialStatus,
    Report,
)

APPEND_ONLY: tuple[type[Base], ...] = (Report, OfficialStatus, ChangeLog, ConsentChange, CaseView)
DERIVED_COLUMNS: dict[type[Base], frozenset[str]] = {Assessment: frozenset({"is_current"})}
"""Columns that hold derived bookkeeping and may change without a log entry."""


def set_actor(session: Session, *, actor_id: int | None, reason: str) -> None:
    """Say who makes the changes in this session's transaction, and why."""
    session.info["actor_id"] = actor_id
    session.info["reason"] = reason


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row_key(obj: Base) -> str:
    identity = inspect(obj).identity
    return ",".join(str(part) for part in identity) if identity else "?"


SECRET = "(secret)"
"""What the log writes instead of the value of a column marked ``info={"secret": True}``."""


def _is_secret(attr: Any) -> bool:
    return any(column.info.get("secret") for column in attr.columns)


def _snapshot(obj: Base) -> tuple[dict[str, object], dict[str, object]]:
    state = inspect(obj)
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            secret = _is_secret(attr)
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            before[attr.key] = SECRET if secret and old is not None else _plain(old)
            after[attr.key] = SECRET if secret and new is not None else _plain(new)
    return before, after


def _full(obj: Base) -> dict[str, object]:
    state = inspect(obj)
    return {
        a.key: SECRET if _is_secret(a) else _plain(getattr(obj, a.key))
        for a in state.mapper.column_attrs
    }


def _audited(obj: Base) -> bool:
    """Bookkeeping tables (sessions, sign-in counters) say ``info={"audit": False}``."""
    table: Any = obj.__table__
    return bool(table.info.get("audit", True))


def _log(session: Session, obj: Base, action: str, before: Any, after: Any) -> None:
    reason = session.info.get("reason")
    if not reason:
        raise Conflict(f"changing {obj.__tablename__} needs a reason (set_actor(..., reason=))")
    session.add(
        ChangeLog(
            at=datetime.now(),
            user_id=session.info.get("actor_id"),
            table_name=obj.__tablename__,
            row_key=_row_key(obj),
            action=action,
            before=before,
            after=after,
            reason=reason,
        )
    )


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    for obj in list(session.dirty):
        if not isinstance(obj, Base) or not session.is_modified(obj, include_collections=False):
            continue
        if not _audited(obj):
            continue
        before, after = _snapshot(obj)
        derived = DERIVED_COLUMNS.get(type(obj), frozenset())
        if not set(after) - derived:
            continue
        if isinstance(obj, APPEND_ONLY):
            raise Conflict(f"{obj.__tablename__} rows are never changed; record a new one")
        _log(session, obj, "update", before, after)
    for obj in list(session.deleted):
        if not isinstance(obj, Base) or not _audited(obj):
            continue
        if isinstance(obj, APPEND_ONLY):
            raise Conflict(f"{obj.__tablename__} rows are never deleted; record a retraction")
        _log(session, obj, "delete", _full(obj), None)


def install(session_class: type[Session]) -> None:
    """Attach the history keeper to every session of this class (idempotent)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
