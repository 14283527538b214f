"""Lists as evidence: a linked list row becomes a report from the list's source.

A list of a kind that says something about the persons on it (a prisoner list, an exchange
list, a hospital list, a casualty list, a list of repatriated remains) is published by a
source, graded by analysts like any other. Every row linked to a person, automatically or by
an analyst, becomes one report on that person from that source, with the claim the list's
kind implies (:data:`KIND_CLAIMS`), observed on the row's report date or else the list's
publication date. Undoing the link retracts that report with the analyst's reason. The caller
recomputes the persons' statuses in the same transaction (:func:`recompute_persons`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Viewer
from kintrace.config import Settings
from kintrace.errors import InvalidInput
from kintrace.reconciliation.service import assess, gather, policy_of, store_results
from kintrace.reports.model import (
    DEFAULT_RELIABILITY,
    RETRACTION,
    ReportDetails,
    SourceDetails,
    SourceType,
    Status,
    check_date,
)
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.tables import (
    Assessment,
    ImportedList,
    LinkCandidate,
    ListRecord,
    Person,
    Report,
    Source,
)

KIND_CLAIMS: dict[str, Status] = {
    "prisoner_list": Status.CAPTURED_REPORTED,
    "exchange_list": Status.RETURNED,
    "hospital_list": Status.WOUNDED,
    "casualty_list": Status.DEAD_UNRECOVERED,
    "repatriated_remains": Status.REMAINS_RECOVERED,
}
"""The claim a row of each kind of list makes about the person it is linked to.

Lists of other kinds (requests, registries, chat exports, other) claim nothing: their links
make no reports."""

KIND_SOURCE_TYPES: dict[str, SourceType] = {
    "prisoner_list": SourceType.POW_LIST_OTHER_SIDE,
    "exchange_list": SourceType.EXCHANGE_LIST,
    "hospital_list": SourceType.HOSPITAL_RECORD,
    "casualty_list": SourceType.OFFICIAL_NOTIFICATION,
    "repatriated_remains": SourceType.REMAINS_RECOVERY,
    "chat_export": SourceType.SOCIAL_MEDIA,
    "requests": SourceType.RELATIVE,
}
"""The type a new publisher gets from the first list of it imported (others: official)."""

LIST_CREDIBILITY = 2
"""The credibility of a list row's claim (probably true): a published document names the man.

Analysts grade a single report otherwise on its page; the source's reliability is its own."""


def source_type_of(kind: str) -> SourceType:
    """Return the type a publisher of this kind of list is recorded with on first use."""
    return KIND_SOURCE_TYPES.get(kind, SourceType.OFFICIAL_NOTIFICATION)


def find_source(session: Session, name: str, kind: str) -> Source | None:
    """Return the source of this name (the one of the kind's type first), if it exists.

    A publisher graded once is the same source for every list it publishes, whatever kind.
    """
    rows = list(session.scalars(select(Source).where(Source.name == name).order_by(Source.id)))
    wanted = source_type_of(kind).value
    return next((s for s in rows if s.type == wanted), rows[0] if rows else None)


def list_source(session: Session, name: str, kind: str) -> Source:
    """Return the publisher of a list, created with the kind's type on first use."""
    name = name.strip()
    if not name:
        raise InvalidInput("--source: name who published the list")
    if len(name) > 300:
        raise InvalidInput("--source: at most 300 characters")
    found = find_source(session, name, kind)
    if found is not None:
        return found
    return get_or_create_source(session, SourceDetails(name, source_type_of(kind), None))


def saved_column_map(session: Session, source_name: str) -> dict[str, str]:
    """Return the column mapping of the newest list of this publisher that had one."""
    mapping = session.scalar(
        select(ImportedList.column_map)
        .join(Source, Source.id == ImportedList.source_id)
        .where(Source.name == source_name.strip(), ImportedList.column_map.is_not(None))
        .order_by(ImportedList.id.desc())
        .limit(1)
    )
    return dict(mapping or {})


def observed_on(record: ListRecord, imported: ImportedList) -> date:
    """Return the date of a row's claim: its own report date, else the list's publication."""
    if record.report_date is not None:
        return record.report_date
    if imported.published_on is not None:
        return imported.published_on
    return imported.imported_at.date()


def claim_details(record: ListRecord, imported: ImportedList) -> ReportDetails | None:
    """Return the report a linked row of this list makes, or None for a list claiming nothing."""
    claim = KIND_CLAIMS.get(imported.kind)
    if claim is None or imported.source_id is None:
        return None
    published = f", published {imported.published_on.isoformat()}" if imported.published_on else ""
    text = (
        f"Row {record.record_id} (line {record.line}) of list {imported.name!r} "
        f"({imported.kind.replace('_', ' ')}{published})."
    )
    return ReportDetails(
        claim=claim.value,
        observed_on=observed_on(record, imported),
        place="",
        credibility=LIST_CREDIBILITY,
        text=text,
    )


def report_link(
    session: Session,
    candidate: LinkCandidate,
    *,
    record: ListRecord,
    imported: ImportedList,
    actor_id: int | None,
) -> Report | None:
    """Record the report a linked row makes on its person; keep it on the candidate.

    Nothing for a list that claims nothing, or a candidate that has its report already.
    """
    if candidate.report_id is not None:
        return None
    details = claim_details(record, imported)
    if details is None:
        return None
    person = session.get(Person, candidate.person_id)
    source = session.get(Source, imported.source_id)
    assert person is not None and source is not None
    report = record_report(
        session, person=person, source=source, details=details, actor_id=actor_id
    )
    candidate.report_id = report.id
    return report


def report_links(
    session: Session,
    links: Sequence[tuple[LinkCandidate, ListRecord]],
    *,
    imported: ImportedList,
) -> int:
    """Record the reports of many automatic links of one list at once; return how many.

    The same reports as :func:`report_link` (checked once: one source, one claim), inserted
    in one flush instead of one each: a list has up to hundreds of thousands of rows. The
    links are new (not yet added to the session): each gets its report's id before it is
    inserted, so that no link is updated (and audited) afterwards.
    """
    source = session.get(Source, imported.source_id) if imported.source_id else None
    if source is None or imported.kind not in KIND_CLAIMS:
        return 0
    reliability = source.reliability or DEFAULT_RELIABILITY[SourceType(source.type)].value
    made: list[tuple[LinkCandidate, Report]] = []
    for candidate, record in links:
        details = claim_details(record, imported)
        if details is None or candidate.report_id is not None:
            continue
        check_date(details.observed_on, "observed_on", today=date.today())
        report = Report(
            person_id=candidate.person_id,
            source_id=source.id,
            claim=details.claim,
            observed_on=details.observed_on,
            place=details.place,
            reliability=reliability,
            credibility=details.credibility,
            text=details.text,
            retracts_id=None,
            created_at=datetime.now(),
            created_by=None,
        )
        session.add(report)
        made.append((candidate, report))
    session.flush()
    for candidate, report in made:
        candidate.report_id = report.id
    return len(made)


def retract_link(
    session: Session, candidate: LinkCandidate, viewer: Viewer, *, reason: str, today: date
) -> Report | None:
    """Withdraw the report a link made (a retraction with the analyst's reason), if any."""
    if candidate.report_id is None:
        return None
    target = session.get(Report, candidate.report_id)
    assert target is not None
    already = session.scalar(select(Report.id).where(Report.retracts_id == target.id).limit(1))
    if already is not None:
        return None
    person = session.get(Person, target.person_id)
    source = session.get(Source, target.source_id)
    assert person is not None and source is not None
    details = ReportDetails(
        claim=RETRACTION,
        observed_on=max(today, target.observed_on),
        place="",
        credibility=target.credibility,
        text=f"Link of list row undone: {reason.strip() or 'not this person'}",
        retracts=str(target.id),
    )
    return record_report(
        session,
        person=person,
        source=source,
        details=details,
        actor_id=viewer.user_id,
        viewer=viewer,
    )


def kept_person(session: Session, person_id: int) -> int:
    """Return the person whose status a person's reports count for (after merges)."""
    seen: set[int] = set()
    current = person_id
    while current not in seen:
        seen.add(current)
        person = session.get(Person, current)
        if person is None or person.merged_into_id is None:
            return current
        current = person.merged_into_id
    return current


def kept_persons(session: Session, person_ids: Iterable[int], chunk: int = 5000) -> set[int]:
    """Return the persons whose statuses these persons' reports count for (after merges).

    :func:`kept_person` for many at once: one query per ``chunk`` ids and per step along
    the chains of merges, instead of one per person (a 100,000-row list links ~50,000).
    """
    given = set(person_ids)
    wanted = set(given)
    into: dict[int, int | None] = {}
    while missing := sorted(wanted - into.keys()):
        for start in range(0, len(missing), chunk):
            part = missing[start : start + chunk]
            rows = session.execute(
                select(Person.id, Person.merged_into_id).where(Person.id.in_(part))
            )
            found = {pid: parent for pid, parent in rows}
            into.update((pid, found.get(pid)) for pid in part)
        wanted = {parent for pid in missing if (parent := into[pid]) is not None}
    kept: set[int] = set()
    for pid in given:
        seen: set[int] = set()
        current = pid
        while current not in seen and (parent := into.get(current)) is not None:
            seen.add(current)
            current = parent
        kept.add(current)
    return kept


def recompute_persons(
    session: Session,
    person_ids: Iterable[int],
    *,
    today: date,
    settings: Settings,
    reason: str,
    batch: int = 2000,
) -> int:
    """Recompute the assessed status of these persons (in batches).

    Return how many persons' assessed status (the status word itself) changed.
    """
    ids = sorted(kept_persons(session, person_ids))
    changed = 0
    policy = policy_of(settings)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        current = select(Assessment.person_id, Assessment.status).where(
            Assessment.person_id.in_(chunk), Assessment.is_current
        )
        before = {pid: status for pid, status in session.execute(current)}
        evidence = gather(session, chunk)
        results = [(pid, assess(evidence[pid], today=today, policy=policy)) for pid in chunk]
        store_results(session, results, reason=reason)
        changed += sum(
            before.get(pid, Status.MISSING.value) != result.status.value for pid, result in results
        )
    return changed


def link_evidence(
    session: Session,
    viewer: Viewer,
    candidate: LinkCandidate,
    *,
    linked: bool,
    reason: str,
    settings: Settings,
    today: date,
) -> None:
    """Make (linked) or retract (not linked) the report of a list record's link.

    The person's status is recomputed when a report was made or retracted. ``reason`` is the
    retraction's text.
    """
    record = session.get(ListRecord, candidate.list_record_id)
    assert record is not None
    imported = session.get(ImportedList, record.list_id)
    assert imported is not None
    if linked:
        made = report_link(
            session, candidate, record=record, imported=imported, actor_id=viewer.user_id
        )
    else:
        made = retract_link(session, candidate, viewer, reason=reason, today=today)
    if made is not None:
        recompute_persons(
            session,
            [candidate.person_id],
            today=today,
            settings=settings,
            reason=f"list {imported.name}: link {'confirmed' if linked else 'undone'}",
        )
