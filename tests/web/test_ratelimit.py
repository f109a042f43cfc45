"""Logins and readers' posts are rate-limited per client address; the CMS API is not."""

from __future__ import annotations

from fastapi.testclient import TestClient

from netiquette.web.ratelimit import SlidingWindow
from tests.conftest import CMS, post_article, post_comment


def test_password_guessing_is_stopped_with_429(client: TestClient) -> None:
    answers = [
        client.post("/api/v1/auth/login", json={"username": "admin", "password": f"guess-{n}"})
        for n in range(12)
    ]
    assert [r.status_code for r in answers[:10]] == [401] * 10
    assert answers[10].status_code == 429
    assert int(answers[10].headers["Retry-After"]) >= 1
    assert "too many requests" in answers[10].json()["error"]["message"]


def test_reader_reports_are_limited_but_cms_submissions_are_not(
    client: TestClient, moderator: dict[str, str]
) -> None:
    post_article(client)
    for n in range(25):
        assert post_comment(client, f"Beitrag Nummer {n} zur Stadtbahn.").status_code == 202
    comment_id = post_comment(client, "Ein sachlicher Beitrag zur Linie 7.").json()["id"]
    client.post(
        f"/api/v1/comments/{comment_id}/decision", json={"action": "approve"}, headers=moderator
    )
    codes = [
        client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "insult"}).status_code
        for _ in range(22)
    ]
    assert codes.count(201) == 20
    assert codes[-1] == 429
    assert client.get("/api/v1/queue", headers=moderator).status_code == 200
    assert client.get("/healthz", headers=CMS).status_code == 200


def test_window_slides() -> None:
    now = [0.0]
    window = SlidingWindow(clock=lambda: now[0])
    assert [window.allow("k", 2) for _ in range(3)] == [0.0, 0.0, 60.0]
    now[0] = 30.0
    assert window.allow("k", 2) == 30.0
    now[0] = 60.5
    assert window.allow("k", 2) == 0.0
    assert window.allow("other", 2) == 0.0
