"""Spot checks: people confirm or correct a sample of the policy's automatic decisions.

The sample is systematic: every ``n``-th automatic decision by id (``n`` is the workspace
setting ``spot_check_every``, default 10), as long as it is still the comment's latest decision.
A moderator's verdict is stored once per decision with the policy version that took it, so the
measured precision of each policy version is simply ``correct / (correct + wrong)``. A "wrong"
also corrects the comment — through :func:`netiquette.review.decide.decide`, as a reversal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from netiquette.accountability.config import AccountabilityConfig
from netiquette.errors import ConflictError, InputError, NotFoundError
from netiquette.review.decide import decide
from netiquette.review.machine import Actor
from netiquette.store.models import Comment, Decision, SpotCheck, WorkspaceSetting, utcnow

DEFAULT_EVERY = 10
RECENT = timedelta(days=7)  # older automatic decisions are no longer offered for checking
VERDICTS = ("correct", "wrong")


def sample_every(session: Session) -> int:
    """The spot-check rate: one in this many automatic decisions."""
    row = session.get(WorkspaceSetting, "spot_check_every")
    try:
        return max(1, int(row.value)) if row is not None else DEFAULT_EVERY
    except ValueError:
        return DEFAULT_EVERY


def set_sample_every(session: Session, every: int, actor: str) -> None:
    """Change the spot-check rate (1 = check every automatic decision)."""
    if not 1 <= every <= 10_000:
        raise InputError("spot_check_every must be between 1 and 10000", field="spot_check_every")
    row = session.get(WorkspaceSetting, "spot_check_every")
    if row is None:
        session.add(WorkspaceSetting(key="spot_check_every", value=str(every), updated_by=actor))
    else:
        row.value, row.updated_by, row.updated_at = str(every), actor, utcnow()


def _open_sample(session: Session, every: int) -> Any:
    """Automatic decisions in the sample, still standing, not yet checked."""
    later = aliased(Decision)
    newest = (
        select(func.max(later.id))
        .where(later.comment_id == Decision.comment_id)
        .correlate(Decision)
        .scalar_subquery()
    )
    checked = select(SpotCheck.decision_id)
    return (
        select(Decision, Comment)
        .join(Comment, Comment.id == Decision.comment_id)
        .where(
            Decision.automated.is_(True),
            Decision.created_at >= utcnow() - RECENT,
            Decision.id % every == 0,
            Decision.id == newest,
            Decision.id.not_in(checked),
        )
    )


def open_count(session: Session, action: str | None = None) -> int:
    """How many sampled automatic decisions await a check (``action``: approve/reject)."""
    query = _open_sample(session, sample_every(session))
    if action is not None:
        query = query.where(Decision.action == action)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def open_checks(session: Session, limit: int = 50) -> list[tuple[Decision, Comment]]:
    """Sampled automatic decisions awaiting a check, rejections first, newest first."""
    query = _open_sample(session, sample_every(session)).order_by(
        Decision.action.desc(), Decision.id.desc()
    )
    return [(d, c) for d, c in session.execute(query.limit(limit)).all()]


@dataclass(frozen=True, slots=True)
class Precision:
    """Measured precision of one policy version's automatic decisions of one kind."""

    policy_version: str
    action: str
    correct: int
    wrong: int

    @property
    def checked(self) -> int:
        """How many decisions were checked."""
        return self.correct + self.wrong

    @property
    def precision(self) -> float | None:
        """correct / checked, or None before the first check."""
        return self.correct / self.checked if self.checked else None


def record_check(
    session: Session,
    decision_id: int,
    moderator: Actor,
    verdict: str,
    *,
    config: AccountabilityConfig,
    rules: list[str] | None = None,
    note: str = "",
) -> SpotCheck:
    """Store a verdict on an automatic decision; "wrong" also reverses the decision."""
    if verdict not in VERDICTS:
        raise InputError("verdict must be 'correct' or 'wrong'", field="verdict")
    decision = session.get(Decision, decision_id)
    if decision is None or not decision.automated:
        raise NotFoundError(f"automatic decision {decision_id} is unknown", field="decision_id")
    if session.scalar(select(SpotCheck.id).where(SpotCheck.decision_id == decision_id)):
        raise ConflictError(f"decision {decision_id} was already checked", field="decision_id")
    comment = session.get(Comment, decision.comment_id)
    assert comment is not None
    if comment.decisions and comment.decisions[-1].id != decision.id:
        raise ConflictError(
            f"comment {comment.id} was decided again meanwhile; nothing to check",
            field="decision_id",
        )
    if verdict == "wrong":
        opposite = "approve" if decision.action == "reject" else "reject"
        decide(
            session,
            comment,
            moderator,
            opposite,
            config=config,
            source="spot_check",
            rules=rules or [],
            note=note or f"spot check: automatic {decision.action} was wrong",
            details={"spot_checked_decision_id": decision.id},
        )
    check = SpotCheck(
        decision_id=decision.id,
        comment_id=comment.id,
        policy_version=decision.policy_version or "unknown",
        action=decision.action,
        verdict=verdict,
        moderator=moderator.name,
        created_at=utcnow(),
    )
    session.add(check)
    session.flush()
    return check


def precision_by_policy(session: Session) -> list[Precision]:
    """Measured precision per policy version and automatic action, newest version first."""
    rows = session.execute(
        select(
            SpotCheck.policy_version,
            SpotCheck.action,
            SpotCheck.verdict,
            func.count(SpotCheck.id),
            func.max(SpotCheck.id),
        ).group_by(SpotCheck.policy_version, SpotCheck.action, SpotCheck.verdict)
    ).all()
    counts: dict[tuple[str, str], list[int]] = {}
    newest: dict[str, int] = {}
    for version, action, verdict, n, last in rows:
        tally = counts.setdefault((version, action), [0, 0])
        tally[0 if verdict == "correct" else 1] += int(n)
        newest[version] = max(newest.get(version, 0), int(last))
    return [
        Precision(version, action, tally[0], tally[1])
        for (version, action), tally in sorted(
            counts.items(), key=lambda kv: (-newest[kv[0][0]], kv[0][1])
        )
    ]
