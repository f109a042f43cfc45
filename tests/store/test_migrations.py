"""The migrations build exactly the schema the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from netiquette.store.db import Database, pending_revisions
from netiquette.store.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    db.dispose()
    assert diff == []


def _migrate_at(url: str, start: Any) -> None:
    start.wait(60)
    db = Database(url)
    try:
        db.migrate()
    finally:
        db.dispose()


def test_servers_migrating_at_the_same_moment_do_not_collide(database_url: str) -> None:
    """Several servers starting together on a fresh database: one migrates, the others wait."""
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(3)
    procs = [spawn.Process(target=_migrate_at, args=(database_url, start)) for _ in range(3)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0, 0, 0]
    db = Database(database_url)
    current, pending = pending_revisions(db.engine)
    db.dispose()
    assert len(current) == 1 and pending == []
