"""Deciding a comment: the one path every decision takes.

The CMS API, the workspace (decision and undo), bulk decisions, spot checks, appeal outcomes
and the automatic policy all call :func:`decide`, which does in one transaction, identically
for each:

1. the note is checked against one limit (:data:`MAX_NOTE_CHARS`), naming ``note``;
2. a person's decision needs the comment's lease or a free comment (409 naming the holder);
3. the state machine applies the transition (:func:`netiquette.review.machine.perform`:
   state, version check, decision row, audit event);
4. a rejection issues its statement of reasons, dated with the decision, with the rule texts
   in force at that moment;
5. a person's decision resolves the comment's open reader reports and releases the lease;
6. one ``decision_events`` row is written, and the ``decision_committed`` hook is called once
   the transaction commits (never when it rolls back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.sor import issue_statement
from netiquette.errors import InputError, NotFoundError
from netiquette.review.claims import release, require_free_or_held
from netiquette.review.events import EVENT_OF_TRANSITION, record_decision_event
from netiquette.review.machine import Actor, Transition, perform
from netiquette.review.reports import resolve_reports
from netiquette.store.models import Comment, Decision, DecisionEvent, StatementOfReasons, utcnow

#: The longest note a decision may carry, wherever it is taken.
MAX_NOTE_CHARS = 2000
#: Where a decision was taken (kept on its event, for the consumers that care).
SOURCES = frozenset({"api", "workspace", "bulk", "spot_check", "appeal", "policy"})
#: The pseudo-action of an upheld appeal: a decision that leaves the comment as it stands.
UPHOLD = "uphold"


@dataclass(frozen=True, slots=True)
class Decided:
    """What one decision did."""

    comment: Comment
    transition: Transition | None
    statement: StatementOfReasons | None
    event: DecisionEvent | None
    reports_resolved: int

    @property
    def decision(self) -> Decision | None:
        """The decision row written (None for queueing and for an upheld appeal)."""
        return self.transition.decision if self.transition is not None else None


def comment_to_decide(session: Session, comment_id: str) -> Comment:
    """The comment to decide, or NotFoundError naming ``comment_id``."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFoundError(f"comment {comment_id!r} is unknown", field="comment_id")
    return comment


def validate_note(note: str | None) -> str:
    """A moderator's note: at most :data:`MAX_NOTE_CHARS`, no control characters."""
    # intake imports this module; its CONTROL is the one definition of refused characters.
    from netiquette.review.intake import CONTROL

    note = note or ""
    if len(note) > MAX_NOTE_CHARS:
        raise InputError(
            f"note has {len(note)} characters; the limit is {MAX_NOTE_CHARS}", field="note"
        )
    bad = CONTROL.search(note)
    if bad:
        raise InputError(
            f"note contains the control character U+{ord(bad.group()):04X} at {bad.start()}",
            field="note",
        )
    return note.strip()


def decide(
    session: Session,
    comment: Comment,
    actor: Actor,
    action: str,
    *,
    config: AccountabilityConfig,
    source: str,
    rules: Sequence[str] = (),
    note: str | None = None,
    expected_version: int | None = None,
    event: str | None = None,
    appeal_id: int | None = None,
    details: Mapping[str, Any] | None = None,
    **policy: Any,
) -> Decided:
    """Take one decision on ``comment`` in the session's transaction (see the module doc).

    ``action`` is a state-machine action (``approve``, ``reject``, ``undo``; for the policy
    ``auto_approve``, ``auto_reject``, ``queue``) or :data:`UPHOLD`. ``event`` overrides the
    event name derived from the transition (appeals use ``appeal_decided``); ``policy`` holds
    the policy's extras (``priority``, ``policy_version``, ``model_versions``,
    ``screening_error``).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown decision source {source!r}")
    note = validate_note(note)
    person = actor.kind != "policy"
    if person:
        require_free_or_held(session, comment.id, actor.name)
    from_state = comment.state
    transition: Transition | None = None
    if action == UPHOLD:
        if event is None:
            raise ValueError("an upheld appeal needs its event name")
    else:
        transition = perform(
            session,
            comment,
            actor,
            action,
            expected_version=expected_version,
            rules=list(rules),
            note=note,
            house_rules=config.house_rules,
            **policy,
        )
    decision = transition.decision if transition is not None else None
    statement = None
    if decision is not None and decision.action == "reject":
        statement = issue_statement(session, decision, config)
    resolved = 0
    if person:
        resolved = resolve_reports(session, comment.id, actor.label)
        release(session, comment.id, actor.name)
    name = event or (EVENT_OF_TRANSITION.get(transition.event) if transition else None)
    row = None
    if name is not None:
        row = record_decision_event(
            session,
            name,
            source=source,
            comment=comment,
            actor=actor,
            decision=decision,
            from_state=from_state,
            at=decision.created_at if decision is not None else utcnow(),
            appeal_id=appeal_id,
            details=details,
        )
    return Decided(comment, transition, statement, row, resolved)
