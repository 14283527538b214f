"""Date-driven flags follow the date without anyone running a command.

``recompute_clocks`` (the job ``kintrace serve`` runs every day, and ``kintrace status
recompute --clocks`` for cron) must leave every person as a full recomputation would, while
it touches only those whose clock flags lag the date.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from tests.db_builders import a_person, a_report
from typer.testing import CliRunner

from kintrace.cli.main import app as cli
from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import open_instance
from kintrace.reconciliation import daily
from kintrace.reconciliation.daily import CLOCK_REASON, clock_candidates, recompute_clocks
from kintrace.reconciliation.service import recompute_person
from kintrace.reports.model import SourceType
from kintrace.reports.service import send_authority_request
from kintrace.storage.db import transaction
from kintrace.storage.tables import Assessment
from kintrace.web.app import create_app

SETTINGS = Settings(secret_key="x")


def current(session: Session, person_id: int) -> Assessment:
    return session.scalars(
        select(Assessment).where(Assessment.person_id == person_id, Assessment.is_current)
    ).one()


def test_candidates_are_the_persons_whose_flags_lag_the_date(db: Session) -> None:
    quiet = a_person(db, "Тихий")
    a_report(db, quiet, "captured_reported", on=date(2024, 1, 10), source=SourceType.COMRADE)
    asked = a_person(db, "Стасів")
    a_report(db, asked, "captured_reported", on=date(2024, 3, 1), source=SourceType.COMRADE)
    send_authority_request(
        db,
        person=asked,
        kind="status_change",
        authority="MoD",
        sent_on=date(2024, 3, 5),
        due_on=date(2024, 4, 5),
    )
    for person in (quiet, asked):
        recompute_person(db, person.id, today=date(2024, 3, 10), settings=SETTINGS, reason="t")
    ids = {quiet.id, asked.id}
    assert ids.isdisjoint(clock_candidates(db, today=date(2024, 3, 10), settings=SETTINGS))
    # the answer is late from 6 April: only the person with the request lags
    april = set(clock_candidates(db, today=date(2024, 4, 6), settings=SETTINGS))
    assert asked.id in april and quiet.id not in april
    # a court date (six months without news) and staleness come for both later
    later = set(clock_candidates(db, today=date(2024, 9, 20), settings=SETTINGS))
    assert ids <= later
    for person in (quiet, asked):
        recompute_person(db, person.id, today=date(2024, 9, 20), settings=SETTINGS, reason="t")
    assert ids.isdisjoint(clock_candidates(db, today=date(2024, 9, 20), settings=SETTINGS))
    assert "overdue" in current(db, asked.id).flags
    assert "court_date_passed" in current(db, quiet.id).flags


def test_the_clock_job_leaves_the_flags_a_full_recompute_would(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="x")

    def flags() -> dict[int, list[str]]:
        with instance.sessions() as session:
            rows = session.scalars(select(Assessment).where(Assessment.is_current))
            return {a.person_id: a.flags for a in rows}

    with open_instance(settings) as instance:
        with transaction(instance.sessions) as session:
            load_demo(session, persons=30, seed=5)
            for pid in range(1, 31):  # as they stood years ago: no clock flag yet
                recompute_person(
                    session, pid, today=date(2023, 1, 1), settings=settings, reason="t"
                )
        seen, changed = recompute_clocks(
            instance.sessions, today=date(2031, 1, 1), settings=settings, batch=7
        )
        assert 0 < changed <= seen < 30
        with instance.sessions() as session:
            reasons = set(session.scalars(select(Assessment.reason).where(Assessment.is_current)))
        assert CLOCK_REASON in reasons
        by_clocks = flags()
    runner = CliRunner()
    full = runner.invoke(
        cli, ["status", "recompute", "--data-dir", str(tmp_path), "--today", "2031-01-01", "--json"]
    )
    assert full.exit_code == 0, full.output
    with open_instance(settings) as instance:
        assert flags() == by_clocks  # the explanation's wording may differ, not the flags
    again = runner.invoke(
        cli,
        [
            "status",
            "recompute",
            "--clocks",
            "--data-dir",
            str(tmp_path),
            "--today",
            "2031-01-01",
            "--json",
        ],
    )
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["persons"] == 0


def test_the_cli_clocks_option_recomputes_what_lags(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="x")
    with open_instance(settings) as instance, transaction(instance.sessions) as session:
        load_demo(session, persons=12, seed=3)
        for pid in range(1, 13):
            recompute_person(session, pid, today=date(2023, 1, 1), settings=settings, reason="t")
    args = ["status", "recompute", "--clocks", "--data-dir", str(tmp_path), "--json"]
    result = CliRunner().invoke(cli, [*args, "--today", "2035-06-01"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["changed"] > 0  # years later, court dates have passed


def test_serve_runs_the_clock_job_at_start_up(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="x")
    with open_instance(settings) as instance:
        with transaction(instance.sessions) as session:
            person = a_person(session, "Стасів")
            a_report(
                session, person, "captured_reported", on=date(2020, 1, 1), source=SourceType.COMRADE
            )
            recompute_person(
                session, person.id, today=date(2020, 1, 2), settings=settings, reason="t"
            )
            pid = person.id
        with TestClient(create_app(instance, daily_clocks=True)) as client:
            assert client.get("/healthz").status_code == 200
            for _ in range(200):  # the job runs in a thread beside the app
                with transaction(instance.sessions) as session:
                    flags = current(session, pid).flags
                if "court_date_passed" in flags:
                    break
                time.sleep(0.05)
        assert "court_date_passed" in flags and "stale" in flags


def test_the_app_alone_runs_no_job(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="x")
    with open_instance(settings) as instance:
        with transaction(instance.sessions) as session:
            person = a_person(session, "Стасів")
            recompute_person(
                session, person.id, today=date(2020, 1, 2), settings=settings, reason="t"
            )
            pid = person.id
        with TestClient(create_app(instance)) as client:
            assert client.get("/healthz").status_code == 200
        with transaction(instance.sessions) as session:
            assert current(session, pid).reason == "t"


def test_a_batch_that_finds_the_database_busy_runs_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="x")
    calls: list[int] = []
    real = daily.clock_candidates

    def busy_once(session: Session, **kw: Any) -> list[int]:
        calls.append(1)
        if len(calls) == 1:
            locked = sqlite3.OperationalError("database is locked")
            raise OperationalError("select", {}, locked)
        return real(session, **kw)

    with open_instance(settings) as instance:
        with transaction(instance.sessions) as session:
            load_demo(session, persons=6, seed=3)
            for pid in range(1, 7):
                recompute_person(session, pid, today=date(2023, 1, 1), settings=settings,
                                 reason="t")  # fmt: skip
        monkeypatch.setattr(daily, "clock_candidates", busy_once)
        seen, changed = daily.recompute_clocks(
            instance.sessions, today=date(2035, 1, 1), settings=settings
        )
    assert len(calls) >= 3 and seen > 0 and changed > 0
