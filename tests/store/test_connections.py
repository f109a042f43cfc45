"""Pooled PostgreSQL connections: a connection the server closed is replaced, not used."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from netiquette.store import db as db_module
from netiquette.store.db import Database


def _backend_pids(database: Database) -> set[int]:
    """Check out two connections at once (the pool then keeps two); their server pids."""
    pids: set[int] = set()
    with database.engine.connect() as one, database.engine.connect() as two:
        pids.add(int(one.scalar(text("SELECT pg_backend_pid()")) or 0))
        pids.add(int(two.scalar(text("SELECT pg_backend_pid()")) or 0))
    return pids


def test_connections_closed_by_the_server_while_idle_are_replaced(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a PostgreSQL restart (here: its backends terminated) requests keep working."""
    database = Database(pg_url)
    try:
        old = _backend_pids(database)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            for pid in old:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        # The pooled connections have been idle "long enough" (no sleep in the test).
        monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        with database.engine.connect() as connection:
            assert connection.scalar(text("SELECT 41 + 1")) == 42
            assert int(connection.scalar(text("SELECT pg_backend_pid()")) or 0) not in old
    finally:
        database.dispose()
