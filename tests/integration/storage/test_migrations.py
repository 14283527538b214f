"""The same migrations build the same schema on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from kintrace.storage.db import schema_is_current
from kintrace.storage.tables import Base


def test_migrations_create_every_table_and_column(engine: Engine) -> None:
    inspector = inspect(engine)
    assert schema_is_current(engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_migrations_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
