"""GDPR: erase an author's texts and name (Art. 17), and delete rejected texts after N days.

The audit chain never held texts or names (only sha256 of texts and author ids), so both
leave it verifiable: they change content tables, and append one audit event saying so.

Erasing an author empties, for every comment of theirs: the text, the name, the author id
(replaced by a stable pseudonym, so a second erasure finds the same rows), the evidence
quotes of the screenings, the quotes in statements of reasons, and the texts of their appeals.
Their reports of other comments lose explanation and contact, and feedback examples sent for
retraining that carry their texts are deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.notices import reader_pseudonym
from netiquette.accountability.sor import render
from netiquette.review.audit import record_event
from netiquette.store.models import (
    Appeal,
    Comment,
    Decision,
    FeedbackExample,
    Report,
    ReportNotice,
    Screening,
    StatementOfReasons,
    utcnow,
)

ERASED_NAME = ""


@dataclass(slots=True)
class Removal:
    """What one erasure or retention run changed."""

    comments: int = 0
    screenings: int = 0
    statements: int = 0
    appeals: int = 0
    reports: int = 0
    feedback_examples: int = 0
    comment_ids: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The numbers, for the audit log and the CLI."""
        return {
            "comments": self.comments,
            "screenings": self.screenings,
            "statements": self.statements,
            "appeals": self.appeals,
            "reports": self.reports,
            "feedback_examples": self.feedback_examples,
        }


def author_pseudonym(author_id: str) -> str:
    """The id an erased author's comments keep (stable, so erasure can be repeated)."""
    return "erased:" + hashlib.sha256(author_id.encode("utf-8")).hexdigest()[:24]


def _scrub_comment_texts(
    session: Session, comments: list[Comment], why: str, config: AccountabilityConfig
) -> Removal:
    """Empty the texts of ``comments`` and everything that quotes them."""
    out = Removal()
    now = utcnow()
    ids = [c.id for c in comments]
    for comment in comments:
        comment.text = ""
        comment.text_removed_at = comment.text_removed_at or now
        comment.text_removed_why = comment.text_removed_why or why
        out.comments += 1
        out.comment_ids.append(comment.id)
    if not ids:
        return out
    for screening in session.scalars(select(Screening).where(Screening.comment_id.in_(ids))):
        if screening.evidence:
            # Offsets may stay; the quoted text goes.
            screening.evidence = [
                {k: v for k, v in span.items() if k != "text"} if isinstance(span, dict) else {}
                for span in screening.evidence
            ]
            out.screenings += 1
    session.flush()
    for appeal in session.scalars(select(Appeal).where(Appeal.comment_id.in_(ids))):
        if appeal.text:
            appeal.text = ""
            out.appeals += 1
    for statement in session.scalars(
        select(StatementOfReasons).where(StatementOfReasons.comment_id.in_(ids))
    ):
        render(session, statement, config)
        out.statements += 1
    return out


def _texts_of(comments: list[Comment]) -> set[str]:
    return {c.text for c in comments if c.text.strip()}


def erase_author(
    session: Session, author_id: str, actor: str, config: AccountabilityConfig
) -> Removal:
    """Remove every text and the name of ``author_id`` (GDPR Art. 17)."""
    pseudonym = author_pseudonym(author_id)
    comments = list(
        session.scalars(
            select(Comment)
            .where(Comment.author_id.in_([author_id, pseudonym]))
            .order_by(Comment.id)
        )
    )
    texts, hashes = _texts_of(comments), {c.text_sha256 for c in comments}
    ids = [c.id for c in comments]
    out = _scrub_comment_texts(session, comments, "erased", config)
    for comment in comments:
        comment.author_name = ERASED_NAME
        comment.author_id = pseudonym
    # Their own reports of other comments: what they wrote, and how to reach them.
    reporters = {author_id, reader_pseudonym(author_id)}
    for report, notice in session.execute(
        select(Report, ReportNotice)
        .outerjoin(ReportNotice, ReportNotice.report_id == Report.id)
        .where(Report.reporter.in_(reporters))
    ).all():
        report.reporter = "reader:erased"
        if report.reason not in ("", None) and notice is None:
            report.reason = ""
        if notice is not None:
            notice.explanation, notice.notifier_contact = "", ""
        out.reports += 1
    out.feedback_examples = _drop_feedback(session, texts, hashes, ids)
    record_event(
        session,
        "author_erased",
        actor,
        details={
            "author_sha256": hashlib.sha256(author_id.encode("utf-8")).hexdigest(),
            **out.counts(),
        },
    )
    session.flush()
    return out


def _drop_feedback(session: Session, texts: set[str], hashes: set[str], ids: list[str]) -> int:
    """Delete retraining examples that are, or quote as context, the author's comments."""
    if not hashes and not ids:
        return 0
    doomed: list[int] = []
    for example in session.scalars(select(FeedbackExample)):
        context = " ".join(str(c) for c in example.context or [])
        if (
            example.text_sha256 in hashes
            or example.external_comment_id in ids
            or any(text in example.text or text in context for text in texts)
        ):
            doomed.append(example.id)
    if doomed:
        session.execute(delete(FeedbackExample).where(FeedbackExample.id.in_(doomed)))
    return len(doomed)


def run_retention(
    session: Session,
    config: AccountabilityConfig,
    actor: str = "system:retention",
    *,
    days: int | None = None,
    now: datetime | None = None,
) -> Removal:
    """Delete the texts of comments rejected more than ``days`` ago (setting by default).

    A comment whose appeal is still open keeps its text until the appeal is decided.
    """
    days = config.retention_days if days is None else days
    if days <= 0:
        return Removal()
    cutoff = (now or utcnow()) - timedelta(days=days)
    open_appeal = select(Appeal.comment_id).where(Appeal.state == "open")
    latest = select(Decision.comment_id).where(Decision.created_at >= cutoff)
    comments = list(
        session.scalars(
            select(Comment)
            .where(
                Comment.state == "rejected",
                Comment.text_removed_at.is_(None),
                Comment.decided_at < cutoff,
                Comment.id.not_in(open_appeal),
                Comment.id.not_in(latest),
            )
            .order_by(Comment.id)
        )
    )
    out = _scrub_comment_texts(session, comments, "retention", config)
    if out.comments:
        record_event(
            session,
            "retention_run",
            actor,
            details={"days": days, "cutoff": cutoff.isoformat(), **out.counts()},
        )
    session.flush()
    return out
