"""What changed in a case since a dossier was made: two snapshots compared (pure).

A dossier's record keeps the snapshot it showed (:mod:`kintrace.dossier.snapshot`); compared
with the case now, it says: reports recorded since (``new_report``), earlier reports withdrawn
since (``retracted``), a new assessed status (``assessed_status``), a new official status
(``official_status``), identifications confirmed since (``identification``), requests sent to
authorities since (``authority_request``) and answers received since (``authority_answer``).

The two snapshots may have been made for different viewers (a desk made the dossier, a
relative verifies it): a report is new only if it was recorded after the dossier was made,
so a report the first viewer could not see is not reported as new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kintrace.dossier.words import STATUS_LABELS, label, translator


@dataclass(frozen=True, slots=True)
class Change:
    """One change: its kind and the values a sentence about it needs."""

    kind: str
    values: dict[str, Any] = field(default_factory=dict)


def _ids(items: list[dict[str, Any]]) -> set[Any]:
    return {item["id"] for item in items}


def compare(old: dict[str, Any], new: dict[str, Any], made_at: datetime) -> list[Change]:
    """Return what changed from ``old`` (the dossier's snapshot) to ``new`` (the case now).

    >>> old = {"reports": [{"id": 1, "retracted_by": None, "recorded_at": "2026-01-01T00:00:00"}],
    ...        "assessment": {"status": "missing", "since": None}, "official": [],
    ...        "identifications": [], "authority_requests": []}
    >>> new = {"reports": [{"id": 1, "retracted_by": 2, "recorded_at": "2026-01-01T00:00:00"},
    ...        {"id": 2, "claim": "retraction", "observed_on": "2026-02-01", "source": "X",
    ...         "retracted_by": None, "recorded_at": "2026-02-01T10:00:00"}],
    ...        "assessment": {"status": "missing", "since": None}, "official": [],
    ...        "identifications": [], "authority_requests": []}
    >>> [c.kind for c in compare(old, new, datetime(2026, 1, 2))]
    ['new_report', 'retracted']
    """
    out: list[Change] = []
    made = made_at.isoformat(timespec="seconds")
    old_reports = {r["id"]: r for r in old.get("reports", [])}
    for report in new.get("reports", []):
        if report["id"] not in old_reports and report["recorded_at"] > made:
            out.append(
                Change(
                    "new_report",
                    {
                        "id": report["id"],
                        "claim": report["claim"],
                        "date": report["observed_on"],
                        "source": report["source"],
                    },
                )
            )
    for report in new.get("reports", []):
        before = old_reports.get(report["id"])
        if before is not None and before["retracted_by"] is None and report["retracted_by"]:
            out.append(Change("retracted", {"id": report["id"], "by": report["retracted_by"]}))
    was, now = old.get("assessment") or {}, new.get("assessment") or {}
    if (was.get("status"), was.get("since")) != (now.get("status"), now.get("since")):
        out.append(
            Change(
                "assessed_status",
                {
                    "before": was.get("status"),
                    "after": now.get("status"),
                    "since": now.get("since"),
                },
            )
        )
    was_official = old.get("official") or [{}]
    now_official = new.get("official") or [{}]
    if was_official[-1] != now_official[-1]:
        out.append(
            Change(
                "official_status",
                {
                    "before": was_official[-1].get("status"),
                    "after": now_official[-1].get("status"),
                    "since": now_official[-1].get("since"),
                    "authority": now_official[-1].get("authority", ""),
                },
            )
        )
    known = _ids(old.get("identifications", []))
    for ident in new.get("identifications", []):
        if ident["id"] not in known:
            out.append(
                Change(
                    "identification",
                    {"remains": ident["remains_code"], "date": ident["confirmed_on"]},
                )
            )
    old_requests = {r["id"]: r for r in old.get("authority_requests", [])}
    for request in new.get("authority_requests", []):
        before = old_requests.get(request["id"])
        if before is None:
            out.append(
                Change(
                    "authority_request",
                    {"authority": request["authority"], "date": request["sent_on"]},
                )
            )
        elif before["replied_on"] is None and request["replied_on"] is not None:
            out.append(
                Change(
                    "authority_answer",
                    {"authority": request["authority"], "date": request["replied_on"]},
                )
            )
    return out


def describe(change: Change, lang: str) -> str:
    """Say one change in a sentence of the language."""
    _: Callable[[str], str] = translator(lang)
    v = change.values

    def status(key: str | None) -> str:
        return label(STATUS_LABELS, key, lang) if key else "—"

    if change.kind == "new_report":
        return _("New report #%(id)s (%(date)s, %(source)s): %(claim)s") % {
            **v,
            "claim": status(v["claim"]),
        }
    if change.kind == "retracted":
        return _("Report #%(id)s was withdrawn by report #%(by)s") % v
    if change.kind == "assessed_status":
        return _("Assessed status: %(before)s → %(after)s") % {
            "before": status(v["before"]),
            "after": status(v["after"]),
        }
    if change.kind == "official_status":
        return _("Official status: %(before)s → %(after)s (%(authority)s)") % {
            "before": status(v["before"]),
            "after": status(v["after"]),
            "authority": v["authority"],
        }
    if change.kind == "identification":
        return _("DNA identification confirmed (%(date)s): remains %(remains)s") % v
    if change.kind == "authority_request":
        return _("Request sent to %(authority)s on %(date)s") % v
    return _("%(authority)s answered on %(date)s") % v
