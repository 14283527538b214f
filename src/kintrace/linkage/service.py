"""Record linkage in the app: link an imported list to the persons, review, merge, undo.

``link_list`` scores every record of a list against the persons in the database (and the
persons against each other) with the Fellegi–Sunter model of :mod:`kintrace.linkage.model`.
A record's best candidate at or above the upper threshold (its probability given its
rivals, :mod:`kintrace.linkage.joint`) is linked automatically; between the thresholds (or
above the lower one on its own, as two namesakes are) it waits in the review queue; two
persons above the lower threshold are a
duplicate candidate for review (never merged automatically: a wrong merge hides a missing
man). Decisions are kept; a rejected pair is not proposed again, a confirmed one is a link.
Decisions also feed back as labels (:func:`decision_labels`): each run gives the model the
analysts' confirmed and rejected pairs, whose records are scored with the others (a record
of another list comes along for that), so that confirmed pairs update the model's m once
there are enough of them (:class:`~kintrace.linkage.model.LinkageSettings`).
Merging keeps every request, report and history of both persons; a merge can be undone.

A linked record of a list that claims something (a prisoner list, an exchange list...)
becomes a report on its person from the list's source (:mod:`kintrace.lists.evidence`), made
when the link is made (automatically, or when an analyst confirms it) and retracted when it
is undone; the person's status is recomputed in the same transaction. Undoing a link, and
opening a case for a record that links to nobody, are in :mod:`kintrace.lists.decisions`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import PersonDetails, Sex
from kintrace.cases.service import (
    birth_of,
    refresh_search_key,
)
from kintrace.config import Settings
from kintrace.errors import Conflict, InvalidInput, NotFound
from kintrace.linkage.engines import LinkEngine, SparkOptions, linkage_api
from kintrace.linkage.labels import PairLabel
from kintrace.linkage.model import LinkageSettings, ScoredPair, link_features
from kintrace.linkage.normalise import PersonFeatures, person_features
from kintrace.linkage.stored import standing_persons
from kintrace.lists.evidence import KIND_CLAIMS, link_evidence, recompute_persons, report_links
from kintrace.reconciliation.service import recompute_person
from kintrace.storage.tables import (
    ImportedList,
    LinkCandidate,
    ListRecord,
    Person,
    PersonMerge,
)

MAY_LINK = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
"""Who runs linkage, decides candidates and merges persons."""


def _sex(code: str) -> Sex:
    try:
        return Sex(code)
    except ValueError:
        return Sex.UNKNOWN


def person_details(person: Person) -> PersonDetails:
    """Return a stored person's details as written."""
    return PersonDetails(
        person.surname,
        person.given_name,
        person.patronymic,
        _sex(person.sex),
        birth_of(person),
        person.home_region,
        person.unit,
        person.rank,
        person.personal_number,
    )


def record_details(record: ListRecord) -> PersonDetails:
    """Return a list record's details as written."""
    birth = (
        PartialDate(
            record.birth_year,
            record.birth_month,
            record.birth_day,
            Precision(record.birth_precision or Precision.YEAR.value),
        )
        if record.birth_year is not None
        else None
    )
    return PersonDetails(
        record.surname,
        record.given_name,
        record.patronymic,
        _sex(record.sex),
        birth,
        record.region,
        record.unit,
        record.rank,
        record.personal_number,
    )


@dataclass(frozen=True, slots=True)
class LinkRun:
    """What one linkage run did.

    ``labels``: analysts' decisions given to the model; ``labels_used``: the confirmed ones
    that updated m (0 when there were too few).
    """

    records: int
    persons: int
    automatic: int
    review: int
    duplicates: int
    unmatched: int
    pairs_scored: int
    labels: int = 0
    labels_used: int = 0
    reports: int = 0
    """Reports the automatic links made (rows of a list that claims something)."""
    statuses_changed: int = 0
    """Persons whose assessed status those reports changed."""


ALONE = "pairwise_probability"
"""The key of a candidate's evidence that holds the pair's probability on its own."""


def _evidence(pair: ScoredPair) -> dict[str, str]:
    """Return the pair's levels of agreement and its probability on its own."""
    alone = pair.pairwise_probability
    return {**pair.evidence, **({ALONE: f"{alone:.4f}"} if alone is not None else {})}


def link_list(
    session: Session,
    *,
    list_name: str,
    upper: float = 0.95,
    lower: float = 0.5,
    settings: LinkageSettings | None = None,
    on_stage: Callable[[str], None] | None = None,
    status_settings: Settings | None = None,
    today: date | None = None,
    engine: LinkEngine | None = None,
) -> LinkRun:
    """Link the records of an imported list to the persons (in the caller's transaction).

    Each automatic link of a list that claims something becomes a report, and the statuses
    of those persons are recomputed (``status_settings``, ``today``: the clocks' policy and
    date; defaults: the default settings and today). The model runs on ``engine``, by
    default the settings' ``link_engine`` (Spark on their ``spark_master``, its scratch files
    under their data folder; :mod:`kintrace.linkage.engines`).
    """
    if not 0 < lower <= upper <= 1:
        raise InvalidInput(f"thresholds must satisfy 0 < lower <= upper <= 1, not {lower}, {upper}")
    imported = session.scalar(select(ImportedList).where(ImportedList.name == list_name))
    if imported is None:
        raise NotFound(f"no imported list named {list_name!r}")
    records = list(
        session.scalars(
            select(ListRecord).where(ListRecord.list_id == imported.id).order_by(ListRecord.id)
        )
    )
    standing = standing_persons(session)
    ids = [pid for pid, _ in standing]
    decided = _decided_pairs(session)
    labels, others = _labels(session, ids, records)
    features: list[PersonFeatures] = [person_features(details) for _, details in standing]
    del standing
    features += [person_features(record_details(r)) for r in (*records, *others)]
    # a pair's probability given its rivals decides an automatic link; the review queue
    # also takes a pair that is likely on its own (two namesakes of 0.6, 0.375 each given
    # each other: the analyst must see them)
    floor = min(lower, (settings or LinkageSettings()).joint_edge)
    configured = status_settings or Settings()
    spark = SparkOptions(
        configured.spark_master, configured.spark_dir, configured.spark_driver_memory
    )
    with linkage_api(engine or configured.link_engine, spark) as db_api:
        result = link_features(
            features,
            min_probability=floor,
            settings=settings,
            labels=labels,
            on_stage=on_stage,
            db_api=db_api,
        )
    n = len(ids)
    best: dict[int, tuple[float, int, dict[str, str]]] = {}
    duplicates = 0
    now = datetime.now()
    for pair in result.pairs:
        if max(pair.match_probability, pair.pairwise_probability or 0.0) < lower:
            continue
        left, right = sorted((pair.left, pair.right))
        if right < n:  # two persons: a duplicate candidate
            key = ("p", ids[left], ids[right])
            if key in decided:
                continue
            decided.add(key)
            session.add(
                LinkCandidate(
                    person_id=ids[left],
                    other_person_id=ids[right],
                    probability=pair.match_probability,
                    evidence=_evidence(pair),
                    state="pending",
                    run=list_name,
                    created_at=now,
                )
            )
            duplicates += 1
        elif left < n and right < n + len(records):  # a person and a record of this list
            record = right - n
            if ("r", ids[left], records[record].id) in decided:
                continue
            if record not in best or pair.match_probability > best[record][0]:
                best[record] = (pair.match_probability, left, _evidence(pair))
    automatic = review = 0
    linked: list[tuple[LinkCandidate, ListRecord]] = []
    for record, (probability, left, evidence) in best.items():
        state = "automatic" if probability >= upper else "pending"
        automatic += state == "automatic"
        review += state == "pending"
        candidate = LinkCandidate(
            person_id=ids[left],
            list_record_id=records[record].id,
            probability=probability,
            evidence=evidence,
            state=state,
            run=list_name,
            created_at=now,
        )
        if state == "automatic":
            linked.append((candidate, records[record]))
        else:
            session.add(candidate)
    reports = statuses_changed = 0
    if linked and imported.kind in KIND_CLAIMS:
        if on_stage is not None:
            on_stage("reports")
        # the reports first, so that each link is inserted with its report (not updated)
        reports = report_links(session, linked, imported=imported)
    session.add_all([candidate for candidate, _ in linked])
    session.flush()
    if reports:
        statuses_changed = recompute_persons(
            session,
            [c.person_id for c, _ in linked if c.report_id is not None],
            today=today or date.today(),
            settings=status_settings or Settings(),
            reason=f"list {list_name} linked",
        )
    return LinkRun(
        records=len(records),
        persons=n,
        automatic=automatic,
        review=review,
        duplicates=duplicates,
        unmatched=len(records) - len(best),
        pairs_scored=result.pairs_scored,
        labels=len(labels),
        labels_used=result.labels_used,
        reports=reports,
        statuses_changed=statuses_changed,
    )


def decision_labels(
    session: Session, persons: Sequence[Person], records: Sequence[ListRecord]
) -> tuple[list[PairLabel], list[ListRecord]]:
    """Return the analysts' decisions as labels over the records of a linkage run.

    The run's records are ``persons`` then ``records`` then the returned other records:
    records of other lists that a decision names, which come along so that the model sees
    the pair. A decision on a person who has since been merged away is left out: the pair
    the analyst judged no longer exists.
    """
    return _labels(session, [p.id for p in persons], records)


def _labels(
    session: Session, person_ids: Sequence[int], records: Sequence[ListRecord]
) -> tuple[list[PairLabel], list[ListRecord]]:
    """Return :func:`decision_labels` over the persons of these ids, in this order."""
    person_index = {pid: i for i, pid in enumerate(person_ids)}
    record_index = {r.id: len(person_ids) + i for i, r in enumerate(records)}
    decisions = list(
        session.scalars(
            select(LinkCandidate)
            .where(LinkCandidate.state.in_(("confirmed", "rejected")))
            .order_by(LinkCandidate.id)
        )
    )
    wanted = {
        c.list_record_id
        for c in decisions
        if c.list_record_id is not None and c.list_record_id not in record_index
    }
    others = (
        list(
            session.scalars(
                select(ListRecord).where(ListRecord.id.in_(wanted)).order_by(ListRecord.id)
            )
        )
        if wanted
        else []
    )
    base = len(person_ids) + len(records)
    record_index.update({r.id: base + i for i, r in enumerate(others)})
    labels: list[PairLabel] = []
    for c in decisions:
        left = person_index.get(c.person_id)
        if c.other_person_id is not None:
            right = person_index.get(c.other_person_id)
        elif c.list_record_id is not None:
            right = record_index.get(c.list_record_id)
        else:
            right = None
        if left is not None and right is not None and left != right:
            labels.append(PairLabel(min(left, right), max(left, right), c.state == "confirmed"))
    return labels, others


def _decided_pairs(session: Session) -> set[tuple[str, int, int]]:
    """Pairs already proposed or decided: not proposed again."""
    keys: set[tuple[str, int, int]] = set()
    for c in session.scalars(select(LinkCandidate)):
        if c.other_person_id is not None:
            a, b = sorted((c.person_id, c.other_person_id))
            keys.add(("p", a, b))
        elif c.list_record_id is not None:
            keys.add(("r", c.person_id, c.list_record_id))
    return keys


def review_queue(session: Session, *, limit: int = 100) -> list[LinkCandidate]:
    """Return the candidates waiting for an analyst, most probable first."""
    return list(
        session.scalars(
            select(LinkCandidate)
            .where(LinkCandidate.state == "pending")
            .order_by(LinkCandidate.probability.desc(), LinkCandidate.id)
            .limit(limit)
        )
    )


def decide_candidate(
    session: Session,
    viewer: Viewer,
    candidate_id: int,
    *,
    confirm: bool,
    note: str,
    settings: Settings,
    today: date,
) -> LinkCandidate:
    """Confirm or reject a candidate; confirming two persons merges them.

    Confirming a list record makes its report (see :mod:`kintrace.lists.evidence`);
    rejecting an automatic link retracts the report it made, with the note as the reason.
    Either recomputes the person's status in the same transaction.
    """
    viewer.require(MAY_LINK, "decide record linkage candidates")
    candidate = session.get(LinkCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"no link candidate {candidate_id}")
    if candidate.state not in ("pending", "automatic"):
        raise Conflict(f"link candidate {candidate_id} is already {candidate.state}")
    was_linked = candidate.state == "automatic"
    candidate.state = "confirmed" if confirm else "rejected"
    candidate.decided_by = viewer.user_id
    candidate.decided_at = datetime.now()
    candidate.note = note.strip()
    if confirm and candidate.other_person_id is not None:
        merge_persons(
            session,
            viewer,
            kept_id=candidate.person_id,
            merged_id=candidate.other_person_id,
            reason=f"duplicate confirmed (link candidate {candidate.id})",
            settings=settings,
            today=today,
        )
    elif candidate.list_record_id is not None and (confirm or was_linked):
        link_evidence(
            session, viewer, candidate, linked=confirm, reason=note, settings=settings, today=today
        )
    session.flush()
    return candidate


def merge_persons(
    session: Session,
    viewer: Viewer,
    *,
    kept_id: int,
    merged_id: int,
    reason: str,
    settings: Settings,
    today: date,
) -> PersonMerge:
    """Merge one person into another: his requests and reports count for the kept person."""
    viewer.require(MAY_LINK, "merge persons")
    if kept_id == merged_id:
        raise InvalidInput("a person cannot be merged into himself")
    kept, merged = session.get(Person, kept_id), session.get(Person, merged_id)
    if kept is None or merged is None:
        raise NotFound(f"no person {kept_id if kept is None else merged_id}")
    if kept.merged_into_id is not None or merged.merged_into_id is not None:
        raise Conflict("merge into the person that was kept, not into a merged duplicate")
    moved = list(session.scalars(select(Person).where(Person.merged_into_id == merged_id)))
    for child in moved:  # earlier duplicates of the merged person follow him
        child.merged_into_id = kept_id
    merged.merged_into_id = kept_id
    merge = PersonMerge(
        kept_id=kept_id,
        merged_id=merged_id,
        moved=[c.id for c in moved],
        reason=reason[:300],
        merged_by=viewer.user_id,
        merged_at=datetime.now(),
    )
    session.add(merge)
    session.flush()
    refresh_search_key(kept, session)  # the duplicate's spellings find the kept person
    recompute_person(session, kept_id, today=today, settings=settings, reason=f"merge: {reason}")
    return merge


def undo_merge(
    session: Session, viewer: Viewer, merge_id: int, *, settings: Settings, today: date
) -> PersonMerge:
    """Undo a merge: both persons stand apart again, each with his own records."""
    viewer.require(MAY_LINK, "undo merges")
    merge = session.get(PersonMerge, merge_id)
    if merge is None:
        raise NotFound(f"no merge {merge_id}")
    if merge.undone_at is not None:
        raise Conflict(f"merge {merge_id} was undone already")
    merged = session.get(Person, merge.merged_id)
    assert merged is not None
    if merged.merged_into_id != merge.kept_id:
        raise Conflict(f"person {merged.id} was merged again since; undo the later merge first")
    merged.merged_into_id = None
    for child_id in merge.moved:
        child = session.get(Person, child_id)
        if child is not None and child.merged_into_id == merge.kept_id:
            child.merged_into_id = merged.id
    merge.undone_by = viewer.user_id
    merge.undone_at = datetime.now()
    session.flush()
    for pid in (merge.kept_id, merge.merged_id):
        standing = session.get(Person, pid)
        if standing is not None:
            refresh_search_key(standing, session)
    for pid in (merge.kept_id, merge.merged_id):
        recompute_person(session, pid, today=today, settings=settings, reason="merge undone")
    return merge


def links_of(session: Session, person_id: int) -> list[tuple[LinkCandidate, ListRecord, str]]:
    """Return the list records linked to a person (automatic or confirmed), with list names."""
    rows = session.execute(
        select(LinkCandidate, ListRecord, ImportedList.name)
        .join(ListRecord, ListRecord.id == LinkCandidate.list_record_id)
        .join(ImportedList, ImportedList.id == ListRecord.list_id)
        .where(
            LinkCandidate.person_id == person_id,
            LinkCandidate.state.in_(("automatic", "confirmed")),
        )
        .order_by(LinkCandidate.id)
    ).all()
    return [(c, r, name) for c, r, name in rows]


def candidates_touching(session: Session, ids: Sequence[int]) -> list[LinkCandidate]:
    """Return the pending candidates that involve any of these persons."""
    return list(
        session.scalars(
            select(LinkCandidate).where(
                LinkCandidate.state == "pending",
                or_(LinkCandidate.person_id.in_(ids), LinkCandidate.other_person_id.in_(ids)),
            )
        )
    )
