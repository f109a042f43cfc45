"""The payload corpus through every endpoint and form that takes text, on SQLite and PostgreSQL.

Every answer is a 4xx, or the value is stored verbatim; never a 5xx. One app per database is
shared by the whole module (requests are cheap; apps and databases are not), and screening is
scripted: this is about taking input in, not about judging it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app
from tests.conftest import ADMIN_PASSWORD, CMS, PG_ENV, make_context, postgres_admin_url
from tests.fakes import ScriptedPipeline
from tests.security.payloads import PAYLOADS, REFUSED

_ids = count()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """One app per database for the module, with article ``a1`` and a moderator token."""
    admin_url = None
    name = ""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'n.db'}"
    else:
        admin_url = postgres_admin_url()
        if not admin_url:
            pytest.skip(f"PostgreSQL tests need {PG_ENV}")
        import psycopg

        name = "nq_corpus_" + uuid.uuid4().hex[:10]
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = admin_url.rpartition("/")[0] + "/" + name
    # Hundreds of posts from one address and one author, by design: no limits here.
    ctx = make_context(
        url, public_posts_per_minute=0, login_attempts_per_minute=0, author_comments_per_minute=0
    )
    ctx.intake.pipeline = ScriptedPipeline()
    with TestClient(create_app(context=ctx), follow_redirects=False) as c:
        r = c.post(
            "/api/v1/articles", json={"id": "a1", "title": "T", "text": "Text."}, headers=CMS
        )
        assert r.status_code == 200, r.text
        login = {"username": "admin", "password": ADMIN_PASSWORD}
        token = c.post("/api/v1/auth/login", json=login).json()["token"]
        c.headers["X-Test-Moderator"] = token
        yield c
    ctx.db.dispose()
    if admin_url:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _json(c: TestClient, url: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    """POST JSON as an attacker would: lone surrogates go out as ``\\ud800`` escapes."""
    raw = json.dumps(body)  # ensure_ascii: every non-ASCII character escaped
    return c.post(url, content=raw, headers={**(headers or {}), "Content-Type": "application/json"})


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")  # a lone surrogate as raw (invalid) UTF-8


def _moderator(c: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {c.headers['X-Test-Moderator']}"}


def _comment(c: TestClient, text: str = "Ein Kommentar [reject]", **fields: Any) -> str:
    comment_id = f"c{next(_ids)}"
    body = {"id": comment_id, "article_id": "a1", "author": {"id": "u", "name": "N"}, "text": text}
    r = c.post("/api/v1/comments", json={**body, **fields}, headers=CMS)
    assert r.status_code == 202, r.text
    return comment_id


def _check(r: Any, kind: str) -> bool:
    """No 5xx ever; refused kinds are 4xx naming a field. True when the value was accepted."""
    assert r.status_code < 500, f"{r.status_code}: {r.text[:300]}"
    if kind == REFUSED:
        assert 400 <= r.status_code < 500, r.text[:300]
        if r.headers.get("content-type", "").startswith("application/json"):
            error = r.json().get("error", {})
            assert error.get("field") or error.get("message"), r.text[:300]
    return r.status_code < 300


# (label, how to send a value): each returns the response and, if any, a way to read it back.
def _send_comment(c: TestClient, field: str, value: str) -> tuple[Any, Any]:
    comment_id = f"c{next(_ids)}"
    body: dict[str, Any] = {
        "id": comment_id,
        "article_id": "a1",
        "author": {"id": "u", "name": "N"},
        "text": "Ein Kommentar",
    }
    if field.startswith("author."):
        body["author"][field.split(".")[1]] = value
    elif field == "id":
        body["id"] = value
    else:
        body[field] = value
    r = _json(c, "/api/v1/comments", body, CMS)
    stored = None
    if field in ("text", "author.name") and r.status_code == 202:
        status = c.get(f"/api/v1/comments/{comment_id}", headers=CMS).json()
        stored = status["text"] if field == "text" else None
    return r, stored


def _send_article(c: TestClient, field: str, value: str) -> tuple[Any, Any]:
    body = {"id": f"art{next(_ids)}", "title": "T", "text": "Text."}
    body[field] = value
    return _json(c, "/api/v1/articles", body, CMS), None


def _send_login(c: TestClient, field: str, value: str) -> tuple[Any, Any]:
    body = {"username": "admin", "password": "wrong-password"}
    body[field] = value
    return _json(c, "/api/v1/auth/login", body), None


def _send_decision(c: TestClient, field: str, value: str) -> tuple[Any, Any]:
    comment_id = _comment(c, "Zur Prüfung")
    body = {"action": "reject", "rules": ["insult"], "note": value}
    url = f"/api/v1/comments/{comment_id}/decision"
    return _json(c, url, body, _moderator(c)), None


def _send_report(c: TestClient, field: str, value: str) -> tuple[Any, Any]:
    comment_id = _comment(c, "Veröffentlicht [approve]")
    body = {"reason": "illegal_content", "explanation": "x", "legal_ground": "StGB 185"}
    body[field] = value
    return _json(c, f"/api/v1/comments/{comment_id}/reports", body), None


def _send_perspective(c: TestClient, field: str, value: str) -> tuple[Any, Any]:
    body: dict[str, Any] = {
        "comment": {"text": "Hallo"},
        "requestedAttributes": {"TOXICITY": {}},
        "languages": ["de"],
    }
    url = "/v1alpha1/comments:analyze?key=" + CMS["Authorization"].split()[1]
    if field == "comment.text":
        body["comment"]["text"] = value
    elif field == "clientToken":
        url = url.replace("analyze", "suggestscore")
        body = {
            "comment": {"text": "Hallo"},
            "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.9}}},
            "clientToken": value,
        }
    return _json(c, url, body), None


def _send_embed(c: TestClient, field: str, value: str) -> tuple[Any, Any]:
    form = {"reader": "reader-0123456789abcdef", "name": "Gast", "text": "Ein Kommentar"}
    form[field] = value
    parts = {k: (None, _bytes(v)) for k, v in form.items()}
    return c.post("/embed/articles/a1/comments", files=parts), None


def _send_web_login(c: TestClient, field: str, value: str) -> tuple[Any, Any]:
    form = {"username": "admin", "password": "wrong", "csrf": "x"}
    form[field] = value
    encoded = urlencode({k: _bytes(v) for k, v in form.items()})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return c.post("/login", content=encoded, headers=headers), None


TARGETS = {
    "comment": (_send_comment, ("text", "author.name", "author.id", "id", "article_id")),
    "article": (_send_article, ("id", "title", "text", "url", "html")),
    "api-login": (_send_login, ("username",)),  # passwords are never stored or shown
    "decision": (_send_decision, ("note",)),
    "report": (_send_report, ("explanation", "legal_ground", "reason", "reader_id")),
    "perspective": (_send_perspective, ("comment.text", "clientToken")),
    "embed-form": (_send_embed, ("text", "name", "reader")),
    "web-login-form": (_send_web_login, ("username",)),
}


@pytest.mark.postgres
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_payload_in_every_text_field_is_refused_or_kept_verbatim(
    client: TestClient, target: str
) -> None:
    send, fields = TARGETS[target]
    for field in fields:
        for name, (kind, payload) in PAYLOADS.items():
            r, stored = send(client, field, payload)
            accepted = _check(r, kind)
            if accepted and stored is not None:
                assert stored == payload, f"{target}.{field} changed {name}"


RAW_BODIES: dict[str, tuple[bytes, str]] = {
    "invalid-utf8": (b'{"id":"x","article_id":"a1","author":{"id":"u","name":"N"},"text":"\xff"}',
                     "application/json"),
    "deep-nesting": (b'{"comment":{"text":"x"},"a":' + b"[" * 5000 + b"]" * 5000 + b"}",
                     "application/json"),
    "huge-integer": (b'{"comment":{"text":"x"},"requestedAttributes":' + b"9" * 5000 + b"}",
                     "application/json"),
    "escaped-surrogate": (b'{"comment":{"text":"a\\ud800b"},"requestedAttributes":{}}',
                          "application/json"),
    "escaped-nul": (b'{"id":"x","title":"a\\u0000b","text":"t"}', "application/json"),
    "form-invalid-utf8": (b"username=%ff%fe&password=x&csrf=x",
                          "application/x-www-form-urlencoded"),
}  # fmt: skip
RAW_TARGETS = (
    "/api/v1/comments",
    "/api/v1/articles",
    "/v1alpha1/comments:analyze?key=" + CMS["Authorization"].split()[1],
    "/api/v1/auth/login",
    "/login",
)


@pytest.mark.postgres
@pytest.mark.parametrize("body", sorted(RAW_BODIES))
def test_malformed_bodies_are_4xx_everywhere(client: TestClient, body: str) -> None:
    raw, content_type = RAW_BODIES[body]
    for url in RAW_TARGETS:
        r = client.post(url, content=raw, headers={**CMS, "Content-Type": content_type})
        assert 400 <= r.status_code < 500, f"{url}: {r.status_code} {r.text[:200]}"


@pytest.mark.postgres
def test_a_file_in_a_form_is_refused_not_stored(client: TestClient) -> None:
    upload = {
        "reader": (None, "reader-0123456789abcdef"),
        "name": (None, "Gast"),
        "text": ("big.bin", b"x" * 100_000, "application/octet-stream"),
    }
    r = client.post("/embed/articles/a1/comments", files=upload)
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "text"
    thread = client.get("/api/v1/articles/a1/comments").json()
    assert "UploadFile" not in json.dumps(thread)


def test_payload_corpus_covers_every_kind() -> None:
    kinds = {kind for kind, _ in PAYLOADS.values()}
    assert {"xss", "sql", "template", "header", "traversal", "unicode", REFUSED} <= kinds
    assert Path(__file__).with_name("payloads.py").exists()
