"""indexes for bulk recomputation

Bulk recomputation and the dossier look up the duplicates merged into a batch of persons;
without an index on persons.merged_into_id each lookup scans every person. The current
assessments of a batch were found through the lone is_current index, which SQLite prefers to
the person_id one, so that each batch scanned every current assessment; (is_current,
person_id) replaces it.

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
    op.drop_index(op.f("ix_assessments_is_current"), table_name="assessments")
    op.create_index(
        "ix_assessments_current_person", "assessments", ["is_current", "person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_assessments_current_person", table_name="assessments")
    op.create_index(op.f("ix_assessments_is_current"), "assessments", ["is_current"], unique=False)
    op.drop_index(op.f("ix_persons_merged_into_id"), table_name="persons")
