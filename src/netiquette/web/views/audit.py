"""Audit screens: every decision and event on a comment, and the newest events overall."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from netiquette.errors import NotFoundError
from netiquette.review.queries import audit_events
from netiquette.store.models import AuditEvent, Comment
from netiquette.web.context import Ctx
from netiquette.web.views.rendering import render
from netiquette.web.views.security import User

router = APIRouter(include_in_schema=False)
RECENT = 200


@router.get("/moderate/comments/{comment_id}/audit")
def comment_audit(comment_id: str, request: Request, user: User, ctx: Ctx) -> Response:
    """Every decision and event on one comment: actor, time, rules, note, model versions."""
    with ctx.db.session() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            raise NotFoundError(f"comment {comment_id!r} is unknown", field="comment_id")
        events = audit_events(session, comment_id, 1000)
        decisions = list(comment.decisions)
    return render(
        request,
        "audit.html",
        user=user,
        comment=comment,
        events=events,
        decisions=decisions,
    )


@router.get("/moderate/audit")
def recent_audit(request: Request, user: User, ctx: Ctx) -> Response:
    """The newest audit events of the whole site, newest first."""
    with ctx.db.session() as session:
        newest = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        after = max(0, (newest or 0) - RECENT)
        events = list(reversed(audit_events(session, None, RECENT, after)))
    return render(request, "audit.html", user=user, comment=None, events=events, decisions=[])
