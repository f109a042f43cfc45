"""A wait in the words a reader uses: "etwa 20 Minuten", "etwa 2 Stunden", "morgen ab 6 Uhr"."""

from __future__ import annotations

from datetime import datetime, timedelta

from netiquette.i18n import N_, translations
from netiquette.review.wait import Staffing

#: Said when the decision falls into a later shift (nobody is on duty until then).
_NEXT_SHIFT = {
    0: N_("today from %(hour)s o'clock"),
    1: N_("tomorrow from %(hour)s o'clock"),
}
_LATER = N_("on %(date)s from %(hour)s o'clock")


def _shift_start(staffing: Staffing, now: datetime, finish: datetime) -> datetime | None:
    """The start of the shift in which ``finish`` falls, if that shift starts after ``now``."""
    for a, b in staffing.intervals(now - timedelta(days=1), finish + timedelta(days=1)):
        if a <= finish < b or finish == b:
            return a if a > now else None
    return None


def wait_words(seconds: int, lang: str, staffing: Staffing, now: datetime) -> str:
    """``seconds`` of waiting from ``now`` as a reader would say it, in ``lang``."""
    t = translations(lang)
    if seconds <= 0:
        return t.gettext("decided")
    finish = now + timedelta(seconds=seconds)
    start = None if staffing.always else _shift_start(staffing, now, finish)
    if start is not None and seconds > 3600:
        local = start.astimezone(staffing.zone)
        hour = f"{local.hour}" if local.minute == 0 else f"{local.hour}:{local.minute:02d}"
        days = (local.date() - now.astimezone(staffing.zone).date()).days
        if days in _NEXT_SHIFT:
            return t.gettext(_NEXT_SHIFT[days]) % {"hour": hour}
        return t.gettext(_LATER) % {"date": f"{local:%d.%m.}", "hour": hour}
    minutes = seconds / 60
    if minutes < 55:
        n = max(5, 5 * round(minutes / 5)) if minutes >= 5 else max(1, round(minutes))
        if n == 1:
            return t.gettext("about 1 minute")
        return t.gettext("about %(num)s minutes") % {"num": n}
    hours = max(1, round(minutes / 60))
    if hours == 1:
        return t.gettext("about 1 hour")
    return t.gettext("about %(num)s hours") % {"num": hours}
