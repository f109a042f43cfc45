"""``/moderate/spot``: confirm or correct a sample of the policy's automatic decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import RedirectResponse, Response

from netiquette.errors import NetiquetteError
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

router = APIRouter(include_in_schema=False)
#: Largest id accepted in a URL: beyond it no row exists, and the database drivers
#: cannot even bind the number (SQLite and PostgreSQL integers are 64-bit).
MAX_INT = 2**62
DecisionId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("/moderate/spot")
def spot_page(request: Request, user: User, ctx: Ctx) -> Response:
    """Open spot checks and the measured precision per policy version."""
    with ctx.db.session() as session:
        checks = open_checks(session)
        precision = precision_by_policy(session)
        every = sample_every(session)
        tally = counts(session)
    return render(
        request,
        "spot.html",
        user=user,
        checks=checks,
        precision=precision,
        every=every,
        counts=tally,
        flash=request.query_params.get("flash", ""),
        error=request.query_params.get("error", ""),
    )


@router.post("/moderate/spot/{decision_id}")
async def spot_verdict(
    decision_id: DecisionId, request: Request, user: CheckedUser, ctx: Ctx
) -> Response:
    """Record "correct" or "wrong" (a wrong one is reversed through the state machine)."""
    form = await request.form()
    verdict, _, rule = str(form.get("verdict", "")).partition(":")
    try:
        with ctx.db.session() as session:
            record_check(
                session,
                decision_id,
                Actor(user.principal.kind, user.name),
                verdict,
                rules=[rule] if rule in ctx.house_rules else [],
                house_rules=ctx.house_rules,
            )
    except NetiquetteError as exc:
        from urllib.parse import quote

        return RedirectResponse(f"/moderate/spot?error={quote(exc.message)}", status_code=303)
    return RedirectResponse("/moderate/spot?flash=spot.recorded", status_code=303)
