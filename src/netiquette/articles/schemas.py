"""An article as a CMS or an import file sends it (strict types: no number where text belongs)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from netiquette.articles.store import ArticleIn
from netiquette.review.intake import validate_id


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class ArticleBody(_In):
    """``POST /api/v1/articles``."""

    id: str = Field(min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=1000)
    text: str | None = None
    html: str | None = None
    published_at: datetime | None = Field(default=None, json_schema_extra={"strict": False})

    def to_article(self) -> ArticleIn:
        """The article as the store takes it (the id checked like every id)."""
        return ArticleIn(
            id=validate_id(self.id, "id"),
            url=self.url,
            title=self.title,
            text=self.text,
            html=self.html,
            published_at=self.published_at,
        )
