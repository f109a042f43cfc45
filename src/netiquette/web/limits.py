"""Guards in front of every route: request size, control characters in the URL, the body.

A body larger than ``max_request_bytes`` is refused with 413 before it is read into memory
(by its Content-Length, or while it streams in); a NUL or other control character in the path
or query is refused with 400 before it reaches a database (PostgreSQL rejects NUL in text).
Every JSON or form body then passes :mod:`netiquette.web.inputguard` before a route sees it.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any
from urllib.parse import unquote, urlsplit

from babel.numbers import format_decimal
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from netiquette.errors import ErrorCode, error_body
from netiquette.i18n import gettext
from netiquette.web.inputguard import BadInput, check_body, clean_urlencoded

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Coral's phase must never fail on content (Coral would publish): it cleans text itself.
_CLEANS_ITS_OWN = ("/coral/",)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _TooLarge(Exception):
    pass


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    """``headers`` with the Content-Length of a body the guard rewrote."""
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    return [*kept, (b"content-length", b"%d" % length)]


#: Paths the embed script calls from a newspaper's own pages: their refusals must carry the
#: CORS header too, or the reader's browser hides the answer and the form says nothing.
_CROSS_ORIGIN = ("/embed/",)


async def _answer(
    send: Send, status: int, code: ErrorCode, message: str, field: str, path: str = ""
) -> None:
    body = json.dumps(error_body(code, message, field)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if path.startswith(_CROSS_ORIGIN):
        headers += [(b"access-control-allow-origin", b"*"), (b"vary", b"Origin")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


_BROWSER_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _browser_form(scope: Scope) -> bool:
    """A form a reader's browser sent itself (it asks for HTML), not a script or a client."""
    headers: dict[bytes, bytes] = dict(scope.get("headers", []))
    ctype = headers.get(b"content-type", b"").decode("latin-1").split(";", 1)[0]
    accept = headers.get(b"accept", b"").decode("latin-1")
    return ctype.strip().lower() in _BROWSER_FORMS and "text/html" in accept


async def _too_large_page(scope: Scope, send: Send, max_bytes: int) -> None:
    """The 413 as a page in the reader's language: a browser shows JSON as raw text."""
    from netiquette.web.i18n import reader_language  # the web package imports this module

    request = Request(scope)
    lang = reader_language(request)
    _ = gettext(lang)
    title = _("Your text is too long")
    message = _(
        "The form was not sent: it holds more than %(limit)s bytes. Go back with your "
        "browser's back button (your text is usually still there), shorten it and send it again."
    ) % {"limit": format_decimal(max_bytes, locale=lang)}
    back = _("Back to the form")
    # Back to the page the form was on, when it is one of ours (the Referer's path; never
    # "//host/…", which a browser reads as another site).
    referer = urlsplit(request.headers.get("referer", ""))
    path = referer.path
    same_site = (
        referer.netloc == request.headers.get("host", "")
        and path.startswith("/")
        and not path.startswith("//")
    )
    target = path + (f"?{referer.query}" if referer.query else "") if same_site else ""
    link = f'<p><a href="{escape(target)}">{escape(back)}</a></p>' if target else ""
    page = (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
        f"<p>{escape(message)}</p>{link}</main></body></html>"
    ).encode()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", b"%d" % len(page)),
        (b"content-language", lang.encode()),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": page})


#: The most of a refused browser form's body read (and discarded) before answering.
DRAIN_LIMIT = 64_000_000


async def _drain(receive: Receive) -> None:
    """Read the rest of a refused body, up to :data:`DRAIN_LIMIT` bytes."""
    seen = 0
    while seen <= DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


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
            await self._too_large(scope, receive, send)
            return
        path = scope.get("path", "")
        if scope.get("method") in _BODY_METHODS and not path.startswith(_CLEANS_ITS_OWN):
            await self._guarded(scope, receive, send, headers)
            return
        await self._counted(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _browser_form(scope):
            # A browser shows an answer only once its upload is taken: closing on an unread body
            # resets the connection, and the reader sees a network error instead of the page.
            await _drain(receive)
            await _too_large_page(scope, send, self.max_bytes)
            return
        message = f"request body over {self.max_bytes} bytes"
        await _answer(send, 413, "too_large", message, "body", scope.get("path", ""))

    async def _guarded(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes]
    ) -> None:
        """Read the whole body (bounded), check it, then hand it to the app unchanged."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if not content_type and body.lstrip()[:1] in (b"{", b"["):
            content_type = "application/json"  # some clients post JSON without saying so
        try:
            if content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded":
                cleaned = clean_urlencoded(body)  # a browser form: cleaned, not refused
                if cleaned != body:
                    body = cleaned
                    scope = {**scope, "headers": _with_length(scope.get("headers", []), len(body))}
            check_body(content_type, body)
        except BadInput as bad:
            await _answer(send, bad.status, bad.code, bad.message, bad.field, scope.get("path", ""))
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
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
                await self._too_large(scope, receive, send)


def install_request_guard(app: Any, max_bytes: int) -> None:
    """Add the guard as the outermost middleware of ``app``."""
    app.add_middleware(RequestGuard, max_bytes=max_bytes)
