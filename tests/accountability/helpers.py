"""Shared steps of the accountability tests: comments in each state, a second moderator."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from netiquette.accounts import upsert_user
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, CMS, post_article, post_comment

INSULT = "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot."
CLEAN = "Gut, dass die Linie 7 kommt. Nordheim braucht die Anbindung an den Hauptbahnhof."
SECOND_PASSWORD = "second-moderator-password"


def login(client: TestClient, username: str, password: str) -> dict[str, str]:
    """Bearer headers of a logged-in moderator."""
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def admin(client: TestClient) -> dict[str, str]:
    """The admin's headers."""
    return login(client, "admin", ADMIN_PASSWORD)


def second_moderator(ctx: AppContext, client: TestClient, name: str = "bea") -> dict[str, str]:
    """Create another moderator and log them in."""
    with ctx.db.session() as session:
        upsert_user(session, name, SECOND_PASSWORD, "moderator")
    return login(client, name, SECOND_PASSWORD)


def submit(client: TestClient, text: str, **extra: Any) -> dict[str, Any]:
    """Post a comment (the article is created on first use); returns the 202 body."""
    if client.get("/api/v1/articles/a1", headers=CMS).status_code == 404:
        post_article(client)
    r = post_comment(client, text, **extra)
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    return body


def own_view(client: TestClient, submitted: dict[str, Any]) -> dict[str, Any]:
    """The commenter's view through the link they got at submission."""
    r = client.get(submitted["public_status_url"])
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def decide(
    client: TestClient, headers: dict[str, str], comment_id: str, action: str, *rules: str
) -> None:
    """A moderator decision through the API."""
    r = client.post(
        f"/api/v1/comments/{comment_id}/decision",
        json={"action": action, "rules": list(rules), "note": "test"},
        headers=headers,
    )
    assert r.status_code == 200, r.text


def publish(client: TestClient, headers: dict[str, str], text: str, **extra: Any) -> dict[str, Any]:
    """Submit a comment and make sure it is published (a moderator approves it if held)."""
    submitted = submit(client, text, **extra)
    if submitted["status"] != "approved":
        decide(client, headers, submitted["id"], "approve")
    return submitted
