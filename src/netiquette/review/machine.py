"""The review state machine, after Discourse's Reviewable.

Which actions an actor may take depends on who they are and where the comment stands
(:func:`actions_for`). :func:`perform` runs one action: the ``_perform_<action>`` function
computes the :class:`Transition`, and :func:`perform` applies it in the caller's transaction —
state, optimistic version bump, the decision row and exactly one audit event.

Nothing outside :mod:`netiquette.review` calls :func:`perform`: every decision goes through
:func:`netiquette.review.decide.decide`, which adds what each decision entails (lease, note,
reports, statement of reasons, the after-commit event).

States::

    received ──auto_approve──▶ approved ◀──approve── pending ◀──queue── received
        │                        │  ▲                   │
        └──auto_reject──▶ rejected ◀┘ └──(reversal)──────┘──reject──▶ rejected

A moderator may ``undo`` their own decision within :data:`UNDO_SECONDS`: the comment goes back
to ``pending`` (never straight to public) with a decision row ``undo`` that reverses it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from netiquette.errors import ConflictError, ForbiddenError, InputError
from netiquette.review.audit import record_event
from netiquette.screening.houserules import HouseRules, shipped_house_rules
from netiquette.store.models import Comment, CommentState, Decision, utcnow

RECEIVED, PENDING = CommentState.RECEIVED.value, CommentState.PENDING.value
APPROVED, REJECTED = CommentState.APPROVED.value, CommentState.REJECTED.value

# Who may do what, by actor kind and comment state.
_ACTIONS: dict[str, dict[str, frozenset[str]]] = {
    "policy": {RECEIVED: frozenset({"auto_approve", "auto_reject", "queue"})},
    "moderator": {
        RECEIVED: frozenset({"approve", "reject"}),
        PENDING: frozenset({"approve", "reject"}),
        APPROVED: frozenset({"reject", "undo"}),
        REJECTED: frozenset({"approve", "undo"}),
    },
}
#: How long after a decision its author may still take it back with ``undo``.
UNDO_SECONDS = 10
_ACTIONS["admin"] = _ACTIONS["moderator"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the decision policy (``auto:<version>``) or a person."""

    kind: str  # "policy" | "moderator" | "admin"
    name: str

    @property
    def label(self) -> str:
        """The actor as written in decisions and audit events."""
        return f"auto:{self.name}" if self.kind == "policy" else f"moderator:{self.name}"


@dataclass(slots=True)
class Transition:
    """What one action does to a comment."""

    to_state: str
    event: str
    decision: Decision | None = None
    priority: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def actions_for(actor: Actor, state: str) -> frozenset[str]:
    """The actions ``actor`` may take on a comment in ``state``."""
    return _ACTIONS.get(actor.kind, {}).get(state, frozenset())


def _decision(comment: Comment, actor: Actor, action: str, kw: dict[str, Any]) -> Decision:
    previous = comment.decisions[-1] if comment.decisions else None
    return Decision(
        comment_id=comment.id,
        action=action,
        actor=actor.label,
        automated=actor.kind == "policy",
        rules=_house_rules(kw).check_cited(list(kw.get("rules") or [])),
        note=kw.get("note") or "",
        reverses_id=previous.id
        if previous is not None and previous.action not in (action, "undo")
        else None,
        policy_version=kw.get("policy_version"),
        model_versions=dict(kw.get("model_versions") or {}),
    )


def _house_rules(kw: dict[str, Any]) -> HouseRules:
    # The site's rules as built at start-up; the shipped five for callers that pass none.
    rules = kw.get("house_rules")
    return rules if isinstance(rules, HouseRules) else shipped_house_rules()


def _perform_auto_approve(comment: Comment, actor: Actor, kw: dict[str, Any]) -> Transition:
    return Transition(APPROVED, "auto_approved", _decision(comment, actor, "approve", kw))


def _perform_auto_reject(comment: Comment, actor: Actor, kw: dict[str, Any]) -> Transition:
    if not kw.get("rules"):
        raise InputError("an automatic rejection must cite a house rule", field="rules")
    return Transition(REJECTED, "auto_rejected", _decision(comment, actor, "reject", kw))


def _perform_queue(comment: Comment, actor: Actor, kw: dict[str, Any]) -> Transition:
    priority = int(kw.get("priority") or 0)
    details: dict[str, Any] = {"priority": priority}
    if kw.get("screening_error"):
        details["screening_error"] = kw["screening_error"]
    return Transition(PENDING, "queued", priority=priority, details=details)


def _perform_approve(comment: Comment, actor: Actor, kw: dict[str, Any]) -> Transition:
    reversal = comment.state == REJECTED
    return Transition(
        APPROVED, "reversed" if reversal else "approved", _decision(comment, actor, "approve", kw)
    )


def _perform_reject(comment: Comment, actor: Actor, kw: dict[str, Any]) -> Transition:
    if not kw.get("rules"):
        raise InputError("a rejection must cite at least one house rule", field="rules")
    reversal = comment.state == APPROVED
    return Transition(
        REJECTED, "reversed" if reversal else "rejected", _decision(comment, actor, "reject", kw)
    )


def _perform_undo(comment: Comment, actor: Actor, kw: dict[str, Any]) -> Transition:
    latest = comment.decisions[-1] if comment.decisions else None
    if latest is None or latest.automated or latest.actor != actor.label:
        raise ConflictError("only your own latest decision can be undone", field="action")
    if utcnow() - latest.created_at > timedelta(seconds=UNDO_SECONDS):
        raise ConflictError(
            f"a decision can be undone only within {UNDO_SECONDS} seconds", field="action"
        )
    return Transition(PENDING, "undone", _decision(comment, actor, "undo", kw))


_PERFORMERS: dict[str, Callable[[Comment, Actor, dict[str, Any]], Transition]] = {
    "auto_approve": _perform_auto_approve,
    "auto_reject": _perform_auto_reject,
    "queue": _perform_queue,
    "approve": _perform_approve,
    "reject": _perform_reject,
    "undo": _perform_undo,
}

AfterCommit = Callable[[], None]


def after_commit(session: Session, callback: AfterCommit) -> None:
    """Run ``callback`` once the session's transaction has committed (never on rollback).

    Savepoints do not count: SQLAlchemy reports a released savepoint as a commit and a savepoint
    rolled back as a rollback, but only the outermost transaction decides what happened.
    """
    session.info.setdefault("after_commit", []).append(callback)
    if session.info.get("after_commit_listening"):
        return
    session.info["after_commit_listening"] = True

    @event.listens_for(session, "after_commit")
    def _run(committed: Session) -> None:
        if committed.in_nested_transaction():
            return
        for fn in committed.info.pop("after_commit", []):
            fn()

    @event.listens_for(session, "after_rollback")
    def _drop(rolled_back: Session) -> None:
        if not rolled_back.in_nested_transaction():
            rolled_back.info.pop("after_commit", None)


def perform(
    session: Session,
    comment: Comment,
    actor: Actor,
    action: str,
    *,
    expected_version: int | None = None,
    house_rules: HouseRules | None = None,
    **kw: Any,
) -> Transition:
    """Apply ``action`` by ``actor`` to ``comment`` within the session's transaction.

    A decision's cited ``rules`` must be among ``house_rules`` (the site's rule set, as built
    at start-up; the shipped five when not given).
    """
    allowed = actions_for(actor, comment.state)
    if action not in _PERFORMERS:
        raise InputError(f"unknown action {action!r}", field="action")
    if action not in allowed:
        if actor.kind == "policy" or _ACTIONS.get(actor.kind):
            raise ConflictError(
                f"cannot {action} a comment that is {comment.state}"
                + (f"; allowed: {', '.join(sorted(allowed))}" if allowed else ""),
                field="action",
            )
        raise ForbiddenError(f"{actor.kind} may not {action} comments", field="action")
    if expected_version is not None and expected_version != comment.version:
        raise ConflictError(
            f"comment {comment.id} changed meanwhile (version {comment.version}, "
            f"you saw {expected_version}); reload it",
            field="version",
        )
    transition = _PERFORMERS[action](comment, actor, {**kw, "house_rules": house_rules})
    comment_id, from_state = comment.id, comment.state  # readable after a failed flush, too
    now = utcnow()
    comment.state = transition.to_state
    if transition.priority is not None:
        comment.priority = transition.priority
    if transition.decision is not None:
        transition.decision.created_at = now
        comment.decided_at = now
        session.add(transition.decision)
    # Write the versioned UPDATE first: a stale writer fails here, before it queues for the
    # audit chain's lock (comment row first, chain head last, in every code path).
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(
            f"comment {comment_id} was decided by someone else meanwhile; reload it",
            field="version",
        ) from None
    details = dict(transition.details)
    if transition.decision is not None:
        d = transition.decision
        # The note is free text (it may quote the comment or name people): the chain, which
        # can never be erased, keeps only its digest; the text stays on the decision row.
        details.update(
            decision_id=d.id,
            action=d.action,
            rules=d.rules,
            note_sha256=hashlib.sha256(d.note.encode("utf-8")).hexdigest() if d.note else None,
            automated=d.automated,
            policy_version=d.policy_version,
            model_versions=d.model_versions,
        )
    record_event(
        session,
        transition.event,
        actor.label,
        comment_id=comment.id,
        article_id=comment.article_id,
        from_state=from_state,
        to_state=transition.to_state,
        details=details,
        at=now,
    )
    session.flush()
    return transition
