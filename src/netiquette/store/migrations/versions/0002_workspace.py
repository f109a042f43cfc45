"""moderator workspace: browser sessions, claims, spot checks, reports, house-rule texts

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("token_sha256"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "claims",
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("moderator", sa.String(length=100), nullable=False),
        sa.Column("claimed_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.PrimaryKeyConstraint("comment_id"),
    )
    op.create_index("ix_claims_expires_at", "claims", ["expires_at"])
    op.create_table(
        "spot_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("policy_version", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("moderator", sa.String(length=100), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("decision_id"),
    )
    op.create_index("ix_spot_checks_comment_id", "spot_checks", ["comment_id"])
    op.create_index("ix_spot_checks_policy_version", "spot_checks", ["policy_version"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(length=200), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("resolved_at", _TZ, nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reports_comment_id", "reports", ["comment_id"])
    op.create_table(
        "house_rule_texts",
        sa.Column("rule", sa.String(length=50), nullable=False),
        sa.Column("description_de", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("rule"),
    )
    op.create_table(
        "workspace_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    # The dashboard counts decisions per day; the rule filter of the queue looks up flags.
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"])
    op.create_index("ix_screenings_rule_flag", "screenings", ["rule", "flag"])
    # The work list's order (highest priority, then oldest), so a page of 10,000 needs no sort.
    op.create_index(
        "ix_comments_worklist",
        "comments",
        ["state", sa.text("priority DESC"), "received_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_comments_worklist", table_name="comments")
    op.drop_index("ix_screenings_rule_flag", table_name="screenings")
    op.drop_index("ix_decisions_created_at", table_name="decisions")
    for table in (
        "workspace_settings",
        "house_rule_texts",
        "reports",
        "spot_checks",
        "claims",
        "web_sessions",
    ):
        op.drop_table(table)
