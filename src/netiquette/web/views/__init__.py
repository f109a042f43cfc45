"""The moderator workspace and the demo pages: server-rendered HTML, htmx, no build step.

:func:`install_views` mounts everything on the app in one call: the security headers, the
static files, the page routers, the login redirect, and HTML error pages for page URLs (the
JSON API keeps its JSON errors).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from netiquette.errors import NetiquetteError
from netiquette.web.views import (
    admin,
    audit,
    auth,
    decide,
    demo,
    models,
    queue,
    spot,
    stats,
    webhooks,
)
from netiquette.web.views.rendering import render
from netiquette.web.views.security import LoginRequired, SecurityHeaders, login_redirect

STATIC = Path(__file__).resolve().parent.parent / "static"
PAGE_PREFIXES = ("/moderate", "/login", "/logout", "/demo")

Handler = Callable[[Request, Exception], Awaitable[Response]]


def install_views(app: FastAPI) -> None:
    """Mount the workspace, demo pages, static files and security headers on ``app``."""
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, queue, decide, spot, stats, audit, admin, webhooks, models, demo):
        app.include_router(module.router)

    async def _login(request: Request, exc: Exception) -> Response:
        return login_redirect(cast(LoginRequired, exc), request)

    app.add_exception_handler(LoginRequired, _login)

    json_handler = cast(Handler | None, app.exception_handlers.get(NetiquetteError))

    async def _error(request: Request, exc: Exception) -> Response:
        err = cast(NetiquetteError, exc)
        wants_html = "text/html" in request.headers.get("accept", "") or bool(
            request.headers.get("hx-request")
        )
        if request.url.path.startswith(PAGE_PREFIXES) and wants_html:
            return render(request, "error.html", error=err, status_code=err.status)
        if json_handler is not None:
            return await json_handler(request, exc)
        return render(request, "error.html", error=err, status_code=err.status)

    app.add_exception_handler(NetiquetteError, _error)
