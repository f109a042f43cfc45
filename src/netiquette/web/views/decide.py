"""``/moderate/comments/{id}``: decide one comment, keyboard first, without page loads.

Opening a comment claims it (a short lease, renewed by the open page). A decision goes through
the review state machine, releases the lease and answers with the next free comment of the
same filtered queue — as an htmx fragment, or a redirect when JavaScript is off. The answer
carries an undo bar for 10 seconds.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from netiquette.accountability.config import AccountabilityConfig
from netiquette.errors import ConflictError, InputError, NetiquetteError
from netiquette.review.casefile import casefile
from netiquette.review.claims import Lease, claim, release, release_others
from netiquette.review.decide import MAX_NOTE_CHARS, comment_to_decide, decide
from netiquette.review.machine import UNDO_SECONDS, Actor, actions_for
from netiquette.review.queue import QueueFilter, first_free, neighbour
from netiquette.review.reports import resolve_reports
from netiquette.screening.houserules import HouseRules
from netiquette.store.models import Comment, Decision, utcnow
from netiquette.web.context import Ctx
from netiquette.web.i18n import pick_language
from netiquette.web.views.highlight import evidence_spans, segments
from netiquette.web.views.rendering import render
from netiquette.web.views.ruletexts import descriptions
from netiquette.web.views.security import CheckedUser, User
from netiquette.web.views.sessions import WebUser

router = APIRouter(include_in_schema=False)


def _filter_of(raw: str) -> QueueFilter:
    return QueueFilter.parse(dict(parse_qsl(raw)))


def _undo_offer(session: Session, comment_id: str, user: WebUser) -> dict[str, Any] | None:
    """The undo bar for the user's latest decision on ``comment_id``, while it may be undone."""
    comment = session.get(Comment, comment_id)
    if comment is None or not comment.decisions:
        return None
    latest: Decision = comment.decisions[-1]
    left = UNDO_SECONDS - (utcnow() - latest.created_at).total_seconds()
    if latest.actor != user.principal.actor or latest.action == "undo" or left <= 0:
        return None
    return {
        "comment_id": comment.id,
        "action": latest.action,
        "rules": list(latest.rules),
        "snippet": comment.text[:80],
        "seconds": max(1, int(left)),
    }


def _panel(
    session: Session,
    request: Request,
    user: WebUser,
    comment_id: str | None,
    f: QueueFilter,
    *,
    done: str | None = None,
    message: str = "",
    error: str = "",
    note: str = "",
) -> dict[str, Any]:
    """Everything the decision panel shows; claims the comment for ``user``."""
    lang = pick_language(request)
    values: dict[str, Any] = {
        "f": f,
        "filter_qs": f.query_string(),
        "undo": _undo_offer(session, done, user) if done else None,
        "message": message,
        "error": error,
        "case": None,
        "note": note,  # a refused note is shown again, so nothing typed is lost
        "max_note": MAX_NOTE_CHARS,
    }
    if comment_id is None:
        return values
    comment_to_decide(session, comment_id)  # unknown: 404, before anything is claimed
    release_others(session, user.name, keep=comment_id)
    # Claim before loading the case: finding the comment taken expires the session's objects,
    # which the page would then read after the session is gone.
    lease: Lease = claim(session, comment_id, user.name)
    case = casefile(session, comment_id)
    comment = case.comment
    actor = Actor(user.principal.kind, user.name)
    rules: HouseRules = request.app.state.ctx.house_rules
    texts = descriptions(session, lang, rules)
    values.update(
        case=case,
        comment=comment,
        lease=lease,
        mine=lease.held_by(user.name),
        actions=sorted(actions_for(actor, comment.state) - {"undo"}),
        segments=segments(comment.text, evidence_spans(case.screening), rules.keys),
        rule_rows=[
            {
                "rule": rule,
                "description": texts.get(rule, ""),
                **case.screening.get(rule, {"score": None, "flag": False, "evidence": []}),
            }
            for rule in rules.keys
        ],
        prev=neighbour(session, f, comment, user.name, forward=False),
        next=neighbour(session, f, comment, user.name, forward=True),
    )
    return values


def _respond(
    request: Request,
    user: WebUser,
    values: dict[str, Any],
    *,
    push: str | None = None,
    status: int = 200,
) -> Response:
    # A refused decision answers with its 4xx; the page's htmx config swaps 409/413/422 in.
    if request.headers.get("hx-request"):
        headers = {"HX-Push-Url": push} if push else None
        return render(
            request, "_decide.html", user=user, headers=headers, status_code=status, **values
        )
    return render(request, "decide.html", user=user, status_code=status, **values)


def _url(comment_id: str | None, f: QueueFilter, **extra: str) -> str:
    if comment_id is None:
        return "/moderate/next?" + f.query_string(**extra)
    return f"/moderate/comments/{comment_id}?" + f.query_string(**extra)


@router.get("/moderate/next")
def next_comment(request: Request, user: User, ctx: Ctx) -> Response:
    """Open the first free comment of the filtered queue (or say the queue is empty)."""
    f = QueueFilter.parse(dict(request.query_params))
    done = request.query_params.get("done")
    with ctx.db.session() as session:
        first = first_free(session, f, user.name)
        values = _panel(session, request, user, first.id if first else None, f, done=done)
    return _respond(request, user, values)


@router.get("/moderate/comments/{comment_id}")
def decision_view(comment_id: str, request: Request, user: User, ctx: Ctx) -> Response:
    """The decision view of one comment; opening it claims the comment."""
    f = QueueFilter.parse(dict(request.query_params))
    with ctx.db.session() as session:
        values = _panel(
            session, request, user, comment_id, f, done=request.query_params.get("done")
        )
    return _respond(request, user, values)


@router.post("/moderate/comments/{comment_id}/decide")
async def submit_decision(
    comment_id: str, request: Request, user: CheckedUser, ctx: Ctx
) -> Response:
    """Approve, or reject citing a house rule; then show the next comment."""
    form = await request.form()
    f = _filter_of(str(form.get("filter", "")))
    choice = str(form.get("choice", ""))
    action, _, rule = choice.partition(":")
    note = str(form.get("note", ""))
    try:
        version = int(str(form.get("version", "")))
    except ValueError:
        version = None
    actor = Actor(user.principal.kind, user.name)
    try:
        if action not in ("approve", "reject") or (
            action == "reject" and rule not in ctx.house_rules
        ):
            raise InputError("choose approve, or reject citing a house rule", field="choice")
        with ctx.db.session() as session:
            comment = comment_to_decide(session, comment_id)
            decide(
                session,
                comment,
                actor,
                action,
                config=AccountabilityConfig.from_settings(ctx.settings, ctx.house_rules),
                source="workspace",
                expected_version=version,
                rules=[rule] if rule else [],
                note=note,
            )
            upcoming = neighbour(session, f, comment, user.name) or first_free(
                session, f, user.name
            )
            next_id = upcoming.id if upcoming else None
    except NetiquetteError as exc:
        with ctx.db.session() as session:
            values = _panel(session, request, user, comment_id, f, error=exc.message, note=note)
        return _respond(request, user, values, status=exc.status)
    if not request.headers.get("hx-request"):
        return RedirectResponse(_url(next_id, f, done=comment_id), status_code=303)
    with ctx.db.session() as session:
        values = _panel(session, request, user, next_id, f, done=comment_id)
    return _respond(request, user, values, push=_url(next_id, f))


@router.post("/moderate/comments/{comment_id}/undo")
async def undo(comment_id: str, request: Request, user: CheckedUser, ctx: Ctx) -> Response:
    """Take back one's own decision within 10 seconds; the comment is pending again."""
    form = await request.form()
    f = _filter_of(str(form.get("filter", "")))
    message, error, status = "decide.undone", "", 200
    try:
        with ctx.db.session() as session:
            decide(
                session,
                comment_to_decide(session, comment_id),
                Actor(user.principal.kind, user.name),
                "undo",
                config=AccountabilityConfig.from_settings(ctx.settings, ctx.house_rules),
                source="workspace",
            )
    except NetiquetteError as exc:
        message, error, status = "", exc.message, exc.status
    with ctx.db.session() as session:
        values = _panel(session, request, user, comment_id, f, message=message, error=error)
    if not request.headers.get("hx-request"):
        return RedirectResponse(_url(comment_id, f), status_code=303)
    return _respond(request, user, values, push=_url(comment_id, f), status=status)


@router.post("/moderate/comments/{comment_id}/claim")
def renew_claim(comment_id: str, request: Request, user: CheckedUser, ctx: Ctx) -> Response:
    """Renew the lease while the decision view stays open (called by the page every 30 s)."""
    with ctx.db.session() as session:
        if session.get(Comment, comment_id) is None:
            raise InputError(f"comment {comment_id!r} is unknown", field="comment_id")
        lease = claim(session, comment_id, user.name)
    return render(request, "_lease.html", user=user, lease=lease, mine=lease.held_by(user.name))


@router.post("/moderate/comments/{comment_id}/dismiss")
async def dismiss_reports(
    comment_id: str, request: Request, user: CheckedUser, ctx: Ctx
) -> Response:
    """Close the readers' reports of a comment that stays published."""
    with ctx.db.session() as session:
        if session.get(Comment, comment_id) is None:
            raise InputError(f"comment {comment_id!r} is unknown", field="comment_id")
        lease = claim(session, comment_id, user.name)
        if not lease.held_by(user.name):
            raise ConflictError(f"comment {comment_id} is taken by {lease.moderator}")
        resolve_reports(session, comment_id, user.principal.actor)
        release(session, comment_id, user.name)
    return RedirectResponse("/moderate?tab=reported", status_code=303)
