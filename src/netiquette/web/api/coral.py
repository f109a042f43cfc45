"""Coral Talk's external moderation phase at ``POST /coral/v1/moderate``.

Configure it in Coral's admin (Configure → Moderation → External moderation phase) with this URL
and the signing secret netiquette knows as ``coral_signing_secret``. Requests without a valid
``X-Coral-Signature`` get 401; an answer is due within ``coral_time_budget_ms``.

Coral reads any failure as "no opinion" and may then publish, so a signed request is never
answered with an error because of what it carries: a request netiquette cannot take in, or whose
intake or screening fails, is answered 200 ``SYSTEM_WITHHELD`` (and logged). The only errors are
503 (phase off), 413 (body over :data:`MAX_BODY_BYTES`), 401 (signature) and 400 (not a JSON
object).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from netiquette.compat.coral import (
    CoralAnswer,
    CoralPhase,
    CoralRequest,
    comment_id_for,
    parse_request,
    timed_out,
    withheld,
)
from netiquette.compat.fetch import FetchLimits, StoryArticles, parse_hosts
from netiquette.compat.signature import HEADER, verify
from netiquette.delivery.coral import link_from_webhook
from netiquette.delivery.deliver import Sender
from netiquette.errors import (
    AuthError,
    ErrorCode,
    InputError,
    NetiquetteError,
    RateLimitError,
    TooLongError,
)
from netiquette.store.models import WebhookEndpoint
from netiquette.web.context import AppContext, get_context
from netiquette.web.ratelimit import check_limits

log = logging.getLogger(__name__)
router = APIRouter(prefix="/coral/v1", tags=["coral"])
_build_lock = threading.Lock()


class CoralDisabledError(NetiquetteError):
    """The Coral phase is not configured (no signing secret)."""

    status = 503
    code: ErrorCode = "coral_disabled"


class CoralUnreachableError(NetiquetteError):
    """Coral's GraphQL API did not answer a lookup (Coral may send the webhook again)."""

    status = 502
    code: ErrorCode = "fetch_failed"


class CoralBodyError(InputError):
    """The request body is not a JSON object."""

    status = 400
    code: ErrorCode = "invalid_json"


#: Largest request body read (before the signature is checked); a comment is far smaller.
MAX_BODY_BYTES = 1_000_000


async def _read_body(request: Request) -> bytes:
    """The raw body, refused with 413 beyond MAX_BODY_BYTES before (or while) reading it."""
    declared = request.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > MAX_BODY_BYTES:
        raise TooLongError(f"body is over {MAX_BODY_BYTES} bytes", field="body")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise TooLongError(f"body is over {MAX_BODY_BYTES} bytes", field="body")
        chunks.append(chunk)
    return b"".join(chunks)


def coral_phase(request: Request, ctx: AppContext) -> CoralPhase:
    """The app's Coral phase, built on first use from the settings."""
    phase: CoralPhase | None = getattr(request.app.state, "coral_phase", None)
    if phase is None:
        with _build_lock:
            phase = getattr(request.app.state, "coral_phase", None)
            if phase is None:
                s = ctx.settings
                limits = FetchLimits(
                    timeout_s=s.article_fetch_timeout_ms / 1000,
                    max_bytes=s.article_fetch_max_bytes,
                    allowed_hosts=parse_hosts(s.article_fetch_hosts),
                )
                articles = StoryArticles(ctx.db, limits, s.max_article_chars)
                phase = CoralPhase(
                    ctx.intake,
                    articles,
                    s.coral_time_budget_ms,
                    auto_approve=s.coral_auto_approve,
                    house_rules=ctx.house_rules,
                )
                request.app.state.coral_phase = phase
    return phase


def _answer(answer: CoralAnswer) -> Response:
    if answer.body is None:
        return Response(status_code=204, headers=answer.headers())
    return JSONResponse(answer.body, headers=answer.headers())


def _log_late_failure(work: asyncio.Future[CoralAnswer]) -> None:
    if not work.cancelled() and work.exception() is not None:
        log.error("Coral comment failed after its budget: %s", work.exception())


def _failed(work: asyncio.Future[CoralAnswer], coral_request: CoralRequest) -> CoralAnswer:
    log.error(
        "Coral comment on story %s failed; withheld for a human",
        coral_request.story_id,
        exc_info=work.exception(),
    )
    try:
        comment_id: str | None = comment_id_for(coral_request)
    except Exception:  # pragma: no cover - the id is a hash of cleaned strings
        comment_id = None
    return withheld(comment_id, "error")


@router.post("/moderate", response_model=None)
async def moderate(request: Request) -> Response:
    """Screen a comment for Coral: 204 (no opinion) or 200 with status and FLAG actions."""
    started = time.monotonic()
    ctx = get_context(request)
    secret = ctx.settings.coral_signing_secret
    if not secret:
        raise CoralDisabledError(
            "the Coral phase is off: set coral_signing_secret", field="coral_signing_secret"
        )
    raw = await _read_body(request)
    if not verify(raw, request.headers.get(HEADER), secret):
        raise AuthError(f"{HEADER} is missing or does not match the body", field=HEADER)
    try:
        decoded = json.loads(raw)
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError, too deep
        raise CoralBodyError("body is not valid JSON", field="body") from None
    if not isinstance(decoded, dict):
        raise CoralBodyError("body must be a JSON object", field="body")
    try:
        coral_request = parse_request(decoded)
    except InputError as exc:
        # Signed by Coral, but not a request netiquette can take in: a human decides.
        log.warning("Coral request not taken in (%s: %s); withheld", exc.field, exc.message)
        answer = withheld(None, "invalid-request")
        response = _answer(answer)
        response.headers["X-Netiquette-Error-Field"] = exc.field or "body"
        return response
    try:
        await run_in_threadpool(check_limits, ctx, author=coral_request.author_id)
    except RateLimitError as exc:
        # Not a 429: Coral reads any error as "no opinion" and may publish. Withheld, Coral
        # keeps it for its own moderators; netiquette takes nothing in.
        log.warning("Coral comment on story %s withheld: %s", coral_request.story_id, exc.message)
        return _answer(withheld(comment_id_for(coral_request), "rate-limited"))
    phase = coral_phase(request, ctx)
    remaining = phase.budget_s - (time.monotonic() - started)
    work = asyncio.ensure_future(run_in_threadpool(phase.moderate, coral_request, started))
    try:
        # shield: past the budget Coral gets its answer, and netiquette still finishes the work.
        answer = await asyncio.wait_for(asyncio.shield(work), timeout=max(0.0, remaining))
    except TimeoutError:
        log.warning("Coral comment on story %s not decided within budget", coral_request.story_id)
        work.add_done_callback(_log_late_failure)
        answer = timed_out(comment_id_for(coral_request))
    except Exception:
        # Intake or screening failed: never "no opinion", which Coral may publish.
        answer = _failed(work, coral_request)
    return _answer(answer)


def _link(ctx: AppContext, event: dict[str, Any]) -> str | None:
    with ctx.db.session() as session:
        endpoint = session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.kind == "coral", WebhookEndpoint.active.is_(True)
            )
        ).first()
        if endpoint is None:
            raise CoralDisabledError(
                "pushing decisions to Coral is off: set coral_api_url and coral_access_token",
                field="coral_api_url",
            )
        api = Sender.from_settings(ctx.db, ctx.settings).coral_api(
            endpoint.url, endpoint.secrets[0], endpoint.allow_internal
        )
        try:
            return link_from_webhook(session, api, event)
        except LookupError as exc:
            raise CoralUnreachableError(
                f"Coral did not answer: {exc}", field="coral_api_url"
            ) from None


@router.post("/events", response_model=None)
async def coral_events(request: Request) -> Response:
    """Coral's webhooks (COMMENT_ENTERED_MODERATION_QUEUE, …): learn Coral's comment ids, so
    later human decisions can be pushed back to Coral."""
    ctx = get_context(request)
    secret = ctx.settings.coral_webhook_secret or ctx.settings.coral_signing_secret
    if not secret:
        raise CoralDisabledError(
            "Coral webhooks are off: set coral_webhook_secret", field="coral_webhook_secret"
        )
    raw = await _read_body(request)
    if not verify(raw, request.headers.get(HEADER), secret):
        raise AuthError(f"{HEADER} is missing or does not match the body", field=HEADER)
    try:
        decoded = json.loads(raw)
    except (ValueError, RecursionError):
        raise CoralBodyError("body is not valid JSON", field="body") from None
    if not isinstance(decoded, dict):
        raise CoralBodyError("body must be a JSON object", field="body")
    linked = await run_in_threadpool(_link, ctx, decoded)
    return JSONResponse({"linked": linked})
