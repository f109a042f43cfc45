"""The site models page for admins: live, shadow and candidates, and each model's agreement
with the moderators' later decisions, per house rule, with 95 % intervals."""

from __future__ import annotations

from pathlib import Path

from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from starlette.responses import Response

from netiquette.learning.agreement import Share, agreement
from netiquette.learning.registry import candidates, state
from netiquette.web.context import Ctx
from netiquette.web.i18n import pick_language
from netiquette.web.views.rendering import render
from netiquette.web.views.security import AdminViewer

router = APIRouter(include_in_schema=False)


@router.get("/moderate/admin/models")
def models_page(request: Request, user: AdminViewer, ctx: Ctx) -> Response:
    """The site's models and how well each agrees with the moderators."""
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
    return render(
        request,
        "admin_models.html",
        user=user,
        site=site,
        current=current,
        candidates=rows,
        figures=figures,
        rules=rules,
        rule_map={m.version: {r.name: r for r in m.rules} for m in figures},
        history=history,
        share=share,
    )
