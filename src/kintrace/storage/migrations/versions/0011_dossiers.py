"""Case dossiers: a record of each one made, and this instance's own identifier

``dossiers`` keeps each case dossier (PDF) made: its number (``code``), the person, who made it
(null for the CLI), when, in which language, the instance, the SHA-256 of the PDF bytes, and
the case data it showed (``snapshot``, JSON) with their hash (``content_sha256``), so that a
file can be verified and what changed in the case since can be said. ``instance_identity``
holds one row: the identifier of this instance, printed on every dossier.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_identity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instance_identity")),
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("made_by", sa.Integer(), nullable=True),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["made_by"], ["users.id"], name=op.f("fk_dossiers_made_by_users")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_dossiers_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.UniqueConstraint("code", name=op.f("uq_dossiers_code")),
    )
    op.create_index(op.f("ix_dossiers_person_id"), "dossiers", ["person_id"])
    op.create_index(op.f("ix_dossiers_sha256"), "dossiers", ["sha256"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dossiers_sha256"), table_name="dossiers")
    op.drop_index(op.f("ix_dossiers_person_id"), table_name="dossiers")
    op.drop_table("dossiers")
    op.drop_table("instance_identity")
