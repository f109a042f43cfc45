"""Regression tests for findings of issue 11 in the workspace: sessions, caching, headers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.review.claims import holder
from netiquette.web.context import AppContext
from tests.web.views.conftest import MODERATOR_PASSWORD, login, submit


def test_reactivating_a_user_does_not_revive_old_logins(web: TestClient, wctx: AppContext) -> None:
    with TestClient(create_app(context=wctx), follow_redirects=False) as bea:
        login(bea, "bea", MODERATOR_PASSWORD)
        api = bea.post(
            "/api/v1/auth/login", json={"username": "bea", "password": MODERATOR_PASSWORD}
        )
        token = {"Authorization": f"Bearer {api.json()['token']}"}
        assert bea.get("/moderate").status_code == 200
        assert bea.get("/api/v1/queue", headers=token).status_code == 200
        csrf = login(web)
        for active in ("0", "1"):
            r = web.post("/moderate/admin/users/bea/active", data={"active": active, "csrf": csrf})
            assert r.status_code == 303, r.text
        assert bea.get("/moderate").status_code == 303  # sent to the login page
        assert bea.get("/api/v1/queue", headers=token).status_code == 401


def test_authenticated_answers_are_never_cached(web: TestClient) -> None:
    login(web)
    assert web.get("/moderate").headers["cache-control"] == "no-store"
    anonymous = TestClient(web.app)
    public = anonymous.get("/api/v1/articles/a1/comments")
    assert public.headers.get("cache-control") != "no-store"


def test_the_api_docs_carry_the_security_headers(web: TestClient) -> None:
    docs = web.get("/docs")
    assert docs.status_code == 200
    assert docs.headers["x-frame-options"] == "DENY"
    assert docs.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]


def test_a_link_from_another_site_does_not_claim_a_comment(
    web: TestClient, wctx: AppContext
) -> None:
    submit(web, "Zur Prüfung", "c-claim")
    login(web)
    foreign = web.get("/moderate/comments/c-claim", headers={"Sec-Fetch-Site": "cross-site"})
    assert foreign.status_code == 303 and foreign.headers["location"].startswith("/moderate?")
    with wctx.db.session() as session:
        assert holder(session, "c-claim") is None
    own = web.get("/moderate/comments/c-claim", headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 200
    with wctx.db.session() as session:
        lease = holder(session, "c-claim")
        assert lease is not None and lease.moderator == "admin"
