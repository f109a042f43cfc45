"""How long a held comment will probably wait for a human, from live queue data.

The estimate is the number of comments a moderator will take before this one (higher priority,
or same priority and older) divided by the recent human decision rate. Without recent decisions
the configured default per comment is used. Issue 5 refines this with staffing hours.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from netiquette.store.models import Comment, Decision, utcnow

WINDOW = timedelta(hours=1)


def human_decision_rate(session: Session, window: timedelta = WINDOW) -> float:
    """Human decisions per second over the last ``window``."""
    since = utcnow() - window
    count = session.scalar(
        select(func.count(Decision.id)).where(
            Decision.automated.is_(False), Decision.created_at >= since
        )
    )
    return (count or 0) / window.total_seconds()


def queue_position(session: Session, comment: Comment) -> int:
    """How many pending comments a moderator will take before this one."""
    ahead = session.scalar(
        select(func.count(Comment.id)).where(
            Comment.state == "pending",
            Comment.id != comment.id,
            or_(
                Comment.priority > comment.priority,
                and_(
                    Comment.priority == comment.priority,
                    Comment.received_at <= comment.received_at,
                ),
            ),
        )
    )
    return int(ahead or 0)


def estimate_wait(session: Session, comment: Comment, default_per_comment: int) -> int:
    """Estimated seconds until a human decides ``comment``."""
    position = queue_position(session, comment) + 1
    rate = human_decision_rate(session)
    if rate <= 0:
        return int(default_per_comment + (position - 1) * min(default_per_comment, 60))
    return int(position / rate)
