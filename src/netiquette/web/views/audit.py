"""Audit screens: every decision and event on a comment, and the newest events overall.

The chain holds only digests of free texts; the notes shown next to events are read from the
decision and appeal rows they name (empty once the author was erased).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from netiquette.errors import NotFoundError
from netiquette.review.queries import audit_events
from netiquette.store.models import Appeal, AuditEvent, Comment, Decision
from netiquette.web.context import Ctx
from netiquette.web.views.rendering import render
from netiquette.web.views.security import User

router = APIRouter(include_in_schema=False)
RECENT = 200


def _ids(events: list[dict[str, Any]], key: str) -> set[int]:
    return {v for e in events if isinstance(v := e["details"].get(key), int)}


def event_notes(session: Session, events: list[dict[str, Any]]) -> dict[int, str]:
    """The note of each event (by event id): the decision's note, or the appeal's reason."""
    decisions = _ids([e for e in events if "action" in e["details"]], "decision_id")
    appeals = _ids([e for e in events if e["event"] == "appeal_decided"], "appeal_id")
    notes: dict[int, str] = {
        i: note
        for i, note in session.execute(
            select(Decision.id, Decision.note).where(Decision.id.in_(decisions))
        )
    }
    reasons: dict[int, str] = {
        i: reason
        for i, reason in session.execute(
            select(Appeal.id, Appeal.outcome_reason).where(Appeal.id.in_(appeals))
        )
    }
    out: dict[int, str] = {}
    for e in events:
        details = e["details"]
        if e["event"] == "appeal_decided":
            text = reasons.get(details.get("appeal_id"), "")
        elif "decision_id" in details and "action" in details:  # a state change's decision
            text = notes.get(details["decision_id"], "")
        else:
            text = str(details.get("note") or "")  # events written before notes left the chain
        if text:
            out[e["id"]] = text
    return out


@router.get("/moderate/comments/{comment_id}/audit")
def comment_audit(comment_id: str, request: Request, user: User, ctx: Ctx) -> Response:
    """Every decision and event on one comment: actor, time, rules, note, model versions."""
    with ctx.db.session() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            raise NotFoundError(f"comment {comment_id!r} is unknown", field="comment_id")
        events = audit_events(session, comment_id, 1000)
        notes = event_notes(session, events)
        decisions = list(comment.decisions)
    return render(
        request,
        "audit.html",
        user=user,
        comment=comment,
        events=events,
        notes=notes,
        decisions=decisions,
    )


@router.get("/moderate/audit")
def recent_audit(request: Request, user: User, ctx: Ctx) -> Response:
    """The newest audit events of the whole site, newest first."""
    with ctx.db.session() as session:
        newest = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        after = max(0, (newest or 0) - RECENT)
        events = list(reversed(audit_events(session, None, RECENT, after)))
        notes = event_notes(session, events)
    return render(
        request, "audit.html", user=user, comment=None, events=events, notes=notes, decisions=[]
    )
