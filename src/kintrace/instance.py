"""An instance of kintrace: settings, the database engine, its sessions and the file store."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from kintrace.config import Settings
from kintrace.errors import ConfigurationError
from kintrace.storage.db import AuditedSession, make_engine, migrate, session_factory
from kintrace.storage.files import FileStore


@dataclass(frozen=True)
class Instance:
    """What every front end needs to reach the data."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[AuditedSession]
    files: FileStore

    def close(self) -> None:
        """Close every pooled database connection."""
        self.engine.dispose()

    def __enter__(self) -> Instance:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


SECRET_FILE = "secret_key"
KNOWN_KEYS = frozenset({"", "change-me-in-production"})
"""Keys anyone knows: the empty one and the published default of earlier versions."""
MIN_KEY_LENGTH = 32


def instance_secret(data_dir: Path) -> str:
    """Return the instance's own random key, creating ``<data_dir>/secret_key`` on first use.

    The file is written in full under a temporary name (mode 0600) and then linked into
    place, which fails if it exists: two processes starting at once agree on one key, a
    reader never sees half a file, and an existing key is never overwritten.
    """
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first: use theirs
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigurationError(
            f"{path} holds a key shorter than {MIN_KEY_LENGTH} characters; delete it to get a "
            "new one (everyone signs in again)"
        )
    return key


def with_secret(settings: Settings) -> Settings:
    """Return the settings with their secret key: KINTRACE_SECRET_KEY, else the instance's."""
    if settings.secret_key:
        return settings
    return settings.model_copy(update={"secret_key": instance_secret(settings.data_dir)})


def is_loopback(host: str) -> bool:
    """Say whether an address to listen on is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def weak_secret(key: str) -> str | None:
    """Say why a secret key is unsafe on a public address, or None when it is fine."""
    if key in KNOWN_KEYS:
        return "is a published default"
    if len(key) < MIN_KEY_LENGTH:
        return f"is shorter than {MIN_KEY_LENGTH} characters"
    return None


def check_serving(settings: Settings, host: str) -> None:
    """Refuse to serve on a non-loopback address with a known or short secret key."""
    why = weak_secret(settings.secret_key)
    if why is not None and not is_loopback(host):
        raise ConfigurationError(
            f"refusing to serve on {host}: KINTRACE_SECRET_KEY {why}; unset it to use the "
            f"instance's own key ({settings.data_dir / SECRET_FILE}) or set 32+ random characters"
        )


def open_instance(settings: Settings, *, upgrade: bool = True) -> Instance:
    """Connect to the configured database (migrating it to the current schema).

    The instance's settings carry its secret key (see :func:`with_secret`).
    """
    settings = with_secret(settings)
    engine = make_engine(settings.resolved_database_url)
    if upgrade:
        migrate(engine)
    settings.attachments_dir.mkdir(parents=True, exist_ok=True)
    return Instance(settings, engine, session_factory(engine), FileStore(settings.attachments_dir))
