"""screening jobs: comments waiting for a worker (screening_queue = workers); intake chains

The heads of the intake audit chains (netiquette.review.audit.INTAKE_CHAINS) are created here,
so two first acceptances never race to create one.

Revision ID: 0010_screening_jobs
Revises: 0009_webhooks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_screening_jobs"
down_revision = "0009_webhooks"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "screening_jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("comment_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("run", sa.String(length=36), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", _TZ, nullable=False),
        sa.Column("locked_until", _TZ, nullable=True),
        sa.Column("locked_by", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_screening_jobs_comment_id", "screening_jobs", ["comment_id"])
    op.create_index("ix_screening_jobs_run", "screening_jobs", ["run"])
    op.create_index("ix_screening_jobs_due", "screening_jobs", ["state", "run_after"])
    heads = sa.table(
        "audit_heads",
        sa.column("site", sa.String),
        sa.column("seq", sa.Integer),
        sa.column("hash", sa.String),
    )
    # 16 = INTAKE_CHAINS at the time of writing (a migration never imports live code).
    op.bulk_insert(
        heads, [{"site": f"default/intake-{k:02d}", "seq": 0, "hash": "0" * 64} for k in range(16)]
    )


def downgrade() -> None:
    op.execute("DELETE FROM audit_heads WHERE site LIKE 'default/intake-%' AND seq = 0")
    for name in ("ix_screening_jobs_due", "ix_screening_jobs_run", "ix_screening_jobs_comment_id"):
        op.drop_index(name, table_name="screening_jobs")
    op.drop_table("screening_jobs")
