"""dna samples and identifications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:10:31.765824
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dna_cases",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_dna_cases_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_dna_cases")),
        sa.UniqueConstraint("code", name=op.f("uq_dna_cases_code")),
    )
    op.create_table(
        "dna_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("inquirer_id", sa.Integer(), nullable=True),
        sa.Column("relationship", sa.String(length=32), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_dna_samples_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["inquirer_id"], ["inquirers.id"], name=op.f("fk_dna_samples_inquirer_id_inquirers")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_dna_samples_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dna_samples")),
        sa.UniqueConstraint("code", name=op.f("uq_dna_samples_code")),
    )
    with op.batch_alter_table("dna_samples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dna_samples_person_id"), ["person_id"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_notifications_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "identifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remains_code", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("lr", sa.Float(), nullable=False),
        sa.Column("posterior", sa.Float(), nullable=True),
        sa.Column("conclusion", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_identifications_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_identifications_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["users.id"], name=op.f("fk_identifications_proposed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_identifications_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifications")),
    )
    with op.batch_alter_table("identifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identifications_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identifications_remains_code"), ["remains_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identifications_remains_code"))
        batch_op.drop_index(batch_op.f("ix_identifications_person_id"))

    op.drop_table("identifications")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("dna_samples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dna_samples_person_id"))

    op.drop_table("dna_samples")
    op.drop_table("dna_cases")
