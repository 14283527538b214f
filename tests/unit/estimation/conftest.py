"""Capture-recapture tables shipped with Rcapture 1.4-4 (Baillargeon & Rivest), as CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from kintrace.estimation.histories import CaptureHistories, parse_histories_csv

DATA = Path(__file__).parent / "data"


def load(name: str) -> CaptureHistories:
    path = DATA / f"{name}.csv"
    return parse_histories_csv(path.read_text(encoding="utf-8"), source=str(path))


@pytest.fixture(scope="session")
def hare() -> CaptureHistories:
    return load("hare")


@pytest.fixture(scope="session")
def hiv() -> CaptureHistories:
    return load("HIV")


@pytest.fixture(scope="session")
def lesbian() -> CaptureHistories:
    return load("lesbian")


@pytest.fixture(scope="session")
def duck() -> CaptureHistories:
    return load("duck")
