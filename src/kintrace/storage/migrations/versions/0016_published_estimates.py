"""Published estimates: analysts' estimates of the true numbers shown on the public figures

``published_estimates`` keeps each publication and each withdrawal as a row of its own
(never updated): the lists, strata, method, value, interval, who and when, a note.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_estimates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("withdraws_id", sa.Integer(), nullable=True),
        sa.Column("lists", sa.JSON(), nullable=False),
        sa.Column("strata", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["withdraws_id"],
            ["published_estimates.id"],
            name=op.f("fk_published_estimates_withdraws_id_published_estimates"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_published_estimates_published_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_estimates")),
    )


def downgrade() -> None:
    op.drop_table("published_estimates")
