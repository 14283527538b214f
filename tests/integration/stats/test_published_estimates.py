"""Estimates from linked lists, their publication and withdrawal (both engines)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session
from tests.integration.stats.builders import NOW, a_list, a_person, a_region

from kintrace.access import Role, Viewer
from kintrace.errors import Conflict, Forbidden
from kintrace.estimation.models import default_models
from kintrace.estimation.selection import Criterion, fit_models, select_model
from kintrace.stats.estimates import Method, estimate_lists
from kintrace.stats.histories import Strata
from kintrace.stats.published import (
    estimate_history,
    public_estimates,
    publish_estimate,
    withdraw_estimate,
)
from kintrace.storage.tables import ImportedList, User
from kintrace.storage.tables import Role as RoleRow


def three_lists(db: Session) -> list[ImportedList]:
    """60 persons in two regions, 58 on three overlapping lists (45 and 57 on none)."""
    regions = [a_region(db, "E", "East"), a_region(db, "W", "West")]
    persons = [a_person(db, f"S{i}", region=regions[i % 2]) for i in range(60)]
    return [
        a_list(db, "L1", [(p, "automatic") for i, p in enumerate(persons) if i < 40]),
        a_list(db, "L2", [(p, "confirmed") for i, p in enumerate(persons) if i >= 20 and i % 3]),
        a_list(db, "L3", [(p, "automatic") for i, p in enumerate(persons) if i % 4 != 1]),
    ]


def analyst(db: Session, role: Role = Role.ANALYST) -> Viewer:
    if db.get(RoleRow, role.value) is None:
        db.add(RoleRow(name=role.value))
    user = User(username=f"u-{role.value}", display_name="A", role=role.value, created_at=NOW)
    db.add(user)
    db.flush()
    return Viewer(user_id=user.id, role=role, display_name="A")


def test_the_page_selects_the_model_the_command_selects(db: Session) -> None:
    ids = [x.id for x in three_lists(db)]
    run = estimate_lists(db, ids)
    (row,) = run.rows
    assert run.observed == row.observed == 58
    command = select_model(fit_models(row.table, default_models(3)), Criterion.BIC)
    figure = run.total[Method.LOGLINEAR]
    assert figure.model == command.name
    assert figure.value == pytest.approx(command.abundance)
    assert figure.ci_low == pytest.approx(command.ci_low)
    assert figure.value is not None and figure.value >= 58
    assert run.total[Method.DECOMPOSABLE].value is not None


def test_strata_are_estimated_apart_and_summed(db: Session) -> None:
    ids = [x.id for x in three_lists(db)]
    run = estimate_lists(db, ids, Strata.REGION, methods=(Method.LOGLINEAR,))
    assert [r.stratum for r in run.rows] == ["East", "West"]
    assert [r.observed for r in run.rows] == [30, 28]
    values = [r.figures[Method.LOGLINEAR].value for r in run.rows]
    assert all(v is not None for v in values)
    assert run.total[Method.LOGLINEAR].value == pytest.approx(sum(v for v in values if v))


def test_only_published_and_not_withdrawn_estimates_are_public(db: Session) -> None:
    ids = [x.id for x in three_lists(db)]
    viewer = analyst(db)
    assert public_estimates(db) == []
    first = publish_estimate(
        db, viewer, list_ids=ids, strata=Strata.NONE, method=Method.LOGLINEAR, now=NOW
    )
    second = publish_estimate(
        db,
        viewer,
        list_ids=ids[:2],
        strata=Strata.NONE,
        method=Method.DECOMPOSABLE,
        note="two lists",
        now=datetime(2026, 1, 6),
    )
    shown = public_estimates(db)
    assert [(e.id, e.method, e.lists) for e in shown] == [
        (first.id, "loglinear", ("L1", "L2", "L3")),
        (second.id, "decomposable", ("L1", "L2")),
    ]
    assert shown[0].value == pytest.approx(estimate_lists(db, ids).total[Method.LOGLINEAR].value)
    assert shown[0].observed == "58"

    withdrawal = withdraw_estimate(
        db, viewer, first.id, note="superseded", now=datetime(2026, 1, 7)
    )
    assert withdrawal.withdraws_id == first.id and withdrawal.value == first.value
    assert [e.id for e in public_estimates(db)] == [second.id]
    assert [(r.action, r.id) for r in estimate_history(db)] == [
        ("withdraw", withdrawal.id),
        ("publish", second.id),
        ("publish", first.id),
    ]
    with pytest.raises(Conflict):
        withdraw_estimate(db, viewer, first.id, now=NOW)


def test_only_analysts_and_administrators_publish(db: Session) -> None:
    ids = [x.id for x in three_lists(db)]
    for role in (Role.OPERATOR, Role.REVIEWER, Role.RELATIVE, Role.DNA_LAB):
        with pytest.raises(Forbidden):
            publish_estimate(
                db,
                Viewer(user_id=None, role=role, display_name="x"),
                list_ids=ids,
                strata=Strata.NONE,
                method=Method.LOGLINEAR,
                now=NOW,
            )
    admin = analyst(db, Role.ADMINISTRATOR)
    row = publish_estimate(
        db, admin, list_ids=ids, strata=Strata.NONE, method=Method.LOGLINEAR, now=NOW
    )
    assert row.published_by == admin.user_id
