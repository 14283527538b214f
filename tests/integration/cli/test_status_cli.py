"""`kintrace status assess` (no database) and `kintrace status recompute` (a database)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.cli.status import auto_workers
from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import open_instance
from kintrace.storage.db import transaction
from kintrace.storage.tables import Assessment

STORY: dict[str, Any] = {
    "today": "2023-01-15",
    "official": {"status": "missing", "since": "2022-09-20", "authority": "ministry"},
    "reports": [
        {"id": "r1", "date": "2022-09-18", "source": "unit_commander", "grade": "B3",
         "claim": "missing", "text": "did not return from a position near the river"},
        {"id": "r2", "date": "2022-10-05", "source": "pow_list_other_side", "grade": "B2",
         "claim": "captured_reported", "text": "name on a published prisoner list"},
        {"id": "r3", "date": "2022-11-30", "source": "red_cross", "grade": "A1",
         "claim": "captured_confirmed", "text": "registered as a prisoner of war"},
    ],
}  # fmt: skip


def assess(runner: CliRunner, tmp_path: Path, story: Any, *extra: str) -> tuple[int, str, str]:
    path = tmp_path / "story.json"
    path.write_text(json.dumps(story, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["status", "assess", str(path), *extra])
    return result.exit_code, result.stdout, result.stderr


def test_the_output_has_the_exact_keys_and_types(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = assess(runner, tmp_path, STORY)
    assert code == 0
    data = json.loads(out)
    required = {"status", "confidence", "flags", "supporting", "contradicting", "court_date"}
    assert required | {"explanation"} <= set(data)
    assert data["status"] == "captured_confirmed"
    assert 0.8 <= data["confidence"] <= 1.0
    assert data["flags"] == ["official_disagrees"]
    assert set(data["supporting"]) == {"r2", "r3"}
    assert data["contradicting"] == []
    assert data["court_date"] is None  # a confirmed prisoner is not declared by a court
    assert "30 November 2022" in data["explanation"]


@pytest.mark.parametrize(("lang", "word"), [("ru", "плен"), ("uk", "полон"), ("en", "captured")])
def test_the_explanation_speaks_the_family_s_language(
    runner: CliRunner, tmp_path: Path, lang: str, word: str
) -> None:
    code, out, _ = assess(runner, tmp_path, STORY, "--lang", lang)
    assert code == 0
    assert word in json.loads(out)["explanation"].lower()


def test_reports_without_ids_are_referred_to_by_index(runner: CliRunner, tmp_path: Path) -> None:
    story = {
        **STORY,
        "reports": [{k: v for k, v in r.items() if k != "id"} for r in STORY["reports"]],
    }
    code, out, _ = assess(runner, tmp_path, story)
    assert code == 0
    assert set(json.loads(out)["supporting"]) == {1, 2}


def test_a_court_date_six_months_after_the_last_information(
    runner: CliRunner, tmp_path: Path
) -> None:
    story = {"today": "2023-06-01", "official": None, "reports": [STORY["reports"][0]]}
    code, out, _ = assess(runner, tmp_path, story)
    data = json.loads(out)
    assert (code, data["status"], data["court_date"]) == (0, "missing", "2023-03-18")


def test_a_retraction_keeps_the_retracted_report_out_of_the_weighing(
    runner: CliRunner, tmp_path: Path
) -> None:
    story = {
        "today": "2023-03-01",
        "official": None,
        "reports": [
            {"id": "d", "date": "2022-10-01", "source": "official_notification", "grade": "B2",
             "claim": "dead_unrecovered", "text": "killed in action"},
            {"id": "x", "date": "2022-12-01", "source": "official_notification", "grade": "B1",
             "claim": "retraction", "retracts": "d", "text": "the notice was sent in error"},
        ],
    }  # fmt: skip
    code, out, _ = assess(runner, tmp_path, story)
    data = json.loads(out)
    assert code == 0
    assert data["status"] != "dead_unrecovered"
    assert "d" not in data["supporting"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"date": "2022-13-01"}, "report 'r2': field 'date'"),
        ({"source": "rumour"}, "report 'r2': field 'source'"),
        ({"grade": "G9"}, "report 'r2': field 'grade'"),
        ({"claim": "alive"}, "report 'r2': field 'claim'"),
        ({"claim": "retraction", "retracts": "nope"}, "report 'r2': field 'retracts'"),
    ],
)
def test_bad_words_dates_and_grades_name_the_report_and_field(
    runner: CliRunner, tmp_path: Path, change: dict[str, str], expected: str
) -> None:
    reports = [dict(r) for r in STORY["reports"]]
    reports[1].update(change)
    code, out, err = assess(runner, tmp_path, {**STORY, "reports": reports})
    assert code == 2
    assert out == ""
    assert expected in err


def test_a_file_that_is_not_json_is_one_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "story.json"
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["status", "assess", str(path)])
    assert result.exit_code == 2
    assert "story.json" in result.stderr and "line 1" in result.stderr


def test_recompute_keeps_history_and_only_adds_what_changed(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str]
) -> None:
    url = new_database("sqlite")
    with (
        open_instance(Settings(database_url=url, data_dir=tmp_path)) as instance,
        transaction(instance.sessions) as session,
    ):
        load_demo(session, persons=15, seed=2)
        before = session.scalar(select(func.count()).select_from(Assessment))
    args = ["status", "recompute", "--database", url, "--json"]
    later = runner.invoke(app, [*args, "--today", "2031-01-01"])
    assert later.exit_code == 0, later.output
    figures = json.loads(later.stdout)
    assert figures["persons"] == 15
    assert figures["changed"] > 0  # years later, court dates have passed
    again = runner.invoke(app, [*args, "--today", "2031-01-01"])
    assert json.loads(again.stdout)["changed"] == 0
    with (
        open_instance(Settings(database_url=url, data_dir=tmp_path)) as instance,
        instance.sessions() as session,
    ):
        total = session.scalar(select(func.count()).select_from(Assessment))
        current = session.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.is_current)
        )
    assert total == (before or 0) + figures["changed"]
    assert current == 15


@pytest.mark.parametrize("day", ["someday", "9999-12-31", "0001-01-01"])
def test_recompute_refuses_a_bad_day(runner: CliRunner, tmp_path: Path, day: str) -> None:
    result = runner.invoke(
        app, ["status", "recompute", "--data-dir", str(tmp_path), "--today", day]
    )
    assert result.exit_code == 2
    assert "--today" in result.stderr
    assert "Traceback" not in result.output


def test_a_story_nested_too_deep_is_one_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = runner.invoke(app, ["status", "assess", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_recompute_in_worker_processes_gives_the_same_result(
    runner: CliRunner, tmp_path: Path, new_database: Callable[[str], str], engine: str
) -> None:
    """Workers read their batches on their own connections and give the same assessments."""
    results = []
    for workers in ("1", "2"):
        url = new_database(engine)
        with (
            open_instance(Settings(database_url=url, data_dir=tmp_path / workers)) as instance,
            transaction(instance.sessions) as session,
        ):
            load_demo(session, persons=12, seed=4, today=date(2026, 11, 1))
        args = ["status", "recompute", "--database", url, "--today", "2030-01-01"]
        done = runner.invoke(app, [*args, "--workers", workers, "--batch", "5", "--json"])
        assert done.exit_code == 0, done.output
        with (
            open_instance(Settings(database_url=url, data_dir=tmp_path / workers)) as instance,
            instance.sessions() as session,
        ):
            rows = session.execute(
                select(
                    Assessment.person_id,
                    Assessment.status,
                    Assessment.flags,
                    Assessment.confidence,
                    Assessment.supporting,
                    Assessment.explanation,
                )
                .where(Assessment.is_current)
                .order_by(Assessment.person_id)
            ).all()
        results.append([tuple(r) for r in rows])
    assert results[0] == results[1]
    assert len(results[0]) == 12


def test_by_default_workers_start_only_when_there_are_enough_persons() -> None:
    assert auto_workers(persons=100, batch=2000) == 1
    assert auto_workers(persons=8000, batch=2000) == 1
    assert auto_workers(persons=8001, batch=2000) == (os.cpu_count() or 1)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"today": "9999-12-31"}, "field 'today': 9999-12-31 is outside the years 1880..2100"),
        (
            {"official": {"status": "missing", "since": "2023-02-01"}},
            "official: field 'since': 2023-02-01 is after today (2023-01-15)",
        ),
        (
            {
                "requests": [
                    {"authority": "ministry", "sent": "2022-10-01", "replied": "2022-09-01"}
                ]
            },
            "request 0: field 'replied': 2022-09-01 is before the request (2022-10-01)",
        ),
    ],
)
def test_dates_out_of_bounds_or_order_are_refused(
    runner: CliRunner, tmp_path: Path, change: dict[str, Any], words: str
) -> None:
    code, _, err = assess(runner, tmp_path, {**STORY, **change})
    assert code == 2
    assert words in err
