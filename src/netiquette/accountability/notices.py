"""Readers' reports of published comments, including notices of illegal content (DSA Art. 16).

A report is the workspace's :class:`Report` row (it puts the comment in the "reported" tab) plus
a :class:`ReportNotice` with what the reader said. The audit log gets only the category: the
reader's explanation and contact stay out of the tamper-evident chain so they can be erased.
Readers are identified by a pseudonym (``reader:`` + sha256 of their id), never by the id.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from netiquette.accountability.pseudonyms import author_hmac
from netiquette.errors import InputError
from netiquette.review.reports import report_comment
from netiquette.screening.houserules import HouseRules
from netiquette.store.models import Comment, Report, ReportNotice


def categories(house_rules: HouseRules) -> tuple[str, ...]:
    """Why a reader may report: illegal content (Art. 16 notice), a site's house rule, other."""
    return ("illegal_content", *house_rules.keys, "other")


MAX_EXPLANATION = 2000


def reader_pseudonym(session: Session, reader_id: str | None) -> str:
    """How a reader appears in reports and the audit log: keyed, so it can't be confirmed."""
    if not reader_id:
        return "reader:anonymous"
    return "reader:" + author_hmac(session, reader_id)[:20]


def legacy_reader_pseudonym(reader_id: str) -> str:
    """The unkeyed form written before 2026-11-27 (still matched by erasure)."""
    return "reader:" + hashlib.sha256(reader_id.encode("utf-8")).hexdigest()[:20]


def file_report(
    session: Session,
    comment_id: str,
    category: str,
    house_rules: HouseRules,
    *,
    reader_id: str | None = None,
    explanation: str = "",
    legal_ground: str = "",
    contact: str = "",
) -> Report:
    """Record a reader's report of a published comment."""
    known = categories(house_rules)
    if category not in known:
        raise InputError(f"reason must be one of {', '.join(known)}", field="reason")
    explanation, legal_ground, contact = explanation.strip(), legal_ground.strip(), contact.strip()
    if len(explanation) > MAX_EXPLANATION:
        raise InputError(
            f"explanation is longer than {MAX_EXPLANATION} characters", field="explanation"
        )
    if category == "illegal_content" and not explanation:
        # Art. 16(2)(a): a notice must explain why the reader thinks the content is illegal.
        raise InputError(
            "a report of illegal content needs an explanation of why it is illegal",
            field="explanation",
        )
    if len(legal_ground) > 500 or len(contact) > 500:
        field = "legal_ground" if len(legal_ground) > 500 else "contact"
        raise InputError(f"{field} is longer than 500 characters", field=field)
    reporter = reader_pseudonym(session, reader_id)
    report = report_comment(session, comment_id, reporter, category, codes=known)
    session.add(
        ReportNotice(
            report_id=report.id,
            category=category,
            explanation=explanation,
            legal_ground=legal_ground,
            notifier_contact=contact,
        )
    )
    session.flush()
    return report


def report_dict(report: Report, notice: ReportNotice | None) -> dict[str, Any]:
    """A report as moderators see it."""
    return {
        "id": report.id,
        "comment_id": report.comment_id,
        "reason": notice.category if notice else report.reason,
        "explanation": notice.explanation if notice else report.reason,
        "legal_ground": notice.legal_ground if notice else "",
        "reporter": report.reporter,
        "reported_at": report.created_at.isoformat(),
        "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
        "resolved_by": report.resolved_by,
    }


def report_queue(
    session: Session, limit: int = 100, open_only: bool = True
) -> list[dict[str, Any]]:
    """Reports, illegal-content notices first, then oldest first, with the reported comment."""
    query = (
        select(Report, ReportNotice, Comment)
        .outerjoin(ReportNotice, ReportNotice.report_id == Report.id)
        .join(Comment, Comment.id == Report.comment_id)
    )
    if open_only:
        query = query.where(Report.resolved_at.is_(None))
    illegal_first = case((ReportNotice.category == "illegal_content", 0), else_=1)
    rows = session.execute(query.order_by(illegal_first, Report.id).limit(limit)).all()
    return [
        {
            **report_dict(report, notice),
            "comment": {"id": comment.id, "text": comment.text, "status": comment.state},
        }
        for report, notice, comment in rows
    ]
