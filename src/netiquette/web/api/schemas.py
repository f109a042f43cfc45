"""Request bodies of the JSON API. Strict types: a number where text belongs is an error."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netiquette.articles.store import ArticleIn
from netiquette.review.intake import NewComment, validate_id
from netiquette.screening.houserules import MAX_RULES


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


class Author(_In):
    """The commenter as the CMS knows them."""

    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)


class CommentBody(_In):
    """``POST /api/v1/comments``."""

    id: str | None = Field(default=None, min_length=1, max_length=200)
    article_id: str = Field(min_length=1, max_length=200)
    parent_id: str | None = Field(default=None, min_length=1, max_length=200)
    author: Author
    text: str

    def to_new_comment(self) -> NewComment:
        """The comment as the intake takes it."""
        return NewComment(
            id=self.id,
            article_id=self.article_id,
            parent_id=self.parent_id,
            author_id=self.author.id,
            author_name=self.author.name,
            text=self.text,
        )


class DecisionBody(_In):
    """``POST /api/v1/comments/{id}/decision``."""

    action: Literal["approve", "reject"]
    # The site's rule keys (checked against its rule set when deciding); at most MAX_RULES.
    rules: list[str] = Field(default_factory=list, max_length=MAX_RULES)
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class LoginBody(_In):
    """``POST /api/v1/auth/login``."""

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
