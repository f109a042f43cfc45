"""The result type of main-text extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ArticleSource = Literal["html", "text"]


@dataclass(frozen=True)
class ExtractedArticle:
    """The readable text of one article page, stripped of page furniture.

    ``paragraphs`` are the body paragraphs in page order, intermediate headings included;
    ``body`` is those paragraphs joined by blank lines. ``lead`` is the teaser under the title
    (empty when the page has none that can be told apart from the body).
    """

    title: str
    lead: str
    body: str
    paragraphs: list[str] = field(default_factory=list)
    source: ArticleSource = "text"

    @property
    def full_text(self) -> str:
        """Title, lead and body joined by blank lines, empty parts left out."""
        return "\n\n".join(part for part in (self.title, self.lead, self.body) if part)
