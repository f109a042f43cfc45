"""A comment as a CMS or an import file sends it (strict types: no number where text belongs)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from netiquette.review.intake import NewComment


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


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
    notify_email: str | None = Field(
        default=None,
        max_length=254,
        description="Optional: the commenter's e-mail address to hear of the decision "
        "(personal data: kept until erasure or retention)",
    )
    notify_lang: str = Field(default="de", max_length=8, description="Language of the e-mail")

    def to_new_comment(self) -> NewComment:
        """The comment as the intake takes it."""
        return NewComment(
            id=self.id,
            article_id=self.article_id,
            parent_id=self.parent_id,
            author_id=self.author.id,
            author_name=self.author.name,
            text=self.text,
            notify_email=self.notify_email or None,
            notify_lang=self.notify_lang,
        )
