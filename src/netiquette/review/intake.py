"""Taking a comment in: validate, store (committed before it is acknowledged), screen, decide.

A comment is written in its own transaction in state ``received`` before it is screened, so a
crash during screening loses nothing: :func:`screen_waiting` picks such comments up at start.

With ``screening_queue = workers`` the same transaction also writes a screening job
(:mod:`netiquette.work.jobs`) and the answer comes at once, in state ``received``; a worker
process screens and decides it later through :meth:`Intake.screen_and_decide`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from anyio import to_thread
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.pseudonyms import installation_key, keyed_digest
from netiquette.accountability.tokens import new_status_token, token_digest
from netiquette.errors import ConflictError, InputError, NotFoundError, TooLongError
from netiquette.i18n import DEFAULT
from netiquette.learning.site_screening import store_model_scores
from netiquette.metrics import SCREENED, SCREENING_SECONDS
from netiquette.notifications.mails import check_address
from netiquette.notifications.outbox import remember_address
from netiquette.review.audit import (
    DEFAULT_SITE,
    NewEvent,
    intake_chain,
    record_event,
    record_events,
)
from netiquette.review.decide import decide
from netiquette.review.machine import RECEIVED, Actor
from netiquette.review.screener import (
    DEFAULT_BUDGET_SECONDS,
    DEFAULT_WORKERS,
    BudgetedScreener,
    ScreeningTimeout,
)
from netiquette.review.wait import ALWAYS, Staffing, WaitModel
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.screening.harm import SCREENING_FAILED
from netiquette.store.batching import GroupCommit
from netiquette.store.db import Database
from netiquette.store.models import (
    Article,
    AuditEvent,
    Comment,
    Screening,
    ScreeningJob,
    utcnow,
)
from netiquette.work.jobs import SCREEN, Waker, backlog, drop_jobs, enqueue, job_row

log = logging.getLogger(__name__)

# C0/C1 control characters other than tab, newline and carriage return; lone surrogates.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# In ids and names not even tab, newline or carriage return belong.
FIELD_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,200}$")

_POLICY_ACTION = {"approve": "auto_approve", "reject": "auto_reject", "review": "queue"}
#: How often one process recomputes its acceptance wait estimate (workers mode), in seconds;
#: meanwhile acceptances are answered with the one it holds.
ESTIMATE_TTL_S = 2.0
#: Runs in the transaction that applies a screening (a worker deletes its job there).
Finish = Callable[[Session], None]


def validate_text(text: str, max_chars: int, field: str = "text") -> str:
    """Reject empty, overlong or control-character text with an error naming ``field``."""
    if not text.strip():
        raise InputError(f"{field} is empty", field=field)
    if len(text) > max_chars:
        raise TooLongError(
            f"{field} has {len(text)} characters; the limit is {max_chars}", field=field
        )
    bad = CONTROL.search(text)
    if bad:
        raise InputError(
            f"{field} contains the control character U+{ord(bad.group()):04X} at {bad.start()}",
            field=field,
        )
    return text


def validate_id(value: str, field: str) -> str:
    """Ids are 1-200 characters of letters, digits and ``._:@-``."""
    if not _ID.match(value):
        raise InputError(
            f"{field} must be 1-200 characters of letters, digits and . _ : @ -", field=field
        )
    return value


def text_hash(text: str) -> str:
    """sha256 of the text, as stored with the comment and in the audit log."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewComment:
    """A comment as a CMS submits it."""

    article_id: str
    author_id: str
    author_name: str
    text: str
    id: str | None = None
    parent_id: str | None = None
    # Optional: the commenter's address to hear of the decision, and the mail's language.
    notify_email: str | None = None
    notify_lang: str = DEFAULT


@dataclass(frozen=True, slots=True)
class _Pending:
    """A checked comment, waiting for the acceptance writer (workers mode) or stored alone."""

    comment_id: str
    new: NewComment
    text: str
    digest: str
    token: str
    token_sha256: str
    submitter: str
    address: str | None
    wait: int | None  # workers mode: the wait promised; None: screened in the request


@dataclass(frozen=True, slots=True)
class Accepted:
    """The answer to a submission."""

    id: str
    state: str
    estimated_wait_seconds: int
    created: bool
    # Shown once: the commenter's key to the status page (only its sha256 is stored).
    status_token: str | None = None


class Intake:
    """Stores, screens and decides new comments."""

    def __init__(
        self,
        db: Database,
        pipeline: object,
        max_chars: int,
        default_wait: int,
        staffing: Staffing | None = None,
        accountability: AccountabilityConfig | None = None,
        *,
        budget_seconds: float = DEFAULT_BUDGET_SECONDS,
        workers: int = DEFAULT_WORKERS,
        team_size: int = 2,
        queue: str = "inline",
    ) -> None:
        self.db = db
        #: ``inline``: screened in the request; ``workers``: a job for the workers.
        self.queue = queue
        self._estimate: tuple[float, int] = (0.0, 0)
        self._estimate_lock = threading.Lock()
        #: Wakes the workers after an accepted comment's job is committed (workers mode).
        self.waker = Waker(db)
        #: Stores acceptances in batches, one transaction for all waiting (workers mode).
        self.batch: GroupCommit[_Pending, Accepted] = GroupCommit(self._store_batch)
        # Cached per process: round trips saved on every acceptance. Articles are never
        # deleted, and the pseudonym key never changes once created.
        self._articles: set[str] = set()
        self._pseudonym_key: bytes | None = None
        self.screener = BudgetedScreener(pipeline, budget_seconds, workers)
        self.max_chars = max_chars
        self.default_wait = default_wait
        self.staffing = staffing
        #: How the wait of a held comment is estimated (team, speed, staffing hours).
        self.wait = WaitModel(staffing or ALWAYS, team_size, default_wait)
        # What an automatic rejection's statement of reasons needs to know about the site.
        self.accountability = accountability or (
            AccountabilityConfig(staffing=staffing) if staffing else AccountabilityConfig()
        )

    @property
    def pipeline(self) -> Any:
        """The screening pipeline (replaceable: the admin page reloads the site's rules)."""
        return self.screener.pipeline

    @pipeline.setter
    def pipeline(self, pipeline: Any) -> None:
        self.screener.pipeline = pipeline

    def submit(self, new: NewComment, submitter: str) -> Accepted:
        """Store the comment (committed), then screen and decide it."""
        pending = self._check(new, submitter)
        # Before the transaction: on SQLite a second session would wait for this one's lock.
        wait = self.acceptance_wait() if self.queue == "workers" else None
        pending = replace(pending, wait=wait)
        if wait is not None:
            # Workers mode: stored with the others waiting, in one transaction (batching.py).
            accepted = self.batch.submit(pending)
            if accepted is not None:
                return accepted
            # Seen before, or the batch failed: the one-by-one way below answers it.
        return self._submit_alone(pending)

    async def submit_async(self, new: NewComment, submitter: str) -> Accepted:
        """:meth:`submit` for the event loop. In workers mode an acceptance waits for the
        writer's commit without holding a thread; what blocks (screening in the request, the
        one-by-one way, the first wait estimate) runs in the thread pool the web framework's
        own blocking work uses (anyio's, 40 threads; asyncio's default has CPUs + 4)."""
        pending = self._check(new, submitter)
        if self.queue != "workers":
            return await to_thread.run_sync(self._submit_alone, pending)
        wait = self.known_acceptance_wait()
        if wait is None:  # the first acceptance of this process computes it
            wait = await to_thread.run_sync(self.acceptance_wait)
        pending = replace(pending, wait=wait)
        accepted = await self.batch.submit_async(pending)
        if accepted is not None:
            return accepted
        return await to_thread.run_sync(self._submit_alone, pending)

    def _check(self, new: NewComment, submitter: str) -> _Pending:
        """Validate a submission (InputError naming the field) and give it its token."""
        text = validate_text(new.text, self.max_chars)
        comment_id = validate_id(new.id, "id") if new.id else uuid.uuid4().hex
        for field, value in (
            ("article_id", new.article_id),
            ("parent_id", new.parent_id or ""),
            ("author.id", new.author_id),
            ("author.name", new.author_name),
        ):
            # PostgreSQL refuses NUL in text; no control character belongs in these fields.
            if FIELD_CONTROL.search(value):
                raise InputError(f"{field} contains a control character", field=field)
        address = check_address(new.notify_email, "notify_email") if new.notify_email else None
        token, token_sha256 = new_status_token()
        return _Pending(
            comment_id, new, text, text_hash(text), token, token_sha256, submitter, address, None
        )

    def _submit_alone(self, pending: _Pending) -> Accepted:
        """Store one comment in a transaction of its own (a repeat is answered as one)."""
        comment_id, new, text, digest = (
            pending.comment_id,
            pending.new,
            pending.text,
            pending.digest,
        )
        token, token_sha256, submitter = pending.token, pending.token_sha256, pending.submitter
        address, wait = pending.address, pending.wait
        repeat: Accepted | None = None
        try:
            with self.db.session() as session:
                # Locked (PostgreSQL): concurrent retries of one comment take turns.
                existing = session.get(Comment, comment_id, with_for_update=True)
                if existing is not None:
                    repeat = self._same_again(session, existing, new, digest, token, submitter)
                else:
                    self._store(
                        session, comment_id, new, text, digest, token_sha256, submitter, wait
                    )
                    if address:
                        session.flush()
                        remember_address(session, comment_id, address, new.notify_lang)
        except IntegrityError:
            # A concurrent submission with the same id won the race: answer as for a repeat.
            with self.db.session() as session:
                existing = session.get(Comment, comment_id, with_for_update=True)
                if existing is None:
                    raise
                repeat = self._same_again(session, existing, new, digest, token, submitter)
        if repeat is not None:
            if repeat.state != RECEIVED:
                return repeat
            if wait is not None:  # its job was committed with it: the workers have it
                return Accepted(comment_id, RECEIVED, wait, False, repeat.status_token)
            # The first attempt is still screening it, or stored it and never screened it
            # (its process died): screen now; whichever attempt decides first, all answer that.
            state, wait = self.screen_and_decide(comment_id)
            return Accepted(comment_id, state, wait, False, status_token=repeat.status_token)
        if wait is not None:
            self.waker.poke()
            return Accepted(comment_id, RECEIVED, wait, created=True, status_token=token)
        state, wait = self.screen_and_decide(comment_id)
        return Accepted(comment_id, state, wait, created=True, status_token=token)

    def _store(
        self,
        session: Session,
        comment_id: str,
        new: NewComment,
        text: str,
        digest: str,
        token_sha256: str,
        submitter: str,
        wait: int | None = None,
    ) -> None:
        """Insert the comment in state ``received`` with its audit event (caller commits).

        ``wait`` given (workers mode): the estimate promised in the answer, and the job.
        """
        if new.article_id not in self._articles:
            if session.get(Article, new.article_id) is None:
                raise NotFoundError(f"article {new.article_id!r} is unknown", field="article_id")
            if len(self._articles) < 100_000:
                self._articles.add(new.article_id)
        if new.parent_id is not None:
            parent = session.get(Comment, new.parent_id)
            if parent is None:
                raise NotFoundError(
                    f"parent comment {new.parent_id!r} is unknown", field="parent_id"
                )
            if parent.article_id != new.article_id:
                raise InputError(
                    f"parent comment {new.parent_id!r} belongs to another article",
                    field="parent_id",
                )
        now = utcnow()
        session.add(
            Comment(
                id=comment_id,
                article_id=new.article_id,
                parent_id=new.parent_id,
                author_id=new.author_id,
                author_name=new.author_name,
                text=text,
                text_sha256=digest,
                received_at=now,
                state=RECEIVED,
                status_token_sha256=token_sha256,
                estimated_wait_seconds=wait,
            )
        )
        if wait is not None:
            session.flush()  # the comment row before the job that refers to it
            enqueue(session, comment_id, at=now, wake=False)  # the waker, after the commit
        # Last: appending locks a chain head until this transaction commits. Queued receipts
        # spread over the intake chains, so acceptances do not queue behind one lock.
        record_event(
            session,
            "received",
            submitter,
            comment_id=comment_id,
            article_id=new.article_id,
            to_state=RECEIVED,
            details={
                "text_sha256": digest,
                "author_hmac": keyed_digest(self._pseudonyms(session), new.author_id),
            },
            at=now,
            site=intake_chain(comment_id) if wait is not None else DEFAULT_SITE,
        )

    def _store_batch(self, items: Sequence[_Pending]) -> list[Accepted | BaseException | None]:
        """Store new comments, their jobs and receipts in one transaction (workers mode).

        Per item: its answer, its own error (unknown article or parent), or ``None`` for the
        one-by-one way (its id exists, or appears twice here). Any database error raises, and
        the caller sends the whole batch the one-by-one way (nothing here was committed).
        """
        outcomes: list[Accepted | BaseException | None] = [None] * len(items)
        key = self._pseudonyms()
        # Core statements on one connection: this runs for every batch, and the ORM's session
        # and unit of work cost more CPU than the statements themselves.
        with self.db.engine.begin() as connection:
            ids = {item.comment_id for item in items}
            existing = set(connection.scalars(select(Comment.id).where(Comment.id.in_(ids))))
            articles = {item.new.article_id for item in items} - self._articles
            if articles:
                known = connection.scalars(select(Article.id).where(Article.id.in_(articles)))
                for article_id in known:
                    if len(self._articles) < 100_000:
                        self._articles.add(article_id)
                    articles.discard(article_id)
            parents = {item.new.parent_id for item in items if item.new.parent_id}
            parent_article: dict[str, str] = {}
            if parents:
                rows = connection.execute(
                    select(Comment.id, Comment.article_id).where(Comment.id.in_(parents))
                )
                parent_article = {row[0]: row[1] for row in rows}
            now = utcnow()
            comments: list[dict[str, Any]] = []
            jobs: list[dict[str, Any]] = []
            receipts: list[NewEvent] = []
            addresses: list[tuple[str, str, str]] = []
            taken: set[str] = set()
            for index, item in enumerate(items):
                new = item.new
                if item.comment_id in existing or item.comment_id in taken:
                    continue
                if new.article_id in articles:
                    outcomes[index] = NotFoundError(
                        f"article {new.article_id!r} is unknown", field="article_id"
                    )
                    continue
                if new.parent_id is not None:
                    parent = parent_article.get(new.parent_id)
                    if parent is None:
                        outcomes[index] = NotFoundError(
                            f"parent comment {new.parent_id!r} is unknown", field="parent_id"
                        )
                        continue
                    if parent != new.article_id:
                        outcomes[index] = InputError(
                            f"parent comment {new.parent_id!r} belongs to another article",
                            field="parent_id",
                        )
                        continue
                taken.add(item.comment_id)
                parent_article[item.comment_id] = new.article_id  # a reply later in the batch
                comments.append(
                    {
                        "id": item.comment_id,
                        "article_id": new.article_id,
                        "parent_id": new.parent_id,
                        "author_id": new.author_id,
                        "author_name": new.author_name,
                        "text": item.text,
                        "text_sha256": item.digest,
                        "received_at": now,
                        "state": RECEIVED,
                        "priority": 0,
                        "version": 1,
                        "status_token_sha256": item.token_sha256,
                        "estimated_wait_seconds": item.wait,
                    }
                )
                jobs.append(job_row(item.comment_id, at=now))
                receipts.append(
                    NewEvent(
                        "received",
                        item.submitter,
                        comment_id=item.comment_id,
                        article_id=new.article_id,
                        to_state=RECEIVED,
                        details={
                            "text_sha256": item.digest,
                            "author_hmac": keyed_digest(key, new.author_id),
                        },
                        at=now,
                    )
                )
                if item.address:
                    addresses.append((item.comment_id, item.address, new.notify_lang))
                outcomes[index] = Accepted(
                    item.comment_id, RECEIVED, item.wait or 0, created=True, status_token=item.token
                )
            if comments:
                connection.execute(insert(Comment), comments)
                connection.execute(insert(ScreeningJob), jobs)
                if addresses:
                    with Session(bind=connection) as session:
                        for comment_id, address, lang in addresses:
                            remember_address(session, comment_id, address, lang)
                        session.flush()
                # Last: the chain head stays locked until the commit.
                record_events(connection, receipts, site=intake_chain(comments[0]["id"]))
        if comments:
            self.waker.poke()
        return outcomes

    def _pseudonyms(self, session: Session | None = None) -> bytes:
        """The installation's key for author pseudonyms, read once: in the caller's session
        (whose transaction may hold SQLite's write lock, which a second session would wait
        for) or, before any transaction, in a session of its own."""
        if self._pseudonym_key is None:
            if session is not None:
                self._pseudonym_key = installation_key(session)
            else:
                with self.db.session() as own:
                    self._pseudonym_key = installation_key(own)
        return self._pseudonym_key

    def _same_again(
        self,
        session: Session,
        existing: Comment,
        new: NewComment,
        digest: str,
        token: str,
        submitter: str,
    ) -> Accepted:
        if (
            existing.text_sha256 != digest
            or existing.article_id != new.article_id
            or existing.author_id != new.author_id
            or existing.parent_id != new.parent_id
        ):
            raise ConflictError(
                f"comment {existing.id!r} was already submitted with other content", field="id"
            )
        fresh: str | None = None
        if existing.text_removed_at is None and _first_submitter(session, existing.id) == submitter:
            # A repeat means the first answer was lost: a fresh token replaces the undelivered
            # one. Only for the key that sent it first: another key (or another author) must
            # not take the commenter's status link over.
            existing.status_token_sha256 = token_digest(token)
            fresh = token
        # The wait as it is now: a decided comment waits for nothing, a held one has moved up.
        wait = self.wait.estimate(session, existing) if existing.state == "pending" else 0
        return Accepted(
            existing.id,
            existing.state,
            wait,
            False,
            status_token=fresh,
        )

    def screen_and_decide(self, comment_id: str, finish: Finish | None = None) -> tuple[str, int]:
        """Screen a received comment and apply the policy's decision (see ``_screen``).

        Another process may screen the same comment at the same moment (two servers starting
        after a crash): the loser's version check fails, and it reports the winner's result.
        ``finish`` runs in the transaction that applies the decision, or that finds the comment
        decided already (a worker deletes its job there).
        """
        try:
            return self._screen(comment_id, finish)
        except ConflictError:
            with self.db.session() as session:
                comment = session.get(Comment, comment_id)
                if comment is None:
                    raise
                return comment.state, comment.estimated_wait_seconds or 0

    def _screen(self, comment_id: str, finish: Finish | None = None) -> tuple[str, int]:
        """Screen a received comment, then apply the policy's decision in a short transaction.

        Screening runs outside any transaction (on SQLite a transaction holds the database's
        write lock) with a time budget; a comment over budget, or one a model fails on, goes to
        the human queue with the reason in its audit event: never published, never lost.
        """
        with self.db.session() as session:
            comment = session.get(Comment, comment_id)
            if comment is None or comment.state != RECEIVED:
                if finish is not None:
                    finish(session)
                return (comment.state if comment else "unknown"), 0
            parent = session.get(Comment, comment.parent_id) if comment.parent_id else None
            article = comment.article
            item = ScreeningInput(
                text=comment.text,
                article_text=article.body or None,
                parent_text=parent.text if parent is not None else None,
                article_title=article.title,
            )
        result: ScreeningResult | None = None
        error = ""
        try:
            with SCREENING_SECONDS.time():
                result = self.screener.screen(item)
        except ScreeningTimeout:
            log.warning("screening comment %s exceeded its budget; queued", comment_id)
            SCREENED.labels(outcome="timeout").inc()
            error = "timeout"
        except Exception as exc:  # a broken model must not lose or publish the comment
            log.exception("screening failed for comment %s", comment_id)
            SCREENED.labels(outcome="error").inc()
            error = type(exc).__name__  # the message may quote the text: logs only
        with self.db.session() as session:
            # Locked (PostgreSQL) and re-read: another attempt may have decided it meanwhile.
            comment = session.get(Comment, comment_id, with_for_update=True)
            if finish is not None:
                finish(session)
            if comment is None or comment.state != RECEIVED:
                if comment is None:
                    return "unknown", 0
                return comment.state, comment.estimated_wait_seconds or 0
            if result is None:
                return self._to_humans(session, comment, error)
            promised = comment.estimated_wait_seconds
            self._apply(session, comment, result)
            if promised is not None and comment.state == "pending":
                # Workers mode promised an estimate at acceptance: it stays (the figure
                # estimate_accuracy compares with the wait that followed), and no queue
                # arithmetic runs while this transaction holds the audit chain's lock.
                return comment.state, promised
            wait = self.wait.estimate(session, comment) if comment.state == "pending" else 0
            comment.estimated_wait_seconds = wait
            return comment.state, wait

    def _to_humans(self, session: Session, comment: Comment, error: str) -> tuple[str, int]:
        """Queue a comment that could not be screened at the top, with the reason."""
        decide(
            session,
            comment,
            Actor("policy", "fallback"),
            "queue",
            config=self.accountability,
            source="policy",
            priority=SCREENING_FAILED,  # the top of the queue: could be anything
            screening_error=error,
        )
        comment.estimated_wait_seconds = self.wait.estimate(session, comment)
        return comment.state, comment.estimated_wait_seconds

    def give_up(self, comment_id: str, error: str, finish: Finish | None = None) -> str:
        """A screening job failed too often: the comment goes to the human queue with the
        reason (never published, never lost); returns its state afterwards."""
        with self.db.session() as session:
            comment = session.get(Comment, comment_id, with_for_update=True)
            if finish is not None:
                finish(session)
            if comment is None:
                return "unknown"
            if comment.state == RECEIVED:
                self._to_humans(session, comment, error)
            return comment.state

    def known_acceptance_wait(self) -> int | None:
        """The wait estimate this process holds, at once (no database, no lock), or ``None``
        before it has one. An estimate older than :data:`ESTIMATE_TTL_S` is still answered
        while one background thread computes the next (the queries behind it grow with the
        comments table: a request must not wait for them, nor the requests behind it)."""
        at, value = self._estimate
        if not at:
            return None
        if time.monotonic() - at >= ESTIMATE_TTL_S and self._estimate_lock.acquire(False):
            try:
                threading.Thread(
                    target=self._refresh_estimate, name="wait-estimate", daemon=True
                ).start()
            except BaseException:
                self._estimate_lock.release()
                raise
        return value

    def _refresh_estimate(self) -> None:
        """Compute the estimate (the caller holds ``_estimate_lock``, released here)."""
        try:
            self._estimate = (time.monotonic(), self._compute_acceptance_wait())
        except Exception:  # the old estimate stays; the next acceptance tries again
            log.exception("could not refresh the acceptance wait estimate")
        finally:
            self._estimate_lock.release()

    def acceptance_wait(self) -> int:
        """The wait promised to a comment accepted for the workers, in seconds.

        Before screening nobody knows whether the policy will decide it, so the promise is
        the honest upper bound: the screening backlog's delay (how long the oldest waiting job
        has waited) plus the wait of a new comment in the human queue. Computed here the first
        time, then kept fresh in the background every :data:`ESTIMATE_TTL_S`
        (:meth:`known_acceptance_wait`), so acceptance costs no queue arithmetic.
        """
        known = self.known_acceptance_wait()
        if known is not None:
            return known
        with self._estimate_lock:
            at, value = self._estimate
            if at:
                return value
            value = self._compute_acceptance_wait()
            self._estimate = (time.monotonic(), value)
            return value

    def _compute_acceptance_wait(self) -> int:
        with self.db.session() as session:
            delay = backlog(session, SCREEN).oldest_age_s
            fresh = Comment(id="", state=RECEIVED, priority=0, received_at=utcnow(), article_id="")
            human = self.wait.estimate(session, fresh)
        return max(1, round(delay) + human)

    def _apply(self, session: Session, comment: Comment, result: ScreeningResult) -> None:
        """Store one screening row per rule and perform the policy's outcome."""
        SCREENED.labels(outcome=result.decision.outcome).inc()
        store_screenings(session, comment.id, result, utcnow())
        store_model_scores(session, comment.id, result)  # the site models' scores, if any
        decision = result.decision
        decide(
            session,
            comment,
            Actor("policy", decision.policy_version),
            _POLICY_ACTION[decision.outcome],
            config=self.accountability,
            source="policy",
            rules=list(decision.rules),
            priority=decision.priority,
            policy_version=decision.policy_version,
            model_versions=dict(result.model_versions),
        )

    def warm_up(self) -> None:
        """Screen a short text once, so the first reader's comment does not pay for loading
        the models (seconds: longer than Coral's budget). Failures are left to real comments."""
        try:
            self.screener.screen(ScreeningInput(text="Guten Morgen.", article_text="Artikel."))
        except Exception:  # a broken model shows on the first real comment, with its reason
            log.warning("screening warm-up failed", exc_info=True)

    def screen_waiting(self) -> int:
        """Screen every comment left in ``received`` (after a crash); returns how many."""
        with self.db.session() as session:
            ids = list(session.scalars(select(Comment.id).where(Comment.state == RECEIVED)))
        for comment_id in ids:
            # Jobs left from a time in workers mode go with the screening.
            self.screen_and_decide(comment_id, partial(drop_jobs, comment_id=comment_id))
        return len(ids)


def _first_submitter(session: Session, comment_id: str) -> str | None:
    """The actor that first submitted the comment (its ``received`` audit event)."""
    return session.scalar(
        select(AuditEvent.actor)
        .where(AuditEvent.comment_id == comment_id, AuditEvent.event == "received")
        .order_by(AuditEvent.id)
        .limit(1)
    )


def store_screenings(
    session: Session, comment_id: str, result: ScreeningResult, at: datetime
) -> None:
    """One screening row per house rule of ``result`` (intake and ``rescreen`` alike)."""
    for r in result.results.values():
        session.add(
            Screening(
                comment_id=comment_id,
                rule=r.rule,
                rule_version=r.version,
                score=r.score,
                flag=r.flag,
                evidence=[s.to_dict() for s in r.evidence],
                reason=r.reason,
                created_at=at,
            )
        )
