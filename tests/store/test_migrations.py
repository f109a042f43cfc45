"""The migrations build exactly the schema the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from netiquette.store.db import Database
from netiquette.store.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    db.dispose()
    assert diff == []
