"""Settings: plain data, read from the environment, each one documented in the README."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kintrace.config import Settings
from kintrace.errors import ConfigurationError
from kintrace.instance import SECRET_FILE, check_serving, instance_secret, with_secret

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


# --- the secret key ------------------------------------------------------------------------


def test_the_secret_key_is_no_published_default() -> None:
    assert Settings().secret_key == ""  # empty: each instance makes its own


def test_each_instance_makes_its_own_random_key_once(tmp_path: Path) -> None:
    first = instance_secret(tmp_path / "a")
    assert len(first) >= 32
    assert instance_secret(tmp_path / "a") == first  # read back, never overwritten
    assert instance_secret(tmp_path / "b") != first
    path = tmp_path / "a" / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "a").iterdir()] == [SECRET_FILE]  # no temporary left


def test_a_key_from_the_environment_wins_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINTRACE_SECRET_KEY", "x" * 40)
    settings = with_secret(Settings(data_dir=tmp_path))
    assert settings.secret_key == "x" * 40
    assert not (tmp_path / SECRET_FILE).exists()
    assert with_secret(Settings(data_dir=tmp_path, secret_key="")).secret_key != "x" * 40


def test_a_short_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE).write_text("short\n")
    with pytest.raises(ConfigurationError, match="shorter than 32"):
        instance_secret(tmp_path)


@pytest.mark.parametrize("key", ["", "change-me-in-production", "x" * 31])
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "kintrace.example.org"])
def test_a_known_or_short_key_is_refused_on_a_public_address(key: str, host: str) -> None:
    with pytest.raises(ConfigurationError, match=f"refusing to serve on {host}"):
        check_serving(Settings(secret_key=key), host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_a_weak_key_is_allowed_on_loopback(host: str) -> None:
    check_serving(Settings(secret_key="change-me-in-production"), host)


def test_a_long_key_is_fine_anywhere() -> None:
    check_serving(Settings(secret_key="y" * 32), "0.0.0.0")
