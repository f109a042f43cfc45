"""Fixtures for delivery tests: an instance whose comments all wait for a human, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.delivery import Sender
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, CMS, make_context, post_article

SECRET = "whsec-test-0123456789abcdef"
OLD_SECRET = "whsec-old-0123456789abcdef"


@pytest.fixture
def dctx(database_url: str) -> Iterator[AppContext]:
    """No automatic decisions (every comment queues) and no background loop: tests run the
    delivery rounds themselves."""
    context = make_context(database_url, auto_approve=False, auto_reject=False, delivery_loop=False)
    yield context
    context.db.dispose()


@pytest.fixture
def dclient(dctx: AppContext) -> Iterator[TestClient]:
    """The real app with the test article in place."""
    with TestClient(create_app(context=dctx)) as client:
        post_article(client)
        yield client


@pytest.fixture
def mod(dclient: TestClient) -> dict[str, str]:
    """An admin's bearer header."""
    r = dclient.post("/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def sender(ctx: AppContext) -> Sender:
    """A sender with a short timeout."""
    return Sender(ctx.db, timeout_s=5.0)


def queue_comment(client: TestClient, comment_id: str, text: str = "Gute Entscheidung.") -> None:
    """A comment the CMS sends; it waits for a human."""
    body = {"id": comment_id, "article_id": "a1", "author": {"id": "u1", "name": "L"}, "text": text}
    r = client.post("/api/v1/comments", json=body, headers=CMS)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "pending"


def decide(
    client: TestClient, headers: dict[str, str], comment_id: str, action: str, **extra: Any
) -> None:
    """A moderator's decision through the API."""
    body = {"action": action, **extra}
    if action == "reject":
        body.setdefault("rules", ["insult"])
    r = client.post(f"/api/v1/comments/{comment_id}/decision", json=body, headers=headers)
    assert r.status_code == 200, r.text
