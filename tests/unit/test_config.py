"""Settings: plain data, read from the environment, each one documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from kintrace.config import Settings

README = Path(__file__).parents[2] / "README.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_the_readme(name: str) -> None:
    variable = f"KINTRACE_{name.upper()}"
    assert f"`{variable}`" in README.read_text(encoding="utf-8"), f"{variable} is not documented"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINTRACE_COURT_MONTHS", "12")
    monkeypatch.setenv("KINTRACE_DATA_DIR", "/srv/kintrace")
    settings = Settings()
    assert settings.court_months == 12
    assert settings.resolved_database_url == "sqlite:////srv/kintrace/kintrace.sqlite3"


def test_an_explicit_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINTRACE_DATABASE_URL", "postgresql://postgres@db/kintrace")
    assert Settings().resolved_database_url.startswith("postgresql")
