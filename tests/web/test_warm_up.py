"""A new app process pays its first-request costs before it takes requests (app.warm_up)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from netiquette import accounts
from netiquette.app import create_app, warm_up
from tests.conftest import CMS, make_context, post_article


def _count_argon2(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checks: list[str] = []
    real = accounts.verify_secret

    def counting(stored_hash: str, secret: str) -> bool:
        checks.append(secret)
        return real(stored_hash, secret)

    monkeypatch.setattr(accounts, "verify_secret", counting)
    return checks


def test_the_configured_key_is_checked_before_the_first_request(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = make_context(database_url)
    try:
        checks = _count_argon2(monkeypatch)
        with TestClient(create_app(context=ctx)) as client:
            assert len(checks) == 1  # at start-up, before any request
            post_article(client)
            author = {"id": "u1", "name": "L"}
            body = {"id": "w1", "article_id": "a1", "author": author, "text": "Gut."}
            assert client.post("/api/v1/comments", json=body, headers=CMS).status_code == 202
            assert len(checks) == 1  # the request found the key verified
    finally:
        ctx.db.dispose()


def test_workers_mode_knows_its_wait_estimate_before_the_first_request(
    database_url: str,
) -> None:
    ctx = make_context(database_url, screening_queue="workers", delivery_loop=False)
    try:
        assert ctx.intake.known_acceptance_wait() is None
        warm_up(ctx)
        wait = ctx.intake.known_acceptance_wait()
        assert wait is not None and wait >= 1
    finally:
        ctx.db.dispose()


def test_a_database_that_is_not_up_yet_does_not_stop_the_start(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ctx = make_context(f"sqlite:///{tmp_path}/nq.db")
    try:

        def down(*args: object, **kwargs: object) -> None:
            raise ConnectionError("database is not up yet")

        monkeypatch.setattr(ctx.db.engine, "connect", down)
        warm_up(ctx)  # logged, not raised: /readyz tells the load balancer
        assert "warm-up before the first request failed" in caplog.text
    finally:
        ctx.db.dispose()
