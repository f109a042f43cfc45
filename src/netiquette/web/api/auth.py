"""``/api/v1/auth``: moderators log in for a bearer token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from netiquette.accounts import login, logout
from netiquette.review.audit import record_event
from netiquette.web.api.schemas import LoginBody
from netiquette.web.context import Caller, Ctx, DbSession
from netiquette.web.ratelimit import rate_limited

router = APIRouter(tags=["auth"])


@router.post("/auth/login", dependencies=[Depends(rate_limited("login"))])
def post_login(body: LoginBody, ctx: Ctx, session: DbSession) -> dict[str, Any]:
    """Exchange username and password for a bearer token."""
    token, user = login(session, body.username, body.password, ctx.settings.token_ttl_seconds)
    record_event(session, "login", f"moderator:{user.username}")
    return {
        "token": token,
        "token_type": "bearer",
        "expires_in": ctx.settings.token_ttl_seconds,
        "user": {"username": user.username, "role": user.role},
    }


@router.post("/auth/logout", status_code=200)
def post_logout(request: Request, caller: Caller, session: DbSession) -> dict[str, Any]:
    """Invalidate the token used for this call."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    logout(session, token)
    return {"ok": True, "user": caller.name}
