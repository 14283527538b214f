"""A live kintrace server on a demo instance, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Playwright, sync_playwright

from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import open_instance
from kintrace.storage.db import transaction
from kintrace.web.app import create_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _chromium() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        message = "Debian's chromium is not installed (scripts/install-browser.sh installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a 60-person demo instance on a free port; yield its base URL."""
    folder = tmp_path_factory.mktemp("browser-demo")
    instance = open_instance(Settings(data_dir=folder, secret_key="browser-test"))
    with transaction(instance.sessions) as session:
        load_demo(session, persons=60, seed=3)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(instance), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the kintrace server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    instance.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's chromium, headless (never a downloaded browser)."""
    chromium = playwright.chromium.launch(executable_path=_chromium(), headless=True)
    yield chromium
    chromium.close()
