"""Attachments, who looked at a case, consent history

``attachments.thumbnail`` names an image's thumbnail (itself an attachment, made at upload);
``report_links`` keeps links given with a report (URLs as text, never fetched) and
``request_attachments`` the files and links given with a tracing request. ``case_views`` logs
every view and change of a person's case (role, desk, action, a short code, when), and
``users.shows_name`` says whether relatives may see that user's name there (off by default).
``consent_changes`` keeps each change of a relative's consent as a new row.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 07:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shows_name", sa.Boolean(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thumbnail", sa.String(length=64), nullable=True))
    op.create_table(
        "report_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_report_links_added_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_links_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_links")),
    )
    op.create_index(op.f("ix_report_links_report_id"), "report_links", ["report_id"])
    op.create_table(
        "request_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(sha256 IS NULL) <> (url IS NULL)",
            name=op.f("ck_request_attachments_file_or_link"),
        ),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_request_attachments_added_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["tracing_requests.id"],
            name=op.f("fk_request_attachments_request_id_tracing_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["attachments.sha256"],
            name=op.f("fk_request_attachments_sha256_attachments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_attachments")),
    )
    op.create_index(
        op.f("ix_request_attachments_request_id"), "request_attachments", ["request_id"]
    )
    op.create_table(
        "consent_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquirer_id", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_consent_changes_changed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["inquirer_id"],
            ["inquirers.id"],
            name=op.f("fk_consent_changes_inquirer_id_inquirers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_changes")),
    )
    op.create_index("ix_consent_changes_inquirer_id_id", "consent_changes", ["inquirer_id", "id"])
    op.create_table(
        "case_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_case_views_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_case_views_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_views_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_views")),
    )
    op.create_index("ix_case_views_person_id_id", "case_views", ["person_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_case_views_person_id_id", table_name="case_views")
    op.drop_table("case_views")
    op.drop_index("ix_consent_changes_inquirer_id_id", table_name="consent_changes")
    op.drop_table("consent_changes")
    op.drop_index(op.f("ix_request_attachments_request_id"), table_name="request_attachments")
    op.drop_table("request_attachments")
    op.drop_index(op.f("ix_report_links_report_id"), table_name="report_links")
    op.drop_table("report_links")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("thumbnail")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("shows_name")
