"""``/api/v1/comments``: submission (held until a decision), status, and moderator decisions."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from netiquette.review.decide import comment_to_decide, decide
from netiquette.review.machine import Actor
from netiquette.review.queries import comment_status, decision_dict
from netiquette.store.models import Comment
from netiquette.web.api.public import accountability_config
from netiquette.web.api.schemas import CommentBody, DecisionBody
from netiquette.web.context import Caller, Cms, Ctx, DbSession, Moderator
from netiquette.web.ratelimit import check_limits_async

router = APIRouter(tags=["comments"])


def _base(request: Request, ctx: Ctx) -> str:
    return str(ctx.settings.public_base_url).rstrip("/") or str(request.base_url).rstrip("/")


def _status_url(request: Request, ctx: Ctx, comment_id: str) -> str:
    return f"{_base(request, ctx)}/api/v1/comments/{comment_id}"


def _public_status_url(request: Request, ctx: Ctx, comment_id: str, token: str) -> str:
    # The commenter's link: the only way to see an unpublished comment (token shown once).
    return f"{_base(request, ctx)}/api/v1/public/comments/{quote(comment_id)}?token={token}"


@router.post("/comments", status_code=202)
async def post_comment(body: CommentBody, request: Request, caller: Cms, ctx: Ctx) -> JSONResponse:
    """Hold a comment: stored and committed before this answers, then screened and decided.

    ``async``: in workers mode the rate-limit count and the acceptance are each a group commit
    (netiquette.store.batching) that the request awaits on the event loop; only screening in
    the request (``screening_queue = inline``) runs in a worker thread.
    """
    # 429 before anything is stored.
    await check_limits_async(ctx, caller=caller, author=body.author.id)
    accepted = await ctx.intake.submit_async(body.to_new_comment(), submitter=caller.actor)
    return JSONResponse(
        {
            "id": accepted.id,
            "status": accepted.state,
            "estimated_wait_seconds": accepted.estimated_wait_seconds,
            "status_url": _status_url(request, ctx, accepted.id),
            "status_token": accepted.status_token,
            # None when this key may not (re)issue the commenter's link (see Intake.submit).
            "public_status_url": _public_status_url(
                request, ctx, accepted.id, accepted.status_token
            )
            if accepted.status_token
            else None,
        },
        status_code=202,
    )


@router.get("/comments/{comment_id}")
def get_comment(comment_id: str, _caller: Caller, ctx: Ctx, session: DbSession) -> dict[str, Any]:
    """Status, latest decision and screening with evidence; the wait estimated now."""
    status = comment_status(session, comment_id)
    comment = session.get(Comment, comment_id)
    if comment is not None:  # the wait as it is now (0 once decided), not the one promised
        status["estimated_wait_seconds"] = ctx.intake.wait.estimate(session, comment)
    return status


@router.post("/comments/{comment_id}/decision")
def post_decision(
    comment_id: str, body: DecisionBody, caller: Moderator, ctx: Ctx, session: DbSession
) -> dict[str, Any]:
    """A moderator approves or rejects (or reverses an earlier decision).

    A comment open in someone's workspace is theirs until the lease ends, over the API too.
    """
    decided = decide(
        session,
        comment_to_decide(session, comment_id),
        Actor(caller.kind, caller.name),
        body.action,
        config=accountability_config(ctx),
        source="api",
        expected_version=body.version,
        rules=body.rules,
        note=body.note,
    )
    assert decided.decision is not None
    comment = decided.comment
    return {
        "id": comment.id,
        "status": comment.state,
        "version": comment.version,
        "decision": decision_dict(decided.decision),
    }
