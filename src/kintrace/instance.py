"""An instance of kintrace: settings, the database engine, its sessions and the file store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from kintrace.config import Settings
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


def open_instance(settings: Settings, *, upgrade: bool = True) -> Instance:
    """Connect to the configured database (migrating it to the current schema)."""
    engine = make_engine(settings.resolved_database_url)
    if upgrade:
        migrate(engine)
    settings.attachments_dir.mkdir(parents=True, exist_ok=True)
    return Instance(settings, engine, session_factory(engine), FileStore(settings.attachments_dir))
