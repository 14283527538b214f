"""index persons.merged_into_id

Bulk recomputation and the dossier look up the duplicates merged into a batch of persons;
without this index each lookup scans every person.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_persons_merged_into_id"), "persons", ["merged_into_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_persons_merged_into_id"), table_name="persons")
