"""Notification e-mails, received by a real SMTP server (aiosmtpd) that the test starts.

The server's background sender queues a mail per decision event for commenters who gave an
address, and for DSA Art. 16 notifiers a confirmation of receipt and the decision; nothing is
sent to a commenter who did not opt in; a dead SMTP server means a retry, not a lost mail;
erasure deletes the address and the mails.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from netiquette.app import create_app
from netiquette.cli import app as cli
from netiquette.notifications.sender import SmtpConfig, deliver_due
from netiquette.store.models import Notification, NotifyAddress, utcnow
from tests.accountability.helpers import CLEAN, admin, decide, submit
from tests.conftest import CMS, make_context
from tests.servers import free_port

COMMENTER = "leserin@example.org"
NOTIFIER = "melder@example.org"


class Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append(mail)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mails if m["To"] == address]

    def wait_for(self, count: int) -> None:
        """Until ``count`` mails arrived (the sender runs in its own thread)."""
        deadline = time.monotonic() + 30
        while len(self.mails) < count and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _body(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_commenters_and_notifiers_get_their_mails(
    database_url: str, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    ctx = make_context(
        database_url, auto_approve=False, staffing_hours="", smtp_host="127.0.0.1", smtp_port=port
    )
    with TestClient(create_app(context=ctx)) as client:
        mod = admin(client)
        asked = submit(client, CLEAN, id="asked", notify_email=COMMENTER)
        submit(client, CLEAN + " Ohne Mail.", id="silent")  # no address: never a mail
        decide(client, mod, asked["id"], "reject", "off_topic")
        decide(client, mod, "silent", "approve")

        published = submit(client, CLEAN + " Gemeldet.", id="reported")
        decide(client, mod, published["id"], "approve")
        r = client.post(
            "/api/v1/comments/reported/reports",
            json={
                "reason": "illegal_content",
                "explanation": "Beleidigung nach § 185 StGB",
                "contact": NOTIFIER,
            },
            headers={"Accept-Language": "de-DE"},
        )
        assert r.status_code == 201
        decide(client, mod, "reported", "reject", "insult")

        bad = client.post(
            "/api/v1/comments",
            json={
                "article_id": "a1",
                "author": {"id": "u9", "name": "X"},
                "text": CLEAN,
                "notify_email": "keine adresse",
            },
            headers=CMS,
        )
        assert bad.status_code == 422 and "notify_email" in bad.text

        # Mails wait out the undo grace; the sender of this server sends them after it.
        client.app.state.mail.run_once(now=utcnow() + timedelta(minutes=1))
        inbox.wait_for(3)

    ctx.db.dispose()
    to_commenter = inbox.to(COMMENTER)
    assert len(to_commenter) == 1, [m["Subject"] for m in inbox.mails]
    refusal = to_commenter[0]
    assert refusal["Subject"] == "Ihr Kommentar wurde nicht veröffentlicht"
    text = _body(refusal)
    assert "Guten Tag," in text and "Nordheim braucht die Anbindung" in text  # the comment
    assert "Kein Bezug zum Artikel" in text  # the statement of reasons, with the house rule
    assert "Einspruch" in text
    to_notifier = inbox.to(NOTIFIER)
    subjects = sorted(m["Subject"] for m in to_notifier)
    assert subjects == ["Entscheidung zu Ihrer Meldung", "Wir haben Ihre Meldung erhalten"]
    decision = next(m for m in to_notifier if m["Subject"] == "Entscheidung zu Ihrer Meldung")
    assert "wurde entfernt" in _body(decision) and "Automatisierte Mittel" in _body(decision)
    # Nobody else got anything: the commenter without an address is not written to.
    assert {m["To"] for m in inbox.mails} == {COMMENTER, NOTIFIER}
    assert len(inbox.mails) == 3


def test_a_dead_smtp_server_means_a_retry_and_erasure_removes_the_address(
    database_url: str,
) -> None:
    ctx = make_context(database_url, auto_approve=False, staffing_hours="")
    runner = CliRunner()
    with TestClient(create_app(context=ctx)) as client:  # no smtp_host: no sender thread
        assert client.app.state.mail is None
        submit(client, CLEAN, id="later", notify_email=COMMENTER, author={"id": "u7", "name": "L"})
        decide(client, admin(client), "later", "approve")
    from netiquette.notifications.outbox import queue_from_events

    with ctx.db.session() as session:
        assert queue_from_events(session, "Europe/Berlin") == 1
    nobody = SmtpConfig(host="127.0.0.1", port=free_port(), timeout=2)
    assert deliver_due(ctx.db, nobody, utcnow() + timedelta(minutes=1)) == 0
    with ctx.db.session() as session:
        mail = session.scalar(select(Notification))
        assert mail is not None and mail.state == "queued" and mail.attempts == 1
        assert mail.last_error and mail.not_before > utcnow()  # tried again later
        assert "veröffentlicht" in mail.subject
    result = runner.invoke(cli, ["erase-author", "u7", "--yes", "--db", database_url])
    assert result.exit_code == 0, result.output
    with ctx.db.session() as session:
        assert session.scalar(select(func.count(Notification.id))) == 0
        assert session.scalar(select(func.count()).select_from(NotifyAddress)) == 0
    ctx.db.dispose()
