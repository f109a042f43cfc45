"""The delivery log for admins: endpoints, recent deliveries, replay."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from netiquette.delivery import list_endpoints, recent, replay
from netiquette.delivery.deliver import counts
from netiquette.delivery.endpoints import masked
from netiquette.review.audit import record_event
from netiquette.web.context import Ctx
from netiquette.web.views.rendering import render
from netiquette.web.views.security import AdminUser, AdminViewer

router = APIRouter(include_in_schema=False)
STATES = ("pending", "delivered", "failed")


@router.get("/moderate/admin/webhooks")
def webhooks_page(request: Request, user: AdminViewer, ctx: Ctx) -> Response:
    """Endpoints and the newest 100 deliveries (filter with ``?state=failed``)."""
    state = request.query_params.get("state") or None
    if state not in STATES:
        state = None
    with ctx.db.session() as session:
        endpoints = list_endpoints(session)
        deliveries = recent(session, 100, state)
        by_state = counts(session)
    return render(
        request,
        "admin_webhooks.html",
        user=user,
        endpoints=endpoints,
        deliveries=deliveries,
        by_state=by_state,
        state=state or "",
        states=STATES,
        masked=masked,
        flash=request.query_params.get("flash", ""),
    )


@router.post("/moderate/admin/webhooks/deliveries/{delivery_id}/replay")
def replay_delivery(delivery_id: int, request: Request, user: AdminUser, ctx: Ctx) -> Response:
    """Send one delivery again now, with the same idempotency id."""
    with ctx.db.session() as session:
        row = replay(session, delivery_id)
        record_event(
            session,
            "webhook_replayed",
            user.principal.actor,
            comment_id=row.comment_id,
            details={"delivery_id": row.id, "event_key": row.event_key},
        )
    loop = getattr(request.app.state, "delivery_loop", None)
    if loop is not None:
        loop.wake()
    return RedirectResponse(
        f"/moderate/admin/webhooks?flash=replayed-{delivery_id}", status_code=303
    )
