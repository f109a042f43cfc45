"""rate limits: request counts per fixed window, shared by every server process

Revision ID: 0010_rate_limits
Revises: 0010_screening_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_rate_limits"
down_revision = "0010_screening_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_windows",
        sa.Column("bucket", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "subject", "window_start"),
    )
    op.create_index("ix_rate_limit_windows_start", "rate_limit_windows", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_rate_limit_windows_start", table_name="rate_limit_windows")
    op.drop_table("rate_limit_windows")
