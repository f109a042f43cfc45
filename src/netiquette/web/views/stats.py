"""``/moderate/stats``: the dashboard for a chosen date range, charts drawn as SVG."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_datetime, format_skeleton
from fastapi import APIRouter, Request
from starlette.responses import Response

from netiquette.i18n import gettext, zone
from netiquette.review.spotchecks import precision_by_policy
from netiquette.review.stats import DateRange, clamp_day, dashboard
from netiquette.review.wait import estimate_accuracy
from netiquette.store.models import utcnow
from netiquette.web.context import Ctx
from netiquette.web.i18n import pick_language
from netiquette.web.views.charts import bars, per_day, stacked_bars
from netiquette.web.views.rendering import render
from netiquette.web.views.security import User

router = APIRouter(include_in_schema=False)
MAX_DAYS = 92


def parse_range(first: str | None, last: str | None, timezone: str = "UTC") -> DateRange:
    """The requested days (default: today) in ``timezone``, swapped if reversed, at most 92.

    Days before 1970 or more than a year ahead are clamped to those limits.
    """
    local = zone(timezone)
    today = utcnow().astimezone(local).date()

    def day(value: str | None, default: date) -> date:
        try:
            return date.fromisoformat(value) if value else default
        except ValueError:
            return default

    # Far-off days (0001-01-01, 9999-12-31) are moved to the nearest day with data possible.
    latest = today + timedelta(days=366)
    a, b = clamp_day(day(first, today), latest), clamp_day(day(last, today), latest)
    if b < a:
        a, b = b, a
    if (b - a).days >= MAX_DAYS:
        a = b - timedelta(days=MAX_DAYS - 1)
    return DateRange(a, b, local)


@router.get("/moderate/stats")
def stats_page(request: Request, user: User, ctx: Ctx) -> Response:
    """Queue length, arrivals and decisions over time, waits, automatic share, rules."""
    params = request.query_params
    days = parse_range(params.get("from"), params.get("to"), ctx.settings.timezone)
    lang = pick_language(request)
    _ = gettext(lang)
    with ctx.db.session() as session:
        d = dashboard(session, days, ctx.house_rules.keys)
        precision = precision_by_policy(session)
        # How honest were the waits we promised? (issue: delays are honest)
        accuracy = estimate_accuracy(session, days.start, days.end)
    hourly = (days.last - days.first).days < 3  # up to three days by the hour
    if hourly:
        hour = "HH" if days.first == days.last else "d. HH"
        labels = [
            format_datetime(days.start + timedelta(hours=h), hour, tzinfo=days.zone, locale=lang)
            for h in range(days.hours)
        ]
        arrivals, human, auto = d.arrivals_per_hour, d.human_per_hour, d.auto_per_hour
    else:
        labels = [
            format_skeleton("Md", days.first + timedelta(days=i), locale=lang)
            for i in range((days.last - days.first).days + 1)
        ]
        each_day = days.day_hours()
        arrivals = per_day(d.arrivals_per_hour, each_day)
        human, auto = per_day(d.human_per_hour, each_day), per_day(d.auto_per_hour, each_day)
    unit = _("per hour") if hourly else _("per day")
    charts = [
        bars(f"{_('Arrivals')} {unit}", arrivals, labels),
        stacked_bars(
            f"{_('Decisions')} {unit}",
            [_("human"), _("automatic")],
            [human, auto],
            labels,
        ),
    ]
    top = max(d.per_rule.values(), default=0) or 1
    per_rule = [(ctx.house_rules.label(r, lang), n, n / top) for r, n in d.per_rule.items()]
    return render(
        request,
        "stats.html",
        user=user,
        d=d,
        days=days,
        charts=charts,
        per_rule=per_rule,
        precision=precision,
        accuracy=accuracy,
        policy=ctx.pipeline.effective_policy(),
    )
