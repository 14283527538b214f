"""Chat mentions: soldiers named in relatives' chat messages, waiting for moderation

``chat_mentions`` keeps one row per soldier a chat message mentions (its list record holds
the name, linked to a person by record linkage), the message's text, the claimed fate, the
scam signals and the moderation: pending, accepted (the report it became) or rejected (why).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_record_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("claimed_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("scam", sa.Boolean(), nullable=False),
        sa.Column("scam_signals", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_record_id"],
            ["list_records.id"],
            name="fk_chat_mentions_list_record_id_list_records",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_chat_mentions_report_id_reports"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name="fk_chat_mentions_decided_by_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_chat_mentions"),
        sa.UniqueConstraint("list_record_id", name="uq_chat_mentions_list_record_id"),
    )
    op.create_index("ix_chat_mentions_state", "chat_mentions", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_chat_mentions_state", table_name="chat_mentions")
    op.drop_table("chat_mentions")
