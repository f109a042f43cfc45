"""The event every committed decision leaves: an outbox row, and a hook after commit.

:func:`record_decision_event` writes one ``decision_events`` row in the decision's transaction
(so the event exists exactly when the decision does) and, once that transaction commits, calls
the ``decision_committed`` hook with a frozen copy of the row. On rollback neither remains.

Event names: ``approved``, ``rejected``, ``reversed`` (a published comment rejected or a
rejected one published), ``undone`` (a moderator took their decision back) and
``appeal_decided`` (an appeal upheld or reversed; ``details["outcome"]`` says which). Queueing
a comment for a human is not a decision and leaves no event.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from netiquette.plugins import call_each
from netiquette.review.machine import Actor, after_commit
from netiquette.store.models import Comment, Decision, DecisionEvent

EVENTS = ("approved", "rejected", "reversed", "undone", "appeal_decided")
#: The decision event of each state-machine transition event (``queued`` has none).
EVENT_OF_TRANSITION = {
    "approved": "approved",
    "auto_approved": "approved",
    "rejected": "rejected",
    "auto_rejected": "rejected",
    "reversed": "reversed",
    "undone": "undone",
}


@dataclass(frozen=True, slots=True)
class CommittedDecision:
    """A committed decision as plugins receive it: a copy of its ``decision_events`` row."""

    id: int
    key: str
    event: str
    source: str
    comment_id: str
    article_id: str
    actor: str
    automated: bool
    rules: tuple[str, ...]
    decision_id: int | None
    appeal_id: int | None
    from_state: str | None
    to_state: str | None
    created_at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: DecisionEvent) -> CommittedDecision:
        """The frozen copy of an outbox row."""
        return cls(
            id=row.id,
            key=row.key,
            event=row.event,
            source=row.source,
            comment_id=row.comment_id,
            article_id=row.article_id,
            actor=row.actor,
            automated=row.automated,
            rules=tuple(row.rules),
            decision_id=row.decision_id,
            appeal_id=row.appeal_id,
            from_state=row.from_state,
            to_state=row.to_state,
            created_at=row.created_at,
            details=dict(row.details),
        )


def record_decision_event(
    session: Session,
    event: str,
    *,
    source: str,
    comment: Comment,
    actor: Actor,
    decision: Decision | None,
    from_state: str,
    at: datetime,
    appeal_id: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> DecisionEvent:
    """Write the outbox row of a decision and announce it once the transaction commits."""
    if event not in EVENTS:
        raise ValueError(f"unknown decision event {event!r}")
    row = DecisionEvent(
        key=str(uuid.uuid4()),
        event=event,
        source=source,
        comment_id=comment.id,
        article_id=comment.article_id,
        actor=actor.label,
        automated=actor.kind == "policy",
        rules=list(decision.rules) if decision is not None else [],
        decision_id=decision.id if decision is not None else None,
        appeal_id=appeal_id,
        from_state=from_state,
        to_state=comment.state,
        details=dict(details or {}),
        created_at=at,
    )
    session.add(row)
    session.flush()
    committed = CommittedDecision.of(row)
    after_commit(session, lambda: call_each("decision_committed", event=committed))
    return row
