"""``/moderate/spot``: confirm or correct a sample of the policy's automatic decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import RedirectResponse, Response

from netiquette.accountability.config import AccountabilityConfig
from netiquette.errors import NetiquetteError
from netiquette.review.decide import MAX_NOTE_CHARS
from netiquette.review.machine import Actor
from netiquette.review.queue import counts
from netiquette.review.spotchecks import (
    open_checks,
    precision_by_policy,
    record_check,
    sample_every,
)
from netiquette.web.context import Ctx
from netiquette.web.views.rendering import render
from netiquette.web.views.security import CheckedUser, User
from netiquette.web.views.sessions import WebUser

router = APIRouter(include_in_schema=False)
#: Largest id accepted in a URL: beyond it no row exists, and the database drivers
#: cannot even bind the number (SQLite and PostgreSQL integers are 64-bit).
MAX_INT = 2**62
DecisionId = Annotated[int, Path(ge=1, le=MAX_INT)]


def _spot_page(
    request: Request, user: WebUser, ctx: Ctx, *, error: str = "", status: int = 200
) -> Response:
    with ctx.db.session() as session:
        checks = open_checks(session)
        precision = precision_by_policy(session)
        every = sample_every(session)
        tally = counts(session)
    return render(
        request,
        "spot.html",
        user=user,
        status_code=status,
        checks=checks,
        precision=precision,
        every=every,
        counts=tally,
        max_note=MAX_NOTE_CHARS,
        flash=request.query_params.get("flash", ""),
        error=error,
    )


@router.get("/moderate/spot")
def spot_page(request: Request, user: User, ctx: Ctx) -> Response:
    """Open spot checks and the measured precision per policy version."""
    return _spot_page(request, user, ctx)


@router.post("/moderate/spot/{decision_id}")
async def spot_verdict(
    decision_id: DecisionId, request: Request, user: CheckedUser, ctx: Ctx
) -> Response:
    """Record "correct" or "wrong" (a wrong one is reversed by a decision of the moderator).

    A refused verdict shows the page again with the error and its 4xx status.
    """
    form = await request.form()
    verdict, _, rule = str(form.get("verdict", "")).partition(":")
    try:
        with ctx.db.session() as session:
            record_check(
                session,
                decision_id,
                Actor(user.principal.kind, user.name),
                verdict,
                config=AccountabilityConfig.from_settings(ctx.settings, ctx.house_rules),
                rules=[rule] if rule else [],
                note=str(form.get("note", "")),
            )
    except NetiquetteError as exc:
        return _spot_page(request, user, ctx, error=exc.message, status=exc.status)
    return RedirectResponse("/moderate/spot?flash=spot.recorded", status_code=303)
