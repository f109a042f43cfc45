"""Leases, undo, spot checks and dashboard figures, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from netiquette.accountability.config import AccountabilityConfig
from netiquette.errors import ConflictError, InputError
from netiquette.review.claims import claim, holder, holders, release, require_claim
from netiquette.review.intake import NewComment
from netiquette.review.machine import Actor, perform
from netiquette.review.queue import QueueFilter, count_filtered, counts, first_free, neighbour
from netiquette.review.spotchecks import (
    open_checks,
    precision_by_policy,
    record_check,
    set_sample_every,
)
from netiquette.review.stats import DateRange, dashboard, percentile
from netiquette.store.models import Article, Comment, Decision, utcnow
from netiquette.web.context import AppContext
from tests.conftest import make_context
from tests.fakes import ScriptedPipeline

ANNA, BEN = Actor("moderator", "anna"), Actor("moderator", "ben")
SITE = AccountabilityConfig()


@pytest.fixture
def wctx(database_url: str) -> Iterator[AppContext]:
    ctx = make_context(database_url)
    ctx.intake.pipeline = ScriptedPipeline()
    with ctx.db.session() as session:
        session.add(Article(id="a", title="Stadtbahn", body="Vorspann.\n\nDie Linie 7 kommt."))
    yield ctx
    ctx.db.dispose()


def _submit(ctx: AppContext, n: int, outcome: str = "review", author: str = "u") -> str:
    accepted = ctx.intake.submit(
        NewComment("a", author, "U", f"Kommentar {n} [{outcome}]", id=f"c{n}"), "cms:test"
    )
    return accepted.id


def test_a_lease_is_exclusive_until_it_expires_or_is_released(wctx: AppContext) -> None:
    _submit(wctx, 1)
    now = utcnow()
    with wctx.db.session() as s:
        assert claim(s, "c1", "anna", now=now).held_by("anna")
    with wctx.db.session() as s:
        lease = claim(s, "c1", "ben", now=now + timedelta(seconds=30))
        assert lease.moderator == "anna" and not lease.held_by("ben")
        with pytest.raises(ConflictError, match="taken by anna"):
            require_claim(s, "c1", "ben")
        assert set(holders(s, ["c1"])) == {"c1"}
    with wctx.db.session() as s:  # a stale lease is free for the next moderator
        assert claim(s, "c1", "ben", now=now + timedelta(seconds=91)).held_by("ben")
    with wctx.db.session() as s:
        release(s, "c1", "ben")
        assert holder(s, "c1") is None


def test_undo_returns_the_comment_to_the_queue_within_ten_seconds(wctx: AppContext) -> None:
    _submit(wctx, 1)
    with wctx.db.session() as s:
        c = s.get(Comment, "c1")
        assert c is not None
        perform(s, c, ANNA, "approve")
    with wctx.db.session() as s:
        c = s.get(Comment, "c1")
        assert c is not None
        with pytest.raises(ConflictError, match="own latest decision"):
            perform(s, c, BEN, "undo")
    with wctx.db.session() as s:
        c = s.get(Comment, "c1")
        assert c is not None
        t = perform(s, c, ANNA, "undo")
        assert c.state == "pending" and t.event == "undone"
    with wctx.db.session() as s:
        decisions = list(s.scalars(select(Decision).order_by(Decision.id)))
        assert [d.action for d in decisions] == ["approve", "undo"]
        assert decisions[1].reverses_id == decisions[0].id
        # Public iff the latest decision is approve: it is pending and not public now.
        c = s.get(Comment, "c1")
        assert c is not None and c.state != "approved"


def test_undo_is_refused_after_ten_seconds(wctx: AppContext) -> None:
    _submit(wctx, 1)
    with wctx.db.session() as s:
        c = s.get(Comment, "c1")
        assert c is not None
        perform(s, c, ANNA, "reject", rules=["insult"])
    with wctx.db.session() as s:
        d = s.scalars(select(Decision)).one()
        d.created_at = utcnow() - timedelta(seconds=11)
    with wctx.db.session() as s:
        c = s.get(Comment, "c1")
        assert c is not None
        with pytest.raises(ConflictError, match="10 seconds"):
            perform(s, c, ANNA, "undo")


def test_spot_checks_measure_precision_and_correct_wrong_decisions(wctx: AppContext) -> None:
    for n, outcome in enumerate(["reject", "reject", "approve"], start=1):
        _submit(wctx, n, outcome)
    with wctx.db.session() as s:
        set_sample_every(s, 1, "moderator:admin")
    with wctx.db.session() as s:
        checks = open_checks(s)
        assert [d.action for d, _ in checks] == ["reject", "reject", "approve"]
        ids = {c.id: d.id for d, c in checks}
        assert counts(s)["spot"] == 3
    with wctx.db.session() as s:
        record_check(s, ids["c1"], ANNA, "correct", config=SITE)
        record_check(s, ids["c2"], ANNA, "wrong", config=SITE)  # reversed: published now
        with pytest.raises(InputError):  # a wrong approval needs the rule it broke
            record_check(s, ids["c3"], ANNA, "wrong", config=SITE)
    with wctx.db.session() as s:
        record_check(s, ids["c3"], ANNA, "wrong", config=SITE, rules=["ad_link"])
    with wctx.db.session() as s:
        states = {c.id: c.state for c in s.scalars(select(Comment))}
        assert states == {"c1": "rejected", "c2": "approved", "c3": "rejected"}
        with pytest.raises(ConflictError):
            record_check(s, ids["c1"], BEN, "wrong", config=SITE)
        by_action = {p.action: p for p in precision_by_policy(s)}
        assert by_action["reject"].precision == 0.5 and by_action["reject"].checked == 2
        assert by_action["approve"].precision == 0.0
        assert open_checks(s) == []


def test_queue_order_filters_and_skipping_taken_comments(wctx: AppContext) -> None:
    for n in range(1, 5):
        _submit(wctx, n, author=f"u{n}")
    with wctx.db.session() as s:
        pending = QueueFilter()
        assert count_filtered(s, pending) == 4
        assert count_filtered(s, QueueFilter(q="kommentar 3")) == 1
        assert count_filtered(s, QueueFilter(q="100%")) == 0
        first = first_free(s, pending, "anna")
        assert first is not None and first.id == "c1"
        claim(s, "c2", "ben")
        after = neighbour(s, pending, first, "anna")
        assert after is not None and after.id == "c3"  # c2 is ben's
        back = neighbour(s, pending, after, "anna", forward=False)
        assert back is not None and back.id == "c1"


def test_dashboard_figures(wctx: AppContext) -> None:
    _submit(wctx, 1, "approve")
    _submit(wctx, 2, "reject")
    _submit(wctx, 3)
    _submit(wctx, 4)
    with wctx.db.session() as s:
        c = s.get(Comment, "c3")
        assert c is not None
        perform(s, c, ANNA, "reject", rules=["off_topic"])
    today = utcnow().date()
    with wctx.db.session() as s:
        d = dashboard(s, DateRange(today, today))
    assert d.queue_length == 1 and d.arrivals == 4
    assert (d.automatic, d.human) == (2, 1) and d.automatic_share == pytest.approx(2 / 3)
    assert d.per_rule["off_topic"] == 1 and d.per_rule["insult"] == 1
    assert d.wait_median_s is not None and d.wait_median_s >= 0
    assert sum(d.arrivals_per_hour) == 4 and len(d.arrivals_per_hour) == 24


def test_percentile_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([float(i) for i in range(1, 11)], 0.9) == 9.0
