"""How long a held comment will probably wait for a human, from live queue data.

A moderator takes the queue highest priority first, then oldest first. With ``k`` moderators
the comment at position ``p`` is decided after

    work  = (p - 1 + k) / (decision rate − arrival rate of higher-priority comments)
    wait  = staffed time needed for ``work``, laid over the staffing hours

The decision rate is measured over the last hour of *staffed* time (at 02:00 that is 22:00–23:00
of the evening before), per second the team actually had work (:func:`busy_seconds`: a quiet
hour does not make the moderators look slow), blended with the configured team (``team_size``
moderators at ``seconds_per_decision`` each) as three pseudo-decisions, so a cold start gets the
configured figure and the observed one takes over as soon as there is a queue. A comment posted
at night waits until the moderators start; a decided comment waits 0. :func:`estimate_accuracy`
compares the estimates given at submission with the waits that followed.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from netiquette.errors import ConfigError
from netiquette.store.models import Comment, Decision, utcnow

#: How much staffed time the rates are measured over.
WINDOW = timedelta(hours=1)
#: Pseudo-decisions (at the default duration each) that steady the measured rate.
PRIOR_DECISIONS = 3
#: How far back to look for staffed time, and how far ahead to plan at most.
HORIZON = timedelta(days=14)
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_HUMAN_ACTIONS = ("approve", "reject")
#: States in which a comment still waits for a decision.
HELD = ("received", "pending")


def _clock(hours: str, minutes: str, spec: str) -> time | None:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return None  # midnight at the end of the day
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ConfigError(f"staffing_hours: {spec!r} is not a time of day", field="staffing_hours")
    return time(h, m)


@dataclass(frozen=True, slots=True)
class Staffing:
    """When moderators work: daily local spans (``"06:00-23:00"``, ``"22:00-02:00"``)."""

    spans: tuple[tuple[time, time | None], ...]
    zone: ZoneInfo

    @classmethod
    def parse(cls, hours: str, timezone: str = "Europe/Berlin") -> Staffing:
        """Read ``"06:00-23:00"`` or ``"06:00-12:00, 14:00-22:00"``; empty means always."""
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"timezone {timezone!r} is unknown", field="timezone") from None
        spans: list[tuple[time, time | None]] = []
        for spec in filter(None, (part.strip() for part in hours.split(","))):
            match = _SPAN.match(spec)
            if not match:
                raise ConfigError(
                    f"staffing_hours: {spec!r} is not like '06:00-23:00'", field="staffing_hours"
                )
            start = _clock(match[1], match[2], spec) or time(0, 0)
            end = _clock(match[3], match[4], spec)
            if end == start:
                raise ConfigError(
                    f"staffing_hours: {spec!r} is empty; leave the setting empty for always",
                    field="staffing_hours",
                )
            spans.append((start, end))
        return cls(tuple(spans), zone)

    @property
    def always(self) -> bool:
        """True when there are no staffing hours (someone is always on duty)."""
        return not self.spans

    def _day_intervals(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        for start, end in self.spans:
            a = datetime.combine(day, start, tzinfo=self.zone)
            if end is None or end <= start:  # runs to or past midnight
                b = datetime.combine(day + timedelta(days=1), end or time(0, 0), tzinfo=self.zone)
            else:
                b = datetime.combine(day, end, tzinfo=self.zone)
            yield a.astimezone(UTC), b.astimezone(UTC)

    def intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Staffed stretches within ``[start, end)``, in UTC, in order."""
        if start >= end:
            return []
        if self.always:
            return [(start, end)]
        out: list[tuple[datetime, datetime]] = []
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date()
        while day <= last:
            for a, b in self._day_intervals(day):
                a, b = max(a, start), min(b, end)
                if a < b:
                    out.append((a, b))
            day += timedelta(days=1)
        out.sort()
        return out

    def is_staffed(self, at: datetime) -> bool:
        """True when moderators are on duty at ``at``."""
        return bool(self.intervals(at, at + timedelta(microseconds=1)))

    def advance(self, start: datetime, seconds: float) -> datetime:
        """The moment ``seconds`` of staffed time after ``start`` have passed."""
        if self.always:
            return start + timedelta(seconds=seconds)
        left, cursor = seconds, start
        while cursor < start + HORIZON:
            for a, b in self.intervals(cursor, cursor + timedelta(days=1)):
                span = (b - a).total_seconds()
                if left <= span:
                    return a + timedelta(seconds=left)
                left -= span
            cursor += timedelta(days=1)
        return start + HORIZON

    def recent(self, now: datetime, amount: timedelta = WINDOW) -> list[tuple[datetime, datetime]]:
        """The latest staffed stretches before ``now`` that add up to ``amount``."""
        if self.always:
            return [(now - amount, now)]
        out: list[tuple[datetime, datetime]] = []
        left, cursor = amount, now
        while left > timedelta(0) and cursor > now - HORIZON:
            for a, b in reversed(self.intervals(cursor - timedelta(days=1), cursor)):
                take = min(left, b - a)
                out.append((b - take, b))
                left -= take
                if left <= timedelta(0):
                    break
            cursor -= timedelta(days=1)
        return out


ALWAYS = Staffing((), ZoneInfo("UTC"))


def _within(column: Any, spans: list[tuple[datetime, datetime]]) -> ColumnElement[bool]:
    if not spans:
        return false()
    return or_(*(and_(column >= a, column < b) for a, b in spans))


def human_decision_rate(
    session: Session, spans: list[tuple[datetime, datetime]] | None = None
) -> tuple[int, float]:
    """Human approve/reject decisions within ``spans`` (default: the last hour) and their length."""
    if spans is None:
        now = utcnow()
        spans = [(now - WINDOW, now)]
    count = session.scalar(
        select(func.count(Decision.id)).where(
            Decision.automated.is_(False),
            Decision.action.in_(_HUMAN_ACTIONS),
            _within(Decision.created_at, spans),
        )
    )
    return int(count or 0), sum((b - a).total_seconds() for a, b in spans)


def busy_seconds(
    session: Session, spans: list[tuple[datetime, datetime]], team_size: int, now: datetime
) -> float:
    """How much of ``spans`` the team had work: the integral of min(queue length, team) / team.

    A quiet hour with three decisions says nothing about how fast moderators are: they waited
    for work. Only time with comments in the queue counts, and with two moderators and one
    comment waiting, half the team was busy.
    """
    if not spans:
        return 0.0
    first = _first_human()
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    rows = session.execute(
        select(Comment.received_at, Comment.state, first.c.first_at)
        .outerjoin(first, first.c.comment_id == Comment.id)
        .where(
            Comment.received_at < hi,
            or_(
                Comment.state == "pending",
                and_(first.c.first_at.is_not(None), first.c.first_at > lo),
            ),
        )
    )
    intervals: list[tuple[datetime, datetime]] = []
    for received, state, first_at in rows:
        end = _aware(first_at) if first_at is not None else (now if state == "pending" else None)
        if end is not None and end > received:
            intervals.append((_aware(received), end))
    team = max(team_size, 1)
    total = 0.0
    for a, b in spans:
        points: list[tuple[datetime, int]] = []
        for s, e in intervals:
            s, e = max(s, a), min(e, b)
            if s < e:
                points += [(s, 1), (e, -1)]
        points.sort()
        length, last = 0, a
        for at, step in points:
            total += min(length, team) / team * (at - last).total_seconds()
            length, last = length + step, at
    return total


def queue_position(session: Session, comment: Comment) -> int:
    """How many pending comments a moderator will take before this one."""
    ahead = session.scalar(
        select(func.count(Comment.id)).where(
            Comment.state == "pending",
            Comment.id != comment.id,
            or_(
                Comment.priority > comment.priority,
                and_(
                    Comment.priority == comment.priority,
                    Comment.received_at <= comment.received_at,
                ),
            ),
        )
    )
    return int(ahead or 0)


def _overtaking_arrivals(
    session: Session, comment: Comment, spans: list[tuple[datetime, datetime]]
) -> int:
    """Comments queued with a higher priority within ``spans``: they will overtake this one."""
    automated = exists().where(Decision.comment_id == Comment.id, Decision.automated.is_(True))
    count = session.scalar(
        select(func.count(Comment.id)).where(
            Comment.priority > comment.priority,
            Comment.state != "received",
            ~automated,
            _within(Comment.received_at, spans),
        )
    )
    return int(count or 0)


@dataclass(frozen=True, slots=True)
class WaitModel:
    """What the estimate needs to know about the team: when it works, how many, how fast.

    ``seconds_per_decision`` and ``team_size`` are the configured guess, used at a cold start
    and as the prior the observed rate is blended with; once moderators have worked through a
    queue, what they actually did dominates.
    """

    staffing: Staffing = field(default_factory=lambda: ALWAYS)
    team_size: int = 2
    seconds_per_decision: int = 60

    @property
    def nominal_rate(self) -> float:
        """Decisions per second the configured team makes while it has work."""
        return max(self.team_size, 1) / max(self.seconds_per_decision, 1)

    def decision_rate(self, session: Session, now: datetime) -> float:
        """Observed decisions per busy second, blended with :attr:`nominal_rate`.

        Never below a quarter of the nominal rate while staffed: an hour without decisions
        means nobody looked, and the staffing hours say somebody will.
        """
        spans = self.staffing.recent(now)
        decided, _ = human_decision_rate(session, spans)
        busy = busy_seconds(session, spans, self.team_size, now)
        prior = self.nominal_rate
        rate = (decided + PRIOR_DECISIONS) / (busy + PRIOR_DECISIONS / prior)
        return max(rate, prior / 4)

    def estimate(self, session: Session, comment: Comment, now: datetime | None = None) -> int:
        """Seconds from ``now`` until a human decides ``comment``; 0 once it is decided."""
        if comment.state not in HELD:
            return 0
        now = now or utcnow()
        position = queue_position(session, comment) + 1
        rate = self.decision_rate(session, now)
        window = self.staffing.recent(now)
        length = sum((b - a).total_seconds() for a, b in window) or 1.0
        overtaking = _overtaking_arrivals(session, comment, window) / length
        # Higher-priority arrivals take part of the moderators' time; never let them take it all.
        effective = max(rate - overtaking, rate / 4)
        # With k moderators the comment at position p starts once p - 1 are done and then takes
        # one moderator's time, k / rate: (p - 1 + k) / rate.
        work = (position - 1 + max(self.team_size, 1)) / effective
        finish = self.staffing.advance(now, work)
        return max(1, round((finish - now).total_seconds()))


def estimate_wait(
    session: Session,
    comment: Comment,
    seconds_per_decision: int,
    staffing: Staffing | None = None,
    *,
    team_size: int = 2,
    now: datetime | None = None,
) -> int:
    """Estimated seconds from ``now`` until a human decides ``comment`` (0 once decided)."""
    model = WaitModel(staffing or ALWAYS, team_size, seconds_per_decision)
    return model.estimate(session, comment, now)


@dataclass(frozen=True, slots=True)
class EstimateAccuracy:
    """How well the estimates given at submission matched the waits that followed."""

    comments: int
    median_abs_error_s: float | None
    median_wait_s: float | None
    within_25_percent: float | None  # share of estimates within 25% of the actual wait


def _first_human() -> Any:
    return (
        select(Decision.comment_id, func.min(Decision.created_at).label("first_at"))
        .where(Decision.automated.is_(False), Decision.action.in_(_HUMAN_ACTIONS))
        .group_by(Decision.comment_id)
        .subquery()
    )


def accuracy_of(pairs: list[tuple[float, float]]) -> EstimateAccuracy:
    """Accuracy of (estimate, actual) pairs in seconds."""
    if not pairs:
        return EstimateAccuracy(0, None, None, None)
    errors = [abs(est - actual) for est, actual in pairs]
    close = sum(1 for est, actual in pairs if abs(est - actual) <= 0.25 * actual)
    return EstimateAccuracy(
        len(pairs),
        statistics.median(errors),
        statistics.median(actual for _, actual in pairs),
        close / len(pairs),
    )


def estimate_accuracy(
    session: Session, start: datetime, end: datetime, min_wait_s: float = 0
) -> EstimateAccuracy:
    """Median absolute error of the estimates for comments received in ``[start, end)``.

    Only comments that were queued and then decided by a person count; ``min_wait_s`` keeps
    those that actually waited at least that long (e.g. 300 for "waited more than 5 min").
    """
    first = _first_human()
    rows = session.execute(
        select(Comment.received_at, Comment.estimated_wait_seconds, first.c.first_at)
        .join(first, first.c.comment_id == Comment.id)
        .where(
            Comment.received_at >= start,
            Comment.received_at < end,
            Comment.estimated_wait_seconds > 0,
        )
    )
    pairs = []
    for received, estimate, first_at in rows:
        actual = (_aware(first_at) - received).total_seconds()
        if actual >= min_wait_s:
            pairs.append((float(estimate), actual))
    return accuracy_of(pairs)


def _aware(value: datetime) -> datetime:
    # An aggregate skips the column type, so SQLite hands back a naive (UTC) datetime or a string.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
