"""Initial feedback schema: survey responses, callback requests, staff accounts.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.feedback.models import UTCDateTime

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _followup_columns() -> list[sa.Column]:
    return [
        sa.Column("status", sa.String(10), nullable=False, server_default="new"),
        sa.Column("handled_by", sa.String(120), nullable=True),
        sa.Column("handled_at", UTCDateTime(), nullable=True),
        sa.Column("staff_note", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    rating = sa.SmallInteger
    op.create_table(
        "feedback_response",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("flow", sa.String(20), nullable=False),
        sa.Column("procedure_id", sa.String(120), nullable=True),
        sa.Column("commune", sa.String(120), nullable=True),
        sa.Column("overall", rating(), nullable=False),
        sa.Column("access", rating(), nullable=True),
        sa.Column("procedure", rating(), nullable=True),
        sa.Column("staff", rating(), nullable=True),
        sa.Column("result", rating(), nullable=True),
        sa.Column("feedback_handling", rating(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("consent_personal_data", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("consent_contact", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("home_commune", sa.String(120), nullable=True),
        sa.Column("age_band", sa.String(20), nullable=True),
        sa.Column("sender_key", sa.String(64), nullable=True),
        *_followup_columns(),
        sa.CheckConstraint("overall BETWEEN 1 AND 5", name="overall_range"),
        sa.CheckConstraint(
            "(access IS NULL OR access BETWEEN 1 AND 5) AND "
            "(procedure IS NULL OR procedure BETWEEN 1 AND 5) AND "
            "(staff IS NULL OR staff BETWEEN 1 AND 5) AND "
            "(result IS NULL OR result BETWEEN 1 AND 5) AND "
            "(feedback_handling IS NULL OR feedback_handling BETWEEN 1 AND 5)",
            name="aspect_range",
        ),
        sa.CheckConstraint("status IN ('new', 'handled')", name="status_values"),
    )
    op.create_index("ix_feedback_response_created_at", "feedback_response", ["created_at"])
    op.create_index("ix_feedback_response_sender_key", "feedback_response", ["sender_key"])
    op.create_index("ix_feedback_response_status", "feedback_response", ["status"])

    op.create_table(
        "feedback_callback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("consent_contact", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("commune", sa.String(120), nullable=True),
        sa.Column("procedure_id", sa.String(120), nullable=True),
        sa.Column("sender_key", sa.String(64), nullable=True),
        *_followup_columns(),
        sa.CheckConstraint("status IN ('new', 'handled')", name="status_values"),
    )
    op.create_index("ix_feedback_callback_created_at", "feedback_callback", ["created_at"])
    op.create_index("ix_feedback_callback_sender_key", "feedback_callback", ["sender_key"])

    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(100), nullable=False),
        sa.Column("role", sa.String(10), nullable=False, server_default="viewer"),
        sa.Column("can_see_personal_data", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_login_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("username", name="uq_staff_user_username"),
        sa.CheckConstraint("role IN ('viewer', 'manager')", name="role_values"),
    )


def downgrade() -> None:
    op.drop_table("staff_user")
    op.drop_index("ix_feedback_callback_sender_key", "feedback_callback")
    op.drop_index("ix_feedback_callback_created_at", "feedback_callback")
    op.drop_table("feedback_callback")
    op.drop_index("ix_feedback_response_status", "feedback_response")
    op.drop_index("ix_feedback_response_sender_key", "feedback_response")
    op.drop_index("ix_feedback_response_created_at", "feedback_response")
    op.drop_table("feedback_response")
