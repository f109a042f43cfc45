"""The wait in a reader's words, in German and English."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from netiquette.accountability.waitwords import wait_words
from netiquette.review.wait import Staffing

DAY = Staffing.parse("06:00-23:00", "Europe/Berlin")
BERLIN = ZoneInfo("Europe/Berlin")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, 4, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def test_minutes_and_hours_in_the_day() -> None:
    assert wait_words(20 * 60, "de", DAY, at(14, 34)) == "etwa 20 Minuten"
    assert wait_words(2 * 3600, "de", DAY, at(14, 34)) == "etwa 2 Stunden"
    assert wait_words(60, "de", DAY, at(14, 34)) == "etwa 1 Minute"
    assert wait_words(20 * 60, "en", DAY, at(14, 34)) == "about 20 minutes"


def test_at_night_the_morning_shift_is_named() -> None:
    # 23:30: nobody on duty until 06:00; the comment is decided some minutes after that.
    wait = int((at(6, 10).replace(day=5) - at(23, 30)).total_seconds())
    assert wait_words(wait, "de", DAY, at(23, 30)) == "morgen ab 6 Uhr"
    assert wait_words(wait, "en", DAY, at(23, 30)) == "tomorrow from 6 o'clock"
    early = int((at(6, 10) - at(2, 0)).total_seconds())
    assert wait_words(early, "de", DAY, at(2, 0)) == "heute ab 6 Uhr"
    assert wait_words(0, "de", DAY, at(2, 0)) == "entschieden"
