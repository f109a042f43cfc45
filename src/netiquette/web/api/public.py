"""``/api/v1/public``: the commenter's own view of their comment, by the token from submission.

No account is needed: the token shown once at ``POST /comments`` is the key. A wrong token
answers 404 exactly like an unknown comment.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from netiquette.accountability.commenter import (
    appeal_by_commenter,
    comment_for_token,
    commenter_view,
)
from netiquette.accountability.config import AccountabilityConfig
from netiquette.web.api.accountability_schemas import AppealBody
from netiquette.web.context import Ctx, DbSession
from netiquette.web.ratelimit import rate_limited

router = APIRouter(prefix="/public", tags=["commenters"])


def accountability_config(ctx: Ctx) -> AccountabilityConfig:
    """The accountability settings of this app."""
    return AccountabilityConfig.from_settings(ctx.settings, ctx.house_rules)


@router.get("/comments/{comment_id}")
def get_own_comment(
    comment_id: str,
    ctx: Ctx,
    session: DbSession,
    token: str = Query(..., min_length=1, max_length=200),
) -> dict[str, Any]:
    """Status, estimated wait, and — when rejected — the statement of reasons and how to appeal."""
    comment = comment_for_token(session, comment_id, token)
    return commenter_view(session, comment, accountability_config(ctx))


@router.post(
    "/comments/{comment_id}/appeal", status_code=201, dependencies=[Depends(rate_limited("public"))]
)
def post_appeal(
    comment_id: str,
    body: AppealBody,
    ctx: Ctx,
    session: DbSession,
    token: str | None = Query(None, max_length=200),
) -> JSONResponse:
    """Contest the rejection once, with a text; another moderator decides."""
    comment = comment_for_token(session, comment_id, body.token or token)
    config = accountability_config(ctx)
    appeal = appeal_by_commenter(session, comment, body.text, config)
    return JSONResponse({"id": comment.id, "appeal": appeal}, status_code=201)
