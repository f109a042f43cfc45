"""Hostile and broken input: always a 4xx naming the problem, never a 500, nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CMS, post_article

GOOD: dict[str, Any] = {
    "article_id": "a1",
    "author": {"id": "u1", "name": "Leser"},
    "text": "Gut so.",
}


def _send(client: TestClient, content: bytes) -> Any:
    return client.post(
        "/api/v1/comments",
        content=content,
        headers={**CMS, "Content-Type": "application/json"},
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({k: v for k, v in GOOD.items() if k != "text"}, 422, "text"),
        ({**GOOD, "text": 42}, 422, "text"),
        ({**GOOD, "author": "Leser"}, 422, "author"),
        ({**GOOD, "author": {"id": "u1"}}, 422, "author.name"),
        ({**GOOD, "text": "   "}, 422, "text"),
        ({**GOOD, "text": "x" * 10_001}, 413, "text"),
        ({**GOOD, "text": "Hallo\x00Welt"}, 422, "text"),
        ({**GOOD, "text": "Hallo\x1bWelt"}, 422, "text"),
        ({**GOOD, "article_id": "nope"}, 404, "article_id"),
        ({**GOOD, "parent_id": "nope"}, 404, "parent_id"),
        ({**GOOD, "id": "has spaces"}, 422, "id"),
        ([1, 2, 3], 422, "body"),
    ],
)
def test_bad_comment_gets_a_clear_error(
    client: TestClient, body: Any, status: int, field: str
) -> None:
    post_article(client)
    r = client.post("/api/v1/comments", json=body, headers=CMS)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["field"] == field
    assert error["message"]
    assert client.get("/api/v1/articles/a1/comments").json()["total"] == 0


def test_malformed_json_and_invalid_utf8(client: TestClient) -> None:
    post_article(client)
    r = _send(client, b'{"article_id": "a1", "text": ')
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "body"
    r = _send(
        client, b'{"article_id": "a1", "author": {"id": "u", "name": "n"}, "text": "\xff\xfe"}'
    )
    assert 400 <= r.status_code < 500
    assert r.json()["error"]["message"]


def test_article_needs_text_or_html(client: TestClient) -> None:
    r = client.post("/api/v1/articles", json={"id": "a2"}, headers=CMS)
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "text"
    r = client.post(
        "/api/v1/articles", json={"id": "a2", "html": "<p></p>", "text": "x"}, headers=CMS
    )
    assert r.status_code == 422


def test_limit_is_configurable(tmp_path: Any) -> None:
    from netiquette.app import create_app
    from tests.conftest import make_context

    ctx = make_context(f"sqlite:///{tmp_path / 'x.db'}", max_comment_chars=20)
    with TestClient(create_app(context=ctx)) as client:
        post_article(client)
        r = client.post("/api/v1/comments", json={**GOOD, "text": "x" * 21}, headers=CMS)
        assert r.status_code == 413
        assert "20" in r.json()["error"]["message"]


def test_decision_must_cite_a_known_rule(client: TestClient, moderator: dict[str, str]) -> None:
    post_article(client)
    cid = client.post("/api/v1/comments", json=GOOD, headers=CMS).json()["id"]
    r = client.post(
        f"/api/v1/comments/{cid}/decision", json={"action": "reject"}, headers=moderator
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "rules"
    r = client.post(
        f"/api/v1/comments/{cid}/decision",
        json={"action": "reject", "rules": ["rudeness"]},
        headers=moderator,
    )
    assert r.status_code == 422
    assert "rudeness" in r.json()["error"]["message"]
    r = client.post(
        f"/api/v1/comments/{cid}/decision", json={"action": "delete"}, headers=moderator
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "action"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=30),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(["id", "article_id", "parent_id", "author", "text", "name"]),
                children,
                max_size=5,
            )
        ),
        max_leaves=8,
    )
)
def test_any_json_body_gets_an_answer_below_500(client: TestClient, payload: Any) -> None:
    r = client.post("/api/v1/comments", json=payload, headers=CMS)
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert r.json()["error"]["message"]


def test_control_characters_in_ids_names_and_urls_are_400s(client: TestClient) -> None:
    post_article(client)
    for body, field in (
        ({**GOOD, "author": {"id": "u\x00", "name": "Leser"}}, "author.id"),
        ({**GOOD, "author": {"id": "u1", "name": "Le\x00ser"}}, "author.name"),
        ({**GOOD, "article_id": "a1\x00"}, "article_id"),
    ):
        r = client.post("/api/v1/comments", json=body, headers=CMS)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == field
    assert client.get("/api/v1/articles/%00/comments").status_code == 400
    assert client.get("/api/v1/public/comments/%00?token=x").status_code == 400


def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient) -> None:
    r = client.post(
        "/api/v1/comments",
        content=b"{" + b" " * 8_000_001 + b"}",
        headers={**CMS, "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["error"]["field"] == "body"
