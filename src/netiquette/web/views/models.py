"""The site models page for admins: live, shadow and candidates, and each model's agreement
with the moderators' later decisions, per house rule, with 95 % intervals; promote (through the
guard), roll back and shadow from the page, as ``netiquette models`` does from the command line.

Every switch goes through :mod:`netiquette.learning.registry` (recorded in the audit log with the
admin as actor) and this process loads the new live model at once; other processes take it up
at their next check (``site_model_check_seconds``). A refusal (the guard finds the candidate
worse, nothing to roll back, an unknown version) answers 409 with the page and the reason."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from babel.numbers import format_decimal
from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from netiquette.errors import NetiquetteError
from netiquette.learning.agreement import Share, agreement
from netiquette.learning.guard import Comparison, pipeline_scorer
from netiquette.learning.registry import (
    GuardRefused,
    candidates,
    promote,
    rollback,
    set_shadow,
    state,
)
from netiquette.web.context import AppContext, Ctx
from netiquette.web.i18n import pick_language
from netiquette.web.views.rendering import render
from netiquette.web.views.security import AdminUser, AdminViewer
from netiquette.web.views.sessions import WebUser

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


#: What the page says after a switch (``?done=``).
DONE = ("promoted", "forced", "rolled-back", "shadow", "shadow-off")
#: Form value of the shadow switch that stops the shadow run.
SHADOW_OFF = "off"


@router.get("/moderate/admin/models")
def models_page(request: Request, user: AdminViewer, ctx: Ctx) -> Response:
    """The site's models and how well each agrees with the moderators."""
    done = request.query_params.get("done", "")
    unloaded = request.query_params.get("loaded") == "no"
    return _page(request, user, ctx, done=done if done in DONE else "", unloaded=unloaded)


def _page(
    request: Request,
    user: WebUser,
    ctx: AppContext,
    *,
    done: str = "",
    refused: str = "",
    guard_refused: bool = False,
    comparison: Comparison | None = None,
    unloaded: bool = False,
    status_code: int = 200,
) -> Response:
    site = ctx.settings.site
    lang = pick_language(request)

    def pct(value: float | None) -> str:
        if value is None:
            return "–"
        return format_decimal(value * 100, format="0.0", locale=lang) + " %"

    def share(s: Share) -> str:
        if not s.n:
            return "–"
        low, high = s.interval
        return f"{pct(s.value)} ({pct(low)}–{pct(high)}, n = {s.n})"

    with ctx.db.session() as session:
        current = state(session, site)
        rows = candidates(session, site, Path(ctx.settings.models_dir))
        figures = agreement(session, site)
        history = list(reversed(current.changes[-20:]))
    rules = sorted({r.name for m in figures for r in m.rules})
    # The shipped release this server screens with: a candidate that read another one's
    # scores should be trained again (learning.features).
    running = str(getattr(ctx.pipeline, "versions", {}).get("model", ""))
    return render(
        request,
        "admin_models.html",
        user=user,
        site=site,
        current=current,
        candidates=rows,
        running=running,
        figures=figures,
        rules=rules,
        rule_map={m.version: {r.name: r for r in m.rules} for m in figures},
        history=history,
        share=share,
        done=done,
        refused=refused,
        guard_refused=guard_refused,
        comparison=comparison,
        unloaded=unloaded,
        fmt=lambda value: format_decimal(value, format="0.000", locale=lang),
        status_code=status_code,
    )


def _switched(
    request: Request,
    user: WebUser,
    ctx: AppContext,
    run: Callable[[Session], str],
) -> Response:
    """Run one registry switch (``run`` answers the page's ``done`` code) in its own
    transaction; load what is live now; answer."""
    try:
        with ctx.db.session() as session:
            done = run(session)
    except GuardRefused as exc:  # the figures in the page's language, and the page's way past
        return _page(
            request,
            user,
            ctx,
            refused=exc.reason,
            guard_refused=True,
            comparison=exc.comparison,
            status_code=409,
        )
    except NetiquetteError as exc:
        status = exc.status if 400 <= exc.status < 500 else 409
        return _page(request, user, ctx, refused=exc.message, status_code=status)
    target = f"/moderate/admin/models?done={done}"
    if ctx.site_models is not None:
        try:
            ctx.site_models.refresh(ctx.db)
        except Exception:  # recorded and committed: say so, and let the watcher retry
            log.exception("site %s: the switch is recorded but not loaded", ctx.settings.site)
            target += "&loaded=no"
    return RedirectResponse(target, status_code=303)


@router.post("/moderate/admin/models/promote")
def promote_model(
    request: Request,
    user: AdminUser,
    ctx: Ctx,
    version: Annotated[str, Form(max_length=200)],
    force: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Make a candidate the live model; the guard compares it with the live one first."""
    settings = ctx.settings
    forced = force == "on"

    def run(session: Session) -> str:
        done = promote(
            session,
            settings.site,
            Path(settings.models_dir),
            version,
            actor=user.principal.actor,
            margin=settings.site_model_margin,
            shipped=lambda: pipeline_scorer(ctx.pipeline),
            force=forced,
        )
        return "forced" if done.forced else "promoted"

    return _switched(request, user, ctx, run)


@router.post("/moderate/admin/models/rollback")
def rollback_model(request: Request, user: AdminUser, ctx: Ctx) -> Response:
    """Back to the model live before the current one, or to the shipped model."""
    settings = ctx.settings

    def run(session: Session) -> str:
        rollback(
            session, settings.site, actor=user.principal.actor, models_dir=Path(settings.models_dir)
        )
        return "rolled-back"

    return _switched(request, user, ctx, run)


@router.post("/moderate/admin/models/shadow")
def shadow_model(
    request: Request,
    user: AdminUser,
    ctx: Ctx,
    version: Annotated[str, Form(max_length=200)],
) -> Response:
    """Run a candidate beside the live model on new comments (``off``: stop the shadow)."""
    settings = ctx.settings
    chosen = None if version == SHADOW_OFF else version

    def run(session: Session) -> str:
        set_shadow(
            session, settings.site, Path(settings.models_dir), chosen, actor=user.principal.actor
        )
        return "shadow" if chosen else "shadow-off"

    return _switched(request, user, ctx, run)
