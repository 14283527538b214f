"""kintrace notify: the news job for cron, on an instance's files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from typer.testing import CliRunner

from kintrace.cli.notify import notify
from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import open_instance
from kintrace.reports.model import ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.audit import set_actor
from kintrace.storage.db import transaction
from kintrace.storage.tables import Person, User


def app() -> typer.Typer:
    command = typer.Typer()
    command.command()(notify)
    return command


def test_the_first_run_starts_the_news_and_the_next_one_tells_the_family(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="test-secret")
    with open_instance(settings) as instance, transaction(instance.sessions) as db:
        load_demo(db, persons=10, seed=3)
    runner = CliRunner()
    first = runner.invoke(app(), ["--data-dir", str(tmp_path), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"notifications": 0, "mails": 0}

    with open_instance(settings) as instance, transaction(instance.sessions) as db:
        set_actor(db, actor_id=None, reason="test")
        relative = db.query(User).filter(User.username == "relative").one()
        relative.email = "relative@example.org"
        relative.email_confirmed_at = relative.created_at
        person = db.get(Person, 1)
        assert person is not None
        source = get_or_create_source(db, SourceDetails("ICRC", SourceType.RED_CROSS))
        details = ReportDetails("captured_confirmed", date.today(), 1, "registered")
        record_report(db, person=person, source=source, details=details, actor_id=None)
    second = runner.invoke(app(), ["--data-dir", str(tmp_path), "--json", "--daily"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout) == {"notifications": 1, "mails": 1}
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
