"""site models: the registry's history of promotions and the shadow scores per comment

Revision ID: 0010_site_models
Revises: 0010_rate_limits
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_site_models"
down_revision = "0010_rate_limits"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "site_model_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=True),
        sa.Column("previous", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_site_model_changes_site_id", "site_model_changes", ["site", "id"])
    op.create_table(
        "site_model_scores",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("model_version", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("reject_probability", sa.Float(), nullable=True),
        sa.Column("reject", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_site_model_scores_comment_id", "site_model_scores", ["comment_id"])
    op.create_index(
        "ix_site_model_scores_site_version", "site_model_scores", ["site", "model_version"]
    )


def downgrade() -> None:
    op.drop_index("ix_site_model_scores_site_version", table_name="site_model_scores")
    op.drop_index("ix_site_model_scores_comment_id", table_name="site_model_scores")
    op.drop_table("site_model_scores")
    op.drop_index("ix_site_model_changes_site_id", table_name="site_model_changes")
    op.drop_table("site_model_changes")
