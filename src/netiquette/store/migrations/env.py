"""Alembic environment: runs with the connection netiquette hands in."""

from __future__ import annotations

from alembic import context

from netiquette.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via `alembic` CLI, which we do not use
    raise RuntimeError("run migrations through `netiquette migrate`")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
