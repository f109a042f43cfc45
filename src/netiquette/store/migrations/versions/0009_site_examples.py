"""site examples: every human decision (and imported history) as a labelled example per site

Revision ID: 0009_site_examples
Revises: 0009_notifications
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_site_examples"
down_revision = "0009_notifications"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "site_examples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("example_id", sa.String(length=200), nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=200), nullable=True),
        sa.Column("article_title", sa.String(length=1000), nullable=True),
        sa.Column("article_text", sa.Text(), nullable=True),
        sa.Column("label", sa.String(length=10), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("decision_event_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", _TZ, nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["decision_event_id"], ["decision_events.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_site_examples_comment_id", "site_examples", ["comment_id"])
    op.create_index("ix_site_examples_text_sha256", "site_examples", ["text_sha256"])
    op.create_index(
        "ix_site_examples_site_example_id", "site_examples", ["site", "example_id"], unique=True
    )
    op.create_index("ix_site_examples_site_decided_at", "site_examples", ["site", "decided_at"])


def downgrade() -> None:
    op.drop_index("ix_site_examples_site_decided_at", table_name="site_examples")
    op.drop_index("ix_site_examples_site_example_id", table_name="site_examples")
    op.drop_index("ix_site_examples_text_sha256", table_name="site_examples")
    op.drop_index("ix_site_examples_comment_id", table_name="site_examples")
    op.drop_table("site_examples")
