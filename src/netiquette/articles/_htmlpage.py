"""Main text of an HTML article page: trafilatura first, a plain ``<p>`` reader as fallback."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import trafilatura

from netiquette.articles import _textpage


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (keeps long word lists readable)."""
    return frozenset(text.split())


logger = logging.getLogger(__name__)

# Elements whose text is never article text.
_SKIP_TAGS = _words(
    "script style noscript template nav header footer aside form button select figcaption "
    "iframe svg dialog"
)
_BLOCK_TAGS = frozenset(("p", "h1", "h2", "h3", "title"))
_MIN_LEAD_WORDS = 4
_VOID_TAGS = _words("area base br col embed hr img input link meta source track wbr")


@dataclass(frozen=True)
class HtmlPage:
    """Title, lead (meta description or teaser) and body paragraphs of an HTML page."""

    title: str
    lead: str
    paragraphs: list[str]


class _ParagraphReader(HTMLParser):
    """Collects ``<title>``, headings and ``<p>`` text outside navigation, footer and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.description = ""
        self._skip_depth = 0
        self._current: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            names = {key: value or "" for key, value in attrs}
            if names.get("name", "").lower() == "description" and not self.description:
                self.description = " ".join(names.get("content", "").split())
            return
        if tag in _VOID_TAGS:
            return
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS and self._skip_depth == 0:
            self._flush()
            self._current = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == self._current:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._current is not None and self._skip_depth == 0:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        if self._current is not None and text:
            self.blocks.append((self._current, text))
        self._current = None
        self._buffer = []


def _read_paragraphs(html: str) -> HtmlPage:
    """The fallback: title from ``<h1>``/``<title>``, body from ``<p>`` and subheadings."""
    reader = _ParagraphReader()
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # html.parser is lenient; a failure here still must not escape
        logger.debug("html.parser gave up on the page", exc_info=True)
    titles = [text for tag, text in reader.blocks if tag == "h1"]
    titles += [text for tag, text in reader.blocks if tag == "title"]
    title = titles[0] if titles else ""
    lines = [text for tag, text in reader.blocks if tag in ("p", "h2", "h3")]
    return HtmlPage(title=title, lead=reader.description, paragraphs=lines)


def _trafilatura(html: str, url: str | None) -> HtmlPage | None:
    """Trafilatura in precision mode; None when it finds no main text or fails."""
    try:
        document: Any = trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
        )
    except Exception:  # third-party parser on untrusted input: any failure means "nothing"
        logger.debug("trafilatura failed on the page", exc_info=True)
        return None
    if document is None or not (document.text or "").strip():
        return None
    lines = [" ".join(line.split()) for line in document.text.splitlines()]
    return HtmlPage(
        title=" ".join((document.title or "").split()),
        lead=" ".join((document.description or "").split()),
        paragraphs=[line for line in lines if line],
    )


def _split_lead(title: str, lead: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    """Use the teaser paragraph as lead when the meta description is (a cut of) it."""
    if paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]
    stem = lead.rstrip(" .…").casefold()
    if paragraphs and stem and paragraphs[0].casefold().startswith(stem):
        return paragraphs[0], paragraphs[1:]
    return lead, paragraphs


def parse_html_page(html: str, url: str | None = None) -> HtmlPage:
    """Title, lead and cleaned body paragraphs; empty paragraphs when nothing usable is found."""
    page = _trafilatura(html, url)
    if page is None or not _textpage.clean_body(page.paragraphs):
        page = _read_paragraphs(html)
    elif not page.title or not page.lead:
        fallback = _read_paragraphs(html)
        page = HtmlPage(
            title=page.title or fallback.title,
            lead=page.lead or fallback.lead,
            paragraphs=page.paragraphs,
        )
    lead, paragraphs = _split_lead(page.title, page.lead, page.paragraphs)
    if len(lead.split()) < _MIN_LEAD_WORDS:  # a site slogan, not a teaser
        lead = ""
    body = _textpage.clean_body(paragraphs, drop=(page.title, lead))
    return HtmlPage(title=page.title, lead=lead, paragraphs=body)
