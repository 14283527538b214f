"""The news page: a relative reads the news of the case in their language and chooses the mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from kintrace.instance import Instance
from kintrace.notify.service import scan
from kintrace.reports.model import ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import get_or_create_source, record_report
from kintrace.storage.audit import set_actor
from kintrace.storage.db import transaction
from kintrace.storage.tables import Person, User

Client = Callable[[str | None], TestClient]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def test_the_relative_reads_the_news_in_russian_and_chooses_a_daily_digest(
    client_for: Client, demo_instance: Instance
) -> None:
    with transaction(demo_instance.sessions) as db:
        set_actor(db, actor_id=None, reason="test: news")
        scan(db, today=date.today())  # the first scan marks where the tables stand
        person = db.get(Person, 1)
        assert person is not None
        source = get_or_create_source(
            db, SourceDetails("ICRC Central Tracing Agency", SourceType.RED_CROSS)
        )
        details = ReportDetails("captured_confirmed", date.today(), 1, "registered as a POW")
        record_report(db, person=person, source=source, details=details, actor_id=None)
        scan(db, today=date.today())
    client = client_for("relative")
    page = client.get("/notifications", headers={"Accept-Language": "ru"})
    assert page.status_code == 200
    assert "Новости ваших дел" in page.text
    assert "новое сообщение" in page.text and "Красный Крест" in page.text
    assert "/persons/1" in page.text
    cases = client.get("/cases", headers={"Accept-Language": "ru"})
    assert "Все новости и как их получать" in cases.text

    token = csrf_of(page.text)
    chosen = client.post("/account/notifications", data={"csrf": token, "mode": "daily"})
    assert chosen.status_code == 303
    with transaction(demo_instance.sessions) as db:
        user = db.scalars(select(User).where(User.username == "relative")).one()
        assert user.notify_mode == "daily"
    refused = client.post("/account/notifications", data={"csrf": token, "mode": "hourly"})
    assert refused.status_code == 422
    read = client.post("/notifications/read", data={"csrf": token})
    assert read.status_code == 303
    assert 'class="unread"' not in client.get("/notifications").text
