"""Request bodies of the JSON API. Strict types: a number where text belongs is an error."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netiquette.articles.schemas import ArticleBody
from netiquette.review.schemas import Author, CommentBody
from netiquette.screening.houserules import MAX_RULES

__all__ = ["ArticleBody", "Author", "CommentBody", "DecisionBody", "LoginBody"]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class DecisionBody(_In):
    """``POST /api/v1/comments/{id}/decision``."""

    action: Literal["approve", "reject"]
    # The site's rule keys (checked against its rule set when deciding); at most MAX_RULES.
    rules: list[str] = Field(default_factory=list, max_length=MAX_RULES)
    # Its length is checked where every decision's note is: review.decide.validate_note.
    note: str | None = None
    version: int | None = None


class LoginBody(_In):
    """``POST /api/v1/auth/login``."""

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
