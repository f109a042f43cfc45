"""Appeals: the internal complaint procedure of DSA Art. 20.

A commenter contests a rejection once, with a text, through the status link. The appeal waits
in its own queue; a moderator other than the one who rejected decides it (a rejection by the
policy may be reviewed by anyone). Both outcomes are decisions through
:func:`netiquette.review.decide.decide` (lease, event ``appeal_decided``): ``reversed`` publishes
the comment — a new ``approve`` decision reversing the rejection, audited like any other — and
``upheld`` leaves it rejected. Either way the outcome and its reason reach the commenter's
view; the audit log records the outcome with only the sha256 of the reason and of the appeal
text, so erasing the author (GDPR) leaves no text of theirs, nor a moderator's words about it,
in the chain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.sor import appeal_deadline, latest_rejection
from netiquette.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from netiquette.review.audit import record_event
from netiquette.review.decide import MAX_NOTE_CHARS, UPHOLD, decide
from netiquette.review.intake import text_hash, validate_text
from netiquette.review.machine import REJECTED, Actor
from netiquette.store.models import Appeal, Comment, utcnow

OUTCOMES = ("upheld", "reversed")
MAX_APPEAL_CHARS = 5000
#: The reason for the commenter is a moderator's note on the decision: the one limit.
MAX_REASON_CHARS = MAX_NOTE_CHARS


def file_appeal(
    session: Session,
    comment: Comment,
    text: str,
    config: AccountabilityConfig,
    *,
    now: datetime | None = None,
) -> Appeal:
    """The commenter contests the comment's rejection (once)."""
    now = now or utcnow()
    text = validate_text(text, MAX_APPEAL_CHARS)
    existing = session.scalar(select(Appeal).where(Appeal.comment_id == comment.id))
    if existing is not None:
        raise ConflictError(
            f"this comment was already appealed on {existing.created_at:%Y-%m-%d}; "
            "an appeal is possible once",
            field="comment_id",
        )
    decision = latest_rejection(comment) if comment.state == REJECTED else None
    if decision is None:
        raise ConflictError(
            f"comment {comment.id} is {comment.state}; only a rejection can be appealed",
            field="comment_id",
        )
    if now > appeal_deadline(decision, config):
        raise ConflictError(
            f"the time to appeal ended on {appeal_deadline(decision, config):%Y-%m-%d}",
            field="comment_id",
        )
    appeal = Appeal(
        comment_id=comment.id,
        decision_id=decision.id,
        contested_actor=decision.actor,
        text=text,
        text_sha256=text_hash(text),
        state="open",
        created_at=now,
    )
    session.add(appeal)
    session.flush()
    record_event(
        session,
        "appealed",
        "commenter",
        comment_id=comment.id,
        article_id=comment.article_id,
        details={
            "appeal_id": appeal.id,
            "decision_id": decision.id,
            "text_sha256": appeal.text_sha256,
        },
        at=now,
    )
    return appeal


def may_decide(appeal: Appeal, moderator: Actor) -> bool:
    """True unless ``moderator`` took the contested decision themselves."""
    return moderator.label != appeal.contested_actor


def decide_appeal(
    session: Session,
    appeal_id: int,
    moderator: Actor,
    outcome: str,
    reason: str,
    config: AccountabilityConfig,
) -> Appeal:
    """A second moderator upholds or reverses the contested rejection."""
    if outcome not in OUTCOMES:
        raise InputError("outcome must be 'upheld' or 'reversed'", field="outcome")
    reason = reason.strip()
    if not reason:
        raise InputError("give the commenter a reason for the outcome", field="reason")
    if len(reason) > MAX_REASON_CHARS:
        raise InputError(f"reason is longer than {MAX_REASON_CHARS} characters", field="reason")
    appeal = session.get(Appeal, appeal_id, with_for_update=True)
    if appeal is None:
        raise NotFoundError(f"appeal {appeal_id} is unknown", field="appeal_id")
    if appeal.state != "open":
        raise ConflictError(
            f"appeal {appeal_id} was already decided ({appeal.state})", field="appeal_id"
        )
    if not may_decide(appeal, moderator):
        raise ForbiddenError(
            "you took the contested decision; another moderator must decide the appeal",
            field="appeal_id",
        )
    comment = appeal.comment
    latest = comment.decisions[-1] if comment.decisions else None
    if comment.state != REJECTED or latest is None or latest.id != appeal.decision_id:
        raise ConflictError(
            f"comment {comment.id} was decided again since the appeal; reload it",
            field="appeal_id",
        )
    from_state = comment.state
    # The reason stays on the appeal row (erasure reaches it there); the note only points to it.
    decide(
        session,
        comment,
        moderator,
        "approve" if outcome == "reversed" else UPHOLD,
        config=config,
        source="appeal",
        note=f"appeal {appeal.id}",
        event="appeal_decided",
        appeal_id=appeal.id,
        details={"outcome": outcome},
    )
    now = utcnow()
    appeal.state, appeal.decided_by, appeal.decided_at = outcome, moderator.label, now
    appeal.outcome_reason = reason
    record_event(
        session,
        "appeal_decided",
        moderator.label,
        comment_id=comment.id,
        article_id=comment.article_id,
        from_state=from_state,
        to_state=comment.state,
        # The reason is free text to the commenter: it stays on the appeal row, where erasure
        # reaches it; the chain, which can never be erased, keeps its digest.
        details={"appeal_id": appeal.id, "outcome": outcome, "reason_sha256": text_hash(reason)},
        at=now,
    )
    session.flush()
    return appeal


def appeal_queue(session: Session, state: str = "open", limit: int = 100) -> list[Appeal]:
    """Appeals in ``state``, oldest first (the queue moderators work through)."""
    return list(
        session.scalars(
            select(Appeal).where(Appeal.state == state).order_by(Appeal.id).limit(limit)
        )
    )


def open_count(session: Session) -> int:
    """How many appeals await a decision."""
    return int(session.scalar(select(func.count(Appeal.id)).where(Appeal.state == "open")) or 0)


def outcome_dict(appeal: Appeal) -> dict[str, Any]:
    """The appeal as the commenter sees it."""
    return {
        "state": appeal.state,
        "filed_at": appeal.created_at.isoformat(),
        "outcome": appeal.state if appeal.state != "open" else None,
        "reason": appeal.outcome_reason or None,
        "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None,
    }


def appeal_dict(appeal: Appeal, moderator: Actor | None = None) -> dict[str, Any]:
    """The appeal as moderators see it: the comment, the contested decision, the appeal text."""
    comment = appeal.comment
    contested = next((d for d in comment.decisions if d.id == appeal.decision_id), None)
    out = {
        "id": appeal.id,
        "comment": {
            "id": comment.id,
            "article_id": comment.article_id,
            "text": comment.text,
            "status": comment.state,
            "version": comment.version,
        },
        "contested_decision": {
            "id": appeal.decision_id,
            "actor": appeal.contested_actor,
            "automated": bool(contested and contested.automated),
            "rules": list(contested.rules) if contested else [],
            "note": contested.note if contested else "",
            "decided_at": contested.created_at.isoformat() if contested else None,
        },
        "text": appeal.text,
        "decided_by": appeal.decided_by,
        **outcome_dict(appeal),
    }
    if moderator is not None:
        out["you_may_decide"] = appeal.state == "open" and may_decide(appeal, moderator)
    return out
