"""kintrace dvi asks OpenBLAS for one thread unless the user set a number."""

from __future__ import annotations

import importlib
import os

import pytest

import kintrace.cli.blas_threads as blas_threads


def test_one_thread_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    importlib.reload(blas_threads)
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


def test_a_number_the_user_set_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    importlib.reload(blas_threads)
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"
