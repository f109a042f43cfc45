"""Accounts: a new password ends old logins; secrets never show."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from netiquette import accounts
from netiquette.accounts import upsert_user
from netiquette.app import create_app
from netiquette.settings import load_settings, redact_url
from netiquette.store.models import ApiKey
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, API_KEY, make_context


def test_password_reset_ends_existing_logins(client: TestClient, ctx: AppContext) -> None:
    login = client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    )
    token = {"Authorization": f"Bearer {login.json()['token']}"}
    assert client.get("/api/v1/queue", headers=token).status_code == 200
    with ctx.db.session() as session:
        upsert_user(session, "admin", "a-brand-new-password", "admin")
    assert client.get("/api/v1/queue", headers=token).status_code == 401
    wrong = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"] == "unknown username or wrong password"


def test_database_password_is_masked_everywhere() -> None:
    url = "postgresql://netiquette:s3cret@db.internal:5432/nq"
    assert redact_url(url) == "postgresql://netiquette:***@db.internal:5432/nq"
    settings = load_settings(None, {"database_url": url}, environ={})
    assert "s3cret" not in str(settings.public())
    assert redact_url("sqlite:///var/netiquette.db") == "sqlite:///var/netiquette.db"


def test_a_revoked_api_key_stops_working_within_the_recheck_time(
    client: TestClient, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process revokes the key in the database: moments later it gets 401 here too."""
    key = {"Authorization": f"Bearer {API_KEY}"}
    assert client.get("/api/v1/comments/no-such-comment", headers=key).status_code == 404
    with ctx.db.session() as session:
        session.execute(update(ApiKey).values(active=False))
    # Within the recheck time the remembered principal still answers (no row read per call)...
    assert client.get("/api/v1/comments/no-such-comment", headers=key).status_code == 404
    # ... and once it has passed, the row is read again and the key refused.
    monkeypatch.setattr(accounts, "API_KEY_RECHECK_SECONDS", 0.0)
    refused = client.get("/api/v1/comments/no-such-comment", headers=key)
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "API key is unknown or revoked"


def test_a_burst_with_a_new_key_checks_its_secret_once(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a restart a CMS's first requests arrive together: one argon2 check (a sizeable
    share of a core each with the shipped cost), the others wait for its result. (PostgreSQL:
    on SQLite the sessions' write lock already lets one request in at a time.)"""
    ctx = make_context(pg_url)
    checks: list[str] = []
    slow_check = accounts.verify_secret

    def counted(stored_hash: str, secret: str) -> bool:
        checks.append(secret)
        time.sleep(0.2)  # as long as a real check takes, so the others arrive meanwhile
        return slow_check(stored_hash, secret)

    monkeypatch.setattr(accounts, "verify_secret", counted)
    start = threading.Barrier(8)
    callers: list[str] = []

    def request() -> None:
        start.wait(10)
        with ctx.db.session() as session:
            callers.append(accounts.authenticate(session, API_KEY).kind)

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ctx.db.dispose()
    assert callers == ["cms"] * 8
    assert len(checks) == 1


def test_a_key_remembered_for_one_database_is_not_taken_by_another(
    tmp_path: Path, client: TestClient
) -> None:
    """Two instances in one process (embedded use, tests): each reads its own key rows."""
    key = {"Authorization": f"Bearer {API_KEY}"}
    assert client.get("/api/v1/comments/no-such-comment", headers=key).status_code == 404
    other = make_context(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        with other.db.session() as session:
            session.execute(update(ApiKey).values(active=False))
        with TestClient(create_app(context=other)) as second:
            refused = second.get("/api/v1/comments/no-such-comment", headers=key)
        assert refused.status_code == 401
    finally:
        other.db.dispose()
