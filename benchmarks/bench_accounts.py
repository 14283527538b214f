"""Benchmark: do sign-up and reset answer in the same time whether an address is known?

Run: ``uv run python benchmarks/bench_accounts.py [ROUNDS]`` (default 20). A SQLite instance
in a temporary folder with a real SMTP sink (aiosmtpd on loopback) that waits 50 ms per
message, as a distant server would; the web app served by uvicorn on loopback. Prints the median and
the 90th percentile of each answer, in milliseconds: a new address against a registered one
(sign-up) and an unknown address against a known one (reset). Each round uses new addresses
and a new client address (X-Forwarded-For, trusted here), so that throttling never answers.
"""

from __future__ import annotations

import asyncio
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller

from kintrace.config import Settings
from kintrace.instance import open_instance
from kintrace.web.app import create_app

PASSWORD = "a long enough secret"


class SlowSink:
    """Takes every message, 50 ms each."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(0.05)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def timed(base: str, path: str, data: dict[str, str], client: str) -> float:
    with urllib.request.urlopen(base + path) as page:
        token = re.search(r'name="csrf" value="([^"]+)"', page.read().decode())
    assert token
    time.sleep(0.2)  # the previous answer's mail has gone: it does not overlap this one
    body = urllib.parse.urlencode({"csrf": token.group(1), **data}).encode()
    request = urllib.request.Request(base + path, data=body, headers={"X-Forwarded-For": client})
    start = time.perf_counter()
    with urllib.request.urlopen(request) as answer:
        answer.read()
        elapsed = (time.perf_counter() - start) * 1000
        assert answer.status == 200
    return elapsed


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"{name:<34} median {statistics.median(ordered):7.1f} ms   p90 {p90:7.1f} ms"


def main(rounds: int) -> None:
    controller = Controller(SlowSink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder),
            secret_key="b" * 40,
            smtp_host="127.0.0.1",
            smtp_port=controller.port,
            smtp_tls="none",
        )
        with open_instance(settings) as instance:
            port = free_port()
            config = uvicorn.Config(
                create_app(instance),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                proxy_headers=True,
                forwarded_allow_ips="*",
            )
            server = uvicorn.Server(config)
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            while not server.started:
                time.sleep(0.05)
            base = f"http://127.0.0.1:{port}"
            times: dict[str, list[float]] = {k: [] for k in ("new", "known", "reset?", "reset")}
            form = {"password": PASSWORD, "repeat": PASSWORD, "display_name": "Olena"}
            for n in range(rounds):
                client = f"203.0.113.{n % 250 + 1}"
                address = f"relative{n}@example.org"
                times["new"].append(timed(base, "/signup", {**form, "email": address}, client))
                times["known"].append(timed(base, "/signup", {**form, "email": address}, client))
                unknown = {"email": f"no{n}@example.org"}
                times["reset?"].append(timed(base, "/reset", unknown, client))
                times["reset"].append(timed(base, "/reset", {"email": address}, client))
            server.should_exit = True
            thread.join()
    controller.stop()
    print(f"{rounds} rounds; SMTP sink answering in 50 ms")
    print(summary("sign-up, a new address", times["new"]))
    print(summary("sign-up, a registered address", times["known"]))
    print(summary("reset, an unknown address", times["reset?"]))
    print(summary("reset, a known address", times["reset"]))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
