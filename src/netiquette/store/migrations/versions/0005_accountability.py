"""accountability: status tokens, removed texts, statements of reasons, appeals, report notices

Revision ID: 0005
Revises: 0001 (depends on 0002 for the reports table)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = "0002"

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_token_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("text_removed_at", _TZ, nullable=True))
        batch_op.add_column(sa.Column("text_removed_why", sa.String(length=20), nullable=True))
    op.create_table(
        "statements_of_reasons",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("puid", sa.String(length=500), nullable=False),
        sa.Column("dsa", sa.JSON(), nullable=False),
        sa.Column("text_de", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("illegal_legal_ground", sa.String(length=500), nullable=True),
        sa.Column("illegal_explanation", sa.Text(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("decision_id"),
        sa.UniqueConstraint("puid"),
    )
    op.create_index("ix_statements_of_reasons_comment_id", "statements_of_reasons", ["comment_id"])
    op.create_index("ix_statements_of_reasons_created_at", "statements_of_reasons", ["created_at"])
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("contested_actor", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", _TZ, nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("comment_id"),
    )
    op.create_index("ix_appeals_state", "appeals", ["state"])
    op.create_index("ix_appeals_created_at", "appeals", ["created_at"])
    op.create_table(
        "report_notices",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("legal_ground", sa.String(length=500), nullable=False),
        sa.Column("notifier_contact", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("report_id"),
    )
    op.create_index("ix_report_notices_category", "report_notices", ["category"])


def downgrade() -> None:
    op.drop_table("report_notices")
    op.drop_table("appeals")
    op.drop_table("statements_of_reasons")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("text_removed_why")
        batch_op.drop_column("text_removed_at")
        batch_op.drop_column("status_token_sha256")
