"""``/login`` and ``/logout`` of the workspace.

Before login there is no session to bind a CSRF token to, so the login form uses a
double-submit token: a random cookie that the form must repeat.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from netiquette.accounts import check_password
from netiquette.review.audit import record_event
from netiquette.review.claims import release_all
from netiquette.store.models import User as UserRow
from netiquette.web.context import Ctx
from netiquette.web.ratelimit import rate_limited
from netiquette.web.views.rendering import render
from netiquette.web.views.security import CheckedUser
from netiquette.web.views.sessions import COOKIE, csrf_ok, end_session, start_session

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "nq_login"


def _safe_next(value: str) -> str:
    # Only same-site paths: never let ?next= send a moderator elsewhere.
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/moderate"


def secure_cookies(request: Request) -> bool:
    """Mark cookies Secure when the browser talks HTTPS to us (or to our proxy)."""
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto == "https"


def _login_page(request: Request, failed: bool = False, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        csrf=token,
        failed=failed,
        next_url=_safe_next(request.query_params.get("next", "/moderate")),
        status_code=status,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    """The login form."""
    return _login_page(request)


@router.post("/login", dependencies=[Depends(rate_limited("login"))])
async def login_submit(request: Request, ctx: Ctx) -> Response:
    """Check the password (argon2) and start a session."""
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    if not csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), str(form.get("csrf", ""))):
        return _login_page(request, failed=True, status=403)
    with ctx.db.session() as session:
        user = session.scalar(
            select(UserRow).where(UserRow.username == username, UserRow.active.is_(True))
        )
        ok = check_password(user, password)  # same cost for unknown users: no timing leak
        if user is None or not ok:
            # An unknown "username" is often a password typed in the wrong field: never log it.
            who = f"web:{user.username}" if user is not None else "web:unknown user"
            record_event(session, "login_failed", who)
            failed = True
        else:
            token = start_session(session, user, ctx.settings.token_ttl_seconds)
            record_event(session, "login", f"moderator:{user.username}", details={"via": "web"})
            failed = False
    if failed:
        return _login_page(request, failed=True, status=401)
    response = RedirectResponse(_safe_next(str(form.get("next", "/moderate"))), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=ctx.settings.token_ttl_seconds,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, user: CheckedUser, ctx: Ctx) -> Response:
    """End the session and give up any leases."""
    with ctx.db.session() as session:
        end_session(session, request.cookies.get(COOKIE, ""))
        release_all(session, user.name)
        record_event(session, "logout", user.principal.actor, details={"via": "web"})
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
