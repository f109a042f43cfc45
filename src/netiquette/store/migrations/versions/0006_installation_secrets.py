"""installation secrets (the key of author pseudonyms in the audit chain); merges the heads

Revision ID: 0006
Revises: 0003, 0004, 0005 (and depends on 0002, like 0005)

A merge of every branch: 0002 is listed as a dependency, not a parent, because 0005 already
depends on it and Alembic then keeps only 0003, 0004 and 0005 in ``alembic_version``; naming
0002 as a parent too makes the upgrade fail (``KeyError: '0002'``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = ("0003", "0004", "0005")
branch_labels = None
depends_on = "0002"


def upgrade() -> None:
    op.create_table(
        "installation_secrets",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("installation_secrets")
