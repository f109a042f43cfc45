"""webhooks: endpoints, deliveries (from the decision_events outbox) and Coral comment links

Revision ID: 0009_webhooks
Revises: 0009_site_examples
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_webhooks"
down_revision = "0009_site_examples"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secrets", sa.JSON(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("allow_internal", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("decision_event_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TZ, nullable=False),
        sa.Column("last_attempt_at", _TZ, nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("delivered_at", _TZ, nullable=True),
        sa.Column("replays", sa.Integer(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoints.id"]),
        sa.ForeignKeyConstraint(["decision_event_id"], ["decision_events.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_deliveries_endpoint_id", "webhook_deliveries", ["endpoint_id"])
    op.create_index("ix_webhook_deliveries_event_key", "webhook_deliveries", ["event_key"])
    op.create_index("ix_webhook_deliveries_comment_id", "webhook_deliveries", ["comment_id"])
    op.create_index("ix_webhook_deliveries_created_at", "webhook_deliveries", ["created_at"])
    op.create_index(
        "ux_webhook_deliveries_endpoint_event",
        "webhook_deliveries",
        ["endpoint_id", "decision_event_id"],
        unique=True,
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["state", "next_attempt_at"])
    op.create_table(
        "coral_links",
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("coral_comment_id", sa.String(length=200), nullable=False),
        sa.Column("coral_revision_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.PrimaryKeyConstraint("comment_id"),
    )
    op.create_index("ix_coral_links_coral_comment_id", "coral_links", ["coral_comment_id"])
    op.create_index("ix_decision_events_delivered_at", "decision_events", ["delivered_at"])


def downgrade() -> None:
    op.drop_index("ix_decision_events_delivered_at", table_name="decision_events")
    op.drop_index("ix_coral_links_coral_comment_id", table_name="coral_links")
    op.drop_table("coral_links")
    for name in (
        "ix_webhook_deliveries_due",
        "ux_webhook_deliveries_endpoint_event",
        "ix_webhook_deliveries_created_at",
        "ix_webhook_deliveries_comment_id",
        "ix_webhook_deliveries_event_key",
        "ix_webhook_deliveries_endpoint_id",
    ):
        op.drop_index(name, table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
