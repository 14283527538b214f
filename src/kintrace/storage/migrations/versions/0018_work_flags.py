"""work_flags: the worklist's flags stored and indexed, one row per case on the worklist

The worklist matched its flags with LIKE on the JSON text of every current assessment, for
each page and again for its count. ``work_flags`` holds, for each person whose current
assessment carries a work flag (overdue, official_disagrees, contradiction,
court_date_passed), one boolean per flag, the assessment's status and its sort keys (date of
last information, court date; never null), with an index for each order of the worklist.
Filled here from the current assessments; kept in step by the code that writes assessments.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 10:45:00
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_FLAGS = ("overdue", "official_disagrees", "contradiction", "court_date_passed")


def upgrade() -> None:
    op.create_table(
        "work_flags",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        *(sa.Column(name, sa.Boolean(), nullable=False) for name in _FLAGS),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("silent_key", sa.Date(), nullable=False),
        sa.Column("court_key", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_work_flags_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_work_flags_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_work_flags")),
    )
    assessments = sa.table(
        "assessments",
        sa.column("person_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("flags", sa.JSON),
        sa.column("court_date", sa.Date),
        sa.column("last_information_on", sa.Date),
        sa.column("is_current", sa.Boolean),
    )
    persons = sa.table("persons", sa.column("id", sa.Integer), sa.column("region_id", sa.Integer))
    columns = ["person_id", "region_id", *_FLAGS, "status", "silent_key", "court_key"]
    work_flags = sa.table("work_flags", *(sa.column(name) for name in columns))
    # flags are a JSON list; its text form holds each flag in double quotes
    carries = [sa.cast(assessments.c.flags, sa.String).like(f'%"{f}"%') for f in _FLAGS]
    rows = (
        sa.select(
            assessments.c.person_id,
            persons.c.region_id,
            *carries,
            assessments.c.status,
            sa.func.coalesce(assessments.c.last_information_on, sa.literal(date(1, 1, 1), sa.Date)),
            sa.func.coalesce(assessments.c.court_date, sa.literal(date(9999, 12, 31), sa.Date)),
        )
        .join(persons, persons.c.id == assessments.c.person_id)
        .where(assessments.c.is_current, sa.or_(*carries))
    )
    op.execute(work_flags.insert().from_select(columns, rows))
    # after the fill: one pass to build each index instead of one insert at a time
    op.create_index("ix_work_flags_silent", "work_flags", ["silent_key", "person_id"])
    op.create_index("ix_work_flags_recent", "work_flags", [sa.text("silent_key DESC"), "person_id"])
    op.create_index("ix_work_flags_court", "work_flags", ["court_key", "person_id"])
    op.create_index("ix_work_flags_status", "work_flags", ["status", "silent_key", "person_id"])
    op.create_index(
        "ix_work_flags_region_silent", "work_flags", ["region_id", "silent_key", "person_id"]
    )
    op.create_index(
        "ix_work_flags_region_recent",
        "work_flags",
        ["region_id", sa.text("silent_key DESC"), "person_id"],
    )
    op.create_index(
        "ix_work_flags_region_court", "work_flags", ["region_id", "court_key", "person_id"]
    )


def downgrade() -> None:
    op.drop_table("work_flags")
