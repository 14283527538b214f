"""Linking an imported list to the persons, the review queue, merges and their undoing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db_builders import a_person, a_report, person_details
from kintrace.access import Role, Viewer
from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.dossier import dossier
from kintrace.cases.service import add_person, get_or_create_region
from kintrace.config import Settings
from kintrace.errors import Conflict, Forbidden
from kintrace.importers.persons import parse_persons
from kintrace.importers.tabular import read_table
from kintrace.linkage.labels import PairLabel
from kintrace.linkage.model import LinkageSettings
from kintrace.linkage.service import (
    decide_candidate,
    decision_labels,
    link_list,
    links_of,
    merge_persons,
    review_queue,
    undo_merge,
)
from kintrace.lists.service import ListKind, import_list
from kintrace.reconciliation.service import recompute_person
from kintrace.storage.tables import Assessment, ImportedList, LinkCandidate, ListRecord, Person

TODAY = date(2026, 11, 20)
ANALYST = Viewer(None, Role.ANALYST)
SETTINGS = Settings()

LIST = (
    "id,surname,given_name,patronymic,sex,birth_date,unit\n"
    "a1,PETROV,Aleksandr,Ivanovich,m,03.05.1998,MU 12345\n"
    "a2,Sidorenko,Mykola,,m,1971,\n"
)


def imported(db: Session, tmp_path: Path, text: str = LIST, name: str = "pow-2026-11") -> str:
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    records = parse_persons(read_table(path, {}, required=("id",)))
    import_list(
        db, path=path, name=name, kind=ListKind.OTHER, records=records,
        as_persons=False, actor_id=None,
    )  # fmt: skip
    return name


def records_of(db: Session, name: str) -> list[ListRecord]:
    imported_list = db.scalar(select(ImportedList).where(ImportedList.name == name))
    assert imported_list is not None
    return list(
        db.scalars(
            select(ListRecord).where(ListRecord.list_id == imported_list.id).order_by(ListRecord.id)
        )
    )


def a_candidate(
    db: Session, person: Person, probability: float = 0.9, **other: int
) -> LinkCandidate:
    """A pending candidate pair of ``person`` and ``other_person_id`` or ``list_record_id``."""
    candidate = LinkCandidate(
        person_id=person.id, probability=probability, evidence={}, state="pending", run="test",
        created_at=TODAY, **other,
    )  # fmt: skip
    db.add(candidate)
    db.flush()
    return candidate


def test_a_list_record_in_latin_script_links_to_the_person_in_cyrillic(
    db: Session, tmp_path: Path
) -> None:
    petrov = a_person(db, "Петров")
    a_person(db, "Коваленко")
    run = link_list(db, list_name=imported(db, tmp_path), upper=0.95, lower=0.5)
    assert run.records == 2 and run.persons == 2
    links = links_of(db, petrov.id) + [
        (c, None, "") for c in review_queue(db) if c.person_id == petrov.id
    ]
    assert links, "Petrov's record was not found"
    assert all(c.probability >= 0.5 for c, _, _ in links)
    assert run.unmatched >= 1  # Sidorenko is nobody we know


def test_a_second_run_proposes_nothing_already_decided(db: Session, tmp_path: Path) -> None:
    a_person(db, "Петров")
    name = imported(db, tmp_path)
    link_list(db, list_name=name, lower=0.5)
    for candidate in review_queue(db):
        decide_candidate(db, ANALYST, candidate.id, confirm=False, note="no", settings=SETTINGS,
                         today=TODAY)  # fmt: skip
    before = len(list(db.scalars(select(LinkCandidate))))
    again = link_list(db, list_name=name, lower=0.5)
    assert again.review == 0 and again.duplicates == 0
    assert len(list(db.scalars(select(LinkCandidate)))) == before + again.automatic


def test_a_merge_keeps_every_report_and_can_be_undone(db: Session) -> None:
    kept, duplicate = a_person(db, "Петров"), a_person(db, "Петров")
    a_report(db, kept, "missing", on=date(2022, 9, 18))
    a_report(db, duplicate, "captured_reported", on=date(2022, 10, 5))
    for p in (kept, duplicate):
        recompute_person(db, p.id, today=TODAY, settings=SETTINGS, reason="test")
    merge = merge_persons(db, ANALYST, kept_id=kept.id, merged_id=duplicate.id, reason="same man",
                          settings=SETTINGS, today=TODAY)  # fmt: skip
    case = dossier(db, ANALYST, kept.id)
    assert len(case.reports) == 2
    assert case.assessment is not None and case.assessment.status == "captured_reported"
    assert [m.id for m in case.merges] == [merge.id]
    with pytest.raises(Conflict):
        merge_persons(db, ANALYST, kept_id=duplicate.id, merged_id=kept.id, reason="x",
                      settings=SETTINGS, today=TODAY)  # fmt: skip
    undo_merge(db, ANALYST, merge.id, settings=SETTINGS, today=TODAY)
    assert db.get(Person, duplicate.id).merged_into_id is None  # type: ignore[union-attr]
    assert len(dossier(db, ANALYST, kept.id).reports) == 1
    current = db.scalar(
        select(Assessment).where(Assessment.person_id == kept.id, Assessment.is_current)
    )
    assert current is not None and current.status == "missing"
    with pytest.raises(Conflict):
        undo_merge(db, ANALYST, merge.id, settings=SETTINGS, today=TODAY)


def test_confirming_a_duplicate_pair_merges_it(db: Session) -> None:
    first, second = a_person(db, "Петров"), a_person(db, "Петров")
    candidate = a_candidate(db, first, other_person_id=second.id)
    decide_candidate(db, ANALYST, candidate.id, confirm=True, note="", settings=SETTINGS,
                     today=TODAY)  # fmt: skip
    assert db.get(Person, second.id).merged_into_id == first.id  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        decide_candidate(db, ANALYST, candidate.id, confirm=False, note="", settings=SETTINGS,
                         today=TODAY)  # fmt: skip


def test_only_analysts_merge(db: Session) -> None:
    a, b = a_person(db, "Петров"), a_person(db, "Иванов")
    with pytest.raises(Forbidden):
        merge_persons(db, Viewer(None, Role.OPERATOR), kept_id=a.id, merged_id=b.id, reason="x",
                      settings=SETTINGS, today=TODAY)  # fmt: skip


def test_decisions_become_labels_of_the_next_run(db: Session, tmp_path: Path) -> None:
    petrov, kovalenko = a_person(db, "Петров"), a_person(db, "Коваленко")
    name = imported(db, tmp_path)
    first = link_list(db, list_name=name, lower=0.01)
    assert first.labels == 0
    candidates = {c.person_id: c for c in review_queue(db)}
    candidates.update(
        {c.person_id: c for c, _, _ in links_of(db, petrov.id) + links_of(db, kovalenko.id)}
    )
    assert petrov.id in candidates
    decide_candidate(db, ANALYST, candidates[petrov.id].id, confirm=True, note="same man",
                     settings=SETTINGS, today=TODAY)  # fmt: skip
    rejected = a_candidate(db, kovalenko, 0.6, list_record_id=records_of(db, name)[1].id)
    decide_candidate(db, ANALYST, rejected.id, confirm=False, note="not him", settings=SETTINGS,
                     today=TODAY)  # fmt: skip
    persons = [petrov, kovalenko]
    records = records_of(db, name)
    labels, others = decision_labels(db, persons, records)
    petrov_record = 2 + records.index(db.get(ListRecord, candidates[petrov.id].list_record_id))
    assert sorted(labels, key=lambda p: p.left) == [
        PairLabel(0, petrov_record, True),
        PairLabel(1, 3, False),
    ]
    assert others == []
    again = link_list(db, list_name=name, settings=LinkageSettings(min_labels_to_train=1))
    assert again.labels == 2 and again.labels_used == 1


def test_a_decision_on_another_list_comes_along_as_a_label(db: Session, tmp_path: Path) -> None:
    petrov = a_person(db, "Петров")
    first = imported(db, tmp_path)
    decided = a_candidate(db, petrov, list_record_id=records_of(db, first)[0].id)
    decide_candidate(db, ANALYST, decided.id, confirm=True, note="", settings=SETTINGS,
                     today=TODAY)  # fmt: skip
    second = imported(
        db, tmp_path, "id,surname,given_name,birth_date\nb1,Petrov,Sasha,1998\n", name="second"
    )
    records = records_of(db, second)
    labels, others = decision_labels(db, [petrov], records)
    assert [r.id for r in others] == [decided.list_record_id]
    assert labels == [PairLabel(0, 2, True)]
    run = link_list(db, list_name=second, lower=0.01)
    assert run.records == 1 and run.labels == 1  # the other list's record is no candidate
    assert all(c.list_record_id != decided.list_record_id for c in review_queue(db))


def test_a_record_with_two_namesakes_waits_for_review(db: Session, tmp_path: Path) -> None:
    # two men named Петров Александр born in 1998; the list knows only the name and the year
    region = get_or_create_region(db, "Курская область")
    for birth, patronymic, unit, number in (
        (PartialDate(1998, 5, 3, Precision.DAY), "Иванович", "в/ч 12345", "АВ-123456"),
        (PartialDate(1998, 11, 20, Precision.DAY), "Сергеевич", "в/ч 54321", "КМ-654321"),
    ):
        details = replace(
            person_details(), birth=birth, patronymic=patronymic, unit=unit,
            personal_number=number,
        )  # fmt: skip
        add_person(db, details, region=region, actor_id=None)
    text = "id,surname,given_name,patronymic,sex,birth_date,unit\nx1,PETROV,Aleksandr,,m,1998,\n"
    run = link_list(db, list_name=imported(db, tmp_path, text, "namesakes"), upper=0.95, lower=0.5)
    assert run.automatic == 0
    assert run.review == 1
    (candidate,) = [c for c in review_queue(db) if c.list_record_id is not None]
    # given the other namesake; on its own it was likelier, and the analyst sees both
    assert candidate.probability < 0.5 <= float(candidate.evidence["pairwise_probability"])
