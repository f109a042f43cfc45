"""The screening job table: enqueue, claim with a lease, finish, retry, give up.

With ``screening_queue = workers`` an accepted comment is stored with one ``screening_jobs``
row in the same transaction (:func:`enqueue`), so a comment that got its 202 always has its
job. Workers :func:`claim` due jobs: on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` (any number
of workers on any number of machines take different jobs without waiting for each other), on
SQLite in one short write transaction (its single writer lock does the rest). A claim is a
lease (``locked_until``): a worker that dies holding a job loses it when the lease ends.

Applying a screening is idempotent (the intake re-reads the comment's state under a lock), so a
job that runs twice — a lease that ran out under a slow worker, a crash between the decision
and the job's deletion — still yields one screening and one decision.

On PostgreSQL ``NOTIFY netiquette_screening`` wakes idle workers at once (they poll as a
fallback): :func:`enqueue` sends it in the transaction (delivered at commit, never for a
rolled-back comment) unless told not to; the acceptance path uses :class:`Waker` instead.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from netiquette.store.db import Database
from netiquette.store.models import Comment, ScreeningJob, utcnow

log = logging.getLogger(__name__)

#: The LISTEN/NOTIFY channel that wakes workers (PostgreSQL).
CHANNEL = "netiquette_screening"
SCREEN, RESCREEN = "screen", "rescreen"
QUEUED, DONE = "queued", "done"
#: Longest pause between two attempts of a failing job.
MAX_BACKOFF_S = 300.0


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job in a worker's hands until ``locked_until``."""

    id: int
    comment_id: str
    kind: str
    attempts: int  # including this one
    run: str | None
    last_error: str


def notify(session: Session) -> None:
    """Wake the workers once this transaction commits (PostgreSQL; no-op on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


def job_row(
    comment_id: str, *, kind: str = SCREEN, run: str | None = None, at: datetime | None = None
) -> dict[str, Any]:
    """The columns of a new queued job (for :func:`enqueue` and multi-row inserts)."""
    now = at or utcnow()
    return {
        "comment_id": comment_id,
        "kind": kind,
        "state": QUEUED,
        "run": run,
        "attempts": 0,
        "run_after": now,
        "last_error": "",
        "result": {},
        "created_at": now,
    }


def enqueue(
    session: Session,
    comment_id: str,
    *,
    kind: str = SCREEN,
    run: str | None = None,
    at: datetime | None = None,
    wake: bool = True,
) -> ScreeningJob:
    """Add a job for ``comment_id`` to the caller's transaction."""
    job = ScreeningJob(**job_row(comment_id, kind=kind, run=run, at=at))
    session.add(job)
    if wake:
        notify(session)
    return job


def _due(now: datetime) -> Any:
    return and_(
        ScreeningJob.state == QUEUED,
        ScreeningJob.run_after <= now,
        or_(ScreeningJob.locked_until.is_(None), ScreeningJob.locked_until < now),
    )


def claim_query(backend: str, now: datetime, limit: int = 1) -> Select[ScreeningJob]:
    """The oldest ``limit`` due jobs, locked (PostgreSQL: skipping those another worker holds).
    Its order is the order of ``ix_screening_jobs_due``, so a claim reads the rows it takes
    whatever the planner believes the queue's size to be (migration 0011)."""
    query = (
        select(ScreeningJob)
        .where(_due(now))
        .order_by(ScreeningJob.run_after, ScreeningJob.id)
        .limit(limit)
    )
    if backend == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


def claim(db: Database, worker: str, *, lease_s: float, limit: int = 1) -> list[ClaimedJob]:
    """Take up to ``limit`` due jobs for ``lease_s`` seconds, oldest first."""
    now = utcnow()
    with db.session() as session:
        jobs = list(session.scalars(claim_query(db.backend, now, limit)))
        until = now + timedelta(seconds=lease_s)
        for job in jobs:
            job.locked_until = until
            job.locked_by = worker
            job.attempts += 1
        return [
            ClaimedJob(j.id, j.comment_id, j.kind, j.attempts, j.run, j.last_error) for j in jobs
        ]


def finish(session: Session, job_id: int, result: dict[str, Any] | None = None) -> None:
    """The job is done, in the caller's transaction: a screening job goes, a re-screening one
    stays as ``done`` with its result for the ``rescreen`` command to sum up."""
    if result is None:
        session.execute(delete(ScreeningJob).where(ScreeningJob.id == job_id))
        return
    session.execute(
        update(ScreeningJob)
        .where(ScreeningJob.id == job_id)
        .values(state=DONE, result=result, locked_until=None)
    )


def drop_jobs(session: Session, comment_id: str) -> None:
    """Remove a comment's screening jobs (it was screened another way)."""
    session.execute(
        delete(ScreeningJob).where(
            ScreeningJob.comment_id == comment_id, ScreeningJob.kind == SCREEN
        )
    )


def backoff_seconds(attempts: int) -> float:
    """Pause before the next attempt: 2, 4, 8 … s (capped), with jitter so retries spread."""
    base: float = min(2.0**attempts, MAX_BACKOFF_S)
    return base * random.uniform(0.75, 1.25)


def retry(db: Database, job: ClaimedJob, error: str) -> None:
    """Release the job for another attempt after its backoff."""
    with db.session() as session:
        session.execute(
            update(ScreeningJob)
            .where(ScreeningJob.id == job.id)
            .values(
                run_after=utcnow() + timedelta(seconds=backoff_seconds(job.attempts)),
                locked_until=None,
                locked_by=None,
                last_error=error[:500],
            )
        )


def orphans(session: Session, limit: int = 10_000) -> list[str]:
    """Comments still ``received`` without any job (stored by an inline-mode process that died
    before screening them, or from before the switch to workers)."""
    has_job = select(ScreeningJob.id).where(ScreeningJob.comment_id == Comment.id).exists()
    return list(
        session.scalars(
            select(Comment.id)
            .where(Comment.state == "received", ~has_job)
            .order_by(Comment.received_at)
            .limit(limit)
        )
    )


def enqueue_orphans(db: Database) -> int:
    """Give every orphan (see :func:`orphans`) a job; returns how many."""
    with db.session() as session:
        ids = orphans(session)
        for comment_id in ids:
            enqueue(session, comment_id, wake=False)
        if ids:
            notify(session)
    return len(ids)


@dataclass(frozen=True, slots=True)
class Backlog:
    """Jobs waiting (or in a worker's hands) and how long the oldest has waited."""

    waiting: int
    oldest_age_s: float


def backlog(session: Session, kind: str | None = None, now: datetime | None = None) -> Backlog:
    """The outstanding jobs (of ``kind``, or all)."""
    query = select(func.count(), func.min(ScreeningJob.run_after)).where(
        ScreeningJob.state == QUEUED
    )
    if kind is not None:
        query = query.where(ScreeningJob.kind == kind)
    count, oldest = session.execute(query).one()
    age = ((now or utcnow()) - oldest).total_seconds() if oldest is not None else 0.0
    return Backlog(int(count or 0), max(age, 0.0))


def purge_done(session: Session, older_than: timedelta = timedelta(days=1)) -> int:
    """Remove finished re-screening jobs nobody collected (the ``rescreen`` command was
    interrupted); returns how many."""
    result = session.execute(
        delete(ScreeningJob).where(
            ScreeningJob.state == DONE, ScreeningJob.created_at < utcnow() - older_than
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def received_since(db: Database, since: datetime) -> int:
    """How many comments were received at or after ``since`` (an index range on
    ``received_at``): the arrival rate a yielding :class:`Worker` reads. Counted on the
    comments, not the jobs, because a job is deleted once screened and re-screening queues
    jobs that are no arrivals."""
    with db.engine.connect() as connection:
        found = connection.scalar(
            select(func.count()).select_from(Comment).where(Comment.received_at >= since)
        )
        return int(found or 0)


__all__ = [
    "CHANNEL",
    "DONE",
    "QUEUED",
    "RESCREEN",
    "SCREEN",
    "Backlog",
    "ClaimedJob",
    "Waker",
    "backlog",
    "backoff_seconds",
    "claim",
    "drop_jobs",
    "enqueue",
    "enqueue_orphans",
    "finish",
    "notify",
    "orphans",
    "purge_done",
    "received_since",
    "retry",
]


class Waker:
    """Wakes the workers after jobs were committed, without a NOTIFY in every transaction.

    ``NOTIFY`` inside the acceptance transaction costs a round trip and serialises commits on
    PostgreSQL's notification queue lock. Instead the app process :meth:`poke`\\ s after the
    commit, and one background thread sends at most one ``NOTIFY`` per ``every_s`` (PostgreSQL)
    or sets the events of in-process workers (SQLite), so a burst of acceptances wakes the
    workers once. Workers poll as well, so a lost wake-up delays a job, never loses it.
    """

    def __init__(self, db: Database, every_s: float = 0.02) -> None:
        self.db = db
        self.every_s = every_s
        self.local: list[threading.Event] = []  # events of workers in this process
        self._poked = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def poke(self) -> None:
        """A job was committed: wake the workers soon."""
        for event in self.local:
            event.set()
        if self.db.backend != "postgresql":
            return
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="screening-waker", daemon=True
                    )
                    self._thread.start()
        self._poked.set()

    def _run(self) -> None:
        while True:
            self._poked.wait()
            self._poked.clear()
            try:
                with self.db.engine.connect() as connection:
                    connection.execute(text(f"NOTIFY {CHANNEL}"))
                    connection.commit()
            except Exception:  # the workers poll: a lost wake-up only delays
                log.warning("could not wake the workers", exc_info=True)
            time.sleep(self.every_s)
