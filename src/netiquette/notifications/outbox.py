"""Queueing notifications: from the ``decision_events`` outbox, and with readers' notices.

Commenters' mails hang off the decision events: :func:`queue_from_events` reads every event
past the cursor (``mail_cursor``) and queues one mail per event for a comment whose author gave
an address. It runs in the sender's loop, which the ``decision_committed`` hook wakes, so a
crash between a decision's commit and the hook loses nothing: the event row is there. A mail is
held :data:`UNDO_GRACE` before sending, and an ``undone`` event cancels the mail of the decision
it took back. Notifiers' mails (DSA Art. 16) are queued in the transaction that files the notice
(confirmation of receipt) and in the one that closes it (the decision): by the decision service
or by a moderator's dismissal.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from netiquette.notifications import mails
from netiquette.review.machine import UNDO_SECONDS
from netiquette.store.models import (
    Appeal,
    Comment,
    DecisionEvent,
    MailCursor,
    Notification,
    NotifyAddress,
    Report,
    ReportNotice,
    StatementOfReasons,
    utcnow,
)

#: Time a decision's mail waits, so a decision taken back at once is never announced.
UNDO_GRACE = timedelta(seconds=UNDO_SECONDS + 5)
CURSOR = "decision_events"
BATCH = 200


def remember_address(session: Session, comment_id: str, address: str, lang: str) -> None:
    """Keep the address a commenter gave to hear of the decision (checked by the caller)."""
    session.add(NotifyAddress(comment_id=comment_id, address=address, lang=mails.language(lang)))


def _queue(
    session: Session,
    key: str,
    kind: str,
    comment_id: str,
    address: str,
    lang: str,
    mail: mails.Mail,
    *,
    not_before: datetime,
    event_id: int | None = None,
    report_id: int | None = None,
) -> bool:
    """Add one mail unless one with ``key`` exists (queueing twice is harmless)."""
    if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                Notification(
                    key=key,
                    kind=kind,
                    comment_id=comment_id,
                    report_id=report_id,
                    event_id=event_id,
                    address=address,
                    lang=lang,
                    subject=mail.subject,
                    body=mail.body,
                    not_before=not_before,
                    created_at=utcnow(),
                )
            )
    except IntegrityError:  # another process queued it meanwhile
        return False
    return True


def _statement_text(session: Session, decision_id: int | None, lang: str) -> str:
    if decision_id is None:
        return ""
    statement = session.scalar(
        select(StatementOfReasons).where(StatementOfReasons.decision_id == decision_id)
    )
    if statement is None:
        return ""
    return statement.text_en if lang == "en" else statement.text_de


def _for_event(session: Session, event: DecisionEvent, timezone: str) -> bool:
    """Queue the commenter's mail of one decision event; True when one was queued."""
    if event.event == "undone":
        # The decision taken back was announced nowhere yet (mails wait UNDO_GRACE): cancel.
        session.execute(
            update(Notification)
            .where(
                Notification.comment_id == event.comment_id,
                Notification.kind == "comment_decided",
                Notification.state == "queued",
            )
            .values(state="cancelled")
        )
        return False
    target = session.get(NotifyAddress, event.comment_id)
    comment = session.get(Comment, event.comment_id)
    if target is None or comment is None:
        return False
    appeal = session.get(Appeal, event.appeal_id) if event.appeal_id else None
    mail = mails.comment_decided(
        target.lang,
        event.event,
        event.to_state,
        comment.received_at,
        comment.text,
        timezone,
        statement=_statement_text(session, event.decision_id, target.lang),
        appeal_outcome=str(event.details.get("outcome", "")),
        appeal_reason=appeal.outcome_reason if appeal is not None else "",
    )
    if mail is None:
        return False
    return _queue(
        session,
        f"event:{event.key}:commenter",
        "comment_decided",
        comment.id,
        target.address,
        target.lang,
        mail,
        not_before=event.created_at + UNDO_GRACE,
        event_id=event.id,
    )


def queue_from_events(session: Session, timezone: str) -> int:
    """Queue the mails of every decision event past the cursor; returns how many were queued."""
    cursor = session.get(MailCursor, CURSOR)
    if cursor is None:
        cursor = MailCursor(name=CURSOR, last_event_id=0)
        session.add(cursor)
    events = list(
        session.scalars(
            select(DecisionEvent)
            .where(DecisionEvent.id > cursor.last_event_id)
            .order_by(DecisionEvent.id)
            .limit(BATCH)
        )
    )
    queued = 0
    for event in events:
        queued += _for_event(session, event, timezone)
        cursor.last_event_id = event.id
    session.flush()
    return queued


def notice_received(session: Session, report: Report, contact: str, lang: str, tz: str) -> bool:
    """Queue the confirmation of receipt of a notice whose contact is an e-mail address."""
    if not mails.is_address(contact):
        return False
    lang = mails.language(lang)
    mail = mails.notice_received(lang, report.comment_id, report.created_at, tz)
    return _queue(
        session,
        f"report:{report.id}:received",
        "notice_received",
        report.comment_id,
        contact.strip(),
        lang,
        mail,
        not_before=utcnow(),
        report_id=report.id,
    )


def notices_decided(session: Session, reports: list[Report], removed: bool, automated: bool) -> int:
    """Queue the decision to every notifier among ``reports`` who gave an e-mail address."""
    queued = 0
    for report in reports:
        notice = session.get(ReportNotice, report.id)
        if notice is None or not mails.is_address(notice.notifier_contact):
            continue
        receipt = session.scalar(
            select(Notification.lang).where(Notification.key == f"report:{report.id}:received")
        )
        lang = mails.language(receipt)
        mail = mails.notice_decided(lang, report.comment_id, removed, automated)
        queued += _queue(
            session,
            f"report:{report.id}:decided",
            "notice_decided",
            report.comment_id,
            notice.notifier_contact.strip(),
            lang,
            mail,
            not_before=utcnow() + UNDO_GRACE,
            report_id=report.id,
        )
    return queued
