"""``/moderate``: the queues with counts, filters, keyword search and bulk decisions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from netiquette.accountability.config import AccountabilityConfig
from netiquette.errors import InputError, NetiquetteError
from netiquette.review.claims import holders
from netiquette.review.decide import comment_to_decide, decide, validate_note
from netiquette.review.machine import Actor
from netiquette.review.queue import (
    AGES,
    QueueFilter,
    count_filtered,
    counts,
    flags_of,
    list_comments,
)
from netiquette.screening.harm import harm_name
from netiquette.screening.houserules import HouseRules
from netiquette.store.models import Article, Comment
from netiquette.web.context import Ctx
from netiquette.web.views.rendering import render
from netiquette.web.views.security import CheckedUser, User

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
BULK_LIMIT = 500


def articles_for_filter(ctx: Ctx) -> list[tuple[str, str]]:
    """(id, title) of the newest articles, for the article filter."""
    with ctx.db.session() as session:
        rows = session.execute(
            select(Article.id, Article.title).order_by(Article.updated_at.desc()).limit(200)
        )
        return [(i, t or i) for i, t in rows]


@router.get("/moderate")
def queue_page(request: Request, user: User, ctx: Ctx) -> Response:
    """The queue: counts per list, filters, one page of comments."""
    params = dict(request.query_params)
    if params.get("tab") == "spot":
        return RedirectResponse("/moderate/spot", status_code=303)
    f = QueueFilter.parse(params)
    try:
        page = max(1, min(int(params.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    with ctx.db.session() as session:
        rows = list_comments(session, f, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        ids = [c.id for c in rows]
        flags = flags_of(session, ids)
        leases = holders(session, ids)
        total = count_filtered(session, f)
        tally = counts(session)
    return render(
        request,
        "queue.html",
        user=user,
        f=f,
        comments=rows,
        flags=flags,
        leases=leases,
        total=total,
        counts=tally,
        page=page,
        pages=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        ages=AGES,
        articles=articles_for_filter(ctx),
        flash=params.get("flash", ""),
        harm_name=harm_name,
    )


def _check_choice(action: str, rule: str, house_rules: HouseRules) -> None:
    if action not in ("approve", "reject") or (action == "reject" and not rule):
        raise InputError("choose approve, or reject with a house rule", field="action")
    if action == "reject":
        house_rules.check_cited([rule])


def _bulk_ids(session_ids: list[str], ctx: Ctx, f: QueueFilter, everything: bool) -> list[str]:
    if not everything:
        return list(dict.fromkeys(session_ids))[:BULK_LIMIT]
    with ctx.db.session() as session:
        return [c.id for c in list_comments(session, f, BULK_LIMIT)]


@router.post("/moderate/bulk/confirm")
async def bulk_confirm(request: Request, user: CheckedUser, ctx: Ctx) -> Response:
    """Show exactly which comments a bulk decision will touch, and ask to confirm."""
    form = await request.form()
    f = QueueFilter.parse({k: str(v) for k, v in form.items() if k != "tab"} | {"tab": "pending"})
    action = str(form.get("action", ""))
    rule = str(form.get("reject_rule", ""))
    _check_choice(action, rule, ctx.house_rules)
    ids = _bulk_ids([str(v) for v in form.getlist("ids")], ctx, f, form.get("all") == "1")
    if not ids:
        return RedirectResponse("/moderate?" + f.query_string(flash="bulk.none"), status_code=303)
    with ctx.db.session() as session:
        rows = list(session.scalars(select(Comment).where(Comment.id.in_(ids))))
    rows.sort(key=lambda c: ids.index(c.id))
    return render(
        request, "bulk_confirm.html", user=user, f=f, comments=rows, action=action, rule=rule
    )


@router.post("/moderate/bulk")
async def bulk_decide(request: Request, user: CheckedUser, ctx: Ctx) -> Response:
    """Decide the confirmed comments one by one through the state machine.

    Each comment is its own transaction with its version as confirmed: one that changed since,
    or that another moderator holds, is skipped and counted, never overwritten.
    """
    form = await request.form()
    f = QueueFilter.parse({k: str(v) for k, v in form.items() if k != "tab"} | {"tab": "pending"})
    action, rule = str(form.get("action", "")), str(form.get("reject_rule", ""))
    _check_choice(action, rule, ctx.house_rules)
    # Checked once for all: a note too long refuses the whole bulk decision, before any.
    note = validate_note(str(form.get("note", ""))) or "bulk"
    actor = Actor(user.principal.kind, user.name)
    config = AccountabilityConfig.from_settings(ctx.settings, ctx.house_rules)
    done = skipped = 0
    for entry in [str(v) for v in form.getlist("item")][:BULK_LIMIT]:
        comment_id, _, version = entry.rpartition(":")
        try:
            with ctx.db.session() as session:
                decide(
                    session,
                    comment_to_decide(session, comment_id),
                    actor,
                    action,
                    config=config,
                    source="bulk",
                    expected_version=int(version),
                    rules=[rule] if action == "reject" else [],
                    note=note,
                )
            done += 1
        except (NetiquetteError, ValueError):
            skipped += 1
    query = f.query_string(flash=f"bulk:{done}:{skipped}")
    return RedirectResponse("/moderate?" + query, status_code=303)
