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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import select

from netiquette.review.audit import record_event
from netiquette.review.intake import store_screenings
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.store.db import Database
from netiquette.store.models import Comment, Screening, utcnow

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
                before = _flags(comment.screenings)
                store_screenings(session, comment.id, result, now)
                after = {r.rule: bool(r.flag) for r in result.results.values()}
                report.flags_changed += int(before != after)
                expected = _STATE_OF_OUTCOME.get(result.decision.outcome)
                report.policy_differs += int(expected != comment.state)
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


__all__ = ["BATCH", "RescreenReport", "comments_since", "rescreen"]
