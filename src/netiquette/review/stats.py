"""Dashboard figures for a date range: queue, arrivals and decisions per hour, waits, shares.

Everything is computed from the comments and decisions tables (append-only), so the figures for
a past range never change. Rows are bucketed in Python, which keeps the SQL portable between
SQLite and PostgreSQL; a day of a large newsroom is a few tens of thousands of rows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netiquette.store.models import Comment, Decision

#: The days a range may touch: before the epoch there is nothing, and past ``LATEST`` the
#: instant after the last day would overflow ``datetime`` (``9999-12-31`` + 1 day).
EARLIEST = date(1970, 1, 1)
LATEST = date(9998, 12, 31)


def clamp_day(day: date, latest: date = LATEST) -> date:
    """``day`` moved into ``EARLIEST``..``latest``."""
    return min(max(day, EARLIEST), latest)


@dataclass(frozen=True, slots=True)
class DateRange:
    """Whole days ``first`` to ``last`` (inclusive) in the site's time zone ``zone``."""

    first: date
    last: date
    zone: tzinfo = UTC

    def _midnight(self, day: date) -> datetime:
        # In UTC, so differences are real elapsed time (a DST day has 23 or 25 hours).
        return datetime.combine(day, time.min, tzinfo=self.zone).astimezone(UTC)

    @property
    def start(self) -> datetime:
        """The first instant of the range."""
        return self._midnight(self.first)

    @property
    def end(self) -> datetime:
        """The first instant after the range."""
        if self.last >= date.max:
            return datetime.max.replace(tzinfo=UTC)
        return self._midnight(self.last + timedelta(days=1))

    @property
    def hours(self) -> int:
        """How many hours the range spans."""
        return int((self.end - self.start).total_seconds() // 3600)

    def day_hours(self) -> list[slice]:
        """The hours (indexes of the hourly series) of each day of the range, in order."""
        days = (self.last - self.first).days + 1
        bounds = [
            int((self._midnight(self.first + timedelta(days=i)) - self.start).total_seconds())
            // 3600
            for i in range(days)
        ]
        return [slice(a, b) for a, b in zip(bounds, [*bounds[1:], self.hours], strict=True)]


def undone_ids(session: Session, ids: list[int] | None = None) -> set[int]:
    """Decisions taken back with ``undo`` (they never count as decisions)."""
    query = select(Decision.reverses_id).where(
        Decision.action == "undo", Decision.reverses_id.is_not(None)
    )
    if ids is not None:
        query = query.where(Decision.reverses_id.in_(ids))
    return {int(i) for i in session.scalars(query) if i is not None}


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-quantile (0..1) by the nearest-rank method; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


@dataclass(slots=True)
class Dashboard:
    """All figures of the dashboard for one date range."""

    range: DateRange
    queue_length: int = 0
    arrivals_per_hour: list[int] = field(default_factory=list)
    human_per_hour: list[int] = field(default_factory=list)
    auto_per_hour: list[int] = field(default_factory=list)
    wait_median_s: float | None = None
    wait_p90_s: float | None = None
    automatic: int = 0
    human: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)
    arrivals: int = 0

    @property
    def automatic_share(self) -> float | None:
        """Share of decisions taken by the policy, or None without decisions."""
        total = self.automatic + self.human
        return self.automatic / total if total else None


def dashboard(session: Session, days: DateRange, rules: Sequence[str] = ()) -> Dashboard:
    """Compute the dashboard for ``days``; ``rules`` (the site's) are listed even at zero."""
    out = Dashboard(range=days)
    hours = days.hours
    out.queue_length = int(
        session.scalar(select(func.count()).where(Comment.state == "pending")) or 0
    )

    def bucket(at: datetime) -> int:
        return int((at - days.start).total_seconds() // 3600)

    arrivals = [0] * hours
    for (received,) in session.execute(
        select(Comment.received_at).where(
            Comment.received_at >= days.start, Comment.received_at < days.end
        )
    ):
        arrivals[bucket(received)] += 1
    out.arrivals_per_hour, out.arrivals = arrivals, sum(arrivals)

    human, auto = [0] * hours, [0] * hours
    cited_rules: Counter[str] = Counter()
    waits: list[float] = []
    first_human: dict[str, datetime] = {}
    rows = session.execute(
        select(
            Decision.id,
            Decision.comment_id,
            Decision.action,
            Decision.automated,
            Decision.rules,
            Decision.created_at,
            Decision.reverses_id,
            Comment.received_at,
        )
        .join(Comment, Comment.id == Decision.comment_id)
        .where(Decision.created_at >= days.start, Decision.created_at < days.end)
        .order_by(Decision.id)
    ).all()
    # As in the transparency report: a decision taken back with "undo" was never a decision.
    undone = undone_ids(session, [row[0] for row in rows])
    for decision_id, comment_id, action, automated, cited, at, reverses, received in rows:
        if action == "undo" or decision_id in undone:
            continue
        (auto if automated else human)[bucket(at)] += 1
        if automated:
            out.automatic += 1
        else:
            out.human += 1
            # The wait is the time to the first human decision of a queued comment; a
            # reversal of an earlier decision is not a wait.
            if reverses is None and comment_id not in first_human:
                first_human[comment_id] = at
                waits.append((at - received).total_seconds())
        if action == "reject":
            cited_rules.update(cited)
    out.human_per_hour, out.auto_per_hour = human, auto
    out.wait_median_s = percentile(waits, 0.5)
    out.wait_p90_s = percentile(waits, 0.9)
    out.per_rule = {rule: cited_rules.get(rule, 0) for rule in rules}
    out.per_rule.update((r, n) for r, n in cited_rules.items() if r not in out.per_rule)
    return out
