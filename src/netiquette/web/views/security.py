"""Who is logged in, CSRF checks, and the security headers of every page.

The Content-Security-Policy allows scripts and styles only from our own origin: no inline
``<script>``, no ``on*=`` attributes, no ``eval`` — so even a comment that slipped through
escaping could not run. (The OpenAPI pages, whose bootstrap script is inline, get a CSP that
refuses framing, plugins and ``<base>`` only.) Answers to a request with credentials (the
session cookie or an ``Authorization`` header) are never cached: ``Cache-Control: no-store``.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.requests import cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from netiquette.errors import ForbiddenError
from netiquette.web.context import Ctx
from netiquette.web.views.sessions import COOKIE, WebUser, csrf_ok, resolve_session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
_API_DOCS = ("/docs", "/redoc", "/openapi.json")
DOCS_CSP = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"


_CSP = CSP.encode()
_DOCS_CSP = DOCS_CSP.encode()
#: Set on every answer unless the route set its own (values as bytes, names lower-case).
_DEFAULTS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))


def _has_credentials(scope: Scope) -> bool:
    """A session cookie or an ``Authorization`` header came with the request."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return True
        if name == b"cookie" and COOKIE in cookie_parser(value.decode("latin-1")):
            return True
    return False


class SecurityHeaders:
    """ASGI middleware: CSP and friends on every response except the OpenAPI pages.

    Plain ASGI (not ``BaseHTTPMiddleware``, whose task group and streams per request cost more
    than the rest of a small answer); it only edits the response head.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response head."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        # The OpenAPI pages run their own inline bootstrap script: a CSP that does not restrict
        # scripts, but framing, plugins and <base> are refused there too.
        wanted = [(b"content-security-policy", _DOCS_CSP if path.startswith(_API_DOCS) else _CSP)]
        wanted.extend(_DEFAULTS)
        if not path.startswith("/embed"):
            wanted.append((b"x-frame-options", b"DENY"))
        no_store = _has_credentials(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in wanted if h[0] not in present)
                if no_store:
                    # A moderator's page or an authenticated answer: no shared or back-button
                    # cache.
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LoginRequired(Exception):
    """Raised by :func:`web_user` without a valid session; answered with a redirect."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def login_redirect(exc: LoginRequired, request: Request) -> Response:
    """Send the browser to the login page (htmx: via ``HX-Redirect``)."""
    target = "/login?next=" + quote(exc.next_url, safe="/")
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return Response(status_code=303, headers={"Location": target})


def web_user(request: Request, ctx: Ctx) -> WebUser:
    """The logged-in moderator; otherwise LoginRequired."""
    token = request.cookies.get(COOKIE, "")
    with ctx.db.session() as session:
        user = resolve_session(session, token)
    if user is None:
        path = request.url.path
        if request.method != "GET":
            path = request.headers.get("hx-current-url", "") or "/moderate"
        raise LoginRequired(path if path.startswith("/") else "/moderate")
    return user


async def checked_user(request: Request, user: Annotated[WebUser, Depends(web_user)]) -> WebUser:
    """The logged-in moderator of a state-changing request whose CSRF token matches."""
    given = request.headers.get("x-csrf-token")
    if not given:
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not csrf_ok(user.csrf_token, given):
        raise ForbiddenError(
            "the form is stale or forged (CSRF token); reload the page", field="csrf"
        )
    return user


async def admin_user(user: Annotated[WebUser, Depends(checked_user)]) -> WebUser:
    """A CSRF-checked admin."""
    if not user.is_admin:
        raise ForbiddenError("this needs an admin login", field="role")
    return user


async def admin_viewer(user: Annotated[WebUser, Depends(web_user)]) -> WebUser:
    """An admin reading a page."""
    if not user.is_admin:
        raise ForbiddenError("this needs an admin login", field="role")
    return user


User = Annotated[WebUser, Depends(web_user)]
CheckedUser = Annotated[WebUser, Depends(checked_user)]
AdminUser = Annotated[WebUser, Depends(admin_user)]
AdminViewer = Annotated[WebUser, Depends(admin_viewer)]
