"""The delivery loop: claim due deliveries, send them signed, record what happened.

:func:`deliver_due` is one round and is what a worker process runs (issue 14's workers call it
in their loop; ``serve`` runs it in :class:`~netiquette.delivery.loop.DeliveryLoop` until then):

1. :func:`~netiquette.delivery.outbox.fan_out` turns new decision events into deliveries;
2. :func:`claim_due` takes due deliveries in one short transaction — ``FOR UPDATE SKIP LOCKED``
   on PostgreSQL, SQLite's writer lock otherwise — counts the attempt and moves
   ``next_attempt_at`` past the attempt's deadline, so no other process sends them meanwhile
   and a crashed sender's deliveries come due again (at least once);
3. each is sent outside any transaction, and :func:`record` stores the outcome: delivered, or
   the next attempt after an exponential backoff, or ``failed`` after ``max_attempts``.

The receiver sees the same ``Netiquette-Webhook-Id`` on every attempt and replay.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.compat.fetch import parse_hosts
from netiquette.delivery.coral import CoralApi, push_decision
from netiquette.delivery.outbox import fan_out
from netiquette.delivery.post import Outcome, post_checked
from netiquette.delivery.signing import (
    ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_header,
)
from netiquette.errors import ConflictError, NotFoundError
from netiquette.metrics import WEBHOOK_ATTEMPTS
from netiquette.settings import Settings
from netiquette.store.db import Database
from netiquette.store.models import CoralLink, WebhookDelivery, WebhookEndpoint, utcnow

log = logging.getLogger(__name__)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
#: First retry after this many seconds; each later one waits twice as long, up to BACKOFF_CAP_S.
BACKOFF_BASE_S = 10.0
BACKOFF_CAP_S = 3600.0
USER_AGENT = "netiquette-webhooks/1"


def backoff_seconds(attempts: int, delivery_id: int = 0) -> float:
    """Wait before the next attempt after ``attempts`` failed ones: 10 s, 20 s, 40 s … 1 h.

    A spread of up to +45 %, fixed per delivery, keeps a recovering CMS from receiving the
    whole backlog in the same second.
    """
    base = min(BACKOFF_BASE_S * 2.0 ** max(attempts - 1, 0), BACKOFF_CAP_S)
    return float(base * (1 + (delivery_id % 10) / 20))


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed delivery, detached from the session that claimed it."""

    id: int
    endpoint_id: int
    kind: str
    url: str
    secrets: tuple[str, ...]
    allow_internal: bool
    event_key: str
    comment_id: str
    payload: dict[str, Any]
    attempts: int


@dataclass
class Round:
    """What one round did."""

    created: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    outcomes: list[tuple[int, Outcome]] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        """Deliveries sent in the round."""
        return self.delivered + self.retried + self.failed


def claim_due(session: Session, now: datetime, limit: int, lease_s: float) -> list[Claimed]:
    """Take up to ``limit`` due deliveries for this process (see the module doc)."""
    query = (
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.state == PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
    claimed: list[Claimed] = []
    for row in session.scalars(query):
        row.attempts += 1
        row.last_attempt_at = now
        row.next_attempt_at = now + timedelta(seconds=lease_s)
        endpoint = row.endpoint
        claimed.append(
            Claimed(
                id=row.id,
                endpoint_id=endpoint.id,
                kind=endpoint.kind,
                url=endpoint.url,
                secrets=tuple(endpoint.secrets),
                allow_internal=endpoint.allow_internal,
                event_key=row.event_key,
                comment_id=row.comment_id,
                payload=dict(row.payload),
                attempts=row.attempts,
            )
        )
    return claimed


def record(
    session: Session, delivery: Claimed, outcome: Outcome, now: datetime, max_attempts: int
) -> str:
    """Store one attempt's outcome; returns the delivery's new state."""
    row = session.get(WebhookDelivery, delivery.id)
    if row is None:  # pragma: no cover - deliveries are never deleted
        return FAILED
    row.last_status = outcome.status
    row.last_error = outcome.error[:1000]
    if outcome.ok:
        row.state = DELIVERED
        row.delivered_at = now
    elif row.attempts >= max_attempts:
        row.state = FAILED
    else:
        row.next_attempt_at = now + timedelta(seconds=backoff_seconds(row.attempts, row.id))
    return row.state


@dataclass
class Sender:
    """Sends one claimed delivery: a signed webhook POST, or a Coral GraphQL mutation."""

    db: Database
    timeout_s: float = 5.0
    allowed_hosts: Sequence[str] = ()
    transport: httpx.BaseTransport | None = None
    clock: Callable[[], float] = time.time
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    @property
    def client(self) -> httpx.Client:
        """One HTTP client for every delivery (connections and TLS set-up are reused)."""
        if self._client is None:
            self._client = httpx.Client(
                timeout=self.timeout_s, follow_redirects=False, transport=self.transport
            )
        return self._client

    def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            self._client.close()
            self._client = None

    @classmethod
    def from_settings(cls, db: Database, settings: Settings) -> Sender:
        """The sender the settings describe (timeout, hosts allowed to be internal)."""
        return cls(
            db,
            timeout_s=settings.webhook_timeout_ms / 1000,
            allowed_hosts=parse_hosts(settings.webhook_allowed_hosts),
        )

    def send(self, delivery: Claimed) -> Outcome:
        """One attempt; never raises for the endpoint's failures."""
        if delivery.kind == "coral":
            return self._coral(delivery)
        body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        timestamp = int(self.clock())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            ID_HEADER: delivery.event_key,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature_header(body, delivery.secrets, timestamp),
        }
        return post_checked(
            delivery.url,
            body,
            headers,
            timeout_s=self.timeout_s,
            allow_internal=delivery.allow_internal,
            allowed_hosts=self.allowed_hosts,
            client=self.client,
        )

    def coral_api(self, url: str, token: str, allow_internal: bool) -> CoralApi:
        """Coral's API as this sender reaches it."""
        return CoralApi(
            url, token, self.timeout_s, allow_internal, tuple(self.allowed_hosts), self.client
        )

    def _coral(self, delivery: Claimed) -> Outcome:
        with self.db.session() as session:
            link = session.get(CoralLink, delivery.comment_id)
            coral_id = link.coral_comment_id if link is not None else None
        if coral_id is None:
            return Outcome(
                False,
                error=f"Coral's id of comment {delivery.comment_id} is not known yet "
                "(waiting for Coral's webhook COMMENT_ENTERED_MODERATION_QUEUE)",
            )
        api = self.coral_api(delivery.url, delivery.secrets[0], delivery.allow_internal)
        return push_decision(api, coral_id, delivery.payload, delivery.event_key)


def deliver_due(
    db: Database,
    sender: Sender,
    *,
    max_attempts: int = 12,
    limit: int = 50,
    now: Callable[[], datetime] = utcnow,
) -> Round:
    """One round: fan out new decision events, then send what is due (see the module doc)."""
    result = Round()
    with db.session() as session:
        result.created = fan_out(session, now=now())
    with db.session() as session:
        claimed = claim_due(session, now(), limit, lease_s=sender.timeout_s * 2 + 30)
    for delivery in claimed:
        try:
            outcome = sender.send(delivery)
        except Exception as exc:  # a bug must not stop the loop: the delivery is retried
            log.exception("webhook delivery %d failed unexpectedly", delivery.id)
            outcome = Outcome(False, error=f"{type(exc).__name__}: {exc}")
        with db.session() as session:
            state = record(session, delivery, outcome, now(), max_attempts)
        result.outcomes.append((delivery.id, outcome))
        label = {DELIVERED: "delivered", FAILED: "failed"}.get(state, "retry")
        WEBHOOK_ATTEMPTS.labels(kind=delivery.kind, result=label).inc()
        if state == DELIVERED:
            result.delivered += 1
        elif state == FAILED:
            result.failed += 1
            log.warning("webhook delivery %d gave up: %s", delivery.id, outcome.error)
        else:
            result.retried += 1
    return result


def replay(session: Session, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, now, with the same idempotency id (whatever its state)."""
    row = session.get(WebhookDelivery, delivery_id)
    if row is None:
        raise NotFoundError(f"webhook delivery {delivery_id} is unknown", field="delivery")
    if not row.endpoint.active:
        raise ConflictError(f"the endpoint of delivery {delivery_id} was removed", field="delivery")
    row.state = PENDING
    row.attempts = 0
    row.replays += 1
    row.next_attempt_at = utcnow()
    return row


def recent(session: Session, limit: int = 100, state: str | None = None) -> list[WebhookDelivery]:
    """The newest deliveries, for the delivery log."""
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
    if state:
        query = query.where(WebhookDelivery.state == state)
    return list(session.scalars(query))


def counts(session: Session) -> dict[str, int]:
    """Deliveries by state (for the admin page and metrics)."""
    from sqlalchemy import func

    rows = session.execute(
        select(WebhookDelivery.state, func.count()).group_by(WebhookDelivery.state)
    )
    return {state: int(n) for state, n in rows}


__all__ = [
    "BACKOFF_BASE_S",
    "BACKOFF_CAP_S",
    "Claimed",
    "Round",
    "Sender",
    "backoff_seconds",
    "claim_due",
    "counts",
    "deliver_due",
    "recent",
    "record",
    "replay",
]
