"""From the decision outbox to deliveries: one per subscribed endpoint per decision event.

Every committed decision left a ``decision_events`` row in its own transaction
(:mod:`netiquette.review.events`). :func:`fan_out` turns the rows not yet handled
(``delivered_at`` empty) into ``webhook_deliveries`` and marks them, in one transaction, so an
event gets its deliveries exactly once even with several processes doing this at once
(PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: its single writer lock).

An endpoint receives the events decided after it was added, and only those it subscribed to.
A Coral endpoint receives the human decisions on comments that came through the Coral phase
(Coral heard the automatic ones in the phase's answer).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.store.models import (
    Comment,
    DecisionEvent,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)

#: Events handled per transaction (a backlog drains in several rounds).
BATCH = 200
#: Prefix of the ids netiquette gives comments that came through the Coral phase.
CORAL_PREFIX = "coral-"


def event_payload(event: DecisionEvent, comment: Comment | None) -> dict[str, Any]:
    """The JSON a CMS receives. No texts, no names: ids, states, rules and who decided."""
    payload: dict[str, Any] = {
        "id": event.key,
        "event": event.event,
        "created_at": event.created_at.isoformat(),
        "comment": {
            "id": event.comment_id,
            "article_id": event.article_id,
            "parent_id": comment.parent_id if comment is not None else None,
            "state": event.to_state,
            "previous_state": event.from_state,
        },
        "decision": {
            "id": event.decision_id,
            "decided_by": "policy" if event.automated else "moderator",
            "rules": list(event.rules),
            "source": event.source,
        },
    }
    if event.appeal_id is not None:
        payload["appeal"] = {"id": event.appeal_id, "outcome": event.details.get("outcome")}
    return payload


def _wants(endpoint: WebhookEndpoint, event: DecisionEvent) -> bool:
    if endpoint.created_at > event.created_at:
        return False
    if endpoint.kind == "coral":
        return (
            not event.automated
            and event.comment_id.startswith(CORAL_PREFIX)
            and event.to_state in ("approved", "rejected")
        )
    return not endpoint.events or event.event in endpoint.events


def fan_out(session: Session, limit: int = BATCH, now: datetime | None = None) -> int:
    """Create the deliveries of up to ``limit`` unhandled events; returns how many were made."""
    query = (
        select(DecisionEvent)
        .where(DecisionEvent.delivered_at.is_(None))
        .order_by(DecisionEvent.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    events = list(session.scalars(query))
    if not events:
        return 0
    endpoints = list(
        session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True)))
    )
    now = now or utcnow()
    made = 0
    for event in events:
        comment = session.get(Comment, event.comment_id)
        for endpoint in endpoints:
            if not _wants(endpoint, event):
                continue
            session.add(
                WebhookDelivery(
                    endpoint_id=endpoint.id,
                    decision_event_id=event.id,
                    event_key=event.key,
                    event=event.event,
                    comment_id=event.comment_id,
                    payload=event_payload(event, comment),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            made += 1
        event.delivered_at = now
    session.flush()
    return made


__all__ = ["BATCH", "CORAL_PREFIX", "event_payload", "fan_out"]
