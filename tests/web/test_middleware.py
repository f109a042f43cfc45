"""The middlewares every answer passes: security headers and request ids, on plain ASGI."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.types import Receive, Scope, Send

from netiquette.web.observability import RequestObserver
from netiquette.web.views.security import CSP, DOCS_CSP, SecurityHeaders
from netiquette.web.views.sessions import COOKIE
from tests.conftest import CMS


async def _own_headers(scope: Scope, receive: Receive, send: Send) -> None:
    """A route that sets its own CSP, cache policy and request id."""
    headers = [
        (b"content-type", b"text/plain"),
        (b"Content-Security-Policy", b"default-src 'none'"),
        (b"cache-control", b"max-age=60"),
        (b"x-request-id", b"from-the-route"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def test_security_headers_keep_a_routes_own_and_refuse_caching_with_credentials() -> None:
    client = TestClient(SecurityHeaders(_own_headers))
    plain = client.get("/x")
    assert plain.headers["content-security-policy"] == "default-src 'none'"  # the route's own
    assert plain.headers["cache-control"] == "max-age=60"
    assert plain.headers["x-frame-options"] == "DENY"
    assert plain.headers["x-content-type-options"] == "nosniff"
    assert plain.headers["referrer-policy"] == "same-origin"
    for credentials in ({"Authorization": "Bearer x"}, {"Cookie": f"a=1; {COOKIE}=s"}):
        answer = client.get("/x", headers=credentials)
        assert answer.headers.get_list("cache-control") == ["no-store"], credentials
    assert client.get("/x", headers={"Cookie": "other=1"}).headers["cache-control"] != "no-store"
    assert "x-frame-options" not in client.get("/embed.js").headers


def test_request_id_replaces_the_routes_and_keeps_a_well_formed_incoming_one() -> None:
    client = TestClient(RequestObserver(_own_headers))
    fresh = client.get("/x").headers.get_list("x-request-id")
    assert len(fresh) == 1 and len(fresh[0]) == 32 and fresh[0] != "from-the-route"
    assert client.get("/x", headers={"X-Request-Id": "lb-7"}).headers["x-request-id"] == "lb-7"
    bad = client.get("/x", headers={"X-Request-Id": "a b"}).headers["x-request-id"]
    assert bad not in ("a b", "from-the-route")


def test_every_answer_of_the_app_passes_the_plain_asgi_middlewares(client: TestClient) -> None:
    # BaseHTTPMiddleware ran each request in its own task group with memory streams: it cost
    # as much as the rest of a small answer (README "Running in production").
    assert not any(m.cls is BaseHTTPMiddleware for m in client.app.user_middleware)  # type: ignore[attr-defined]
    for answer in (
        client.get("/no-such-page"),
        client.get("/healthz"),
        client.post("/api/v1/comments", content=b"{", headers=CMS),
    ):
        assert answer.headers["content-security-policy"] == CSP
        assert answer.headers["x-request-id"]
        assert answer.headers["x-frame-options"] == "DENY"
    assert client.get("/docs").headers["content-security-policy"] == DOCS_CSP
    assert client.get("/healthz", headers=CMS).headers["cache-control"] == "no-store"
