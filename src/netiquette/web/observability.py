"""Operations endpoints and request metrics: ``/metrics``, ``/healthz``, ``/readyz``.

* ``/healthz`` — liveness: the process answers and the database accepts a query.
* ``/readyz`` — readiness for a load balancer: database reachable, schema at the newest
  migration, screening models loaded (one short text screened once); 503 naming what is not
  ready, so a new release with unapplied migrations receives no traffic.
* ``/metrics`` — Prometheus text format (:mod:`netiquette.metrics`).

Every request is counted and timed by route template (``/api/v1/comments/{comment_id}``, never
the concrete path, so the number of series stays small) and gets an ``X-Request-Id``.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from netiquette import __version__
from netiquette.hookspecs import hookimpl
from netiquette.logs import REQUEST_ID
from netiquette.metrics import LATENCY, REGISTRY, REQUESTS, DatabaseGauges, count_decision
from netiquette.review.events import CommittedDecision
from netiquette.screening.base import ScreeningInput
from netiquette.store.db import pending_revisions
from netiquette.web.context import AppContext, get_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_OPS_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})


class DecisionCounter:
    """Counts committed decisions by event and actor kind (a ``decision_committed`` plugin)."""

    @hookimpl
    def decision_committed(self, event: CommittedDecision) -> None:
        count_decision(event.event, event.automated)


DECISION_COUNTER = DecisionCounter()
_gauges_lock = threading.Lock()
_gauges: dict[int, DatabaseGauges] = {}


def _route_of(scope: Scope) -> str:
    """The route template of a request, e.g. ``/api/v1/comments/{comment_id}``.

    Built from the path with each path parameter's value put back as ``{name}`` (FastAPI hands
    included routes to the scope under their router-local path), so ids never become labels.
    """
    if scope.get("route") is None:
        return "unmatched"
    params = {str(v): k for k, v in (scope.get("path_params") or {}).items()}
    if not params:
        return str(scope.get("path", ""))
    segments = scope.get("path", "").split("/")
    return "/".join("{" + params[seg] + "}" if seg in params else seg for seg in segments)


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _REQUEST_ID.match(text) else ""
    return ""


class RequestObserver:
    """ASGI middleware: an ``X-Request-Id`` on every answer (the balancer's own id is kept
    when it is well-formed), the id in the log context, and the request counted and timed.

    Plain ASGI rather than ``BaseHTTPMiddleware``, which ran every request in a task group of
    its own with memory streams: that cost as much as routing and answering a request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer through the app, stamping the id on the response head."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        header = (b"x-request-id", request_id.encode("latin-1"))
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", ()) if h[0].lower() != header[0]]
                headers.append(header)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope.get("path", "") not in _OPS_PATHS:
                route = _route_of(scope)
                status_class = f"{status // 100}xx"
                REQUESTS.labels(route=route, method=scope["method"], status=status_class).inc()
                LATENCY.labels(route=route).observe(time.perf_counter() - started)
            REQUEST_ID.reset(token)


def _check_database(ctx: AppContext) -> str | None:
    try:
        with ctx.db.session() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:
        return f"database not reachable: {type(exc).__name__}"
    return None


def _readiness(ctx: AppContext, state: dict[str, Any]) -> dict[str, Any]:
    checks: dict[str, str] = {}
    problem = _check_database(ctx)
    checks["database"] = problem or "ok"
    if problem is None:
        current, pending = pending_revisions(ctx.db.engine)
        checks["migrations"] = (
            "ok"
            if not pending
            else f"database at {', '.join(current) or 'no schema'}; not applied: "
            f"{', '.join(pending)} (run netiquette migrate)"
        )
    else:
        checks["migrations"] = "unknown (no database)"
    if not state.get("models_loaded"):
        try:
            ctx.pipeline.screen(ScreeningInput(text="Danke für den Artikel."))
            state["models_loaded"] = True
        except Exception as exc:
            checks["models"] = f"screening failed: {type(exc).__name__}"
    checks.setdefault("models", "ok")
    return checks


def install_observability(app: FastAPI) -> None:
    """Request metrics, request ids, and the three operations endpoints."""
    app.add_middleware(RequestObserver)
    state: dict[str, Any] = {}

    @app.get("/healthz", tags=["ops"])
    async def healthz(request: Request) -> JSONResponse:
        """Liveness: the process answers and the database accepts a query."""
        ctx = get_context(request)
        problem = await run_in_threadpool(_check_database, ctx)
        body = {"status": "ok" if problem is None else "failing", "version": __version__}
        body["database"] = ctx.db.backend if problem is None else problem
        return JSONResponse(body, status_code=200 if problem is None else 503)

    @app.get("/readyz", tags=["ops"])
    async def readyz(request: Request) -> JSONResponse:
        """Readiness: database reachable, migrations current, models loaded (503 otherwise)."""
        ctx = get_context(request)
        checks = await run_in_threadpool(_readiness, ctx, state)
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @app.get("/metrics", tags=["ops"], include_in_schema=True)
    async def metrics(request: Request) -> Response:
        """Prometheus metrics of this process plus the database's queue and backlog gauges."""
        ctx = get_context(request)
        with _gauges_lock:
            gauges = _gauges.get(id(ctx.db))
            if gauges is None:
                # One collector per database: its gauges are shared by every process.
                for old in _gauges.values():
                    REGISTRY.unregister(old)
                _gauges.clear()
                gauges = _gauges[id(ctx.db)] = DatabaseGauges(ctx.db)
                REGISTRY.register(gauges)
        registry = REGISTRY
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # Several processes behind one port (serve --workers N): add up every process's
            # counters from the shared directory; the database gauges are read once.
            from prometheus_client import CollectorRegistry, multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            registry.register(gauges)
        payload = await run_in_threadpool(generate_latest, registry)
        return Response(payload, media_type=CONTENT_TYPE_LATEST)


__all__ = ["DECISION_COUNTER", "DecisionCounter", "install_observability"]
