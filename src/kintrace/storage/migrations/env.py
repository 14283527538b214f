"""Alembic environment: runs on the engine kintrace hands over (never on a URL from a file)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from kintrace.storage.tables import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only reachable from the alembic CLI
    raise RuntimeError("run migrations through kintrace (kintrace init), not the alembic CLI")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
