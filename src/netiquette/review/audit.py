"""The append-only audit log: one place that writes events, so every event has the same shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from netiquette.store.models import AuditEvent, utcnow


def record_event(
    session: Session,
    event: str,
    actor: str,
    *,
    comment_id: str | None = None,
    article_id: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one audit event to the session's transaction."""
    row = AuditEvent(
        comment_id=comment_id,
        article_id=article_id,
        event=event,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        details=dict(details or {}),
        created_at=at or utcnow(),
    )
    session.add(row)
    return row
