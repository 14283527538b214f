"""``kintrace serve --workers N``: several uvicorn workers, the scheduled jobs in one of them."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from kintrace.cli.main import app as cli
from kintrace.instance import Instance
from kintrace.web import serving
from kintrace.web.serving import JOBS_LOCK, take_jobs_lock, worker_app

ENV_KEYS = ("KINTRACE_DATABASE_URL", "KINTRACE_DATA_DIR")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Stand in for uvicorn: note how it was called instead of serving."""
    for key in ENV_KEYS:  # restored after the test: serve sets them for its workers
        monkeypatch.delenv(key, raising=False)
    seen: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(
        "kintrace.cli.admin.uvicorn.run", lambda *args, **kwargs: seen.append((args, kwargs))
    )
    return seen


def test_one_worker_by_default_serves_the_app_in_this_process(
    tmp_path: Path, calls: list[tuple[tuple[Any, ...], dict[str, Any]]], settled: list[str]
) -> None:
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    ((args, kwargs),) = calls
    assert isinstance(args[0], FastAPI) and "workers" not in kwargs
    assert "KINTRACE_DATA_DIR" not in os.environ
    assert settled == ["settled"]  # the collector settled before serving


def test_a_serving_process_freezes_its_start_up_objects_and_collects_less_often() -> None:
    code = (
        "import gc, json\n"
        "from kintrace.web.serving import YOUNG_COLLECTION, settle_collector\n"
        "before = (gc.get_freeze_count(), gc.get_threshold())\n"
        "settle_collector()\n"
        "print(json.dumps([before, gc.get_freeze_count(), gc.get_threshold(), YOUNG_COLLECTION]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    (frozen_before, threshold_before), frozen, threshold, young = json.loads(done.stdout)
    assert frozen_before == 0 and frozen > 10_000  # the imported modules' objects at least
    assert threshold == [young, *threshold_before[1:]] and young > threshold_before[0]
    assert "leaked" not in done.stderr  # unfrozen at exit: the last collection frees them


def test_several_workers_build_their_apps_from_the_environment(
    tmp_path: Path,
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
    settled: list[str],
) -> None:
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(tmp_path), "--workers", "3"])
    assert result.exit_code == 0, result.output
    ((args, kwargs),) = calls
    assert args == ("kintrace.web.serving:worker_app",)
    assert kwargs["factory"] is True and kwargs["workers"] == 3
    assert os.environ["KINTRACE_DATA_DIR"] == str(tmp_path)
    jobs: list[bool] = []

    def noting(instance: Instance, *, daily_clocks: bool = False) -> FastAPI:
        assert instance.settings.data_dir == tmp_path
        jobs.append(daily_clocks)
        return FastAPI()

    monkeypatch.setattr(serving, "create_app", noting)
    monkeypatch.setattr(serving, "_held", [])
    try:
        worker_app(), worker_app(), worker_app()  # three workers: one runs the jobs
        assert jobs == [True, False, False]
        assert settled == ["settled"] * 3  # each worker, not the process that starts them
    finally:
        for handle in serving._held:
            handle.close()


def test_a_worker_count_below_one_is_refused(
    tmp_path: Path, calls: list[tuple[tuple[Any, ...], dict[str, Any]]]
) -> None:
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(tmp_path), "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output and calls == []


def test_the_jobs_lock_is_free_again_when_its_holder_lets_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serving, "_held", [])
    assert take_jobs_lock(tmp_path)
    assert not take_jobs_lock(tmp_path)
    serving._held.pop().close()  # as when the worker's process ends
    assert take_jobs_lock(tmp_path)
    serving._held.pop().close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_two_worker_processes_serve_and_one_holds_the_jobs_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serving, "_held", [])
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "kintrace"),
            "serve",
            "--data-dir",
            str(tmp_path),
            "--port",
            str(port),
            "--workers",
            "2",
        ],  # fmt: skip
        env={**env, "KINTRACE_SECRET_KEY": ""},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240  # two fresh interpreters: slow on a busy machine
        answers: list[int] = []
        while len(answers) < 4:
            assert time.monotonic() < deadline, "the workers did not answer"
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/login")
                answers.append(connection.getresponse().status)
                connection.close()
            except OSError:
                time.sleep(0.3)
        assert answers == [200] * 4
        assert (tmp_path / JOBS_LOCK).exists()
        assert not take_jobs_lock(tmp_path)  # a worker holds it
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
