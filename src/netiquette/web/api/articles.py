"""``/api/v1/articles``: the CMS pushes articles; anyone reads published comments."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from netiquette.articles.store import article_dict, upsert_article
from netiquette.errors import NotFoundError
from netiquette.review.queries import public_thread
from netiquette.store.models import Article
from netiquette.web.api.schemas import ArticleBody
from netiquette.web.context import Cms, Ctx, DbSession

router = APIRouter(tags=["articles"])


@router.post("/articles", status_code=200)
def post_article(body: ArticleBody, caller: Cms, ctx: Ctx, session: DbSession) -> dict[str, Any]:
    """Create or update an article; answers with the extracted body."""
    article = upsert_article(
        session,
        body.to_article(),
        actor=caller.actor,
        max_chars=ctx.settings.max_article_chars,
    )
    return article_dict(article)


@router.get("/articles/{article_id}")
def get_article(article_id: str, _caller: Cms, session: DbSession) -> dict[str, Any]:
    """One article with its extracted body."""
    article = session.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"article {article_id!r} is unknown", field="article_id")
    return article_dict(article)


@router.get("/articles/{article_id}/comments")
def get_public_comments(
    article_id: str,
    ctx: Ctx,
    session: DbSession,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int | None = Query(None, ge=1, le=200),
) -> dict[str, Any]:
    """Published comments only, threaded, top-level comments paginated (no login needed)."""
    return public_thread(session, article_id, page, page_size or ctx.settings.page_size)
