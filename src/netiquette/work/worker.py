"""The worker: screens queued comments and delivers webhooks, until told to stop.

``netiquette worker [--concurrency N]`` runs one :class:`Worker`; any number of them, on any
machine, share one PostgreSQL database. Each of the N threads claims a job, screens the comment
outside any transaction and applies the policy's decision in a short one that also deletes the
job (:meth:`~netiquette.review.intake.Intake.screen_and_decide`). A failure (database gone,
a bug) releases the job for a retry after a backoff; after ``max_attempts`` claims the comment
goes to the human queue with the reason. A screening that fails or runs over its budget already
sends the comment to a human on the first attempt, as in the request path.

Idle threads wait for ``NOTIFY netiquette_screening`` (PostgreSQL, one listening connection
per worker) or poll every ``poll_s``. :meth:`Worker.stop` (SIGTERM, SIGINT) lets every thread
finish the job in hand; the delivery loop finishes its round.

A worker on the same cores as the app servers can yield to a burst (``worker_yield_above``):
while more comments per second arrive than that (the comments received in the last second,
counted twice a second), its threads take no new job, for at most ``worker_yield_max_seconds``
in a row. On a 2-core box at 500 comments/s the co-located workers screened about 30
comments/s during the burst and tripled the acceptances' p99 (docs/performance.md); the
backlog drains after it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from netiquette.metrics import SCREENING_JOBS, WORKER_YIELD_SECONDS
from netiquette.review.intake import Intake
from netiquette.review.rescreen import rescreen_one
from netiquette.screening.base import ScreeningInput
from netiquette.store.db import Database
from netiquette.store.models import Comment, utcnow
from netiquette.work import jobs
from netiquette.work.jobs import ClaimedJob

if TYPE_CHECKING:
    from netiquette.delivery.loop import DeliveryLoop

log = logging.getLogger(__name__)

#: Finished re-screening jobs nobody collected are removed about this often (seconds).
PURGE_EVERY_S = 3600.0
#: How often a yielding worker reads the arrival rate, and how long its threads nap (seconds).
#: Half a second: a burst is noticed within one second, while two readings a second cost two
#: counts over one second of the ``received_at`` index (:func:`jobs.received_since`).
ARRIVALS_EVERY_S = 0.5
YIELD_NAP_S = 0.25


class Worker:
    """Screening threads (and optionally the webhook delivery loop) of one process."""

    def __init__(
        self,
        db: Database,
        intake: Intake,
        *,
        concurrency: int = 2,
        lease_s: float = 60.0,
        max_attempts: int = 5,
        poll_s: float = 1.0,
        delivery: DeliveryLoop | None = None,
        name: str | None = None,
        yield_above: float = 0.0,
        yield_max_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.intake = intake
        self.concurrency = max(1, concurrency)
        # Each thread screens through the intake's budgeted pool: as many pool threads as
        # screening threads, so no job spends its budget waiting for a free one.
        intake.screener.workers = max(intake.screener.workers, self.concurrency)
        self.lease_s = lease_s
        self.max_attempts = max(1, max_attempts)
        self.poll_s = poll_s
        self.delivery = delivery
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        intake.waker.local.append(self._wake)  # acceptances in this process wake it at once
        self._threads: list[threading.Thread] = []
        self._listener: Any = None
        self.processed = 0
        self._count_lock = threading.Lock()
        self.yield_above = max(0.0, yield_above)
        self.yield_max_s = yield_max_s
        self._clock = clock
        self.yielding = False  # set by the arrivals watch; the threads take no job meanwhile
        self._burst_since: float | None = None

    # -- yielding to a burst of acceptances ------------------------------------------------

    def observe_arrivals(self, per_second: float) -> bool:
        """Take one reading of the arrival rate; whether the threads should yield now.

        A burst is yielded to for at most ``yield_max_s`` in a row: a longer one is the
        normal load, and its comments are screened as they come until the rate falls again.
        """
        now = self._clock()
        if self.yield_above <= 0 or per_second <= self.yield_above:
            self._burst_since = None
            yielding = False
        else:
            if self._burst_since is None:
                self._burst_since = now
            yielding = now - self._burst_since < self.yield_max_s
        if yielding != self.yielding:
            if yielding:
                log.info(
                    "worker %s yields: %.0f comments/s arrive (worker_yield_above = %.0f)",
                    self.name,
                    per_second,
                    self.yield_above,
                )
            else:
                log.info("worker %s screens again (%.0f comments/s arrive)", self.name, per_second)
        self.yielding = yielding
        return yielding

    def _watch_arrivals(self) -> None:
        """Count the comments received in the last second, every ``ARRIVALS_EVERY_S`` (only
        with ``yield_above`` set)."""
        last: float | None = None
        while not self._stop.wait(ARRIVALS_EVERY_S):
            try:
                per_second = jobs.received_since(self.db, utcnow() - timedelta(seconds=1))
            except Exception:  # the database is away: screen as usual (the loop retries)
                log.warning("reading the arrival rate failed", exc_info=True)
                self.yielding, last = False, None
                continue
            now = self._clock()
            if self.yielding and last is not None:
                WORKER_YIELD_SECONDS.inc(max(0.0, now - last))
            self.observe_arrivals(per_second)
            last = now

    # -- one job ---------------------------------------------------------------------------

    def run_once(self) -> int:
        """Claim and process one due job; returns how many were processed (0 or 1)."""
        claimed = jobs.claim(self.db, self.name, lease_s=self.lease_s, limit=1)
        for job in claimed:
            self.process(job)
        return len(claimed)

    def process(self, job: ClaimedJob) -> None:
        """Apply one claimed job; failures become a retry or, at the limit, a human's turn."""

        def finish(session: Session) -> None:
            jobs.finish(session, job.id)

        try:
            if job.attempts > self.max_attempts:
                reason = f"screening failed {job.attempts - 1} times: {job.last_error}"
                if job.kind == jobs.SCREEN:
                    self.intake.give_up(job.comment_id, reason, finish)
                else:
                    self._finish_rescreen(job, {"skipped": True, "error": job.last_error})
                SCREENING_JOBS.labels(kind=job.kind, result="failed").inc()
                log.error("screening job %s for comment %s: %s", job.id, job.comment_id, reason)
            elif job.kind == jobs.SCREEN:
                self.intake.screen_and_decide(job.comment_id, finish)
                SCREENING_JOBS.labels(kind=job.kind, result="done").inc()
            else:
                self._rescreen(job)
                SCREENING_JOBS.labels(kind=job.kind, result="done").inc()
        except Exception as exc:  # never lose the job: it comes back after a backoff
            log.exception("screening job %s for comment %s failed", job.id, job.comment_id)
            SCREENING_JOBS.labels(kind=job.kind, result="retry").inc()
            try:
                jobs.retry(self.db, job, type(exc).__name__)
            except Exception:  # the database is gone: the lease runs out, the job comes back
                log.exception("could not release screening job %s", job.id)
        with self._count_lock:
            self.processed += 1

    def _rescreen(self, job: ClaimedJob) -> None:
        with self.db.session() as session:
            comment = session.get(Comment, job.comment_id)
            if comment is None or comment.text_removed_at is not None:
                jobs.finish(session, job.id, {"skipped": True})
                return
            parent = session.get(Comment, comment.parent_id) if comment.parent_id else None
            item = ScreeningInput(
                text=comment.text,
                article_text=comment.article.body or None,
                parent_text=parent.text if parent is not None else None,
                article_title=comment.article.title,
            )
        result = self.intake.screener.screen(item)
        with self.db.session() as session:
            comment = session.get(Comment, job.comment_id)
            if comment is None or comment.text_removed_at is not None:
                jobs.finish(session, job.id, {"skipped": True})
                return
            flags_changed, differs = rescreen_one(session, comment, result)
            jobs.finish(
                session, job.id, {"flags_changed": flags_changed, "policy_differs": differs}
            )

    def _finish_rescreen(self, job: ClaimedJob, result: dict[str, Any]) -> None:
        with self.db.session() as session:
            jobs.finish(session, job.id, result)

    # -- the threads -----------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self.yielding:
                self._stop.wait(YIELD_NAP_S)
                continue
            try:
                if self.run_once():
                    continue
            except Exception:  # the database is unreachable: wait, try again
                log.exception("claiming screening jobs failed; trying again in %.0f s", self.poll_s)
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def _listen(self) -> None:
        """Wake idle threads on NOTIFY (PostgreSQL); reconnects after a lost connection."""
        import psycopg

        url = self.db.url.replace("postgresql+psycopg://", "postgresql://", 1)
        while not self._stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    self._listener = conn
                    conn.execute(f"LISTEN {jobs.CHANNEL}")
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self._wake.set()
            except Exception:
                if not self._stop.is_set():
                    log.warning("LISTEN connection lost; polling until it is back", exc_info=True)
                    self._stop.wait(self.poll_s)

    def _housekeeping(self) -> None:
        while not self._stop.wait(PURGE_EVERY_S):
            try:
                with self.db.session() as session:
                    jobs.purge_done(session)
            except Exception:
                log.warning("purging finished re-screening jobs failed", exc_info=True)

    def start(self) -> None:
        """Start the screening threads, the listener and the delivery loop."""
        if self._threads:
            return
        self._stop.clear()
        targets = [self._loop] * self.concurrency + [self._housekeeping]
        if self.db.backend == "postgresql":
            targets.append(self._listen)
        if self.yield_above > 0:
            targets.append(self._watch_arrivals)
        for n, target in enumerate(targets):
            thread = threading.Thread(target=target, name=f"screening-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        if self.delivery is not None:
            self.delivery.start()
        log.info(
            "worker %s: %d screening threads on %s", self.name, self.concurrency, self.db.backend
        )

    def request_stop(self) -> None:
        """Ask the threads to stop after the job in hand (safe in a signal handler)."""
        self._stop.set()
        self._wake.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Let each thread finish its job in hand, then stop (and the delivery loop)."""
        self.request_stop()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads = []
        if self.delivery is not None:
            self.delivery.stop(timeout_s)

    def wait(self) -> None:
        """Block until :meth:`stop` is called (from a signal handler)."""
        while not self._stop.wait(1.0):
            pass


__all__ = ["Worker"]
