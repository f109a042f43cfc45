"""SQLAlchemy models: the newsroom's records.

Articles and comments are the content; screenings, decisions and audit events are the record of
what the machine and the moderators did with it. Decisions and audit events are append-only: a
reversal is a new decision, never an update of an old one.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always hands back timezone-aware datetimes (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of all netiquette tables."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class CommentState(enum.StrEnum):
    """Where a comment stands. Only ``approved`` is public."""

    RECEIVED = "received"  # stored, not yet screened
    PENDING = "pending"  # waiting for a human decision
    APPROVED = "approved"  # published
    REJECTED = "rejected"  # not published


class Article(Base):
    """A publisher's article that comments belong to."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(1000))
    raw_page: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Comment(Base):
    """A reader's comment, held until a decision."""

    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("comments.id"), index=True)
    author_id: Mapped[str] = mapped_column(String(200), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default=CommentState.RECEIVED.value)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # Optimistic locking: every transition bumps it; a stale writer gets a 409.
    version: Mapped[int] = mapped_column(Integer, default=1)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    estimated_wait_seconds: Mapped[int | None] = mapped_column(Integer)
    # Accountability (migration 0005): the commenter's status link, stored as its sha256,
    # and when (and why: "erased" | "retention") the text and name were removed.
    status_token_sha256: Mapped[str | None] = mapped_column(String(64))
    text_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    text_removed_why: Mapped[str | None] = mapped_column(String(20))

    article: Mapped[Article] = relationship()
    screenings: Mapped[list[Screening]] = relationship(
        back_populates="comment", order_by="Screening.id"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="comment", order_by="Decision.id"
    )

    __table_args__ = (
        Index("ix_comments_queue", "state", "priority", "received_at"),
        Index("ix_comments_article_state", "article_id", "state", "received_at"),
        # The wait estimate counts recent arrivals on every submission and status check.
        Index("ix_comments_received_at", "received_at"),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Screening(Base):
    """One house rule's result on one comment (one row per rule per screening run)."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    rule: Mapped[str] = mapped_column(String(50))
    rule_version: Mapped[str] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    flag: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="screenings")


class Decision(Base):
    """An approve or reject, by the policy (``auto:<version>``) or a moderator. Append-only."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    automated: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    policy_version: Mapped[str | None] = mapped_column(String(100))
    model_versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="decisions")


class AuditEvent(Base):
    """One state change or security-relevant act. Append-only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[str | None] = mapped_column(String(200), index=True)
    article_id: Mapped[str | None] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(200))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Tamper evidence: each event carries the hash of the one before it on the same site.
    site: Mapped[str] = mapped_column(String(100), default="default")
    seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_events_site_seq", "site", "seq", unique=True),)


class AuditHead(Base):
    """The newest link of a site's audit chain; locked while an event is appended."""

    __tablename__ = "audit_heads"

    site: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="0" * 64)


class User(Base):
    """A moderator or admin of the workspace."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="moderator")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """A CMS's key. Stored as ``<key id>`` plus an argon2 hash of the secret part."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuthToken(Base):
    """A moderator login token (sha256 of a 256-bit random token; high entropy needs no salt)."""

    __tablename__ = "auth_tokens"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


# --- The moderator workspace (migration 0002) ------------------------------------------------


class WebSession(Base):
    """A browser login of the moderator workspace: an opaque cookie, stored as its sha256."""

    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Every form and htmx request of this session must echo it (CSRF).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class Claim(Base):
    """A moderator's short lease on a comment, so two people never decide it at once."""

    __tablename__ = "claims"

    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    moderator: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SpotCheck(Base):
    """A moderator's verdict on one automatic decision; counts toward the policy's precision."""

    __tablename__ = "spot_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    policy_version: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(20))  # the checked decision: approve | reject
    verdict: Mapped[str] = mapped_column(String(10))  # correct | wrong
    moderator: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Report(Base):
    """A reader's report of a published comment; open until a moderator resolves it."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class HouseRuleText(Base):
    """The newsroom's own wording of a house rule, edited by admins in the workspace."""

    __tablename__ = "house_rule_texts"

    rule: Mapped[str] = mapped_column(String(50), primary_key=True)
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkspaceSetting(Base):
    """One workspace setting an admin may change in the browser (e.g. the spot-check rate)."""

    __tablename__ = "workspace_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_decisions_created_at", Decision.created_at)
Index("ix_screenings_rule_flag", Screening.rule, Screening.flag)
# The work list's order (highest priority, then oldest), so a page of 10,000 needs no sort.
Index(
    "ix_comments_worklist",
    Comment.state,
    Comment.priority.desc(),
    Comment.received_at,
    Comment.id,
)


class FeedbackExample(Base):
    """A labelled comment sent back by a client (Perspective ``suggestscore``), for retraining.

    ``labels`` keeps the client's attribute scores as sent (``{"TOXICITY": 1.0}``);
    ``rule_labels`` translates them to house rules where an attribute reads exactly one rule,
    and to ``reject`` for the overall attributes (TOXICITY, SEVERE_TOXICITY). Append-only.
    """

    __tablename__ = "feedback_examples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(50))
    submitter: Mapped[str] = mapped_column(String(200))
    client_token: Mapped[str | None] = mapped_column(String(500), index=True)
    community_id: Mapped[str | None] = mapped_column(String(500))
    external_comment_id: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    context: Mapped[list[Any]] = mapped_column(default=list)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rule_labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# --- Accountability: statements of reasons, appeals, report notices (migration 0005) -------


class StatementOfReasons(Base):
    """The statement of reasons (DSA Art. 17) for one rejecting decision.

    ``dsa`` is the Transparency Database form (no personal data, no quotes); ``text_de`` and
    ``text_en`` are what the commenter reads, with the evidence quoted.
    """

    __tablename__ = "statements_of_reasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    puid: Mapped[str] = mapped_column(String(500), unique=True)
    dsa: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text_de: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    # Set when a moderator marks the comment illegal (then the ground is illegal content).
    illegal_legal_ground: Mapped[str | None] = mapped_column(String(500))
    illegal_explanation: Mapped[str | None] = mapped_column(Text)
    # The cited rules' labels and descriptions per language as they read when the statement
    # was issued (migration 0008), so a later re-rendering keeps the issued wording.
    rule_texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Appeal(Base):
    """A commenter's complaint about a rejection (DSA Art. 20); one per comment."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    contested_actor: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome_reason: Mapped[str] = mapped_column(Text, default="")

    comment: Mapped[Comment] = relationship()


class ReportNotice(Base):
    """What a reader said when reporting (the DSA Art. 16 notice), next to its Report row."""

    __tablename__ = "report_notices"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(50), index=True)
    explanation: Mapped[str] = mapped_column(Text, default="")
    legal_ground: Mapped[str] = mapped_column(String(500), default="")
    notifier_contact: Mapped[str] = mapped_column(String(500), default="")


# --- Installation secrets (migration 0006) ---------------------------------------------------


class InstallationSecret(Base):
    """A random key of this installation, made on first use and never shown.

    ``audit_pseudonym`` keys the HMAC that stands for author ids in the audit chain and in the
    pseudonyms of erased authors, so a guessed id cannot be confirmed without the database.
    """

    __tablename__ = "installation_secrets"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- Decision events: the outbox of committed decisions (migration 0008) ----------------------


class DecisionEvent(Base):
    """One decision, written in the decision's own transaction, for the parts that act on it.

    Webhooks, notifications and learning from decisions read this outbox; the in-process hook
    ``decision_committed`` announces each row once its transaction has committed. ``key`` is a
    unique id consumers can use to deliver at most once. Append-only apart from the markers.
    """

    __tablename__ = "decision_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(30), index=True)
    source: Mapped[str] = mapped_column(String(30))
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    article_id: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    automated: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[list[Any]] = mapped_column(default=list)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Left for the consumers to come: webhooks mark delivery, learning marks processing.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotifyAddress(Base):
    """The e-mail address a commenter gave to hear of the decision (personal data).

    Erasure (``erase-author``) and retention delete it; nothing else keeps it.
    """

    __tablename__ = "notify_addresses"

    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    address: Mapped[str] = mapped_column(String(320))
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(Base):
    """One e-mail to send (the mail outbox): queued, retried by the sender, then sent or failed.

    ``key`` makes queueing idempotent (one mail per event and recipient). The address and the
    body are personal data: erasure and retention delete the row.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(Integer)
    event_id: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(320))
    lang: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MailCursor(Base):
    """How far the mail queue has read the ``decision_events`` outbox (one row)."""

    __tablename__ = "mail_cursor"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)


# --- Site examples: the newsroom's decisions as labelled examples (migration 0009) -----------


class SiteExample(Base):
    """One labelled comment of one site: what its people decided, for training its own model.

    Written in the decision's own transaction (:mod:`netiquette.learning.examples`), so a
    committed human decision always has its example. One row per ``(site, example_id)``: the
    comment id for live decisions, the previous system's id for imports; a reversal, undo or
    appeal outcome replaces the row's label. ``label`` is ``approve`` or ``reject``;
    ``rules`` are the cited house rules. ``article_text`` is a snapshot only for imports
    (live examples reference ``articles`` by ``article_id``).
    """

    __tablename__ = "site_examples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(100), default="default")
    example_id: Mapped[str] = mapped_column(String(200))
    comment_id: Mapped[str | None] = mapped_column(String(200), index=True)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    article_id: Mapped[str | None] = mapped_column(String(200))
    article_title: Mapped[str | None] = mapped_column(String(1000))
    article_text: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(10))
    rules: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(200))
    decision_event_id: Mapped[int | None] = mapped_column(ForeignKey("decision_events.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_site_examples_site_example_id", "site", "example_id", unique=True),
        Index("ix_site_examples_site_decided_at", "site", "decided_at"),
    )


# --- Delivery to the CMS: webhook endpoints and deliveries (migration 0009) ------------------


class WebhookEndpoint(Base):
    """Where decisions are pushed: a CMS URL (``kind`` webhook) or Coral's GraphQL API (coral).

    ``secrets`` are the signing secrets in force (several while one is rotated out); for Coral
    the first is the access token. ``allow_internal`` lets the URL resolve to a loopback or
    private address (set only on purpose: the URL is otherwise checked like an article fetch).
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), default="webhook")
    url: Mapped[str] = mapped_column(String(2000))
    secrets: Mapped[list[Any]] = mapped_column(default=list)
    events: Mapped[list[Any]] = mapped_column(default=list)  # empty = every decision event
    allow_internal: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "settings" for the endpoint kept in step with the settings at start, else "cli"/"admin".
    origin: Mapped[str] = mapped_column(String(20), default="cli")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookDelivery(Base):
    """One decision event for one endpoint: sent until the endpoint answers 2xx.

    ``event_key`` is the idempotency id the receiver sees on every attempt and replay.
    ``next_attempt_at`` is also the claim: a sender moves it past its own deadline before it
    sends, so a crashed sender's delivery is taken up again (at least once).
    """

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    decision_event_id: Mapped[int] = mapped_column(ForeignKey("decision_events.id"))
    event_key: Mapped[str] = mapped_column(String(36), index=True)
    event: Mapped[str] = mapped_column(String(30))
    comment_id: Mapped[str] = mapped_column(String(200), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20), default="pending")  # delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replays: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    endpoint: Mapped[WebhookEndpoint] = relationship()

    __table_args__ = (
        Index(
            "ux_webhook_deliveries_endpoint_event", "endpoint_id", "decision_event_id", unique=True
        ),
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at", "id"),
    )


class CoralLink(Base):
    """Coral's id of a comment taken in through the Coral phase (learnt from Coral's webhooks)."""

    __tablename__ = "coral_links"

    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    coral_comment_id: Mapped[str] = mapped_column(String(200), index=True)
    coral_revision_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_decision_events_delivered_at", DecisionEvent.delivered_at)


class RateLimitWindow(Base):
    """Requests counted in one fixed window for one limited subject (shared by all processes).

    ``subject`` is a sha256 of the bucket's subject (an API key id, an author id, a client
    address), so no address or author id is stored; rows older than two windows are deleted.
    """

    __tablename__ = "rate_limit_windows"

    bucket: Mapped[str] = mapped_column(String(20), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)  # epoch seconds
    hits: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_rate_limit_windows_start", "window_start"),)


class ScreeningJob(Base):
    """A comment waiting to be screened by a worker (``screening_queue = workers``).

    Written in the comment's own transaction, so an accepted comment always has its job. A row
    is outstanding work: the worker that applies a screening deletes its job in the same
    transaction. ``locked_until`` is the claim (a lease): a worker that dies holding a job loses
    it when the lease ends and another takes it up. ``attempts`` counts claims; past the limit
    the comment goes to the human queue with ``last_error`` as the reason. Re-screening jobs
    (``kind = rescreen``) stay as ``done`` with their ``result`` until ``rescreen`` sums them.
    """

    __tablename__ = "screening_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="screen")  # screen | rescreen
    state: Mapped[str] = mapped_column(String(20), default="queued")  # queued | done
    run: Mapped[str | None] = mapped_column(String(36), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_screening_jobs_due", "state", "run_after", "id"),)


# --- Per-site models: promotions and shadow scores (migration 0010) ---------------------------


class SiteModelChange(Base):
    """One switch of a site's models, append-only: the registry's history.

    ``action`` is ``promote`` or ``rollback`` (the live model) or ``shadow`` / ``unshadow``.
    ``version`` is the model the action made live or shadow (None = the shipped model);
    ``previous`` the one it replaced. Replaying the rows in order gives the live and shadow
    model of every moment (:mod:`netiquette.learning.registry`).
    """

    __tablename__ = "site_model_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    version: Mapped[str | None] = mapped_column(String(200))
    previous: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_site_model_changes_site_id", "site", "id"),)


class SiteModelScore(Base):
    """What one model said about one comment at intake: the live one and the shadow beside it.

    ``model_version`` is a site model's version or ``shipped``; ``role`` is ``live`` (it
    decided) or ``shadow`` (it only watched). ``reject_probability`` is None for the shipped
    model, whose ``reject`` is "any house rule flags".
    """

    __tablename__ = "site_model_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), index=True)
    site: Mapped[str] = mapped_column(String(100))
    model_version: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    reject_probability: Mapped[float | None] = mapped_column(Float)
    reject: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_site_model_scores_site_version", "site", "model_version"),)
