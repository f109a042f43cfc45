"""Replay a synthetic week of held comments and measure how good the wait estimates were.

Two moderators work 06:00-23:00 (Europe/Berlin) and take the queue highest priority first, then
oldest first, about 55 s per comment (the site is configured with the guess ``team_size=2``,
``default_wait_seconds=60``). Held comments arrive as a Poisson stream: quiet mornings, an
evening peak above what two people can handle (a backlog builds from 19:00), and a night with
nobody on shift (everything after 23:00 waits for the morning). Each day is 0.7-1.3 times as
busy as the pattern. Day 1 starts cold: no decision history at all. Every arrival is stored and
estimated with the real estimator against the real database, at its own moment; every day is
measured, day 1 included.

    .venv/bin/python benchmarks/wait_estimate.py [--seed 7] [--days 7] [--db sqlite:///var/b.db]
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from netiquette.review.wait import Staffing, WaitModel, estimate_accuracy
from netiquette.store.db import Database
from netiquette.store.models import Article, Comment, Decision

BERLIN = ZoneInfo("Europe/Berlin")
STAFFING = Staffing.parse("06:00-23:00", "Europe/Berlin")
MODERATORS = 2
SERVICE_MEAN_S = 55.0
MODEL = WaitModel(STAFFING, team_size=2, seconds_per_decision=60)
#: Held comments per hour, by local hour: quiet at night, peaking in the evening.
ARRIVALS_PER_HOUR = [
    6, 4, 3, 2, 2, 3, 10, 20, 30, 35, 40, 45,
    50, 50, 45, 45, 55, 70, 100, 150, 170, 160, 110, 50,
]  # fmt: skip
HIGH_PRIORITY_SHARE = 0.15


@dataclass(order=True)
class Event:
    """A moment in the replay: an arrival, or a moderator finishing (or starting) work."""

    at: datetime
    order: int
    kind: str  # "arrive" | "free"
    moderator: int = -1
    comment_id: str = ""


def arrivals(rng: random.Random, start: datetime, days: int) -> list[datetime]:
    """A non-homogeneous Poisson stream (thinning), in UTC; each day 0.7-1.3 times as busy."""
    scale = [rng.uniform(0.7, 1.3) for _ in range(days + 1)]
    peak = max(ARRIVALS_PER_HOUR) * max(scale) / 3600
    out: list[datetime] = []
    t, end = start, start + timedelta(days=days)
    while True:
        t += timedelta(seconds=rng.expovariate(peak))
        if t >= end:
            return out
        day = (t - start).days
        rate = ARRIVALS_PER_HOUR[t.astimezone(BERLIN).hour] * scale[day] / 3600
        if rng.random() < rate / peak:
            out.append(t)


def next_pick(pending: dict[str, tuple[int, datetime]], taken: set[str]) -> str | None:
    """The comment a free moderator takes: highest priority, then oldest."""
    free = [(-p, r, cid) for cid, (p, r) in pending.items() if cid not in taken]
    return min(free)[2] if free else None


def replay(db: Database, seed: int, days: int = 7) -> tuple[datetime, datetime]:
    """Run the replay; returns the measured week as UTC bounds."""
    rng = random.Random(seed)
    start = datetime(2025, 3, 4, tzinfo=BERLIN).astimezone(UTC)
    with db.session() as session:
        session.add(Article(id="bench", body="Artikel"))
    events: list[Event] = []
    order = 0
    for at in arrivals(rng, start, days):
        order += 1
        events.append(Event(at, order, "arrive"))
    for m in range(MODERATORS):
        order += 1
        events.append(Event(start, order, "free", moderator=m))
    heapq.heapify(events)
    pending: dict[str, tuple[int, datetime]] = {}
    taken: set[str] = set()
    idle: set[int] = set()
    n = 0

    def start_work(m: int, now: datetime) -> None:
        nonlocal order
        if not STAFFING.is_staffed(now):
            order += 1  # off duty: come back when the next shift starts
            heapq.heappush(events, Event(STAFFING.advance(now, 0.001), order, "free", m))
            return
        pick = next_pick(pending, taken)
        if pick is None:
            idle.add(m)
            return
        taken.add(pick)
        done = now + timedelta(seconds=rng.gammavariate(4, SERVICE_MEAN_S / 4))
        order += 1
        heapq.heappush(events, Event(done, order, "free", m, pick))

    while events:
        ev = heapq.heappop(events)
        if ev.kind == "arrive":
            n += 1
            priority = 10 if rng.random() < HIGH_PRIORITY_SHARE else 0
            with db.session() as session:
                comment = Comment(
                    id=f"c{n}",
                    article_id="bench",
                    author_id="u",
                    author_name="U",
                    text="t",
                    text_sha256="0",
                    received_at=ev.at,
                    state="pending",
                    priority=priority,
                )
                session.add(comment)
                session.flush()
                comment.estimated_wait_seconds = MODEL.estimate(session, comment, now=ev.at)
            pending[comment.id] = (priority, ev.at)
            for m in sorted(idle):
                idle.discard(m)
                start_work(m, ev.at)
                break
        else:
            if ev.comment_id:
                with db.session() as session:
                    decided = session.get(Comment, ev.comment_id)
                    assert decided is not None
                    decided.state, decided.decided_at = "approved", ev.at
                    session.add(
                        Decision(
                            comment_id=ev.comment_id,
                            action="approve",
                            actor=f"moderator:m{ev.moderator}",
                            automated=False,
                            created_at=ev.at,
                        )
                    )
                pending.pop(ev.comment_id)
                taken.discard(ev.comment_id)
            start_work(ev.moderator, ev.at)
    return start, start + timedelta(days=days)


def relative_errors(
    db: Database, start: datetime, end: datetime, minimum: float
) -> list[tuple[int, float]]:
    """(day, |estimate - actual| / actual) for comments that waited at least ``minimum`` s."""
    out = []
    with db.session() as session:
        rows = session.query(Comment).filter(
            Comment.received_at >= start, Comment.received_at < end
        )
        for c in rows:
            if c.decided_at is None or not c.estimated_wait_seconds:
                continue
            received = (
                c.received_at.replace(tzinfo=UTC) if not c.received_at.tzinfo else c.received_at
            )
            decided = c.decided_at.replace(tzinfo=UTC) if not c.decided_at.tzinfo else c.decided_at
            actual = (decided - received).total_seconds()
            if actual >= minimum:
                day = (received - start).days + 1
                out.append((day, abs(c.estimated_wait_seconds - actual) / actual))
    return out


def p90(values: list[float]) -> float:
    """The 90th percentile."""
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def main() -> None:
    """Replay, then print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        start, end = replay(db, args.seed, args.days)
        with db.session() as session:
            every = estimate_accuracy(session, start, end)
            long = estimate_accuracy(session, start, end, 300)
        rel = relative_errors(db, start, end, 300)
        db.dispose()
    mae, wait = long.median_abs_error_s or 0, long.median_wait_s or 1
    print(
        f"synthetic week ({args.days} days, seed {args.seed}): {every.comments} held comments, "
        f"{MODERATORS} moderators 06:00-23:00, cold start on day 1"
    )
    print(
        f"all comments:      median wait {every.median_wait_s or 0:.0f} s, "
        f"median absolute error {every.median_abs_error_s or 0:.0f} s"
    )
    print(
        f"waited over 5 min: {long.comments} comments, median wait {wait:.0f} s, "
        f"median absolute error {mae:.0f} s"
    )
    if rel:
        errors = [e for _, e in rel]
        print(
            f"  relative error: median {100 * statistics.median(errors):.1f} %, "
            f"p90 {100 * p90(errors):.1f} % (aim: 25 % / 60 %); "
            f"{100 * (long.within_25_percent or 0):.1f} % within 25 %"
        )
        for day in range(1, args.days + 1):
            today = [e for d, e in rel if d == day]
            if today:
                print(
                    f"  day {day}: {len(today):4d} comments, median "
                    f"{100 * statistics.median(today):5.1f} %, p90 {100 * p90(today):5.1f} %"
                )


if __name__ == "__main__":
    main()
