"""Re-screening stored comments after a model change, without touching any decision.

``netiquette rescreen --since DATE`` runs the site's current pipeline over the comments that
arrived since DATE and stores its results as new screening rows next to the old ones (the
newest row per rule is what the workspace, the API and reports show). States, decisions,
priorities and statements of reasons stay as they are: a decision is a person's or the policy's
act at its time and is never rewritten. What it reports — how many comments the new models
flag differently, and how many the current policy would now decide differently — tells the
newsroom whether the queue or the policy needs a look. Comments not screened yet (``received``)
are left to the normal intake; comments whose text was erased cannot be screened again.

One audit event ``rescreened`` per run records the range, the count and the model versions.

With ``screening_queue = workers`` the command queues one re-screening job per comment
(:func:`queue_rescreen`), the workers screen them (:func:`rescreen_one`, the same step) and the
command waits, then sums the jobs' results into the same report (:func:`collect_run`). The
workers must run the new models (restart them after the model change).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from netiquette.review.audit import record_event
from netiquette.review.intake import store_screenings
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.store.db import Database
from netiquette.store.models import Comment, Screening, ScreeningJob, utcnow
from netiquette.work.jobs import DONE, QUEUED, RESCREEN, enqueue, notify

#: Comments screened per batch (one transaction each; the models score a batch at once).
BATCH = 64
#: The policy outcome that matches each decided state.
_STATE_OF_OUTCOME = {"approve": "approved", "reject": "rejected", "review": "pending"}


class BatchScreener(Protocol):
    """What rescreening needs of a pipeline (``Pipeline`` is one)."""

    @property
    def versions(self) -> dict[str, str]:
        """Component versions."""

    def screen_batch(self, items: Sequence[ScreeningInput]) -> list[ScreeningResult]:
        """Results for ``items`` in input order."""


@dataclass
class RescreenReport:
    """What a run did and found."""

    screened: int = 0
    flags_changed: int = 0
    policy_differs: int = 0
    skipped: int = 0
    model_versions: dict[str, str] = field(default_factory=dict)

    def to_text(self) -> str:
        """One line for the command line."""
        return (
            f"re-screened {self.screened} comments ({self.skipped} skipped: not screened yet "
            f"or text erased); flags changed on {self.flags_changed}; the current policy "
            f"would decide {self.policy_differs} differently (decisions were not changed)"
        )


def comments_since(db: Database, since: datetime) -> tuple[list[str], int]:
    """(ids to re-screen, oldest first; how many in the range are skipped)."""
    with db.session() as session:
        rows = session.execute(
            select(Comment.id, Comment.state, Comment.text_removed_at)
            .where(Comment.received_at >= since)
            .order_by(Comment.received_at, Comment.id)
        ).all()
    ids = [r.id for r in rows if r.state != "received" and r.text_removed_at is None]
    return ids, len(rows) - len(ids)


def _flags(rows: Sequence[Screening]) -> dict[str, bool]:
    newest: dict[str, bool] = {}
    for row in sorted(rows, key=lambda r: r.id):
        newest[row.rule] = bool(row.flag)
    return newest


def rescreen_one(
    session: Session, comment: Comment, result: ScreeningResult, at: datetime | None = None
) -> tuple[bool, bool]:
    """Store a new screening of ``comment``; (flags changed?, would the policy now decide
    differently?). The comment's state and decisions stay as they are."""
    before = _flags(comment.screenings)
    store_screenings(session, comment.id, result, at or utcnow())
    after = {r.rule: bool(r.flag) for r in result.results.values()}
    expected = _STATE_OF_OUTCOME.get(result.decision.outcome)
    return before != after, expected != comment.state


def rescreen(
    db: Database,
    pipeline: BatchScreener,
    since: datetime,
    *,
    actor: str = "cli:rescreen",
    batch: int = BATCH,
    advance: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> RescreenReport:
    """Re-screen the comments received since ``since`` (see the module doc)."""
    ids, skipped = comments_since(db, since)
    report = RescreenReport(skipped=skipped, model_versions=dict(pipeline.versions))
    if total is not None:
        total(len(ids))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with db.session() as session:
            comments = [c for cid in chunk if (c := session.get(Comment, cid)) is not None]
            items = []
            for comment in comments:
                parent = session.get(Comment, comment.parent_id) if comment.parent_id else None
                items.append(
                    ScreeningInput(
                        text=comment.text,
                        article_text=comment.article.body or None,
                        parent_text=parent.text if parent is not None else None,
                        article_title=comment.article.title,
                    )
                )
            results = pipeline.screen_batch(items)
            now = utcnow()
            for comment, result in zip(comments, results, strict=True):
                changed, differs = rescreen_one(session, comment, result, now)
                report.flags_changed += int(changed)
                report.policy_differs += int(differs)
                report.screened += 1
        if advance is not None:
            advance(len(chunk))
    with db.session() as session:
        record_event(
            session,
            "rescreened",
            actor,
            details={
                "since": since.isoformat(),
                "comments": report.screened,
                "flags_changed": report.flags_changed,
                "model_versions": report.model_versions,
            },
        )
    return report


def queue_rescreen(db: Database, since: datetime) -> tuple[str, int, int]:
    """Workers mode: one re-screening job per comment since ``since`` (see the module doc);
    returns (the run's id, jobs queued, comments skipped)."""
    ids, skipped = comments_since(db, since)
    run = str(uuid.uuid4())
    for start in range(0, len(ids), 1000):
        with db.session() as session:
            for comment_id in ids[start : start + 1000]:
                enqueue(session, comment_id, kind=RESCREEN, run=run, wake=False)
            notify(session)
    return run, len(ids), skipped


def run_outstanding(db: Database, run: str) -> int:
    """Jobs of a re-screening run the workers have not finished yet."""
    with db.session() as session:
        count = session.scalar(
            select(func.count()).where(ScreeningJob.run == run, ScreeningJob.state == QUEUED)
        )
    return int(count or 0)


def collect_run(
    db: Database,
    run: str,
    since: datetime,
    model_versions: dict[str, str],
    *,
    skipped: int = 0,
    actor: str = "cli:rescreen",
) -> RescreenReport:
    """Sum up a finished run's jobs into a report, record it, and remove the jobs."""
    report = RescreenReport(skipped=skipped, model_versions=dict(model_versions))
    with db.session() as session:
        rows = session.scalars(
            select(ScreeningJob.result).where(ScreeningJob.run == run, ScreeningJob.state == DONE)
        )
        for result in rows:
            if result.get("skipped"):
                report.skipped += 1
                continue
            report.screened += 1
            report.flags_changed += int(bool(result.get("flags_changed")))
            report.policy_differs += int(bool(result.get("policy_differs")))
        session.execute(delete(ScreeningJob).where(ScreeningJob.run == run))
        record_event(
            session,
            "rescreened",
            actor,
            details={
                "since": since.isoformat(),
                "comments": report.screened,
                "flags_changed": report.flags_changed,
                "model_versions": report.model_versions,
                "run": run,
                "by": "workers",
            },
        )
    return report


__all__ = [
    "BATCH",
    "RescreenReport",
    "collect_run",
    "comments_since",
    "queue_rescreen",
    "rescreen",
    "rescreen_one",
    "run_outstanding",
]
