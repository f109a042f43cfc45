"""Guards in front of every route: request size, and control characters in the URL.

A body larger than ``max_request_bytes`` is refused with 413 before it is read into memory
(by its Content-Length, or while it streams in); a NUL or other control character in the path
or query is refused with 400 before it reaches a database (PostgreSQL rejects NUL in text).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from netiquette.errors import ErrorCode, error_body

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _TooLarge(Exception):
    pass


async def _answer(send: Send, status: int, code: ErrorCode, message: str, field: str) -> None:
    body = json.dumps(error_body(code, message, field)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware enforcing the size limit and a clean URL."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_query = scope.get("query_string", b"").decode("latin-1")
        if _CONTROL.search(scope.get("path", "")) or _CONTROL.search(unquote(raw_query)):
            await _answer(send, 400, "invalid_url", "the URL contains a control character", "url")
            return
        headers: dict[bytes, bytes] = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _answer(
                send, 413, "too_large", f"request body over {self.max_bytes} bytes", "body"
            )
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await _answer(
                    send, 413, "too_large", f"request body over {self.max_bytes} bytes", "body"
                )


def install_request_guard(app: Any, max_bytes: int) -> None:
    """Add the guard as the outermost middleware of ``app``."""
    app.add_middleware(RequestGuard, max_bytes=max_bytes)
