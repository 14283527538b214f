"""The remains brought home: each step of a handover of identified remains to the family

``remains_handovers`` keeps one row per step (agreed, handed over, buried), never edited; the
handed-over step points to the ``remains_returned`` report it recorded.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "remains_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("identification_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("handed_by", sa.String(length=300), nullable=False),
        sa.Column("received_by", sa.String(length=300), nullable=False),
        sa.Column("burial_place", sa.String(length=300), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_remains_handovers_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["identification_id"],
            ["identifications.id"],
            name=op.f("fk_remains_handovers_identification_id_identifications"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_remains_handovers_report_id_reports")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_remains_handovers_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remains_handovers")),
    )
    op.create_index(
        "ix_remains_handovers_person_id", "remains_handovers", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_remains_handovers_person_id", table_name="remains_handovers")
    op.drop_table("remains_handovers")
