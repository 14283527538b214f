"""In process: what one request of each loaded page costs the app, one at a time.

Usage: ``uv run python benchmarks/bench_pages.py DATABASE [REQUESTS] [--profile[=PAGE]]``.
DATABASE is a database that ``bench_load.py`` built and kept (``KINTRACE_BENCH_LOAD_DB=NAME``,
on the server of ``KINTRACE_TEST_PG_URL``, default the local one). The app is called directly
as an ASGI app, in one thread (the routes' thread pool replaced by a call in place, so that
the Python time is all on this thread), as the load's users ask: a person's case page, a
search by surname and a page of the worklist, as the analyst and the desks in turn. Prints per
page the mean time of a request, the Python CPU of this process (``time.thread_time``, the
database's own work excluded), the statements sent, the time spent waiting for them and
the time spent drawing the templates.

``--profile``: run cProfile over the requests (of every page, or of PAGE: ``case``,
``search`` or ``worklist``) and print the functions that take the most time.
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import jinja2.environment
from bench_load import PASSWORD, page_path, searched_surnames
from sqlalchemy import event
from sqlalchemy.engine import make_url

PG_ADMIN = os.environ.get(
    "KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


async def _in_place(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
    return func(*args)


anyio.to_thread.run_sync = _in_place  # type: ignore[assignment]

RENDER = {"s": 0.0}
"""Seconds spent drawing templates (Jinja), summed."""
_render = jinja2.environment.Template.render


def _timed_render(self: jinja2.environment.Template, *args: Any, **kwargs: Any) -> str:
    started = time.perf_counter()
    try:
        return _render(self, *args, **kwargs)
    finally:
        RENDER["s"] += time.perf_counter() - started


jinja2.environment.Template.render = _timed_render  # type: ignore[method-assign]


async def call(
    app: Any, method: str, path: str, cookie: str = "", body: bytes = b""
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Send one request to the ASGI app; return its status, headers and body."""
    target, _, query = path.partition("?")
    headers = [(b"host", b"127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if body:
        headers += [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": target,
        "raw_path": target.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    sent = False
    answer: dict[str, Any] = {"body": []}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = message["headers"]
        elif message["type"] == "http.response.body":
            answer["body"].append(message.get("body", b""))

    await app(scope, receive, send)
    return answer["status"], answer["headers"], b"".join(answer["body"])


async def sign_in(app: Any, username: str) -> str:
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD}).encode()
    status, headers, _ = await call(app, "POST", "/login", body=body)
    assert status == 303, f"sign-in of {username}: {status}"
    cookies = [v.decode() for k, v in headers if k == b"set-cookie"]
    return "; ".join(c.split(";", 1)[0] for c in cookies)


PAGES = ("case page", "search", "worklist")
"""The load's pages (``bench_load.page_path``), printed and profiled by their first word."""


async def run(url: str, requests: int, profile: str | None) -> None:
    from kintrace.config import Settings
    from kintrace.instance import open_instance
    from kintrace.web.app import create_app

    surnames = searched_surnames(url)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(database_url=url, data_dir=Path(data_dir), secret_key="x" * 48)
        instance = open_instance(settings)
        with instance.engine.connect() as connection:
            count = int(connection.exec_driver_sql("SELECT max(id) FROM persons").scalar_one())
        sql = {"n": 0, "s": 0.0}

        @event.listens_for(instance.engine, "before_cursor_execute")
        def _before(*args: Any) -> None:
            sql["started"] = time.perf_counter()

        @event.listens_for(instance.engine, "after_cursor_execute")
        def _after(*args: Any) -> None:
            sql["n"] += 1
            sql["s"] += time.perf_counter() - sql["started"]

        app = create_app(instance)
        cookies = [await sign_in(app, "analyst")] + [
            await sign_in(app, f"desk{r:02d}") for r in range(1, 6)
        ]
        rng = random.Random(7)
        for page in PAGES:  # warm: templates compiled, caches filled
            for cookie in cookies:
                await call(app, "GET", page_path(page, rng, count, surnames), cookie)
        print(
            f"{count:,} persons, {requests} requests a page, load average "
            + " ".join(f"{v:.1f}" for v in os.getloadavg())
        )
        print(
            f"{'page':<9} {'ms':>7} {'cpu ms':>7} {'stmts':>6} {'sql ms':>7} {'jinja ms':>8}  codes"
        )
        profiler = cProfile.Profile(time.thread_time) if profile is not None else None
        for page in PAGES:
            label = page.split()[0]  # case, search, worklist
            walls, cpus, codes = [], [], set()
            sql["n"], sql["s"], RENDER["s"] = 0, 0.0, 0.0
            for i in range(requests):
                path = page_path(page, rng, count, surnames)
                cookie = cookies[i % len(cookies)]
                wall, cpu = time.perf_counter(), time.thread_time()
                if profiler is not None and profile in ("", label):
                    profiler.enable()
                status, _, _ = await call(app, "GET", path, cookie)
                if profiler is not None:
                    profiler.disable()
                cpus.append(time.thread_time() - cpu)
                walls.append(time.perf_counter() - wall)
                codes.add(status)
            print(
                f"{label:<9} {statistics.mean(walls) * 1000:>7.1f}"
                f" {statistics.mean(cpus) * 1000:>7.1f} {sql['n'] / requests:>6.1f}"
                f" {sql['s'] * 1000 / requests:>7.1f} {RENDER['s'] * 1000 / requests:>8.1f}"
                f"  {sorted(codes)}"
            )
        instance.engine.dispose()
        if profiler is not None:
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(45)
            stats.sort_stats("cumulative").print_stats(60)


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--profile")]
    flags = [a for a in sys.argv[1:] if a.startswith("--profile")]
    profile = flags[0].partition("=")[2] if flags else None
    name = arguments[0]
    requests = int(arguments[1]) if len(arguments) > 1 else 40
    url = (
        make_url(PG_ADMIN)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )
    asyncio.run(run(url, requests, profile))


if __name__ == "__main__":
    main()
