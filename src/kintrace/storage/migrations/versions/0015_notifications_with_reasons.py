"""Notifications with reasons: the event behind each one, e-mail by choice, the scan's marks

``notifications`` gains the event (``kind``, ``params``: written in the reader's language when
shown), its key (one notification per user and change) and when it was e-mailed;
``users.notify_mode`` says how a relative wants news by e-mail (immediate, daily, off);
``notify_marks`` keeps how far the news scan has read each table.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=32), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("event_key", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("emailed_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_notifications_user_id"), ["user_id", "event_key"]
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "notify_mode", sa.String(length=16), server_default="immediate", nullable=False
            )
        )
    op.create_table(
        "notify_marks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_notify_marks")),
    )


def downgrade() -> None:
    op.drop_table("notify_marks")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("notify_mode")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_notifications_user_id"), type_="unique")
        batch_op.drop_column("emailed_at")
        batch_op.drop_column("params")
        batch_op.drop_column("event_key")
        batch_op.drop_column("kind")
