"""Accounts: a new password ends old logins; secrets never show."""

from __future__ import annotations

from fastapi.testclient import TestClient

from netiquette.accounts import upsert_user
from netiquette.settings import load_settings, redact_url
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD


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
