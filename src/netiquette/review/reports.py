"""Readers' reports of published comments: stored, listed for moderators, resolved.

A report does not change a comment's state — only a moderator's decision does. Deciding a
reported comment (or dismissing its reports) resolves every open report on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from netiquette.errors import InputError, NotFoundError
from netiquette.review.audit import record_event
from netiquette.store.models import Comment, Report, utcnow

MAX_REASON = 500


def _reason_for_audit(reason: str, codes: Collection[str]) -> dict[str, str]:
    """The chain keeps no reader-written text (erasure must not break it): a code or a hash."""
    if reason in codes or not reason:
        return {"reason": reason}
    return {"reason_sha256": hashlib.sha256(reason.encode()).hexdigest()}


def report_comment(
    session: Session,
    comment_id: str,
    reporter: str,
    reason: str = "",
    *,
    codes: Collection[str] = (),
) -> Report:
    """Record a reader's report of a published comment.

    ``codes`` are the reasons that are codes (``illegal_content``, the site's house rules,
    ``other``): the audit chain keeps those as written and only a hash of anything else.
    """
    comment = session.get(Comment, comment_id)
    if comment is None or comment.state != "approved":
        raise NotFoundError(f"published comment {comment_id!r} is unknown", field="comment_id")
    if len(reason) > MAX_REASON:
        raise InputError(f"reason is longer than {MAX_REASON} characters", field="reason")
    row = Report(comment_id=comment_id, reporter=reporter, reason=reason.strip())
    session.add(row)
    record_event(
        session,
        "reported",
        reporter,
        comment_id=comment_id,
        article_id=comment.article_id,
        details=_reason_for_audit(reason.strip(), codes),
    )
    session.flush()
    return row


def open_reports(session: Session, comment_id: str) -> list[Report]:
    """Unresolved reports of one comment, oldest first."""
    return list(
        session.scalars(
            select(Report)
            .where(Report.comment_id == comment_id, Report.resolved_at.is_(None))
            .order_by(Report.id)
        )
    )


def resolve_reports(session: Session, comment_id: str, moderator: str) -> int:
    """Close every open report of a comment; returns how many were open."""
    result = session.execute(
        update(Report)
        .where(Report.comment_id == comment_id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by=moderator)
        .execution_options(synchronize_session=False)
    )
    n = int(getattr(result, "rowcount", 0) or 0)
    if n:
        record_event(
            session,
            "reports_resolved",
            moderator,
            comment_id=comment_id,
            details={"reports": n},
        )
    return n
