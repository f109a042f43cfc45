"""Perspective-compatible endpoints: ``/v1alpha1/comments:analyze`` and ``:suggestscore``.

A client that speaks Perspective (Coral Talk, the Google API client libraries, plain curl)
switches to netiquette by changing the endpoint; the ``key`` is a netiquette CMS API key, given
as ``?key=``, ``X-Goog-Api-Key`` or a bearer token. Every error, including a bad key, is a
Google-style body ``{"error": {"code", "message", "status"}}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from netiquette.accounts import Principal, authenticate
from netiquette.compat.attributes import attributes_for
from netiquette.compat.discovery import API, VERSION, discovery_document
from netiquette.compat.feedback import parse_suggestion, store_suggestion
from netiquette.compat.google import GoogleApiError, error_body, loads_lenient
from netiquette.compat.perspective import AnalyzeRequest, analyze, parse_analyze
from netiquette.errors import NetiquetteError, RateLimitError
from netiquette.store.models import Article
from netiquette.web.context import AppContext, get_context
from netiquette.web.ratelimit import check_limits

log = logging.getLogger(__name__)


class GoogleErrorRoute(APIRoute):
    """A route whose every failure is answered in Google's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def google_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except GoogleApiError as exc:
                error = exc
            except RateLimitError as exc:
                return JSONResponse(
                    error_body(GoogleApiError.from_netiquette(exc)),
                    status_code=429,
                    headers={"Retry-After": str(exc.retry_after)},
                )
            except NetiquetteError as exc:
                error = GoogleApiError.from_netiquette(exc)
            except RequestValidationError:
                error = GoogleApiError("Invalid request.")
            except Exception:
                log.exception("unexpected error on %s", request.url.path)
                error = GoogleApiError("Internal error; it was logged.", 500)
            return JSONResponse(error_body(error), status_code=error.code)

        return google_errors


router = APIRouter(prefix="/v1alpha1", tags=["perspective"], route_class=GoogleErrorRoute)
#: The discovery document, where Google's client libraries look for it.
discovery = APIRouter(tags=["perspective"], route_class=GoogleErrorRoute)


def _discovery(request: Request, api: str, version: str | None) -> JSONResponse:
    if api != API or version != VERSION:
        raise GoogleApiError(
            f"Discovery document for {api!r} version {version!r} not found; this server "
            f"describes {API} {VERSION}.",
            404,
        )
    ctx = get_context(request)
    root = str(ctx.settings.public_base_url).rstrip("/") or str(request.base_url).rstrip("/")
    return JSONResponse(discovery_document(root + "/"))


@discovery.get("/$discovery/rest")
def discovery_v2(request: Request, version: str | None = None) -> JSONResponse:
    """The commentanalyzer v1alpha1 discovery document (Google's ``$discovery`` path), for
    ``discovery.build(..., discoveryServiceUrl=".../$discovery/rest?version={apiVersion}")``."""
    return _discovery(request, API, version)


@discovery.get("/discovery/v1/apis/{api}/{version}/rest")
def discovery_v1(request: Request, api: str, version: str) -> JSONResponse:
    """The same document at Google's classic discovery path (``{api}``/``{apiVersion}``)."""
    return _discovery(request, api, version)


def _key(request: Request) -> str:
    key = request.query_params.get("key") or request.headers.get("x-goog-api-key")
    if not key:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else ""
    if not key:
        raise GoogleApiError(
            "The request is missing a valid API key: send ?key=<netiquette API key>.", 401
        )
    return key


def _caller(ctx: AppContext, key: str) -> Principal:
    # A key verified moments ago costs no database read (accounts.API_KEY_RECHECK_SECONDS).
    with ctx.db.session() as session:
        caller = authenticate(session, key)
    if caller.kind != "cms":  # an admin's login token is a person's, not a CMS's
        raise GoogleApiError("This needs a netiquette CMS API key, not a login token.", 403)
    return caller


def _limited_caller(ctx: AppContext, key: str) -> Principal:
    """The caller, counted against its key's ``api_key_comments_per_minute``."""
    caller = _caller(ctx, key)
    check_limits(ctx, caller=caller)
    return caller


def _article(ctx: AppContext, request: AnalyzeRequest) -> tuple[str | None, str | None]:
    """Body and title of the article named by context.articleId / articleUrl (read only)."""
    if not (request.article_id or request.article_url):
        return None, None
    with ctx.db.session() as session:
        if request.article_id:
            article = session.get(Article, request.article_id)
            where = f"context.articleId {request.article_id!r}"
        else:
            article = session.scalars(
                select(Article).where(Article.url == request.article_url).limit(1)
            ).first()
            where = f"context.articleUrl {request.article_url!r}"
        if article is None or not article.body:
            raise GoogleApiError(f"{where} names no article netiquette has the text of.")
        return article.body, article.title


def _analyze(ctx: AppContext, raw: bytes) -> dict[str, Any]:
    known = attributes_for(ctx.house_rules)
    request = parse_analyze(loads_lenient(raw), ctx.settings.max_comment_chars, known)
    article_text, title = _article(ctx, request)
    # Stateless whatever doNotStore says: nothing below writes, and the text is never logged.
    return analyze(request, ctx.pipeline.screen, article_text, title)


@router.post("/comments:analyze")
async def comments_analyze(request: Request) -> JSONResponse:
    """Score a comment for the requested attributes, Perspective-style. Stores nothing."""
    ctx = get_context(request)
    await run_in_threadpool(_limited_caller, ctx, _key(request))  # before the body is read
    raw = await request.body()
    return JSONResponse(await run_in_threadpool(_analyze, ctx, raw))


def _suggest(ctx: AppContext, caller: Principal, raw: bytes) -> dict[str, Any]:
    known = attributes_for(ctx.house_rules)
    suggestion = parse_suggestion(loads_lenient(raw), ctx.settings.max_comment_chars, known)
    with ctx.db.session() as session:
        store_suggestion(session, suggestion, caller.actor)
    return {"clientToken": suggestion.client_token or ""}


@router.post("/comments:suggestscore")
async def comments_suggestscore(request: Request) -> JSONResponse:
    """Keep a moderator's verdict (attributeScores 0/1) as a labelled example for retraining."""
    ctx = get_context(request)
    caller = await run_in_threadpool(_limited_caller, ctx, _key(request))  # before the body
    raw = await request.body()
    return JSONResponse(await run_in_threadpool(_suggest, ctx, caller, raw))
