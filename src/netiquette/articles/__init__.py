"""Article ingestion: main-text extraction and the passage a comment refers to."""

from netiquette.articles.extract import (
    ExtractedArticle,
    extract_article,
    extract_body,
    looks_like_html,
    most_related_passage,
)

__all__ = [
    "ExtractedArticle",
    "extract_article",
    "extract_body",
    "looks_like_html",
    "most_related_passage",
]
