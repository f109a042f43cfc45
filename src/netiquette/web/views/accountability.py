"""Workspace pages of accountability: the appeal queue and the transparency report.

``/moderate/appeals`` lists open appeals with the comment, the contested decision and the
commenter's reasons; a moderator other than the one who rejected decides. ``/moderate/
transparency`` shows the transparency report for a range of days, with SVG charts, and offers it
as JSON and CSV.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import RedirectResponse, Response

from netiquette.accountability.appeals import appeal_dict, appeal_queue, decide_appeal
from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.report_html import template_values
from netiquette.accountability.transparency import build_report, to_csv
from netiquette.errors import InputError
from netiquette.review.machine import Actor
from netiquette.store.models import utcnow
from netiquette.web.context import Ctx
from netiquette.web.i18n import pick_language
from netiquette.web.views.rendering import render
from netiquette.web.views.security import CheckedUser, User

router = APIRouter(include_in_schema=False)
#: Largest id accepted in a URL: beyond it no row exists, and the database drivers
#: cannot even bind the number (SQLite and PostgreSQL integers are 64-bit).
MAX_INT = 2**62
AppealId = Annotated[int, Path(ge=1, le=MAX_INT)]


def _config(ctx: Ctx) -> AccountabilityConfig:
    return AccountabilityConfig.from_settings(ctx.settings, ctx.house_rules)


@router.get("/moderate/appeals")
def appeals_page(request: Request, user: User, ctx: Ctx) -> Response:
    """Open appeals, oldest first, and the most recently decided ones."""
    actor = Actor(user.principal.kind, user.name)
    with ctx.db.session() as session:
        waiting = [appeal_dict(a, actor) for a in appeal_queue(session, "open", 200)]
        done = [
            appeal_dict(a, actor)
            for state in ("upheld", "reversed")
            for a in appeal_queue(session, state, 50)
        ]
    done.sort(key=lambda a: a["decided_at"] or "", reverse=True)
    return render(
        request,
        "accountability/appeals.html",
        user=user,
        appeals=waiting,
        decided=done[:50],
    )


@router.post("/moderate/appeals/{appeal_id}/decide")
async def decide_appeal_form(
    appeal_id: AppealId, request: Request, user: CheckedUser, ctx: Ctx
) -> Response:
    """Uphold or reverse, with a reason the commenter will read."""
    form = await request.form()
    outcome, reason = str(form.get("outcome", "")), str(form.get("reason", ""))
    with ctx.db.session() as session:
        decide_appeal(
            session,
            appeal_id,
            Actor(user.principal.kind, user.name),
            outcome,
            reason,
            _config(ctx),
        )
    return RedirectResponse("/moderate/appeals", status_code=303)


def _days(request: Request, config: AccountabilityConfig) -> tuple[date, date]:
    # "Today" in the report's own time zone: a day in Berlin begins at 22:00 or 23:00 UTC.
    today = utcnow().astimezone(config.zone).date()

    def day(name: str, default: date) -> date:
        value = request.query_params.get(name)
        try:
            return date.fromisoformat(value) if value else default
        except ValueError:
            raise InputError(f"{name} must be a day like 2025-01-31", field=name) from None

    return day("from", today - timedelta(days=29)), day("to", today)


@router.get("/moderate/transparency")
def transparency_page(request: Request, user: User, ctx: Ctx) -> Response:
    """The transparency report for the chosen days (default: the last 30), with charts."""
    config = _config(ctx)
    first, last = _days(request, config)
    lang = pick_language(request)
    with ctx.db.session() as session:
        report = build_report(session, first, last, config)
    return render(request, "accountability/report.html", user=user, **template_values(report, lang))


@router.get("/moderate/transparency.json")
def transparency_json(request: Request, user: User, ctx: Ctx) -> Response:
    """The same report as JSON."""
    config = _config(ctx)
    first, last = _days(request, config)
    with ctx.db.session() as session:
        report = build_report(session, first, last, config)
    body = json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json")


@router.get("/moderate/transparency.csv")
def transparency_csv(request: Request, user: User, ctx: Ctx) -> Response:
    """The same report as CSV."""
    config = _config(ctx)
    first, last = _days(request, config)
    with ctx.db.session() as session:
        report = build_report(session, first, last, config)
    name = f"transparency-{first}-{last}.csv"
    return Response(
        to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
