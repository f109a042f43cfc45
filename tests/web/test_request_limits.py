"""The body-size limit answers a reader's browser form with a page, everyone else with JSON."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app
from tests.conftest import make_context

LIMIT = 2_000


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    ctx = make_context(f"sqlite:///{tmp_path / 'l.db'}", max_request_bytes=LIMIT)
    with TestClient(create_app(context=ctx), follow_redirects=False) as c:
        yield c
    ctx.db.dispose()


def _form(text: str) -> bytes:
    return ("name=Leserin&text=" + text).encode()


def _oversized_demo_form(client: TestClient, **headers: str) -> httpx.Response:
    """A reader's browser sends the demo form with more than the limit."""
    response: httpx.Response = client.post(
        "/demo/articles/a1/comments",
        content=_form("x" * 5_000),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    return response


def test_an_oversized_browser_form_gets_a_page_in_the_readers_language(client: TestClient) -> None:
    response = _oversized_demo_form(
        client,
        Accept="text/html,application/xhtml+xml,*/*;q=0.8",
        **{"Accept-Language": "de-DE,de;q=0.9"},
        Referer="http://testserver/demo/articles/a1?lang=de",
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "nicht gesendet" in page and "2.000" in page
    assert 'href="/demo/articles/a1?lang=de"' in page


@pytest.mark.parametrize(
    "referer", ["https://elsewhere.example/phish", "http://testserver//elsewhere.example/phish"]
)
def test_a_foreign_referer_gets_no_link(client: TestClient, referer: str) -> None:
    response = _oversized_demo_form(client, Accept="text/html", Referer=referer)
    assert response.status_code == 413
    assert "elsewhere" not in response.text and "<a " not in response.text


def test_scripts_and_clients_keep_the_json_error(client: TestClient) -> None:
    response = client.post(
        "/embed/comments",
        content=_form("x" * 5_000),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"},
    )
    assert response.status_code == 413
    body = response.json()
    assert body["error"]["code"] == "too_large" and body["error"]["field"] == "body"
    assert response.headers["access-control-allow-origin"] == "*"


def test_the_refused_upload_is_read_before_the_page_so_the_browser_can_show_it() -> None:
    # Closing with an unread body resets the TCP connection: the reader's browser then shows a
    # network error, not the page. The guard reads (and drops) the rest of the upload first.
    import asyncio

    from netiquette.web.limits import RequestGuard

    chunks = [b"x" * 1_000 for _ in range(50)]
    taken: list[int] = []
    sent: list[dict[str, object]] = []

    async def app(scope: object, receive: object, send: object) -> None:  # never reached
        raise AssertionError("the app must not see a refused body")

    async def receive() -> dict[str, object]:
        i = len(taken)
        taken.append(i)
        return {"type": "http.request", "body": chunks[i], "more_body": i < len(chunks) - 1}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/demo/articles/a1/comments",
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"accept", b"text/html"),
            (b"content-length", b"50000"),
            (b"host", b"testserver"),
        ],
    }
    asyncio.run(RequestGuard(app, max_bytes=LIMIT)(scope, receive, send))  # type: ignore[arg-type]
    assert len(taken) == len(chunks)
    assert sent[0]["status"] == 413
    assert (b"content-type", b"text/html; charset=utf-8") in sent[0]["headers"]  # type: ignore[operator]
