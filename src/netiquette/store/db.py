"""The database: engine, sessions and migrations.

SQLite is the embedded default (WAL, so readers never block the writer, and a committed comment
survives a killed process); PostgreSQL serves production with many processes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from netiquette.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
#: Connections one process holds at most (PostgreSQL), opened as needed and then kept.
POOL_SIZE = 30
#: The same for a SQLite file.
POOL_SIZE_SQLITE = 15


#: A pooled PostgreSQL connection idle longer than this is pinged before use (see _ping_idle).
PING_AFTER_IDLE_SECONDS = 5.0


#: How long a new connection tries to switch a fresh file to WAL while another holds it.
WAL_SWITCH_SECONDS = 30.0


def _to_wal(cursor: Any) -> None:
    """Switch the file to WAL unless it is already.

    The switch needs the file to itself and SQLite does not wait for it (the busy timeout does
    not cover it): when several servers open a fresh file at once, the loser got "database is
    locked" (seen in CI). It looks again and retries until the winner's switch is visible.
    """
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # First, so that every statement below waits for a lock instead of failing at once.
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL is stored in the file: switching needs an exclusive lock, so only the first
    # connection to a new file does it (servers starting together on a fresh database: the
    # others found it locked by the one migrating and failed, "database is locked").
    _to_wal(cursor)
    # NORMAL in WAL mode survives a killed process; only a power loss may drop the last commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Erased means erased: deleted and overwritten content is zeroed in the file, not just
    # unlinked (many SQLite builds default to off). The WAL is checkpointed by scrub().
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def normalize_url(url: str) -> str:
    """Accept a plain file path as shorthand for SQLite; pick psycopg 3 for PostgreSQL."""
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; makes the folder of a SQLite file if needed."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"database URL {url!r} is not valid: {exc}", field="database_url"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            # As many as SQLAlchemy's default allows at once (5 + 10 overflow), all kept: an
            # overflow connection was closed at check-in and reopened, pragmas and all.
            pool_size=POOL_SIZE_SQLITE,
            max_overflow=0,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; take the write lock at BEGIN instead,
        # so two writers queue up rather than fail on upgrade.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    # hide_parameters: an error logged with its SQL must not carry comment texts or names.
    # Every connection is kept once opened (up to POOL_SIZE): with a pool of 10 + 20 overflow,
    # more than 10 requests at once closed their connections at check-in, and the next ones
    # opened new ones, a PostgreSQL backend started per request under load.
    engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=0, hide_parameters=True)
    _ping_idle(engine)
    return engine


def _ping_idle(engine: Engine) -> None:
    """Ping a connection before use only when it sat in the pool for a while.

    ``pool_pre_ping`` pings at every checkout: under load that was a ``SELECT 1`` round trip
    per request and 7.6 % of an app process's time (``benchmarks/load.py``). A connection used
    moments ago is alive; one idle for :data:`PING_AFTER_IDLE_SECONDS` may have been closed by
    a PostgreSQL restart or a proxy, and is then replaced before the request sees it (a
    :class:`DisconnectionError` here makes the pool retry with a new connection). A restart
    within those seconds fails the requests in flight once; SQLAlchemy then drops every
    connection older than the failure.
    """

    @event.listens_for(engine, "connect")
    def _opened(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()
        except Exception as error:  # any failure: a dead connection, replaced by the pool
            raise DisconnectionError("pooled connection is gone") from error


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


#: Key of the PostgreSQL advisory lock held while one process migrates.
MIGRATION_LOCK = 0x6E71_6D69  # "nqmi"


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest revision.

    Safe when several servers start at once on one database: one migrates, the others wait
    for it and then find nothing to do (PostgreSQL: an advisory lock for the transaction;
    SQLite: ``BEGIN IMMEDIATE`` takes the write lock first).
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")


def is_migrated(engine: Engine) -> bool:
    """True when the schema exists (the comments table is there)."""
    return inspect(engine).has_table("comments")


class Database:
    """An engine plus a session factory."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: commits on success, rolls back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest revision."""
        migrate(self.engine)

    def scrub(self) -> None:
        """Push erased data out of every file: after an erasure or a retention run.

        SQLite: checkpoint the write-ahead log into the (``secure_delete``) main file and
        truncate it, so the WAL no longer holds old page images with the erased texts.
        PostgreSQL keeps old row versions until VACUUM and in its WAL and backups: the operator
        steps are in docs/security.md.
        """
        if self.backend != "sqlite":
            return
        # Outside any transaction (a checkpoint cannot run inside one): the raw connection.
        connection = self.engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()


def pending_revisions(engine: Engine) -> tuple[list[str], list[str]]:
    """(revisions the database is at, packaged revisions not applied to it yet).

    A revision counts as applied when it is an ancestor or dependency of the database's
    heads, so ``depends_on`` links (0002) do not read as pending.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = list(MigrationContext.configure(connection).get_current_heads())
    applied = (
        {r.revision for r in script.iterate_revisions(tuple(current), "base") if r is not None}
        if current
        else set()
    )
    pending = sorted(r.revision for r in script.walk_revisions() if r.revision not in applied)
    return sorted(current), pending
