"""Moderators' accountability API: appeal queue, legal assessments, statements, wait accuracy."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from netiquette.accountability.appeals import appeal_dict, appeal_queue, decide_appeal
from netiquette.accountability.sor import (
    latest_rejection,
    mark_illegal,
    public_statement,
    statement_for,
)
from netiquette.errors import NotFoundError
from netiquette.review.machine import Actor
from netiquette.review.wait import estimate_accuracy
from netiquette.store.models import Appeal, Comment, utcnow
from netiquette.web.api.accountability_schemas import AppealDecisionBody, IllegalBody
from netiquette.web.api.public import accountability_config
from netiquette.web.context import Caller, Ctx, DbSession, Moderator

router = APIRouter(tags=["appeals"])
#: Largest id accepted in a URL: beyond it no row exists, and the database drivers
#: cannot even bind the number (SQLite and PostgreSQL integers are 64-bit).
MAX_INT = 2**62
AppealId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("/appeals")
def get_appeals(
    caller: Moderator,
    session: DbSession,
    state: str = Query("open", pattern="^(open|upheld|reversed)$"),
    limit: int = Query(100, ge=1, le=500),
) -> dict[str, Any]:
    """Appeals in a state (default: the open queue), oldest first."""
    actor = Actor(caller.kind, caller.name)
    items = [appeal_dict(a, actor) for a in appeal_queue(session, state, limit)]
    return {"appeals": items, "count": len(items)}


@router.get("/appeals/{appeal_id}")
def get_appeal(appeal_id: AppealId, caller: Moderator, session: DbSession) -> dict[str, Any]:
    """One appeal with the comment and the contested decision."""
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFoundError(f"appeal {appeal_id} is unknown", field="appeal_id")
    return appeal_dict(appeal, Actor(caller.kind, caller.name))


@router.post("/appeals/{appeal_id}/decision")
def post_appeal_decision(
    appeal_id: AppealId,
    body: AppealDecisionBody,
    caller: Moderator,
    ctx: Ctx,
    session: DbSession,
) -> dict[str, Any]:
    """Uphold or reverse the contested rejection (not by the moderator who took it)."""
    actor = Actor(caller.kind, caller.name)
    appeal = decide_appeal(
        session, appeal_id, actor, body.outcome, body.reason, accountability_config(ctx)
    )
    return appeal_dict(appeal, actor)


@router.post("/comments/{comment_id}/illegal")
def post_illegal(
    comment_id: str, body: IllegalBody, caller: Moderator, ctx: Ctx, session: DbSession
) -> dict[str, Any]:
    """Mark a rejected comment illegal: its statement's ground becomes illegal content."""
    config = accountability_config(ctx)
    statement = mark_illegal(
        session, comment_id, caller.actor, body.legal_ground, body.explanation, config
    )
    return public_statement(session, statement, config)


@router.get("/comments/{comment_id}/statement")
def get_statement(comment_id: str, _caller: Caller, ctx: Ctx, session: DbSession) -> dict[str, Any]:
    """The statement of reasons of the comment's current rejection (CMS or moderator)."""
    comment = session.get(Comment, comment_id)
    decision = latest_rejection(comment) if comment is not None else None
    if comment is None or decision is None:
        raise NotFoundError(f"comment {comment_id!r} has no standing rejection", field="comment_id")
    config = accountability_config(ctx)
    return public_statement(session, statement_for(session, decision), config)


@router.get("/wait/accuracy")
def get_wait_accuracy(
    _caller: Moderator, session: DbSession, days: int = Query(7, ge=1, le=366)
) -> dict[str, Any]:
    """How close past wait estimates came to the actual waits (median absolute error)."""
    end = utcnow()
    start = end - timedelta(days=days)
    out: dict[str, Any] = {"days": days}
    for key, minimum in (("all", 0), ("waited_over_5_min", 300)):
        a = estimate_accuracy(session, start, end, minimum)
        out[key] = {
            "comments": a.comments,
            "median_abs_error_s": a.median_abs_error_s,
            "median_wait_s": a.median_wait_s,
            "within_25_percent": a.within_25_percent,
        }
    return out
