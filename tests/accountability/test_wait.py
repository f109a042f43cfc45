"""Wait estimates: staffing hours, position and priority, the staffed decision rate, accuracy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.errors import ConfigError
from netiquette.review.wait import Staffing, estimate_accuracy, estimate_wait
from netiquette.store.models import Article, Comment, Decision
from netiquette.web.context import AppContext
from tests.accountability.helpers import CLEAN, admin, decide, own_view, submit
from tests.conftest import CMS, make_context

BERLIN = ZoneInfo("Europe/Berlin")
DAY = Staffing.parse("06:00-23:00", "Europe/Berlin")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Berlin in March 2025 (before the clocks change), as UTC."""
    return datetime(2025, 3, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def test_staffing_hours() -> None:
    assert DAY.is_staffed(local(3, 12)) and not DAY.is_staffed(local(3, 23, 30))
    # Ten minutes of work begun at 22:55 end at 06:05 the next morning.
    assert DAY.advance(local(3, 22, 55), 600) == local(4, 6, 5)
    assert DAY.advance(local(4, 2), 60) == local(4, 6, 1)
    night = Staffing.parse("22:00-02:00", "Europe/Berlin")
    assert night.is_staffed(local(4, 1)) and not night.is_staffed(local(4, 3))
    # The last staffed hour before 02:00 is 22:00-23:00 of the evening before.
    assert DAY.recent(local(4, 2)) == [(local(3, 22), local(3, 23))]
    assert Staffing.parse("", "UTC").always
    for bad in ("6-23", "06:00-06:00", "25:00-26:00"):
        with pytest.raises(ConfigError):
            Staffing.parse(bad)
    with pytest.raises(ConfigError):
        Staffing.parse("06:00-23:00", "Mars/Olympus")


def test_the_clocks_changing_does_not_break_the_day() -> None:
    # 30 March 2025: 02:00 becomes 03:00 in Berlin; the staffed day is an hour shorter in UTC.
    spans = DAY.intervals(local(30, 0), local(31, 0))
    assert [(a.astimezone(BERLIN).hour, b.astimezone(BERLIN).hour) for a, b in spans] == [(6, 23)]


def _queue(ctx: AppContext, waiting: int, decided_last_hour: int, at: datetime) -> Comment:
    """``waiting`` held comments, and human decisions in the staffed hour before ``at``."""
    with ctx.db.session() as session:
        session.add(Article(id="w", body="Artikel"))
        for n in range(decided_last_hour):
            when = DAY.recent(at)[0][1] - timedelta(minutes=59) + timedelta(minutes=n)
            session.add(
                Comment(
                    id=f"done{n}",
                    article_id="w",
                    author_id="u",
                    author_name="U",
                    text="t",
                    text_sha256="0",
                    received_at=when - timedelta(minutes=10),  # a backlog: the team was busy
                    state="approved",
                )
            )
            session.add(
                Decision(
                    comment_id=f"done{n}",
                    action="approve",
                    actor="moderator:a",
                    automated=False,
                    created_at=when,
                )
            )
        for n in range(waiting):
            session.add(
                Comment(
                    id=f"w{n}",
                    article_id="w",
                    author_id="u",
                    author_name="U",
                    text="t",
                    text_sha256="0",
                    received_at=at - timedelta(minutes=waiting - n),
                    state="pending",
                )
            )
    with ctx.db.session() as session:
        last = session.get(Comment, f"w{waiting - 1}")
        assert last is not None
        session.expunge(last)
        return last


def test_a_comment_posted_at_night_waits_until_the_morning(ctx: AppContext) -> None:
    at = local(4, 2)  # 02:00, nobody on duty until 06:00
    comment = _queue(ctx, waiting=30, decided_last_hour=60, at=at)
    with ctx.db.session() as session:
        comment = session.merge(comment)
        wait = estimate_wait(session, comment, 600, DAY, now=at)
    # 4 h until 06:00, then 30 comments at about one a minute.
    assert 4 * 3600 + 28 * 60 <= wait <= 4 * 3600 + 38 * 60


def test_in_the_day_the_wait_is_position_over_rate(ctx: AppContext) -> None:
    at = local(4, 15)
    comment = _queue(ctx, waiting=20, decided_last_hour=30, at=at)
    with ctx.db.session() as session:
        comment = session.merge(comment)
        wait = estimate_wait(session, comment, 600, DAY, now=at)
        # Higher-priority comments overtake: a high-priority newcomer waits less.
        urgent = Comment(
            id="urgent",
            article_id="w",
            author_id="u",
            author_name="U",
            text="t",
            text_sha256="0",
            received_at=at,
            state="pending",
            priority=100,
        )
        session.add(urgent)
        session.flush()
        urgent_wait = estimate_wait(session, urgent, 600, DAY, now=at)
    # 20 comments at about 30 per hour (blended with three pseudo-decisions): about 40 min.
    assert 35 * 60 <= wait <= 50 * 60
    assert urgent_wait < 5 * 60


def test_accuracy_is_the_median_absolute_error(ctx: AppContext) -> None:
    start = local(5, 8)
    with ctx.db.session() as session:
        session.add(Article(id="acc", body="Artikel"))
        for n, (estimate, actual) in enumerate([(600, 700), (600, 300), (1200, 1200), (60, 0)]):
            received = start + timedelta(minutes=n)
            session.add(
                Comment(
                    id=f"acc{n}",
                    article_id="acc",
                    author_id="u",
                    author_name="U",
                    text="t",
                    text_sha256="0",
                    received_at=received,
                    state="approved",
                    estimated_wait_seconds=estimate,
                )
            )
            session.add(
                Decision(
                    comment_id=f"acc{n}",
                    action="approve",
                    actor="moderator:a",
                    created_at=received + timedelta(seconds=actual),
                )
            )
    with ctx.db.session() as session:
        every = estimate_accuracy(session, start, start + timedelta(hours=1))
        long = estimate_accuracy(session, start, start + timedelta(hours=1), min_wait_s=300)
    assert every.comments == 4 and every.median_abs_error_s == 80  # errors 100, 300, 0, 60
    assert long.comments == 3 and long.median_abs_error_s == 100
    assert long.within_25_percent == pytest.approx(2 / 3)


def test_the_status_shows_the_wait_as_it_is_now(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False, staffing_hours="")
    with TestClient(create_app(context=ctx)) as client:
        first = submit(client, CLEAN, id="first")
        second = submit(client, CLEAN, id="second")  # same text, same priority, one behind
        status = client.get(f"/api/v1/comments/{second['id']}", headers=CMS).json()
        assert status["estimated_wait_seconds"] > first["estimated_wait_seconds"]
        r = client.get("/api/v1/wait/accuracy", headers=admin(client))
        assert r.status_code == 200 and r.json()["all"]["comments"] == 0
    ctx.db.dispose()


def test_a_cold_start_in_staffed_hours_promises_minutes_not_days(ctx: AppContext) -> None:
    # No decision has ever been taken; twelve comments just arrived (`make run` loading the demo).
    at = local(4, 14, 34)
    comment = _queue(ctx, waiting=12, decided_last_hour=0, at=at)
    with ctx.db.session() as session:
        session.execute(Comment.__table__.update().values(received_at=at))
        comment = session.get(Comment, comment.id)
        assert comment is not None
        wait = estimate_wait(session, comment, 60, DAY, team_size=2, now=at)
    # Two moderators at a minute each: 12 comments in about 6-7 minutes, far below an hour.
    assert 5 * 60 <= wait <= 15 * 60


def test_an_hour_without_decisions_does_not_make_days(ctx: AppContext) -> None:
    # Comments have waited all afternoon and nobody decided: the estimate grows, but stays
    # bounded by a quarter of the configured team's speed, not a day per comment.
    at = local(4, 16)
    comment = _queue(ctx, waiting=40, decided_last_hour=0, at=at)
    with ctx.db.session() as session:
        session.execute(
            Comment.__table__.update().values(received_at=local(4, 12))  # waiting since noon
        )
        comment = session.get(Comment, comment.id)
        assert comment is not None
        wait = estimate_wait(session, comment, 60, DAY, team_size=2, now=at)
    assert wait <= 2 * 3600


def test_a_decided_comment_waits_for_nothing_even_when_sent_again(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False, staffing_hours="")
    with TestClient(create_app(context=ctx)) as client:
        first = submit(client, CLEAN, id="again")
        assert first["status"] == "pending" and first["estimated_wait_seconds"] > 0
        decide(client, admin(client), "again", "reject", "off_topic")
        repeat = submit(client, CLEAN, id="again")  # the CMS lost the first answer
        assert repeat["status"] == "rejected" and repeat["estimated_wait_seconds"] == 0
        status = client.get("/api/v1/comments/again", headers=CMS).json()
        assert status["estimated_wait_seconds"] == 0
        assert own_view(client, repeat)["estimated_wait_seconds"] == 0
    ctx.db.dispose()
