"""record linkage candidates and merges

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:16:34.188756
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("merged_by", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["persons.id"], name=op.f("fk_person_merges_kept_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["merged_by"], ["users.id"], name=op.f("fk_person_merges_merged_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["persons.id"], name=op.f("fk_person_merges_merged_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by"], ["users.id"], name=op.f("fk_person_merges_undone_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merges")),
    )
    with op.batch_alter_table("person_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_merges_kept_id"), ["kept_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_merges_merged_id"), ["merged_id"], unique=False)

    op.create_table(
        "link_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("list_record_id", sa.Integer(), nullable=True),
        sa.Column("other_person_id", sa.Integer(), nullable=True),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("run", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_link_candidates_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["list_record_id"],
            ["list_records.id"],
            name=op.f("fk_link_candidates_list_record_id_list_records"),
        ),
        sa.ForeignKeyConstraint(
            ["other_person_id"],
            ["persons.id"],
            name=op.f("fk_link_candidates_other_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_link_candidates_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_candidates")),
    )
    with op.batch_alter_table("link_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_candidates_list_record_id"), ["list_record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_link_candidates_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_link_candidates_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("link_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_candidates_state"))
        batch_op.drop_index(batch_op.f("ix_link_candidates_person_id"))
        batch_op.drop_index(batch_op.f("ix_link_candidates_list_record_id"))

    op.drop_table("link_candidates")
    with op.batch_alter_table("person_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_merges_merged_id"))
        batch_op.drop_index(batch_op.f("ix_person_merges_kept_id"))

    op.drop_table("person_merges")
