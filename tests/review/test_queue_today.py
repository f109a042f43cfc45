"""'Decided today' is the site's day, not the UTC day."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from netiquette.review.queue import QueueFilter, _start_of_today
from netiquette.store.models import utcnow


def test_today_starts_at_midnight_in_the_sites_time_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = _start_of_today("Europe/Berlin").astimezone(berlin)
    assert start.time() == time(0)
    assert start.date() == utcnow().astimezone(berlin).date()


def test_the_filter_carries_the_sites_time_zone_but_not_into_its_url() -> None:
    f = QueueFilter.parse({"tab": "decided"}, "Europe/Berlin")
    assert f.timezone == "Europe/Berlin"
    assert "timezone" not in f.query_string()
