"""What the commenter sees through the status link, and the appeal they can file there.

The link carries a token that was shown once, at submission; without it an unpublished comment
is invisible (a wrong token answers exactly like an unknown comment, so ids cannot be probed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.accountability.appeals import file_appeal, outcome_dict
from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.sor import (
    appeal_deadline,
    latest_rejection,
    public_statement,
    stored_statement,
)
from netiquette.accountability.tokens import token_matches
from netiquette.errors import NotFoundError
from netiquette.review.wait import estimate_wait
from netiquette.store.models import Appeal, Comment, utcnow

HELD = ("received", "pending")


def comment_for_token(session: Session, comment_id: str, token: str | None) -> Comment:
    """The comment, if ``token`` is its status token; otherwise NotFoundError."""
    comment = session.get(Comment, comment_id)
    if comment is None or not token_matches(comment.status_token_sha256, token):
        raise NotFoundError(
            f"comment {comment_id!r} is unknown or the token does not match", field="token"
        )
    return comment


def live_wait(session: Session, comment: Comment, config: AccountabilityConfig) -> int:
    """The estimate now (0 once decided)."""
    if comment.state not in HELD:
        return 0
    return estimate_wait(session, comment, config.default_wait_seconds, config.staffing)


def commenter_view(
    session: Session,
    comment: Comment,
    config: AccountabilityConfig,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Status, estimate, statement of reasons (when rejected) and the appeal, if any."""
    now = now or utcnow()
    appeal = session.scalar(select(Appeal).where(Appeal.comment_id == comment.id))
    rejection = latest_rejection(comment) if comment.state == "rejected" else None
    issued = stored_statement(session, rejection) if rejection is not None else None
    statement = public_statement(session, issued, config) if issued is not None else None
    can_appeal = (
        rejection is not None and appeal is None and now <= appeal_deadline(rejection, config)
    )
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "text": comment.text,
        "text_removed": comment.text_removed_at is not None,
        "status": comment.state,
        "public": comment.state == "approved",
        "received_at": comment.received_at.isoformat(),
        "decided_at": comment.decided_at.isoformat() if comment.decided_at else None,
        "estimated_wait_seconds": live_wait(session, comment, config),
        "statement_of_reasons": statement,
        "can_appeal": can_appeal,
        "appeal": outcome_dict(appeal) if appeal is not None else None,
    }


def appeal_by_commenter(
    session: Session, comment: Comment, text: str, config: AccountabilityConfig
) -> dict[str, Any]:
    """File the commenter's appeal and answer with its state."""
    return outcome_dict(file_appeal(session, comment, text, config))
