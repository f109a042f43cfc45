"""index comments by arrival time (the wait estimate counts recent arrivals)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_comments_received_at", "comments", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_comments_received_at", table_name="comments")
