"""Storing articles: upsert by the publisher's id, keeping the raw page and the extracted body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from netiquette.articles.extract import ExtractedArticle, extract_article
from netiquette.errors import InputError, TooLongError
from netiquette.review.audit import record_event
from netiquette.store.models import Article, utcnow


@dataclass(frozen=True, slots=True)
class ArticleIn:
    """An article as a CMS pushes it: plain text or HTML."""

    id: str
    url: str | None = None
    title: str | None = None
    text: str | None = None
    html: str | None = None
    published_at: datetime | None = None


def upsert_article(session: Session, data: ArticleIn, actor: str, max_chars: int) -> Article:
    """Create or update an article; the body is extracted from the text or HTML given."""
    if (data.text is None) == (data.html is None):
        raise InputError("give exactly one of 'text' or 'html'", field="text")
    raw = data.text if data.text is not None else data.html
    assert raw is not None
    field = "text" if data.text is not None else "html"
    if not raw.strip():
        raise InputError(f"{field} is empty", field=field)
    if len(raw) > max_chars:
        raise TooLongError(f"{field} has {len(raw)} characters; limit {max_chars}", field=field)
    try:
        extracted = extract_article(text=data.text, html=data.html, url=data.url)
    except InputError:
        if data.text is None:
            raise
        # A very short plain text (one sentence) is still the article the CMS means.
        extracted = ExtractedArticle(
            title="", lead="", body=data.text.strip(), paragraphs=[data.text.strip()], source="text"
        )
    # The lead is part of what comments refer to; the title is kept in its own column.
    body = "\n\n".join(p for p in (extracted.lead, extracted.body) if p)
    if not body.strip():
        if data.text is None:
            raise InputError("no article text found in the HTML page", field="html")
        # Only what looked like a title (one line without a full stop, a ticker): a plain text
        # is still the article the CMS means, and off_topic needs it.
        body = data.text.strip()
    article = session.get(Article, data.id)
    created = article is None
    if article is None:
        article = Article(id=data.id, created_at=utcnow())
        session.add(article)
    article.url = data.url or article.url
    article.title = data.title or extracted.title or article.title
    article.raw_page = raw
    article.body = body
    article.published_at = data.published_at or article.published_at
    article.updated_at = utcnow()
    details: dict[str, Any] = {"url": article.url, "body_chars": len(article.body)}
    record_event(
        session,
        "article_created" if created else "article_updated",
        actor,
        article_id=data.id,
        details=details,
    )
    session.flush()
    return article


def article_dict(article: Article) -> dict[str, Any]:
    """JSON form of an article."""
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "body": article.body,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "updated_at": article.updated_at.isoformat(),
    }
