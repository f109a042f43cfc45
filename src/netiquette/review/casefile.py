"""Everything a moderator needs to decide one comment, gathered in a few queries.

The comment with each house rule's result and evidence; the article's title, lead and the
passage most related to the comment; the parent comment of a reply; the author's record
(how many of their comments were published or rejected, and the last decisions on them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netiquette.articles.related import best_passage
from netiquette.errors import NotFoundError
from netiquette.review.queries import latest_screening
from netiquette.store.models import Comment, Decision, Report

RECENT_DECISIONS = 5


@dataclass(slots=True)
class AuthorRecord:
    """The author's history in this comment section."""

    approved: int = 0
    rejected: int = 0
    pending: int = 0
    recent: list[tuple[Decision, Comment]] = field(default_factory=list)


@dataclass(slots=True)
class CaseFile:
    """One comment and its context."""

    comment: Comment
    screening: dict[str, dict[str, Any]]
    article_title: str
    article_lead: str
    related_passage: str
    parent: Comment | None
    author: AuthorRecord
    decisions: list[Decision]
    open_reports: int

    @property
    def flagged_rules(self) -> list[str]:
        """House rules that flagged the comment, in the order they were screened."""
        return [r for r, row in self.screening.items() if row.get("flag")]


def paragraphs(body: str) -> list[str]:
    """The article's paragraphs (blank-line separated), empty ones dropped."""
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def author_record(session: Session, comment: Comment) -> AuthorRecord:
    """Counts of the author's comments by state and the latest decisions on their others."""
    record = AuthorRecord()
    for state, n in session.execute(
        select(Comment.state, func.count(Comment.id))
        .where(Comment.author_id == comment.author_id, Comment.id != comment.id)
        .group_by(Comment.state)
    ):
        if state in ("approved", "rejected", "pending"):
            setattr(record, state, int(n))
    rows = session.execute(
        select(Decision, Comment)
        .join(Comment, Comment.id == Decision.comment_id)
        .where(Comment.author_id == comment.author_id, Comment.id != comment.id)
        .order_by(Decision.id.desc())
        .limit(RECENT_DECISIONS)
    ).all()
    record.recent = [(d, c) for d, c in rows]
    return record


def casefile(session: Session, comment_id: str) -> CaseFile:
    """Gather the case file of one comment, or raise NotFoundError."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFoundError(f"comment {comment_id!r} is unknown", field="comment_id")
    article = comment.article
    parts = paragraphs(article.body or "")
    lead = parts[0] if parts else ""
    passage = best_passage(parts[1:], comment.text) if len(parts) > 1 else ""
    parent = session.get(Comment, comment.parent_id) if comment.parent_id else None
    reports = session.scalar(
        select(func.count(Report.id)).where(
            Report.comment_id == comment.id, Report.resolved_at.is_(None)
        )
    )
    return CaseFile(
        comment=comment,
        screening=latest_screening(session, comment.id),
        article_title=article.title or article.id,
        article_lead=lead,
        related_passage=passage,
        parent=parent,
        author=author_record(session, comment),
        decisions=list(comment.decisions),
        open_reports=int(reports or 0),
    )
