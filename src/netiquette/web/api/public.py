"""``/api/v1/public``: the commenter's own view of their comment, by the token from submission.

No account is needed: the token shown once at ``POST /comments`` is the key. A wrong token
answers 404 exactly like an unknown comment. A browser (``Accept: text/html``) gets a page in
the reader's language with the statement of reasons and an appeal form; ``Accept:
application/json``, any other client, or the ``.json`` suffix get the JSON. The appeal form
carries the token itself: a page elsewhere cannot forge it without knowing the token, so the
token is the form's CSRF defence (there is no cookie to ride on).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from netiquette.accountability.commenter import (
    appeal_by_commenter,
    comment_for_token,
    commenter_view,
)
from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.waitwords import wait_words
from netiquette.errors import InputError, NetiquetteError, NotFoundError
from netiquette.i18n import LANGUAGES, N_, translations
from netiquette.store.models import Comment, utcnow
from netiquette.web.api.accountability_schemas import AppealBody
from netiquette.web.context import Ctx, DbSession
from netiquette.web.i18n import reader_language
from netiquette.web.ratelimit import rate_limited
from netiquette.web.views.rendering import render
from netiquette.web.views.ruletexts import descriptions

router = APIRouter(prefix="/public", tags=["commenters"])
MAX_APPEAL = 5000
#: What the commenter reads as their comment's state (moderators' words differ).
READER_STATES = {
    "received": N_("being reviewed"),
    "pending": N_("being reviewed"),
    "approved": N_("published"),
    "rejected": N_("not published"),
}
APPEAL_STATES = {
    "open": N_("being reviewed by another moderator"),
    "upheld": N_("not granted: the comment stays unpublished"),
    "reversed": N_("granted: your comment is now published"),
}


def accountability_config(ctx: Ctx) -> AccountabilityConfig:
    """The accountability settings of this app."""
    return AccountabilityConfig.from_settings(ctx.settings, ctx.house_rules)


def wants_html(request: Request) -> bool:
    """True for a browser: it asks for text/html before (or instead of) JSON."""
    accept = request.headers.get("accept", "").lower()
    if "text/html" not in accept:
        return False
    json_at = accept.find("application/json")
    return json_at < 0 or accept.find("text/html") < json_at


def _page(
    request: Request,
    ctx: Ctx,
    session: Session,
    comment: Comment,
    token: str,
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    config = accountability_config(ctx)
    view = commenter_view(session, comment, config)
    lang = reader_language(request)
    t = translations(lang)
    statement = view["statement_of_reasons"]
    texts = descriptions(session, lang, config.house_rules)
    rules = [
        {
            "label": r["label"].get(lang) or r["label"]["de"],  # as issued
            "description": texts.get(r["rule"], ""),
        }
        for r in (statement["house_rules"] if statement else [])
    ]
    path = f"/api/v1/public/comments/{quote(comment.id)}"
    appeal = view["appeal"]
    return render(
        request,
        "accountability/commenter.html",
        lang=lang,
        status_code=status,
        headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"},
        view=view,
        token=token,
        rules=rules,
        error=error,
        state_text=t.gettext(READER_STATES.get(comment.state, comment.state)),
        wait_text=wait_words(int(view["estimated_wait_seconds"]), lang, config.staffing, utcnow()),
        appeal_text=t.gettext(APPEAL_STATES[appeal["state"]]) if appeal else "",
        appeal_action=f"{path}/appeal/form",
        json_url=f"{path}.json?token={quote(token)}",
        house_rules_url=config.house_rules_url,
    )


@router.get("/comments/{comment_id}", response_model=None)
def get_own_comment(
    comment_id: str,
    request: Request,
    ctx: Ctx,
    session: DbSession,
    token: str = Query(..., min_length=1, max_length=200),
) -> dict[str, Any] | Response:
    """Status, estimated wait, and — when rejected — the statement of reasons and how to appeal.

    A page for browsers; JSON for ``Accept: application/json`` or ``/comments/{id}.json``.
    """
    as_json = comment_id.endswith(".json")
    if as_json:
        comment_id = comment_id.removesuffix(".json")
    comment = comment_for_token(session, comment_id, token)
    if not as_json and wants_html(request):
        return _page(request, ctx, session, comment, token)
    return commenter_view(session, comment, accountability_config(ctx))


@router.post(
    "/comments/{comment_id}/appeal", status_code=201, dependencies=[Depends(rate_limited("public"))]
)
def post_appeal(
    comment_id: str,
    body: AppealBody,
    ctx: Ctx,
    session: DbSession,
    token: str | None = Query(None, max_length=200),
) -> JSONResponse:
    """Contest the rejection once, with a text; another moderator decides."""
    comment = comment_for_token(session, comment_id, body.token or token)
    config = accountability_config(ctx)
    appeal = appeal_by_commenter(session, comment, body.text, config)
    return JSONResponse({"id": comment.id, "appeal": appeal}, status_code=201)


@router.post(
    "/comments/{comment_id}/appeal/form",
    include_in_schema=False,
    dependencies=[Depends(rate_limited("public"))],
)
async def post_appeal_form(comment_id: str, request: Request, ctx: Ctx) -> Response:
    """The page's appeal form: back to the page (303), or the page naming the error."""
    form = await request.form()
    token = str(form.get("token", ""))[:200]
    text = str(form.get("text", ""))
    with ctx.db.session() as session:
        comment = comment_for_token(session, comment_id, token)  # 404 without the right token
        try:
            if not text.strip():
                raise InputError("the appeal needs a text", field="text")
            if len(text) > MAX_APPEAL:
                raise InputError(f"the appeal is longer than {MAX_APPEAL} characters", field="text")
            with session.begin_nested():
                appeal_by_commenter(session, comment, text, accountability_config(ctx))
        except NotFoundError:
            raise
        except NetiquetteError as exc:
            return _page(
                request, ctx, session, comment, token, error=exc.message, status=exc.status
            )
    lang = str(form.get("lang", ""))
    suffix = f"&lang={lang}" if lang in LANGUAGES else ""
    return RedirectResponse(
        f"/api/v1/public/comments/{quote(comment_id)}?token={quote(token)}{suffix}",
        status_code=303,
    )
