"""Sending the queued mails by SMTP (stdlib ``smtplib``) from a background thread of the server.

:class:`MailWorker` runs in the process of ``serve``/``demo`` (started with the app when
``smtp_host`` is set): every ``interval`` seconds, or at once when the ``decision_committed``
hook wakes it, it queues the mails of new decision events and sends those due. A failed send is
retried with back-off (30 s, 1 min, 2 min, … up to an hour) and given up after
:data:`MAX_ATTEMPTS`; no request ever waits for SMTP.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from netiquette.hookspecs import hookimpl
from netiquette.notifications.outbox import queue_from_events
from netiquette.plugins import pm
from netiquette.settings import Settings
from netiquette.store.db import Database
from netiquette.store.models import Notification, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
BATCH = 20


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and as whom to send."""

    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    sender: str = "netiquette@localhost"
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The SMTP settings, or None when ``smtp_host`` is empty (notifications off)."""
        host = str(settings.smtp_host).strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(settings.smtp_port),
            username=str(settings.smtp_username),
            password=str(settings.smtp_password),
            starttls=bool(settings.smtp_starttls),
            sender=str(settings.mail_from),
        )


def send(config: SmtpConfig, to: str, subject: str, body: str) -> None:
    """Send one plain-text mail (raises on any SMTP or network error)."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or "localhost")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(body)
    with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
        if config.starttls:
            smtp.starttls()
        if config.username:
            smtp.login(config.username, config.password)
        smtp.send_message(message)


def _claim(session: Session, notification_id: int) -> bool:
    """Take one queued mail for sending; False when another sender took it first."""
    result = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.state == "queued")
        .values(state="sending")
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def deliver_due(db: Database, config: SmtpConfig, now: datetime | None = None) -> int:
    """Send the mails that are due; returns how many were sent."""
    now = now or utcnow()
    with db.session() as session:
        due = list(
            session.scalars(
                select(Notification.id)
                .where(Notification.state == "queued", Notification.not_before <= now)
                .order_by(Notification.id)
                .limit(BATCH)
            )
        )
    sent = 0
    for notification_id in due:
        with db.session() as session:
            if not _claim(session, notification_id):
                continue
        with db.session() as session:
            row = session.get(Notification, notification_id)
            if row is None:  # erased meanwhile
                continue
            to, subject, body = row.address, row.subject, row.body
        try:
            send(config, to, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            with db.session() as session:
                row = session.get(Notification, notification_id)
                if row is not None:
                    row.attempts += 1
                    # The type only: an SMTP error message may echo the address.
                    row.last_error = type(exc).__name__
                    delay = min(BACKOFF * 2 ** (row.attempts - 1), MAX_BACKOFF)
                    row.not_before = utcnow() + delay
                    row.state = "failed" if row.attempts >= MAX_ATTEMPTS else "queued"
            log.warning("mail %s not sent (%s); will retry", notification_id, type(exc).__name__)
            continue
        with db.session() as session:
            row = session.get(Notification, notification_id)
            if row is not None:
                row.state, row.sent_at, row.attempts = "sent", utcnow(), row.attempts + 1
        sent += 1
    return sent


class MailWorker:
    """The background sender of one server process."""

    def __init__(
        self, db: Database, config: SmtpConfig, timezone: str, interval: float = 5.0
    ) -> None:
        self.db, self.config, self.timezone, self.interval = db, config, timezone, interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self, now: datetime | None = None) -> int:
        """Queue the mails of new decision events, then send what is due; returns mails sent."""
        with self.db.session() as session:
            queue_from_events(session, self.timezone)
        return deliver_due(self.db, self.config, now)

    @hookimpl
    def decision_committed(self, event: object) -> None:
        """A decision was committed: look at the outbox now rather than at the next tick."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the loop must survive a database hiccup
                log.exception("mail worker round failed")
            self._wake.wait(self.interval)
            self._wake.clear()

    def start(self) -> None:
        """Start the thread and listen for decisions."""
        pm.register(self)
        self._thread = threading.Thread(target=self._loop, name="netiquette-mail", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (after its current round)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if pm.is_registered(self):
            pm.unregister(self)
