"""Lists as evidence: a list's source, publication date and column mapping; a link's report

``lists.source_id`` names who published a list (a source, graded like any other) and
``lists.published_on`` when; ``lists.column_map`` keeps the --columns mapping it was read with
(the publisher's next file is read the same way). ``link_candidates.report_id`` is the report
a linked list record became, retracted when the link is undone. ``lists.sha256`` is indexed:
a file imported again is found by its content. Lists imported before stay without a source.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("column_map", sa.JSON(), nullable=True))
        batch_op.create_foreign_key("fk_lists_source_id_sources", "sources", ["source_id"], ["id"])
        batch_op.create_index("ix_lists_source_id", ["source_id"], unique=False)
        batch_op.create_index("ix_lists_sha256", ["sha256"], unique=False)
    with op.batch_alter_table("link_candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_link_candidates_report_id_reports", "reports", ["report_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("link_candidates", schema=None) as batch_op:
        batch_op.drop_constraint("fk_link_candidates_report_id_reports", type_="foreignkey")
        batch_op.drop_column("report_id")
    with op.batch_alter_table("lists", schema=None) as batch_op:
        batch_op.drop_index("ix_lists_sha256")
        batch_op.drop_index("ix_lists_source_id")
        batch_op.drop_constraint("fk_lists_source_id_sources", type_="foreignkey")
        batch_op.drop_column("column_map")
        batch_op.drop_column("published_on")
        batch_op.drop_column("source_id")
