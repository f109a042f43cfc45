"""Main-text extraction for article pages, HTML or captured text.

``extract_article`` returns title, lead and body paragraphs without page furniture: photo
credits, consent placeholders, menus and share buttons, "Lesen Sie auch" teasers, and the
comment section with its house rules. HTML goes through trafilatura in precision mode, with a
plain ``<p>`` reader as fallback; captured text pages go through the line heuristics in
:mod:`._textpage`. Garbage input never raises anything but :class:`~netiquette.errors.InputError`,
and only when nothing usable remains.
"""

from __future__ import annotations

import re

from netiquette.articles import related
from netiquette.articles._htmlpage import parse_html_page
from netiquette.articles._model import ExtractedArticle
from netiquette.articles._textpage import parse_text_page
from netiquette.errors import InputError

_HTML_TAGS = (
    r"html|head|body|article|main|section|div|span|p|a|br|h[1-6]|ul|ol|li|table|tr|td|img|"
    r"script|style|meta|link|title|header|footer|nav|aside|figure|strong|em|b|i|blockquote"
)
_DOCUMENT_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html\b|!--)", re.I)
_OPEN_TAG = re.compile(rf"<(?:{_HTML_TAGS})(?:\s[^<>]*)?/?>", re.I)
_CLOSE_TAG = re.compile(rf"</(?:{_HTML_TAGS})\s*>", re.I)


def looks_like_html(raw: str) -> bool:
    """True for an HTML document or fragment, False for plain or captured text.

    A text that merely mentions ``<b>`` or "a < b > c" is not HTML: it needs a doctype/``<html>``
    start, or at least two known tags of which one is a closing tag.
    """
    if _DOCUMENT_START.match(raw):
        return True
    opening, closing = len(_OPEN_TAG.findall(raw)), len(_CLOSE_TAG.findall(raw))
    return opening >= 1 and closing >= 1 and opening + closing >= 3


def _from_text(text: str) -> ExtractedArticle | None:
    page = parse_text_page(text)
    if not page.paragraphs and not page.title and not page.lead:
        return None
    return ExtractedArticle(
        title=page.title,
        lead=page.lead,
        body="\n\n".join(page.paragraphs),
        paragraphs=page.paragraphs,
        source="text",
    )


def _from_html(html: str, url: str | None) -> ExtractedArticle | None:
    page = parse_html_page(html, url)
    if not page.paragraphs and not page.lead:
        return None
    return ExtractedArticle(
        title=page.title,
        lead=page.lead,
        body="\n\n".join(page.paragraphs),
        paragraphs=page.paragraphs,
        source="html",
    )


def extract_article(
    *, text: str | None = None, html: str | None = None, url: str | None = None
) -> ExtractedArticle:
    """Extract title, lead and body paragraphs from an HTML page or a captured text page.

    Give ``html`` (with its ``url`` when known, which helps trafilatura) or ``text``. When both
    are given, HTML wins and the text is the fallback. Raises ``InputError`` naming the field
    when neither is given or nothing usable remains.
    """
    if html is not None:
        article = _from_html(html, url)
        if article is not None:
            return article
        if text is None:
            raise InputError("no article text found in the HTML page", field="html")
    if text is None:
        raise InputError("give the article as html or text", field="text")
    article = _from_text(text)
    if article is None:
        raise InputError("no article text found", field="text")
    return article


def extract_body(raw: str) -> str:
    """Title, lead and body of a raw page (HTML or captured text) as plain text.

    For the screening batch tool, whose ``article_text`` may be a whole page. Raises
    ``InputError`` when the page holds no article text.
    """
    if looks_like_html(raw):
        return extract_article(html=raw).full_text
    return extract_article(text=raw).full_text


def most_related_passage(article: ExtractedArticle | str, comment: str) -> str:
    """The article paragraph with the highest lexical overlap with ``comment``.

    ``article`` is an extracted article or a raw page. Overlap counts German word stems without
    stop words, weighted by rarity in the article (see :mod:`netiquette.articles.related`).
    Returns ``""`` when no paragraph shares a content word with the comment.
    """
    if isinstance(article, str):
        try:
            if looks_like_html(article):
                article = extract_article(html=article)
            else:
                article = extract_article(text=article)
        except InputError:
            return ""
    return related.best_passage([article.lead, *article.paragraphs], comment)


__all__ = [
    "ExtractedArticle",
    "extract_article",
    "extract_body",
    "looks_like_html",
    "most_related_passage",
]
