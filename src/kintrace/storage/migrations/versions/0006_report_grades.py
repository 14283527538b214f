"""report grades: an analyst grades one report's credibility

A relative's report comes in at credibility 6 (cannot be judged). Reports are never edited,
so an analyst's grade is a new row in report_grades (credibility 1..6, the reason, who and
when); the newest grade of a report is the credibility the status engine uses.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("credibility", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("graded_by", sa.Integer(), nullable=False),
        sa.Column("graded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "credibility BETWEEN 1 AND 6",
            name=op.f("ck_report_grades_credibility_1_to_6"),
        ),
        sa.ForeignKeyConstraint(
            ["graded_by"], ["users.id"], name=op.f("fk_report_grades_graded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_grades_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_grades")),
    )
    with op.batch_alter_table("report_grades", schema=None) as batch_op:
        batch_op.create_index("ix_report_grades_report_id_id", ["report_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_grades", schema=None) as batch_op:
        batch_op.drop_index("ix_report_grades_report_id_id")
    op.drop_table("report_grades")
