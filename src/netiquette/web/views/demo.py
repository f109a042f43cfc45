"""The demo article page and the embeddable script a CMS can include under any article.

``/demo/articles/{id}`` plays the CMS: its form submits through the same intake as
``POST /api/v1/comments`` (validated, stored before the answer, screened, decided or queued).
The reader is known by a random cookie, so they see their own held comment as "wird geprüft"
with the estimated wait. ``/embed.js`` does the same from any page: it reads published comments
from ``/embed/articles/{id}`` and posts the form to ``/embed/articles/{id}/comments``
(cross-origin, no cookies); all comment text is inserted with ``textContent``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from netiquette.accountability.notices import reader_pseudonym
from netiquette.accountability.waitwords import wait_words
from netiquette.errors import (
    InputError,
    NetiquetteError,
    NotFoundError,
    RateLimitError,
    TooLongError,
)
from netiquette.i18n import DEFAULT, LANGUAGES, gettext
from netiquette.review.intake import NewComment
from netiquette.review.queries import public_thread
from netiquette.review.reports import report_comment
from netiquette.store.models import Article, Comment, utcnow
from netiquette.web.context import AppContext, Ctx
from netiquette.web.i18n import embed_catalogue, pick_language
from netiquette.web.ratelimit import check_limits, rate_limited
from netiquette.web.views.auth import secure_cookies
from netiquette.web.views.rendering import render
from netiquette.web.views.sessions import csrf_ok

router = APIRouter(include_in_schema=False)
READER_COOKIE = "nq_reader"
#: The reader's status links (comment id → token), newest first; about 90 bytes each.
LINKS_COOKIE = "nq_links"
MAX_LINKS = 30
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{10,100}$")
_READER = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
STATIC = Path(__file__).resolve().parent.parent / "static"
CORS = {"Access-Control-Allow-Origin": "*", "Vary": "Origin"}


def _reader_csrf(reader: str) -> str:
    return hashlib.sha256(f"netiquette-demo-form:{reader}".encode()).hexdigest()[:32]


def _author_id(reader: str) -> str:
    return "reader:" + hashlib.sha256(reader.encode()).hexdigest()[:20]


def _links(request: Request) -> dict[str, str]:
    """The reader's status tokens in this browser (comment id → token), from the cookie."""
    try:
        raw = json.loads(request.cookies.get(LINKS_COOKIE, "{}"))
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    return {str(k): str(v) for k, v in raw.items() if _TOKEN.match(str(v))}


def status_path(comment_id: str, token: str, lang: str = "") -> str:
    """The commenter's page of one comment (the link handed out as ``public_status_url``), in
    ``lang`` when given: the language of the page the reader wrote on, not their browser's."""
    suffix = f"&lang={lang}" if lang in LANGUAGES else ""
    return f"/api/v1/public/comments/{quote(comment_id)}?token={quote(token)}{suffix}"


def _own_comments(
    ctx: AppContext, article_id: str, reader: str, links: dict[str, str], lang: str
) -> list[dict[str, Any]]:
    with ctx.db.session() as session:
        rows = list(
            session.scalars(
                select(Comment)
                .where(Comment.article_id == article_id, Comment.author_id == _author_id(reader))
                .order_by(Comment.received_at.desc())
                .limit(20)
            )
        )
        out = []
        for c in rows:
            held = c.state in ("received", "pending")
            wait = ctx.intake.wait.estimate(session, c)
            token = links.get(c.id)
            out.append(
                {
                    "comment": c,
                    "held": held,
                    "wait_text": wait_words(wait, lang, ctx.intake.wait.staffing, utcnow()),
                    "link": status_path(c.id, token, lang) if token else "",
                }
            )
        return out


def _page(
    request: Request,
    ctx: Ctx,
    article_id: str,
    reader: str,
    *,
    error: str = "",
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    with ctx.db.session() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFoundError(f"article {article_id!r} is unknown", field="article_id")
        thread = public_thread(session, article_id, 1, 200)
        title, body = article.title or article.id, article.body
    response = render(
        request,
        "demo_article.html",
        csrf=_reader_csrf(reader),
        article_id=article_id,
        title=title,
        paragraphs=[p for p in body.split("\n\n") if p.strip()],
        thread=thread,
        shown=_count(thread["comments"]),  # replies too: every comment the page shows
        own=_own_comments(ctx, article_id, reader, _links(request), pick_language(request)),
        error=error,
        # What the reader typed, back in the form after a refusal (never lost to an error).
        typed=typed or {},
        flash=request.query_params.get("flash", ""),
        status_code=status,
    )
    response.set_cookie(
        READER_COOKIE,
        reader,
        max_age=365 * 86400,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    return response


def _count(nodes: list[dict[str, Any]]) -> int:
    """Comments in a thread, replies included."""
    return sum(1 + _count(n.get("replies", [])) for n in nodes)


def reader_message(exc: NetiquetteError, lang: str) -> str:
    """A refusal of the reader's comment in the reader's language (the API's words are for
    programs): too long, empty, a bad e-mail address or name; anything else with its reason."""
    _ = gettext(lang)
    numbers = re.findall(r"\d+", exc.message)
    if isinstance(exc, TooLongError) and exc.field == "text" and len(numbers) == 2:
        return _(
            "Your comment has %(n)s characters; at most %(max)s are allowed. Please shorten it."
        ) % {"n": numbers[0], "max": numbers[1]}
    if exc.field == "text" and exc.message.endswith("is empty"):
        return _("Please write a comment first.")
    if exc.field == "notify_email":
        return _("That e-mail address does not look right (like name@example.org).")
    if exc.field == "author.name":
        return _("Please check the name you gave.")
    if isinstance(exc, RateLimitError):
        return _("You have sent many comments in a short time; please wait a moment.")
    return _("Your comment could not be sent: %(reason)s") % {"reason": exc.message}


def _reader(request: Request) -> str:
    reader = request.cookies.get(READER_COOKIE, "")
    return reader if _READER.match(reader) else secrets.token_urlsafe(24)


async def demo_enabled(ctx: Ctx) -> None:
    """The demo pages show any article's stored text: only where the operator wants them."""
    if not ctx.settings.demo_pages:
        raise NotFoundError("the demo pages are switched off (setting demo_pages)", field="path")


@router.get("/demo/articles/{article_id}", dependencies=[Depends(demo_enabled)])
def demo_article(article_id: str, request: Request, ctx: Ctx) -> Response:
    """The article, the comment form, the reader's own held comments and the published ones."""
    return _page(request, ctx, article_id, _reader(request))


@router.post("/demo/articles/{article_id}/comments", dependencies=[Depends(demo_enabled)])
async def demo_post(article_id: str, request: Request, ctx: Ctx) -> Response:
    """Submit the reader's comment through the intake, like the CMS API does."""
    form = await request.form()
    reader = request.cookies.get(READER_COOKIE, "")
    if not _READER.match(reader) or not csrf_ok(_reader_csrf(reader), str(form.get("csrf", ""))):
        expired = gettext(pick_language(request))(
            "The form has expired; please send your comment again."
        )
        return _page(request, ctx, article_id, _reader(request), error=expired, status=403)
    parent = str(form.get("parent_id", "")).strip() or None
    typed = {k: str(form.get(k, "")) for k in ("name", "text", "notify_email")}
    lang = pick_language(request)
    try:
        await run_in_threadpool(_check_reader_limits, ctx, request, reader)
        # Screening is CPU work: never on the event loop (it would stall every request).
        accepted = await run_in_threadpool(
            ctx.intake.submit,
            NewComment(
                article_id=article_id,
                parent_id=parent,
                author_id=_author_id(reader),
                author_name=typed["name"].strip()[:200] or "Gast",
                text=typed["text"],
                notify_email=typed["notify_email"].strip() or None,
                notify_lang=lang,
            ),
            submitter="demo:reader",
        )
    except NetiquetteError as exc:
        page = _page(
            request,
            ctx,
            article_id,
            reader,
            error=reader_message(exc, lang),
            status=exc.status,
            typed=typed,
        )
        if isinstance(exc, RateLimitError):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    response = RedirectResponse(f"/demo/articles/{article_id}#own", status_code=303)
    if accepted.status_token:
        # "Ihre Kommentare": this browser keeps the link to each of its comments' pages.
        links = {accepted.id: accepted.status_token, **_links(request)}
        response.set_cookie(
            LINKS_COOKIE,
            json.dumps(dict(list(links.items())[:MAX_LINKS]), separators=(",", ":")),
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request),
        )
    return response


@router.post(
    "/demo/comments/{comment_id}/report",
    dependencies=[Depends(demo_enabled), Depends(rate_limited("public"))],
)
async def demo_report(comment_id: str, request: Request, ctx: Ctx) -> Response:
    """A reader reports a published comment to the moderators."""
    form = await request.form()
    reader = request.cookies.get(READER_COOKIE, "")
    if not _READER.match(reader) or not csrf_ok(_reader_csrf(reader), str(form.get("csrf", ""))):
        raise InputError("the form is stale; reload the page", field="csrf")
    with ctx.db.session() as session:
        reporter = reader_pseudonym(session, _author_id(reader))  # no raw id in the chain
        reason = str(form.get("reason", ""))[:500]
        report_comment(session, comment_id, reporter, reason, codes=ctx.house_rules.keys)
        found = session.get(Comment, comment_id)
        article_id = found.article_id if found else ""
    return RedirectResponse(
        f"/demo/articles/{article_id}?flash=demo.reported#comments", status_code=303
    )


@router.get("/embed.js")
def embed_script() -> Response:
    """The embeddable script (include it with ``data-article="<article id>"``)."""
    code = (
        (STATIC / "embed.js")
        .read_text(encoding="utf-8")
        .replace("/*WORDS*/{}", json.dumps(embed_catalogue(), ensure_ascii=False))
        .replace('/*DEFAULT*/"de"', json.dumps(DEFAULT))
    )
    return Response(
        code,
        media_type="application/javascript",
        headers={**CORS, "Cache-Control": "public, max-age=300"},
    )


@router.get("/embed/articles/{article_id}")
def embed_thread(article_id: str, ctx: Ctx) -> Response:
    """Published comments of an article, for the embed (CORS open, no credentials)."""
    try:
        with ctx.db.session() as session:
            body = public_thread(session, article_id, 1, 200)
    except NetiquetteError as exc:
        return JSONResponse(exc.to_dict(), status_code=exc.status, headers=CORS)
    return JSONResponse(body, headers=CORS)


def _check_reader_limits(ctx: AppContext, request: Request, reader: str) -> None:
    """A reader's post counts against their address and their author id (one transaction)."""
    check_limits(ctx, address=("public", request), author=_author_id(reader))


@router.post("/embed/articles/{article_id}/comments")
async def embed_post(article_id: str, request: Request, ctx: Ctx) -> Response:
    """A reader's comment from the embed; answers with its status and estimated wait."""
    form = await request.form()
    reader = str(form.get("reader", ""))
    try:
        if not _READER.match(reader):
            raise InputError("reader must be 16-64 letters, digits, '-' or '_'", field="reader")
        # Inside the try: a 429 carries the CORS headers too, or the embed could not read it.
        await run_in_threadpool(_check_reader_limits, ctx, request, reader)
        accepted = await run_in_threadpool(
            ctx.intake.submit,
            NewComment(
                article_id=article_id,
                author_id=_author_id(reader),
                author_name=str(form.get("name", "")).strip()[:200] or "Gast",
                text=str(form.get("text", "")),
                notify_email=str(form.get("notify_email", "")).strip() or None,
                notify_lang=str(form.get("lang", "")) or DEFAULT,
            ),
            submitter="embed:reader",
        )
    except NetiquetteError as exc:
        headers = dict(CORS)
        if isinstance(exc, RateLimitError):
            headers["Retry-After"] = str(exc.retry_after)
        body = exc.to_dict()
        # The embed shows the message to the reader: in the reader's language.
        lang = str(form.get("lang", ""))
        body["error"]["message"] = reader_message(exc, lang if lang in LANGUAGES else DEFAULT)
        return JSONResponse(body, status_code=exc.status, headers=headers)
    return JSONResponse(
        {
            "id": accepted.id,
            "status": accepted.state,
            "estimated_wait_seconds": accepted.estimated_wait_seconds,
            # The embed keeps it in localStorage and links "Ihre Kommentare" to the page.
            "public_status_url": str(request.base_url).rstrip("/")
            + status_path(accepted.id, accepted.status_token or "", str(form.get("lang", ""))),
        },
        status_code=202,
        headers=CORS,
    )


@router.get("/embed/comments/{comment_id}")
def embed_status(comment_id: str, request: Request, ctx: Ctx) -> Response:
    """The status of the reader's own comment (only its author, by reader id, may ask)."""
    reader = request.query_params.get("reader", "")
    with ctx.db.session() as session:
        comment = session.get(Comment, comment_id)
        if comment is None or not _READER.match(reader) or comment.author_id != _author_id(reader):
            error = NotFoundError(f"comment {comment_id!r} is unknown", field="comment_id")
            return JSONResponse(error.to_dict(), status_code=404, headers=CORS)
        wait = ctx.intake.wait.estimate(session, comment)
        lang = request.query_params.get("lang", "")
        words = wait_words(
            wait, lang if lang in LANGUAGES else DEFAULT, ctx.intake.wait.staffing, utcnow()
        )
        return JSONResponse(
            {
                "id": comment.id,
                "status": comment.state,
                "text": comment.text,
                "estimated_wait_seconds": wait,
                "wait_text": words,
            },
            headers=CORS,
        )
