"""Read-only views of comments: status, the public thread, the human queue, the audit log."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netiquette.errors import NotFoundError
from netiquette.screening.harm import harm_name
from netiquette.store.models import (
    Article,
    AuditEvent,
    Comment,
    Decision,
    Report,
    ReportNotice,
    Screening,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def decision_dict(d: Decision) -> dict[str, Any]:
    """JSON form of a decision."""
    return {
        "id": d.id,
        "action": d.action,
        "actor": d.actor,
        "automated": d.automated,
        "rules": list(d.rules),
        "note": d.note,
        "reverses": d.reverses_id,
        "policy_version": d.policy_version,
        "model_versions": dict(d.model_versions),
        "decided_at": _iso(d.created_at),
    }


def latest_screening(session: Session, comment_id: str) -> dict[str, dict[str, Any]]:
    """The newest result per house rule for one comment."""
    rows = session.scalars(
        select(Screening).where(Screening.comment_id == comment_id).order_by(Screening.id)
    )
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        out[row.rule] = {
            "version": row.rule_version,
            "score": row.score,
            "flag": row.flag,
            "evidence": list(row.evidence),
            "reason": row.reason,
        }
    return out


def comment_status(session: Session, comment_id: str) -> dict[str, Any]:
    """Status, latest decision and screening with evidence, as the CMS sees it."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFoundError(f"comment {comment_id!r} is unknown", field="id")
    latest = comment.decisions[-1] if comment.decisions else None
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "parent_id": comment.parent_id,
        "author": {"id": comment.author_id, "name": comment.author_name},
        "text": comment.text,
        "status": comment.state,
        "public": comment.state == "approved",
        "received_at": _iso(comment.received_at),
        "priority": comment.priority,
        "version": comment.version,
        "estimated_wait_seconds": comment.estimated_wait_seconds
        if comment.state in ("received", "pending")
        else 0,
        "decision": decision_dict(latest) if latest else None,
        "decisions": [decision_dict(d) for d in comment.decisions],
        "screening": latest_screening(session, comment.id),
    }


def public_thread(session: Session, article_id: str, page: int, page_size: int) -> dict[str, Any]:
    """Approved comments of an article, threaded, top-level comments paginated oldest first.

    A reply is shown only when its whole chain of parents is public, so a published reply
    never sits under (or leaks the context of) a comment that was rejected.
    """
    if session.get(Article, article_id) is None:
        raise NotFoundError(f"article {article_id!r} is unknown", field="article_id")
    approved = (Comment.article_id == article_id) & (Comment.state == "approved")
    total = (
        session.scalar(select(func.count(Comment.id)).where(approved, Comment.parent_id.is_(None)))
        or 0
    )
    roots = list(
        session.scalars(
            select(Comment)
            .where(approved, Comment.parent_id.is_(None))
            .order_by(Comment.received_at, Comment.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    replies: dict[str, list[Comment]] = defaultdict(list)
    for reply in session.scalars(
        select(Comment)
        .where(approved, Comment.parent_id.is_not(None))
        .order_by(Comment.received_at)
    ):
        replies[reply.parent_id or ""].append(reply)

    def node(c: Comment) -> dict[str, Any]:
        return {
            "id": c.id,
            "author": {"name": c.author_name},
            "text": c.text,
            "received_at": _iso(c.received_at),
            "published_at": _iso(c.decided_at),
            "replies": [node(r) for r in replies.get(c.id, [])],
        }

    return {
        "article_id": article_id,
        "page": page,
        "page_size": page_size,
        "total": total,
        "comments": [node(c) for c in roots],
    }


def _illegal_reported(session: Session) -> Any:
    """Published comments with an open notice of illegal content, oldest notice first."""
    first_notice = (
        select(Report.comment_id, func.min(Report.created_at).label("noticed_at"))
        .join(ReportNotice, ReportNotice.report_id == Report.id)
        .where(Report.resolved_at.is_(None), ReportNotice.category == "illegal_content")
        .group_by(Report.comment_id)
        .subquery()
    )
    return (
        select(Comment)
        .join(first_notice, first_notice.c.comment_id == Comment.id)
        .where(Comment.state == "approved")
        .order_by(first_notice.c.noticed_at, Comment.id)
    )


def human_queue(session: Session, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """What awaits a human, most harmful first, then oldest first.

    First the published comments readers reported as illegal (DSA Art. 16 notices: public now,
    so most urgent), then the pending comments by harm level (``priority``, set at screening:
    threats first, off-topic last; see :mod:`netiquette.screening.harm`).
    """
    illegal = _illegal_reported(session)
    n_illegal = int(session.scalar(select(func.count()).select_from(illegal.subquery())) or 0)
    rows: list[tuple[Comment, str]] = []
    if offset < n_illegal:
        page = session.scalars(illegal.offset(offset).limit(limit))
        rows += [(c, "illegal_content_report") for c in page]
    rest = limit - len(rows)
    if rest > 0:
        pending = session.scalars(
            select(Comment)
            .where(Comment.state == "pending")
            .order_by(Comment.priority.desc(), Comment.received_at, Comment.id)
            .offset(max(0, offset - n_illegal))
            .limit(rest)
        )
        rows += [(c, harm_name(c.priority)) for c in pending]
    out = []
    for c, harm in rows:
        screening = latest_screening(session, c.id)
        out.append(
            {
                "id": c.id,
                "article_id": c.article_id,
                "parent_id": c.parent_id,
                "author": {"id": c.author_id, "name": c.author_name},
                "text": c.text,
                "status": c.state,
                "received_at": _iso(c.received_at),
                "priority": c.priority,
                "harm": harm,
                "version": c.version,
                "flags": [rule for rule, r in screening.items() if r["flag"]],
                "screening": screening,
            }
        )
    return out


def audit_events(
    session: Session, comment_id: str | None, limit: int, after_id: int = 0
) -> list[dict[str, Any]]:
    """Audit events in the order they happened, optionally for one comment."""
    query = select(AuditEvent).where(AuditEvent.id > after_id)
    if comment_id is not None:
        query = query.where(AuditEvent.comment_id == comment_id)
    rows = session.scalars(query.order_by(AuditEvent.id).limit(limit))
    return [
        {
            "id": e.id,
            "comment_id": e.comment_id,
            "article_id": e.article_id,
            "event": e.event,
            "actor": e.actor,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "details": dict(e.details),
            "at": _iso(e.created_at),
        }
        for e in rows
    ]
