"""``/api/v1/queue`` and ``/api/v1/audit``: what moderators and auditors read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from netiquette.review.queries import audit_events, human_queue
from netiquette.web.context import DbSession, Moderator

router = APIRouter(tags=["moderation"])
#: Largest id or offset accepted in a URL: beyond it no row exists, and the database drivers
#: cannot even bind the number (SQLite and PostgreSQL integers are 64-bit).
MAX_INT = 2**62


@router.get("/queue")
def get_queue(
    _caller: Moderator,
    session: DbSession,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_INT),
) -> dict[str, Any]:
    """What awaits a human, most harmful first, then oldest first.

    Published comments with an open notice of illegal content (DSA Art. 16) come first
    (``harm: illegal_content_report``), then pending comments by harm level: ``threat``
    (aggression flagged), ``would_reject``, ``flagged``, ``in_doubt``, ``held_clean``, and
    ``off_topic`` last.
    """
    items = human_queue(session, limit, offset)
    return {"comments": items, "count": len(items)}


@router.get("/audit")
def get_audit(
    _caller: Moderator,
    session: DbSession,
    comment_id: str | None = None,
    after_id: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(500, ge=1, le=5000),
) -> dict[str, Any]:
    """Audit events, oldest first; page with ``after_id``."""
    return {"events": audit_events(session, comment_id, limit, after_id)}
