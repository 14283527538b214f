"""A small demo instance on SQLite and a signed-in test client per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import Instance, open_instance
from kintrace.storage.db import transaction
from kintrace.web.app import create_app


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """A demo instance with 40 persons, built once per test module."""
    folder: Path = tmp_path_factory.mktemp("demo")
    instance = open_instance(Settings(data_dir=folder, secret_key="test-secret"))
    with transaction(instance.sessions) as session:
        load_demo(session, persons=40, seed=11)
    yield instance
    instance.engine.dispose()


@pytest.fixture
def client_for(demo_instance: Instance) -> Iterator[Callable[[str | None], TestClient]]:
    """Return a function that gives a client signed in as a demo user (None: signed out)."""
    clients: list[TestClient] = []

    def make(username: str | None) -> TestClient:
        client = TestClient(create_app(demo_instance), follow_redirects=False)
        clients.append(client)
        if username is not None:
            response = client.post("/login", data={"username": username, "password": "demo"})
            assert response.status_code == 303, response.text
        return client

    yield make
    for client in clients:
        client.close()
