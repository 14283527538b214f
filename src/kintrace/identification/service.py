"""Coded DNA samples, identifications proposed by the laboratory, and the four-eyes review.

The laboratory works on codes only: a missing person is known to it as a case code
(``M-…``), each sample as a sample code (``S-…``). An identification it proposes becomes final
only when a reviewer other than the proposer confirms it; the confirmation is recorded as a
report of the highest grade (A1, ``dna_laboratory``, claim ``identified``), the person's
status is recomputed in the same transaction, and every relative with an account who asked
about him is notified. A rejection is kept with its reason.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.access import Role, Viewer
from kintrace.cases.consent_service import require_consent
from kintrace.cases.model import ConsentScope, Relationship
from kintrace.config import Settings
from kintrace.errors import Conflict, Forbidden, InvalidInput, NotFound
from kintrace.notify.events import Event, Kind
from kintrace.notify.service import announce
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import Reliability, ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.tables import (
    DnaCase,
    Identification,
    Notification,
    Person,
    Sample,
)

PROPOSABLE = ("undisputed", "probable")
"""Conclusions of ``kintrace dvi`` that the laboratory may propose as identifications."""

MAY_PROPOSE = frozenset({Role.DNA_LAB, Role.ADMINISTRATOR})
MAY_DECIDE = frozenset({Role.REVIEWER, Role.ADMINISTRATOR})
MAY_REGISTER_SAMPLES = frozenset({Role.OPERATOR, Role.ANALYST, Role.ADMINISTRATOR, Role.DNA_LAB})

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud


def _new_code(prefix: str) -> str:
    return prefix + "-" + "".join(secrets.choice(_ALPHABET) for _ in range(7))


def case_of(session: Session, person_id: int) -> DnaCase:
    """Return the person's DNA case code, creating it on first use."""
    case = session.get(DnaCase, person_id)
    if case is None:
        case = DnaCase(person_id=person_id, code=_new_code("M"), created_at=datetime.now())
        session.add(case)
        session.flush()
    return case


def register_sample(
    session: Session,
    *,
    kind: str,
    collected_on: date,
    actor_id: int | None,
    person: Person | None = None,
    inquirer_id: int | None = None,
    relationship: Relationship | None = None,
) -> Sample:
    """Register a reference sample (for a missing person, from a relative) or remains.

    A reference sample of a relative who asked for him (``inquirer_id``) needs that
    relative's consent to the DNA laboratory: Conflict otherwise, nothing written.
    """
    if kind == "reference":
        if person is None or relationship is None:
            raise InvalidInput("a reference sample names the missing person and the relative")
        if inquirer_id is not None:
            require_consent(session, inquirer_id, ConsentScope.DNA_LABORATORY)
        case_of(session, person.id)
    elif kind == "remains":
        if person is not None:
            raise InvalidInput("remains are registered without a name: the DNA decides who")
    else:
        raise InvalidInput(f"field 'kind': {kind!r} is not 'reference' or 'remains'")
    if collected_on > date.today():
        raise InvalidInput("field 'collected_on': the date is in the future")
    sample = Sample(
        code=_new_code("S"),
        kind=kind,
        person_id=person.id if person else None,
        inquirer_id=inquirer_id,
        relationship_=relationship.value if relationship else "",
        collected_on=collected_on,
        created_at=datetime.now(),
        created_by=actor_id,
    )
    session.add(sample)
    session.flush()
    return sample


def samples_of(session: Session, person_id: int) -> list[Sample]:
    """Return the reference samples given for a missing person, oldest first."""
    return list(
        session.scalars(
            select(Sample)
            .where(Sample.person_id == person_id, Sample.kind == "reference")
            .order_by(Sample.collected_on, Sample.id)
        )
    )


@dataclass(frozen=True, slots=True)
class LabCase:
    """What the laboratory sees of a case: codes and relationships, never names."""

    code: str
    references: list[tuple[str, str, date]]  # sample code, relationship, collected on
    identifications: list[Identification]


def lab_cases(session: Session) -> list[LabCase]:
    """Return every DNA case as the laboratory sees it."""
    cases = list(session.scalars(select(DnaCase).order_by(DnaCase.code)))
    refs: dict[int, list[tuple[str, str, date]]] = {}
    for s in session.scalars(select(Sample).where(Sample.kind == "reference").order_by(Sample.id)):
        if s.person_id is not None:
            refs.setdefault(s.person_id, []).append((s.code, s.relationship_, s.collected_on))
    idents: dict[int, list[Identification]] = {}
    for i in session.scalars(select(Identification).order_by(Identification.id)):
        idents.setdefault(i.person_id, []).append(i)
    return [LabCase(c.code, refs.get(c.person_id, []), idents.get(c.person_id, [])) for c in cases]


def remains_samples(session: Session) -> list[Sample]:
    """Return the registered remains, newest first."""
    return list(
        session.scalars(select(Sample).where(Sample.kind == "remains").order_by(Sample.id.desc()))
    )


MIN_LR = 1.0
"""An identification is proposed only on evidence for it: a likelihood ratio above 1."""

MAX_LR = 1e100
"""No STR kinship likelihood ratio comes near this (a full 24-locus direct match is ~1e30)."""


def proposal_problems(*, lr: float, posterior: float | None, conclusion: str) -> list[str]:
    """List what is wrong with a proposal's LR, posterior and conclusion, one line each.

    >>> len(proposal_problems(lr=float("nan"), posterior=2.0, conclusion="certain"))
    3
    >>> proposal_problems(lr=5e7, posterior=None, conclusion="probable")
    []
    """
    problems: list[str] = []
    if conclusion not in PROPOSABLE:
        problems.append(f"field 'conclusion': {conclusion[:40]!r} is not {' or '.join(PROPOSABLE)}")
    if not (math.isfinite(lr) and MIN_LR < lr <= MAX_LR):
        problems.append(
            f"field 'lr': {lr!r} is not a likelihood ratio above {MIN_LR:g} and at most {MAX_LR:g}"
        )
    if posterior is not None and not (math.isfinite(posterior) and 0 <= posterior <= 1):
        problems.append(f"field 'posterior': {posterior!r} is not a probability")
    return problems


def propose(
    session: Session,
    viewer: Viewer,
    *,
    remains_code: str,
    case_code: str,
    lr: float,
    posterior: float | None,
    conclusion: str,
    method: str,
) -> Identification:
    """Propose that these remains are the person of this case (the laboratory's step)."""
    viewer.require(MAY_PROPOSE, "propose identifications")
    remains = session.scalar(
        select(Sample).where(Sample.code == remains_code, Sample.kind == "remains")
    )
    if remains is None:
        raise InvalidInput(f"field 'remains': {remains_code!r} is not a registered remains code")
    case = session.scalar(select(DnaCase).where(DnaCase.code == case_code))
    if case is None:
        raise InvalidInput(f"field 'missing': {case_code!r} is not a DNA case code")
    problems = proposal_problems(lr=lr, posterior=posterior, conclusion=conclusion)
    if problems:
        raise InvalidInput(problems[0], problems)
    pending = session.scalar(
        select(Identification).where(
            Identification.remains_code == remains_code,
            Identification.person_id == case.person_id,
            Identification.state.in_(("proposed", "confirmed")),
        )
    )
    if pending is not None:
        raise Conflict(f"{remains_code} is already {pending.state} for case {case_code}")
    row = Identification(
        remains_code=remains_code,
        person_id=case.person_id,
        lr=lr,
        posterior=posterior,
        conclusion=conclusion,
        method=method[:300],
        state="proposed",
        proposed_by=viewer.user_id,
        proposed_at=datetime.now(),
        note="",
    )
    session.add(row)
    session.flush()
    return row


def propose_from_dvi(
    session: Session, viewer: Viewer, data: Mapping[str, Any], *, source: str
) -> list[Identification]:
    """Propose every undisputed or probable identification of a ``kintrace dvi`` result.

    The families and remains files must have been written with the codes (case codes as the
    missing persons' ids, sample codes as the remains' ids). All or nothing: every problem is
    gathered, each naming the identification's index and field.
    """
    items = data.get("identifications") if isinstance(data, Mapping) else None
    if not isinstance(items, Sequence):
        raise InvalidInput(f"{source}: no 'identifications' list (is it kintrace dvi's JSON?)")
    problems: list[str] = []
    made: list[Identification] = []
    posteriors = _posteriors(data)
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or item.get("conclusion") not in PROPOSABLE:
            continue
        if item.get("remains") is None:
            continue
        try:
            lr = float(item.get("lr") or 0.0)
        except (TypeError, ValueError):
            problems.append(f"{source}: identification {index}: field 'lr': not a number")
            continue
        try:
            made.append(
                propose(
                    session,
                    viewer,
                    remains_code=str(item["remains"]),
                    case_code=str(item.get("missing")),
                    lr=lr,
                    posterior=posteriors.get((str(item["remains"]), str(item.get("missing")))),
                    conclusion=str(item["conclusion"]),
                    method=f"kintrace dvi ({source})",
                )
            )
        except (InvalidInput, Conflict) as error:
            problems.append(f"{source}: identification {index}: {error}")
    if problems:
        raise InvalidInput("; ".join(problems), problems)
    return made


def _posteriors(data: Mapping[str, Any]) -> dict[tuple[str, str], float]:
    """Posterior pairing probabilities summed over the joint solutions given."""
    result: dict[tuple[str, str], float] = {}
    joint = data.get("joint")
    if not isinstance(joint, Sequence):
        return result
    for solution in joint:
        if not isinstance(solution, Mapping):
            continue
        p = solution.get("posterior")
        assignment = solution.get("assignment")
        if not isinstance(p, int | float) or not isinstance(assignment, Mapping):
            continue
        for remains, missing in assignment.items():
            if missing is not None:
                key = (str(remains), str(missing))
                result[key] = min(1.0, result.get(key, 0.0) + float(p))
    return result


def pending_reviews(session: Session) -> list[tuple[Identification, Person]]:
    """Return the identifications waiting for a reviewer, oldest first."""
    rows = session.execute(
        select(Identification, Person)
        .join(Person, Person.id == Identification.person_id)
        .where(Identification.state == "proposed")
        .order_by(Identification.proposed_at, Identification.id)
    ).all()
    return [(i, p) for i, p in rows]


def decide(
    session: Session,
    viewer: Viewer,
    identification_id: int,
    *,
    confirm: bool,
    note: str,
    settings: Settings,
    today: date,
) -> Identification:
    """Confirm or reject a proposed identification (a second person must decide)."""
    viewer.require(MAY_DECIDE, "confirm or reject identifications")
    row = session.get(Identification, identification_id)
    if row is None:
        raise NotFound(f"no identification {identification_id}")
    if row.state != "proposed":
        raise Conflict(f"identification {identification_id} is already {row.state}")
    if row.proposed_by is not None and row.proposed_by == viewer.user_id:
        raise Forbidden("four eyes: the person who proposed an identification may not decide it")
    if not confirm and not note.strip():
        raise InvalidInput("field 'note': say why the identification is rejected")
    row.state = "confirmed" if confirm else "rejected"
    row.decided_by = viewer.user_id
    row.decided_at = datetime.now()
    row.note = note.strip()
    if confirm:
        person = session.get(Person, row.person_id)
        assert person is not None
        lab = get_or_create_source(
            session,
            SourceDetails("DNA laboratory (confirmed identification)", SourceType.DNA_LABORATORY,
                          Reliability.A),
        )  # fmt: skip
        posterior = f", posterior {row.posterior:.4f}" if row.posterior is not None else ""
        report = record_report(
            session,
            person=person,
            source=lab,
            details=ReportDetails(
                claim="identified",
                observed_on=today,
                credibility=1,
                text=(
                    f"DNA identification of remains {row.remains_code}: LR {row.lr:.3g}"
                    f"{posterior} ({row.conclusion}); confirmed by a second reviewer."
                ),
            ),
            actor_id=viewer.user_id,
        )
        row.report_id = report.id
        recompute_person(
            session, person.id, today=today, settings=settings, reason="identification confirmed"
        )
        _notify_relatives(session, person, row)
    session.flush()
    return row


def _notify_relatives(session: Session, person: Person, row: Identification) -> None:
    """Tell the relatives at once (the news scan would find it too; it is announced once)."""
    name = " ".join(p for p in (person.surname, person.given_name, person.patronymic) if p)
    decided = row.decided_at or datetime.now()
    params = {"person": name, "remains": row.remains_code, "date": decided.date().isoformat()}
    event = Event(Kind.IDENTIFICATION, f"identification:{row.id}", person.id, params)
    announce(session, [event], now=decided)


def notifications_for(session: Session, user_id: int) -> list[Notification]:
    """Return a user's notifications, newest first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id.desc())
        )
    )


def identifications_of(
    session: Session, person_id: int, viewer: Viewer | None = None
) -> list[Identification]:
    """Return the identifications proposed for a person that this viewer may see, oldest first.

    A relative sees an identification only once the second reviewer has confirmed it: a
    proposal (with its LR) may still be rejected, and a family must not hear of it before.
    """
    query = select(Identification).where(Identification.person_id == person_id)
    if viewer is None or viewer.role is Role.RELATIVE:
        query = query.where(Identification.state == "confirmed")
    return list(session.scalars(query.order_by(Identification.id)))
