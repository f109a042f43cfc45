"""feedback examples from Perspective-compatible clients (suggestscore)

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback_examples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("submitter", sa.String(length=200), nullable=False),
        sa.Column("client_token", sa.String(length=500), nullable=True),
        sa.Column("community_id", sa.String(length=500), nullable=True),
        sa.Column("external_comment_id", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("rule_labels", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedback_examples", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_examples_client_token"), ["client_token"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_examples_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_examples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_examples_created_at"))
        batch_op.drop_index(batch_op.f("ix_feedback_examples_client_token"))
    op.drop_table("feedback_examples")
