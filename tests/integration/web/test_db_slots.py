"""More requests at once than the database pool lends: they wait their turn, none fails.

Routes run in a pool of worker threads and keep their connection until the answer; without
a limit taken before any thread, the threads waiting for a connection held every thread
while the requests holding the connections waited for one (until the pool's timeout).
"""

from __future__ import annotations

import asyncio
import dataclasses
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.storage.db import pool_capacity, session_factory
from kintrace.web.app import create_app

POOL_TIMEOUT_S = 3
"""Short: a request that waited this long in the pool would fail (a 500)."""


def test_many_requests_at_once_wait_for_the_pool_instead_of_failing(tmp_path: Path) -> None:
    with open_instance(Settings(data_dir=tmp_path, secret_key="x" * 48)) as opened:
        engine = create_engine(
            opened.engine.url, pool_size=2, max_overflow=0, pool_timeout=POOL_TIMEOUT_S
        )
        assert pool_capacity(engine) == 2
        instance = dataclasses.replace(opened, engine=engine, sessions=session_factory(engine))
        app = create_app(instance)

        async def ask(path: str) -> int:
            """One GET straight through ASGI; return the answer's status."""
            scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                     "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
                     "query_string": b"", "root_path": "", "headers": [(b"host", b"test")],
                     "client": ("127.0.0.1", 1), "server": ("test", 80)}  # fmt: skip
            status: list[int] = []

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    status.append(message["status"])

            await app(scope, receive, send)
            return status[0]

        async def ask_all() -> list[int]:
            # more requests at once than the 40 threads routes run in
            return list(await asyncio.gather(*(ask("/stats") for _ in range(45))))

        # A loop of its own in a thread of its own: the browser tests' synchronous Playwright
        # leaves an event loop marked running in the main thread of the session.
        with ThreadPoolExecutor(max_workers=1) as runner:
            statuses = runner.submit(lambda: asyncio.run(ask_all())).result()
        assert statuses == [200] * 45
        engine.dispose()
