"""Admin pages: users (moderators and admins) and the house rules' wording and spot-check rate."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from netiquette.accounts import ROLES, upsert_user
from netiquette.errors import InputError, NetiquetteError
from netiquette.review.audit import record_event
from netiquette.review.claims import release_all
from netiquette.review.spotchecks import sample_every, set_sample_every
from netiquette.store.models import User as UserRow
from netiquette.web.context import Ctx
from netiquette.web.views.rendering import render
from netiquette.web.views.ruletexts import all_texts, save_text
from netiquette.web.views.security import AdminUser, AdminViewer

router = APIRouter(include_in_schema=False)


@router.get("/moderate/admin/users")
def users_page(request: Request, user: AdminViewer, ctx: Ctx) -> Response:
    """All accounts of the workspace."""
    with ctx.db.session() as session:
        users = list(session.scalars(select(UserRow).order_by(UserRow.username)))
    return render(
        request,
        "admin_users.html",
        user=user,
        users=users,
        roles=ROLES,
        flash=request.query_params.get("flash", ""),
        error=request.query_params.get("error", ""),
    )


@router.post("/moderate/admin/users")
async def save_user(request: Request, user: AdminUser, ctx: Ctx) -> Response:
    """Create a user, or set an existing user's password and role."""
    form = await request.form()
    username = str(form.get("username", "")).strip()
    try:
        with ctx.db.session() as session:
            upsert_user(session, username, str(form.get("password", "")), str(form.get("role", "")))
            record_event(
                session,
                "user_saved",
                user.principal.actor,
                details={"username": username, "role": str(form.get("role", ""))},
            )
    except NetiquetteError as exc:
        from urllib.parse import quote

        return RedirectResponse(
            f"/moderate/admin/users?error={quote(exc.message)}", status_code=303
        )
    return RedirectResponse("/moderate/admin/users?flash=users.saved", status_code=303)


@router.post("/moderate/admin/users/{username}/active")
async def set_active(username: str, request: Request, user: AdminUser, ctx: Ctx) -> Response:
    """Deactivate or reactivate an account (an admin cannot deactivate themself)."""
    form = await request.form()
    active = form.get("active") == "1"
    with ctx.db.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise InputError(f"user {username!r} is unknown", field="username")
        if row.username == user.name and not active:
            raise InputError("you cannot deactivate your own account", field="username")
        row.active = active
        if not active:
            release_all(session, username)
        record_event(
            session,
            "user_activated" if active else "user_deactivated",
            user.principal.actor,
            details={"username": username},
        )
    return RedirectResponse("/moderate/admin/users?flash=users.saved", status_code=303)


@router.get("/moderate/admin/rules")
def rules_page(request: Request, user: AdminViewer, ctx: Ctx) -> Response:
    """The house rules' descriptions and the spot-check rate, editable."""
    with ctx.db.session() as session:
        texts = all_texts(session, ctx.house_rules)
        every = sample_every(session)
    return render(
        request,
        "admin_rules.html",
        user=user,
        texts=texts,
        every=every,
        flash=request.query_params.get("flash", ""),
    )


@router.post("/moderate/admin/rules")
async def save_rules(request: Request, user: AdminUser, ctx: Ctx) -> Response:
    """Store the descriptions and the spot-check rate."""
    form = await request.form()
    try:
        every = int(str(form.get("spot_check_every", "")))
    except ValueError:
        raise InputError(
            "spot_check_every must be a whole number", field="spot_check_every"
        ) from None
    with ctx.db.session() as session:
        for rule in ctx.house_rules.keys:
            save_text(
                session,
                rule,
                str(form.get(f"{rule}_de", "")),
                str(form.get(f"{rule}_en", "")),
                user.principal.actor,
            )
        set_sample_every(session, every, user.principal.actor)
    return RedirectResponse("/moderate/admin/rules?flash=users.saved", status_code=303)
