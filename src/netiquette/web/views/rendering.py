"""Jinja2 templates (autoescaped) and the values every page gets: words, user, CSRF token."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from netiquette.screening.houserules import HouseRules
from netiquette.web.i18n import COOKIE, pick_language, translator
from netiquette.web.views.sessions import WebUser

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    # Every template is HTML: comment text is hostile and must always be escaped.
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _when(value: datetime | None, fmt: str = "%d.%m.%Y %H:%M:%S") -> str:
    return value.strftime(fmt) if value is not None else ""


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


env.filters["when"] = _when
env.filters["duration"] = _duration


def render(
    request: Request,
    template: str,
    *,
    user: WebUser | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    """Render ``template`` in the request's language; remembers a ``?lang=`` choice."""
    lang = pick_language(request)
    rules: HouseRules = request.app.state.ctx.house_rules
    page = env.get_template(template).render(
        request=request,
        lang=lang,
        t=translator(lang),
        # The site's rules (specs): labels, and keys 1-9 in workspace order.
        rule_label=lambda rule: rules.label(rule, lang),
        numbered_rules=rules.numbered(lang),
        house_rules=list(rules.keys),
        rule_number=lambda rule: spec.workspace_key if (spec := rules.get(rule)) else "",
        user=user,
        csrf=user.csrf_token if user else values.pop("csrf", ""),
        **values,
    )
    response = HTMLResponse(page, status_code=status_code, headers=headers)
    if request.query_params.get("lang") == lang:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
