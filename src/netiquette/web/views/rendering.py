"""Jinja2 templates (autoescaped) and the values every page gets: words, user, CSRF token."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

from netiquette.i18n import format_when, translations
from netiquette.screening.houserules import HouseRules
from netiquette.web.i18n import COOKIE, pick_language, word_helpers
from netiquette.web.views.sessions import WebUser

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pass_context
def _when(context: Context, value: datetime | str | None, style: str = "medium") -> str:
    """A stored time (or its ISO text) in the site's time zone and the page's language."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if value else None
    return format_when(value, context["lang"], context["timezone"], style)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


@cache
def environment(lang: str) -> Environment:
    """The template environment of one language: ``_()`` and ``{% trans %}`` speak it."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        # Every template is HTML: comment text is hostile and must always be escaped.
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["when"] = _when
    env.filters["duration"] = _duration
    return env


def site_timezone(request: Request) -> str:
    """The ``timezone`` setting of the app serving ``request``."""
    return str(request.app.state.ctx.settings.timezone)


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
    # The site's rules (specs): labels, and keys 1-9 in workspace order.
    rules: HouseRules = request.app.state.ctx.house_rules
    page = (
        environment(lang)
        .get_template(template)
        .render(
            request=request,
            lang=lang,
            timezone=site_timezone(request),
            user=user,
            csrf=user.csrf_token if user else values.pop("csrf", ""),
            **word_helpers(lang, rules),
            **values,
        )
    )
    response = HTMLResponse(page, status_code=status_code, headers=headers)
    if request.query_params.get("lang") == lang:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
