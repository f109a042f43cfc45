"""Readers' reports: ``POST /api/v1/comments/{id}/reports`` and the moderators' report queue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from netiquette.accountability.notices import categories, file_report, report_queue
from netiquette.web.api.accountability_schemas import ReportBody
from netiquette.web.context import Ctx, DbSession, Moderator
from netiquette.web.ratelimit import rate_limited

router = APIRouter(tags=["reports"])


@router.post(
    "/comments/{comment_id}/reports",
    status_code=201,
    dependencies=[Depends(rate_limited("public"))],
)
def post_report(comment_id: str, body: ReportBody, session: DbSession, ctx: Ctx) -> JSONResponse:
    """A reader reports a published comment (no login; ``illegal_content`` is a DSA notice)."""
    report = file_report(
        session,
        comment_id,
        body.reason,
        ctx.house_rules,
        reader_id=body.reader_id,
        explanation=body.explanation,
        legal_ground=body.legal_ground,
        contact=body.contact,
    )
    return JSONResponse(
        {"id": report.id, "comment_id": comment_id, "reason": body.reason, "status": "received"},
        status_code=201,
    )


@router.get("/reports")
def get_reports(
    _caller: Moderator,
    session: DbSession,
    ctx: Ctx,
    open_only: bool = Query(True, alias="open"),
    limit: int = Query(100, ge=1, le=500),
) -> dict[str, Any]:
    """The report queue: open reports, illegal-content notices first, then oldest first."""
    items = report_queue(session, limit, open_only)
    return {"reports": items, "count": len(items), "reasons": list(categories(ctx.house_rules))}
