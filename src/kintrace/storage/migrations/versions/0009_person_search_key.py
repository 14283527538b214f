"""persons.search_key: every name, number and unit in one Latin case-folded form

SQLite's lower() folds ASCII only, so "стасів" did not find "Стасів" there, and no engine
found it from "Stasiv". The key is made by kintrace.cases.search (the linkage module's
normalisation) and filled here for the persons already recorded, a thousand at a time.
On PostgreSQL its index is a trigram index (pg_trgm), which answers a search for any part of
the key; elsewhere, or where the extension cannot be installed, a plain one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kintrace.cases.search import search_key

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_key", sa.String(length=1000), server_default="", nullable=False)
        )
    connection = op.get_bind()
    if connection.dialect.name == "postgresql" and _trigrams(connection):
        # a trigram index answers LIKE '%stasiv%' without reading every person
        op.create_index(
            "ix_persons_search_key",
            "persons",
            ["search_key"],
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
        )
    else:
        op.create_index("ix_persons_search_key", "persons", ["search_key"])
    persons = sa.table(
        "persons",
        sa.column("id", sa.Integer),
        sa.column("surname", sa.String),
        sa.column("given_name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("personal_number", sa.String),
        sa.column("unit", sa.String),
        sa.column("search_key", sa.String),
    )
    after = 0
    while True:
        rows = connection.execute(
            sa.select(
                persons.c.id,
                persons.c.surname,
                persons.c.given_name,
                persons.c.patronymic,
                persons.c.personal_number,
                persons.c.unit,
            )
            .where(persons.c.id > after)
            .order_by(persons.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            persons.update().where(persons.c.id == sa.bindparam("pid")),
            [
                {
                    "pid": row.id,
                    "search_key": search_key(
                        surname=row.surname or "",
                        given_name=row.given_name or "",
                        patronymic=row.patronymic or "",
                        personal_number=row.personal_number or "",
                        unit=row.unit or "",
                    ),
                }
                for row in rows
            ],
        )
        after = rows[-1].id


def _trigrams(connection: sa.Connection) -> bool:
    """Install pg_trgm (a trusted extension: the database's owner may) or say it is missing."""
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return False
    return True


def downgrade() -> None:
    op.drop_index("ix_persons_search_key", table_name="persons")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("search_key")
