"""decision events: the outbox of committed decisions; statements keep their issued rule texts

Revision ID: 0008_decision_events
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_decision_events"
down_revision = "0007"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "decision_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("delivered_at", _TZ, nullable=True),
        sa.Column("processed_at", _TZ, nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_decision_events_comment_id", "decision_events", ["comment_id"])
    op.create_index("ix_decision_events_event", "decision_events", ["event"])
    op.create_index("ix_decision_events_created_at", "decision_events", ["created_at"])
    with op.batch_alter_table("statements_of_reasons", schema=None) as batch_op:
        # Statements issued before this revision keep {}: they are re-rendered from today's texts.
        batch_op.add_column(
            sa.Column("rule_texts", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("statements_of_reasons", schema=None) as batch_op:
        batch_op.drop_column("rule_texts")
    op.drop_index("ix_decision_events_created_at", table_name="decision_events")
    op.drop_index("ix_decision_events_event", table_name="decision_events")
    op.drop_index("ix_decision_events_comment_id", table_name="decision_events")
    op.drop_table("decision_events")
