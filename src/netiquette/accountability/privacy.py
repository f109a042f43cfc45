"""GDPR: erase an author's texts and name (Art. 17), and delete rejected texts after N days.

The audit chain holds no texts or names: only sha256 digests of texts (comments, notes, appeal
texts and reasons) and a keyed HMAC of author ids (:mod:`.pseudonyms`). Both operations
therefore leave it verifiable: they change content tables, and append one audit event saying so.

Erasing an author empties, for every comment of theirs: the text, the name, the author id
(replaced by a stable keyed pseudonym, so a second erasure finds the same rows), the evidence
quotes of the screenings, the quotes in statements of reasons, the texts of their appeals, the
moderators' notes on the decisions and the reasons given on their appeals (both may quote).
Their reports of other comments lose explanation and contact, and feedback examples sent for
retraining that are their comments (same text digest or comment id, or one of them as context)
are deleted, and so are the site's labelled examples of their comments (same comment id or
text digest; :mod:`netiquette.learning.examples`). Retention deletes the examples of the
comments whose texts it removes, and imported rejections decided before its cutoff.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.notices import legacy_reader_pseudonym, reader_pseudonym
from netiquette.accountability.pseudonyms import installation_key, keyed_digest
from netiquette.accountability.sor import render
from netiquette.learning.examples import forget, forget_rejected_before
from netiquette.review.audit import record_event
from netiquette.store.models import (
    Appeal,
    Comment,
    Decision,
    FeedbackExample,
    Notification,
    NotifyAddress,
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
    site_examples: int = 0
    notes: int = 0
    notifications: int = 0
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
            "site_examples": self.site_examples,
            "notes": self.notes,
            "notifications": self.notifications,
        }


def author_pseudonym(author_id: str, key: bytes) -> str:
    """The id an erased author's comments keep (stable, so erasure can be repeated).

    Keyed with the installation's secret: without the database, a guessed author id cannot be
    matched to the erased comments.
    """
    return "erased:" + keyed_digest(key, author_id)[:24]


def _legacy_pseudonym(author_id: str) -> str:
    """The unkeyed pseudonym of earlier versions; a repeated erasure re-keys those rows."""
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


def _drop_notifications(session: Session, comment_ids: list[str], report_ids: list[int]) -> int:
    """Delete the notification addresses of ``comment_ids`` and every mail that names them."""
    count = 0
    if comment_ids:
        count += _rows(
            session.execute(delete(NotifyAddress).where(NotifyAddress.comment_id.in_(comment_ids)))
        )
        count += _rows(
            session.execute(
                delete(Notification).where(
                    Notification.comment_id.in_(comment_ids), Notification.report_id.is_(None)
                )
            )
        )
    if report_ids:
        count += _rows(
            session.execute(delete(Notification).where(Notification.report_id.in_(report_ids)))
        )
    return count


def _rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def erase_author(
    session: Session, author_id: str, actor: str, config: AccountabilityConfig
) -> Removal:
    """Remove every text and the name of ``author_id`` (GDPR Art. 17)."""
    key = installation_key(session)
    pseudonym = author_pseudonym(author_id, key)
    comments = list(
        session.scalars(
            select(Comment)
            .where(Comment.author_id.in_([author_id, pseudonym, _legacy_pseudonym(author_id)]))
            .order_by(Comment.id)
        )
    )
    hashes = {c.text_sha256 for c in comments}
    ids = [c.id for c in comments]
    out = _scrub_comment_texts(session, comments, "erased", config)
    for comment in comments:
        comment.author_name = ERASED_NAME
        comment.author_id = pseudonym
    if ids:
        # What moderators wrote about these comments may quote them or name the author.
        for decision in session.scalars(select(Decision).where(Decision.comment_id.in_(ids))):
            if decision.note:
                decision.note = ""
                out.notes += 1
        for appeal in session.scalars(select(Appeal).where(Appeal.comment_id.in_(ids))):
            if appeal.outcome_reason:
                appeal.outcome_reason = ""
                out.notes += 1
    # Their own reports of other comments: what they wrote, and how to reach them.
    reporters = {
        author_id,
        reader_pseudonym(session, author_id),
        legacy_reader_pseudonym(author_id),
    }
    their_reports: list[int] = []
    for report, notice in session.execute(
        select(Report, ReportNotice)
        .outerjoin(ReportNotice, ReportNotice.report_id == Report.id)
        .where(Report.reporter.in_(reporters))
    ).all():
        their_reports.append(report.id)
        report.reporter = "reader:erased"
        if report.reason not in ("", None) and notice is None:
            report.reason = ""
        if notice is not None:
            notice.explanation, notice.notifier_contact = "", ""
        out.reports += 1
    out.feedback_examples = _drop_feedback(session, hashes, ids)
    # The address they gave to hear of decisions, and every mail to them or quoting them.
    out.notifications = _drop_notifications(session, ids, their_reports)
    out.site_examples = forget(session, comment_ids=ids, hashes=hashes)
    record_event(
        session,
        "author_erased",
        actor,
        details={"author_hmac": keyed_digest(key, author_id), **out.counts()},
    )
    session.flush()
    return out


def _drop_feedback(session: Session, hashes: set[str], ids: list[str]) -> int:
    """Delete retraining examples that are, or carry as context, exactly the author's comments.

    Matching is on exact text digests and comment ids only: a substring test would let a short
    comment ("Ja") wipe out every example containing it.
    """
    if not hashes and not ids:
        return 0
    doomed = set(
        session.scalars(
            select(FeedbackExample.id).where(
                FeedbackExample.text_sha256.in_(sorted(hashes))
                | FeedbackExample.external_comment_id.in_(ids)
            )
        )
    )
    # Context entries are the texts of the comments around it: compare their digests.
    query = select(FeedbackExample.id, FeedbackExample.context).execution_options(yield_per=1000)
    for example_id, context in session.execute(query):
        if example_id not in doomed and any(
            hashlib.sha256(str(entry).encode("utf-8")).hexdigest() in hashes
            for entry in context or []
        ):
            doomed.add(example_id)
    if doomed:
        session.execute(delete(FeedbackExample).where(FeedbackExample.id.in_(sorted(doomed))))
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
    # Notification addresses and mails outlive their purpose too: the decision (and any appeal)
    # was more than ``days`` ago. Mails are deleted once as old, whatever they were about.
    done = select(Comment.id).where(
        Comment.decided_at < cutoff, Comment.id.not_in(open_appeal), Comment.id.not_in(latest)
    )
    out.notifications = _rows(
        session.execute(delete(NotifyAddress).where(NotifyAddress.comment_id.in_(done)))
    ) + _rows(session.execute(delete(Notification).where(Notification.created_at < cutoff)))
    # The labelled examples hold copies of these texts; imported rejections go by their date.
    out.site_examples = forget(session, comment_ids=out.comment_ids, hashes=())
    out.site_examples += forget_rejected_before(session, cutoff)
    if out.comments or out.notifications or out.site_examples:
        record_event(
            session,
            "retention_run",
            actor,
            details={"days": days, "cutoff": cutoff.isoformat(), **out.counts()},
        )
    session.flush()
    return out
