"""The news job of ``kintrace serve``: the daily digest's scan and the minute's scan never meet."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from kintrace.config import Settings
from kintrace.notify.schedule import send_news
from kintrace.storage.db import make_engine, migrate, session_factory
from kintrace.storage.tables import NotifyMark


def test_two_scans_at_once_on_a_new_instance_both_finish(tmp_path: Path) -> None:
    # At start-up ``kintrace serve`` runs the day's job (clocks, then the digests' scan) and
    # the minute's scan together; on a new instance both found no start mark and both wrote
    # one: one of them failed with an IntegrityError (seen in ``kintrace demo``'s output).
    url = f"sqlite:///{tmp_path / 'kintrace.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    settings = Settings(database_url=url, data_dir=tmp_path)
    gate = threading.Barrier(4)
    failures: list[BaseException] = []

    def scan_now(daily: bool) -> None:
        gate.wait()
        try:
            send_news(sessions, settings, daily=daily)
        except BaseException as error:  # noqa: BLE001 - the test reports whatever it was
            failures.append(error)

    threads = [threading.Thread(target=scan_now, args=(i % 2 == 0,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sessions() as session:
        started = session.scalar(
            select(func.count()).select_from(NotifyMark).where(NotifyMark.name == "started")
        )
    assert started == 1
    engine.dispose()
