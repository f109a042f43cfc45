"""The transparency report (DSA Art. 15/24) for a range of days, from the append-only record.

Days are the site's local days. Figures: comments received; decisions by house rule and by
automatic/human; median and 90th percentile time to decision; appeals received and their
outcome; readers' reports and their outcome; statements of reasons by ground; the measured
precision of automatic decisions from spot checks; and how accurate the wait estimates were.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.errors import InputError
from netiquette.review.stats import EARLIEST, LATEST, percentile, undone_ids
from netiquette.review.wait import EstimateAccuracy, estimate_accuracy
from netiquette.store.models import (
    Appeal,
    Comment,
    Decision,
    Report,
    ReportNotice,
    SpotCheck,
    StatementOfReasons,
    utcnow,
)

MAX_DAYS = 366
LONG_WAIT_S = 300


@dataclass(slots=True)
class Period:
    """Local days ``first``..``last`` and the UTC instants they span."""

    first: date
    last: date
    timezone: str
    start: datetime
    end: datetime

    @classmethod
    def of(cls, first: date, last: date, config: AccountabilityConfig) -> Period:
        """Check the range and convert it to UTC."""
        for name, day in (("from", first), ("to", last)):
            if not EARLIEST <= day <= LATEST:
                raise InputError(f"--{name} {day} is outside {EARLIEST}..{LATEST}", field=name)
        if last < first:
            raise InputError(f"--to {last} is before --from {first}", field="to")
        if (last - first).days >= MAX_DAYS:
            raise InputError(f"a report covers at most {MAX_DAYS} days", field="to")
        zone = config.zone
        start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
        return cls(first, last, str(zone), start, end)

    def days(self) -> list[date]:
        """Every day of the period."""
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


@dataclass(slots=True)
class TransparencyReport:
    """Every figure of the report (``to_dict`` is the JSON form)."""

    period: Period
    generated_at: datetime
    comments_received: int = 0
    decisions: dict[str, int] = field(default_factory=dict)
    rejections_by_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    decision_time: dict[str, float | int | None] = field(default_factory=dict)
    appeals: dict[str, float | int | None] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)
    statements: dict[str, Any] = field(default_factory=dict)
    spot_checks: list[dict[str, Any]] = field(default_factory=list)
    wait_estimates: dict[str, Any] = field(default_factory=dict)
    per_day: list[dict[str, Any]] = field(default_factory=list)
    #: Rule → language → label, for the HTML report (not part of the JSON/CSV figures).
    rule_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = asdict(self)
        out.pop("rule_labels")
        out["period"] = {
            "from": self.period.first.isoformat(),
            "to": self.period.last.isoformat(),
            "timezone": self.period.timezone,
        }
        out["generated_at"] = self.generated_at.isoformat()
        return out


def _local_day(at: datetime, config: AccountabilityConfig) -> str:
    return at.astimezone(config.zone).date().isoformat()


def _decisions(session: Session, report: TransparencyReport, config: AccountabilityConfig) -> None:
    """Decisions in force: an undone decision does not count; a reversal counts as a reversal.

    ``approve`` and ``reject`` are first decisions (and decisions after an undo); a moderator's
    later opposite decision (after an appeal, or a second look) is counted under ``reversals``
    by what it reversed, so one comment is never counted as both approved and rejected.
    """
    p = report.period
    days = {d.isoformat(): {"received": 0, "automatic": 0, "human": 0} for d in p.days()}
    for (received,) in session.execute(
        select(Comment.received_at).where(
            Comment.received_at >= p.start, Comment.received_at < p.end
        )
    ):
        days[_local_day(received, config)]["received"] += 1
        report.comments_received += 1
    tally: Counter[str] = Counter()
    # The site's rules, each counted even at zero; a rule cited before it was disabled still
    # counts under its key.
    by_rule = {rule: {"automatic": 0, "human": 0} for rule in config.house_rules.keys}
    rows = session.execute(
        select(
            Decision.id,
            Decision.action,
            Decision.automated,
            Decision.rules,
            Decision.created_at,
            Decision.reverses_id,
        )
        .where(
            Decision.created_at >= p.start,
            Decision.created_at < p.end,
            Decision.action.in_(("approve", "reject")),
        )
        .order_by(Decision.id)
    ).all()
    undone = undone_ids(session, [row[0] for row in rows])
    for decision_id, action, automated, rules, at, reverses in rows:
        if decision_id in undone:
            tally["undone"] += 1
            continue
        who = "automatic" if automated else "human"
        if reverses is not None:
            tally["reversed_rejection" if action == "approve" else "reversed_approval"] += 1
            continue
        tally.update(["total", who, f"{who}_{action}", action])
        days[_local_day(at, config)][who] += 1
        if action == "reject":
            for rule in rules:
                by_rule.setdefault(rule, {"automatic": 0, "human": 0})[who] += 1
    report.decisions = {
        key: tally.get(key, 0)
        for key in (
            "total",
            "automatic",
            "human",
            "approve",
            "reject",
            "automatic_approve",
            "automatic_reject",
            "human_approve",
            "human_reject",
            "reversed_rejection",
            "reversed_approval",
            "undone",
        )
    }
    report.rejections_by_rule = by_rule
    report.rule_labels = {
        rule: {lang: config.house_rules.label(rule, lang) for lang in ("de", "en")}
        for rule in by_rule
    }
    report.per_day = [{"date": day, **counts} for day, counts in days.items()]


def _decision_time(session: Session, report: TransparencyReport) -> None:
    """Time from arrival to the first decision in force (an undone one was not a decision)."""
    p = report.period
    rows = session.execute(
        select(
            Comment.id, Comment.received_at, Decision.id, Decision.created_at, Decision.automated
        )
        .join(Decision, Decision.comment_id == Comment.id)
        .where(
            Comment.received_at >= p.start,
            Comment.received_at < p.end,
            Decision.action.in_(("approve", "reject")),
        )
        .order_by(Decision.id)
    ).all()
    undone = undone_ids(session, [row[2] for row in rows])
    seen: set[str] = set()
    every: list[float] = []
    human: list[float] = []
    for comment_id, received, decision_id, decided, automated in rows:
        if decision_id in undone or comment_id in seen:
            continue
        seen.add(comment_id)
        seconds = max(0.0, (decided - received).total_seconds())
        every.append(seconds)
        if not automated:
            human.append(seconds)
    report.decision_time = {
        "decided": len(every),
        "median_s": percentile(every, 0.5),
        "p90_s": percentile(every, 0.9),
        "human_decided": len(human),
        "human_median_s": percentile(human, 0.5),
        "human_p90_s": percentile(human, 0.9),
    }


def _appeals(session: Session, report: TransparencyReport) -> None:
    p = report.period
    rows = session.execute(
        select(Appeal.state, Appeal.created_at, Appeal.decided_at).where(
            Appeal.created_at >= p.start, Appeal.created_at < p.end
        )
    ).all()
    states = Counter(state for state, _, _ in rows)
    durations = [(d - c).total_seconds() for _, c, d in rows if d is not None]
    report.appeals = {
        "received": len(rows),
        "open": states.get("open", 0),
        "upheld": states.get("upheld", 0),
        "reversed": states.get("reversed", 0),
        "median_decision_s": percentile(durations, 0.5),
    }


def _reports(session: Session, report: TransparencyReport) -> None:
    p = report.period
    rows = session.execute(
        select(
            Report.id,
            Report.comment_id,
            Report.created_at,
            Report.resolved_at,
            ReportNotice.category,
        )
        .outerjoin(ReportNotice, ReportNotice.report_id == Report.id)
        .where(Report.created_at >= p.start, Report.created_at < p.end)
    ).all()
    rejected_at: dict[str, list[datetime]] = {}
    ids = list({comment_id for _, comment_id, _, _, _ in rows})
    if ids:
        rejections = session.execute(
            select(Decision.id, Decision.comment_id, Decision.created_at).where(
                Decision.comment_id.in_(ids), Decision.action == "reject"
            )
        ).all()
        undone = undone_ids(session, [row[0] for row in rejections])
        for decision_id, comment_id, at in rejections:
            if decision_id not in undone:  # an undone removal removed nothing
                rejected_at.setdefault(comment_id, []).append(at)
    reasons: Counter[str] = Counter()
    outcome: Counter[str] = Counter()
    for _, comment_id, created, resolved, category in rows:
        reasons[category or "other"] += 1
        if any(at >= created for at in rejected_at.get(comment_id, [])):
            outcome["removed"] += 1
        elif resolved is not None:
            outcome["kept"] += 1
        else:
            outcome["open"] += 1
    report.reports = {
        "received": len(rows),
        "illegal_content_notices": reasons.get("illegal_content", 0),
        "by_reason": dict(sorted(reasons.items())),
        "removed": outcome.get("removed", 0),
        "kept": outcome.get("kept", 0),
        "open": outcome.get("open", 0),
    }


def _statements(session: Session, report: TransparencyReport) -> None:
    """Statements of reasons as they exist, for rejections taken in the period.

    A statement whose rejection was undone was withdrawn with it: counted apart, not as issued.
    """
    p = report.period
    rows = session.execute(
        select(Decision.id, Decision.automated, StatementOfReasons.illegal_legal_ground)
        .join(StatementOfReasons, StatementOfReasons.decision_id == Decision.id)
        .where(Decision.created_at >= p.start, Decision.created_at < p.end)
    ).all()
    undone = undone_ids(session, [row[0] for row in rows])
    tally: Counter[str] = Counter()
    for decision_id, automated, illegal in rows:
        if decision_id in undone:
            tally["withdrawn"] += 1
            continue
        tally["issued"] += 1
        tally["illegal_content" if illegal else "incompatible_content"] += 1
        tally["automated_decision_fully" if automated else "automated_decision_not_automated"] += 1
    report.statements = {
        key: tally.get(key, 0)
        for key in (
            "issued",
            "illegal_content",
            "incompatible_content",
            "automated_decision_fully",
            "automated_decision_not_automated",
            "withdrawn",
        )
    }


def _spot_checks(session: Session, report: TransparencyReport) -> None:
    p = report.period
    rows = session.execute(
        select(SpotCheck.policy_version, SpotCheck.action, SpotCheck.verdict, func.count())
        .where(SpotCheck.created_at >= p.start, SpotCheck.created_at < p.end)
        .group_by(SpotCheck.policy_version, SpotCheck.action, SpotCheck.verdict)
    )
    tally: dict[tuple[str, str], Counter[str]] = {}
    for version, action, verdict, n in rows:
        tally.setdefault((version, action), Counter())[verdict] += int(n)
    report.spot_checks = [
        {
            "policy_version": version,
            "action": action,
            "checked": c["correct"] + c["wrong"],
            "correct": c["correct"],
            "wrong": c["wrong"],
            "precision": c["correct"] / (c["correct"] + c["wrong"])
            if c["correct"] + c["wrong"]
            else None,
        }
        for (version, action), c in sorted(tally.items())
    ]


def _accuracy(a: EstimateAccuracy) -> dict[str, Any]:
    return {
        "comments": a.comments,
        "median_abs_error_s": a.median_abs_error_s,
        "median_wait_s": a.median_wait_s,
        "within_25_percent": a.within_25_percent,
    }


def build_report(
    session: Session,
    first: date,
    last: date,
    config: AccountabilityConfig,
    *,
    now: datetime | None = None,
) -> TransparencyReport:
    """Compute the transparency report for local days ``first``..``last``."""
    period = Period.of(first, last, config)
    report = TransparencyReport(period=period, generated_at=now or utcnow())
    _decisions(session, report, config)
    _decision_time(session, report)
    _appeals(session, report)
    _reports(session, report)
    _statements(session, report)
    _spot_checks(session, report)
    report.wait_estimates = {
        "all": _accuracy(estimate_accuracy(session, period.start, period.end)),
        "waited_over_5_min": _accuracy(
            estimate_accuracy(session, period.start, period.end, LONG_WAIT_S)
        ),
    }
    return report


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out += _flatten(f"{prefix}.{key}" if prefix else str(key), item)
        return out
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            key = str(i)
            if isinstance(item, dict):
                key = item.get("date") or f"{item.get('policy_version')}/{item.get('action')}"
            out += _flatten(f"{prefix}.{key}", item)
        return out
    return [(prefix, "" if value is None else value)]


def to_csv(report: TransparencyReport) -> str:
    """The report as CSV: one ``figure,value`` row per number."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["figure", "value"])
    for key, value in _flatten("", report.to_dict()):
        writer.writerow([key, round(value, 4) if isinstance(value, float) else value])
    return buffer.getvalue()
