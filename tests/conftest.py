"""Shared fixtures: the real app on a fresh database (SQLite always, PostgreSQL where available)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from netiquette.app import build_context, create_app
from netiquette.bootstrap import ensure_credentials
from netiquette.settings import Settings, load_settings
from netiquette.web.context import AppContext

ADMIN_PASSWORD = "test-admin-password"
API_KEY = "nq_testkey_0123456789abcdefghijklmnop"
PG_ENV = "NETIQUETTE_TEST_POSTGRES_URL"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")
TEST_DB = "nq_test_"  # prefix of the databases pg_url creates (and drops)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """argon2id at its lowest cost for this process's tests.

    The shipped parameters cost about 0.4 s per hash on a 2-core CI machine, and every test
    instance hashes an admin password and a key and logs in: about a second per test, minutes
    per run. Tests check who may do what, not the hash's cost; servers the tests start as
    subprocesses keep the shipped parameters.
    """
    from argon2 import PasswordHasher

    from netiquette import accounts

    saved = accounts._hasher, accounts._DUMMY_HASH
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts._hasher = cheap
    accounts._DUMMY_HASH = cheap.hash("an unknown user's password is checked against this")
    yield
    accounts._hasher, accounts._DUMMY_HASH = saved


@pytest.fixture(autouse=True)
def _api_keys_read_afresh() -> None:
    """Each test's instance reads its own key rows (a principal is remembered for seconds)."""
    from netiquette.accounts import forget_api_keys

    forget_api_keys()


def postgres_admin_url() -> str | None:
    """Server URL for PostgreSQL tests, or None (tests then skip — never in CI)."""
    url = os.environ.get(PG_ENV)
    if not url and IN_CI:
        pytest.fail(f"{PG_ENV} is not set in CI: .ci/run must start PostgreSQL")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    admin_url = postgres_admin_url()
    if not admin_url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://user@127.0.0.1/postgres)")
    import psycopg

    name = TEST_DB + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test instance with known credentials."""
    env = {
        "NETIQUETTE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "NETIQUETTE_API_KEY": API_KEY,
    }
    # Most flows here include automatic rejections, which the shipped screening file leaves to
    # a human (auto_reject = false): test sites switch them on explicitly, as a site would.
    values = {"database_url": database_url, "auto_reject": "on", **overrides}
    return load_settings(None, values, environ=env)


#: Per backend, a database migrated once in this process (sqlite: its file; postgresql: its
#: name), for :func:`make_context` to copy into a new test database.
_TEMPLATES: dict[str, str] = {}


def _template(backend: str, admin_url: str | None = None) -> str:
    if backend not in _TEMPLATES:
        from netiquette.store.db import Database

        if backend == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="netiquette-template-"))
            atexit.register(shutil.rmtree, folder, True)
            url = f"sqlite:///{folder / 'migrated.db'}"
            name = str(folder / "migrated.db")
        else:
            import psycopg

            assert admin_url is not None
            name = "nq_template_" + uuid.uuid4().hex[:12]
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = f"{admin_url.rpartition('/')[0]}/{name}"
            atexit.register(_drop_database, admin_url, name)
        db = Database(url)
        db.migrate()
        db.dispose()
        _TEMPLATES[backend] = name
    return _TEMPLATES[backend]


def _drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_migrated(database_url: str) -> None:
    """Make a new, empty test database a copy of one migrated once per process.

    Running every migration costs about 0.7 s per test on the CI machine, copying a tenth of
    that. A database that already has a file or tables is left as it is. Migrations themselves
    are tested on fresh databases (``tests/store``, servers starting at once on an empty one).
    """
    if database_url.startswith("sqlite:///"):
        target = Path(database_url.removeprefix("sqlite:///"))
        if not target.exists():
            shutil.copyfile(_template("sqlite"), target)
        return
    admin_url = os.environ.get(PG_ENV)
    name = database_url.rpartition("/")[2]
    # Only the throwaway databases of the pg_url fixture: never drop anything else.
    if not admin_url or not database_url.startswith("postgresql") or not name.startswith(TEST_DB):
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_tables WHERE schemaname = 'public'").fetchone():
            return
    template = _template("postgresql", admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def make_context(database_url: str, **overrides: Any) -> AppContext:
    """A migrated instance with admin and CMS key in place."""
    copy_migrated(database_url)
    settings = make_settings(database_url, **overrides)
    ctx = build_context(settings)
    ensure_credentials(ctx.db, settings, generate=False)
    return ctx


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each API test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'netiquette.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def ctx(database_url: str) -> Iterator[AppContext]:
    """A ready app context on the parametrised database."""
    context = make_context(database_url)
    yield context
    context.db.dispose()


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    """An HTTP client for the real app, in process."""
    with TestClient(create_app(context=ctx)) as test_client:
        yield test_client


CMS = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture
def moderator(client: TestClient) -> dict[str, str]:
    """Auth headers of a logged-in moderator (admin)."""
    r = client.post("/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


ARTICLE_TEXT = (
    "Stadtrat beschließt neue Stadtbahnlinie nach Nordheim\n\n"
    "Der Stadtrat hat am Dienstag mit 31 zu 12 Stimmen den Bau der Stadtbahnlinie 7 beschlossen. "
    "Die Strecke soll den Hauptbahnhof über 4,2 Kilometer mit dem Neubaugebiet Nordheim "
    "verbinden.\n\n"
    "Die Kosten werden auf 118 Millionen Euro geschätzt; Bund und Land übernehmen rund 75 Prozent. "
    "Baubeginn ist für 2027 geplant, die ersten Bahnen sollen 2031 fahren."
)


def post_article(client: TestClient, article_id: str = "a1") -> dict[str, Any]:
    """Create the test article and return the API answer."""
    r = client.post(
        "/api/v1/articles",
        json={"id": article_id, "title": "Stadtbahn", "text": ARTICLE_TEXT},
        headers=CMS,
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def post_comment(client: TestClient, text: str, **extra: Any) -> Any:
    """Submit a comment as the CMS; returns the response."""
    body = {"article_id": "a1", "author": {"id": "u1", "name": "Leserin"}, "text": text, **extra}
    return client.post("/api/v1/comments", json=body, headers=CMS)


@pytest.fixture(autouse=True)
def _site_model_scores_from_the_shipped_pipeline() -> Iterator[None]:
    """A server or command built by a test registers its pipeline as the source of site
    models' shipped scores (learning.features); the next test starts from the shipped one."""
    from netiquette.learning.features import use_pipeline

    yield
    use_pipeline(None)
