"""Rate-limit counters: how many requests one subject made in the last minute.

A limit counts *hits* of one subject (an API key, an author, a client address) in a bucket. The
count is a sliding minute, estimated from two fixed one-minute windows (the previous window's
count weighted by how much of it still lies within the last 60 s, plus the current window's), so
a burst across a window boundary cannot double the limit. Refused hits are not counted.

Two counters with the same arithmetic:

* :class:`DatabaseRateCounter` keeps the windows in the ``rate_limit_windows`` table: every
  server process on the database shares one count. A hit is an atomic ``INSERT … ON CONFLICT
  DO UPDATE … WHERE hits < cap RETURNING hits`` (SQLite and PostgreSQL both run it) in a short
  transaction apart from the request's own; the hits of all requests waiting in one process
  share one transaction (a group commit, :mod:`netiquette.store.batching`). Old windows are
  deleted once a minute.
* :class:`ProcessMemoryRateCounter` counts in this process only: N processes allow N times the
  limits. For a single process that wants no writes for counting, and as the tests' fake.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from anyio import to_thread
from sqlalchemy import Connection, Integer, Select, String, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import ReturningInsert, Update

from netiquette.store.batching import GroupCommit
from netiquette.store.db import Database
from netiquette.store.models import RateLimitWindow

#: Length of one window, in seconds (every limit is "per minute").
PERIOD = 60
#: Limits from this many per minute up are reserved in chunks (:func:`chunk_size`).
RESERVE_FROM = 1000
#: Subjects a process-memory counter remembers; the least recently seen are forgotten first.
MAX_MEMORY_SUBJECTS = 50_000


@dataclass(frozen=True, slots=True)
class Hit:
    """One request to count against one limit."""

    bucket: str  # "login", "public", "api_key", "author"
    subject: str  # the key id, author id or client address (stored only as a hash)
    limit: int  # hits allowed per minute; 0 or less = no limit


@dataclass(frozen=True, slots=True)
class Refusal:
    """A hit over its limit: which one, and in how many seconds one more would fit."""

    hit: Hit
    retry_after: int


class RateCounter(Protocol):
    """Counts hits; refuses the first one over its limit (and then counts none of them)."""

    def hit(self, hits: Sequence[Hit]) -> Refusal | None:
        """Count every hit, or none and say which limit refused."""
        ...

    async def hit_async(self, hits: Sequence[Hit]) -> Refusal | None:
        """:meth:`hit` from the event loop, without blocking it."""
        ...


def budget(previous: int, elapsed: float, limit: int) -> int:
    """How many hits the current window may hold, ``elapsed`` seconds into it."""
    return math.floor(limit - previous * (1 - elapsed / PERIOD))


def seconds_until_free(previous: int, current: int, elapsed: float, limit: int) -> int:
    """Whole seconds (at least 1) until one more hit fits the sliding minute."""
    if current + 1 <= limit:
        # Within this window, as the previous window's weight fades.
        wait = PERIOD * (1 - (limit - current - 1) / previous) - elapsed if previous else 0.0
    else:
        # In the next window, where the current count becomes the fading previous one.
        wait = (PERIOD - elapsed) + PERIOD * max(0.0, 1 - (limit - 1) / current)
    return max(1, math.ceil(wait))


def subject_digest(hit: Hit) -> str:
    """The stored form of a subject: no address or author id is kept in the table."""
    return hashlib.sha256(f"{hit.bucket}\0{hit.subject}".encode()).hexdigest()


class _Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal


def chunk_size(limit: int) -> int:
    """Hits a process reserves at once for a high limit (1 %), so a busy API key does not
    write its one hot row per request; a low limit is counted hit by hit."""
    return limit // 100 if limit >= RESERVE_FROM else 1


def _statements(backend: str) -> tuple[Select[int], ReturningInsert[int], Update]:
    """The count of one window, the upsert that counts a grant unless over a cap, and the
    update that takes a grant back.

    Built once with bind parameters: building them per hit took a third of a hit's time.
    """
    row = RateLimitWindow
    bucket, subject = bindparam("bucket", type_=String), bindparam("subject", type_=String)
    window, grant = bindparam("window", type_=Integer), bindparam("grant", type_=Integer)
    hits = select(row.hits).where(
        row.bucket == bucket, row.subject == subject, row.window_start == window
    )
    insert = pg_insert if backend == "postgresql" else sqlite_insert
    upsert = (
        insert(row)
        .values(bucket=bucket, subject=subject, window_start=window, hits=grant)
        .on_conflict_do_update(
            index_elements=[row.bucket, row.subject, row.window_start],
            set_={"hits": row.hits + grant},
            # A refused hit is not counted.
            where=row.hits + grant <= bindparam("cap", type_=Integer),
        )
        .returning(row.hits)
    )
    undo = (
        update(row)
        .where(row.bucket == bucket, row.subject == subject, row.window_start == window)
        .values(hits=row.hits - grant)
    )
    return hits, upsert, undo


@dataclass(frozen=True, slots=True)
class _Ask:
    """One request's hits that no spare chunk covered, for the writer thread."""

    hits: tuple[Hit, ...]
    start: int  # the window the request falls in
    now: float


class DatabaseRateCounter:
    """Windows in the database: one count for every process that shares it.

    A limit of :data:`RESERVE_FROM` or more per minute is reserved in chunks of 1 % (the
    process then spends the chunk without asking the database), so N processes may refuse up
    to N % early and never allow more than the limit.

    The requests waiting at one moment are counted in one transaction (:meth:`_count_batch`):
    subject by subject in a fixed order, so two processes' batches lock the rows in the same
    order and cannot deadlock; a request refused by one of its limits then has its other hits
    taken back in the same transaction. A batch that fails for any reason counts each of its
    requests alone, as before (:meth:`_count_alone`).
    """

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock
        self._hits, self._upsert, self._undo = _statements(db.backend)
        self._cleaned = 0  # start of the window whose old rows this process last deleted
        self._reserved: dict[str, tuple[int, int]] = {}  # digest -> (window start, hits left)
        self._lock = threading.Lock()
        #: Outcome per request: its refusal, or True (counted, chunks kept as spare).
        self.batch: GroupCommit[_Ask, Refusal | bool] = GroupCommit(
            self._count_batch, name="rate-limit-writer"
        )

    def hit(self, hits: Sequence[Hit]) -> Refusal | None:
        """Count every limited hit, or none (see the module doc)."""
        ask, spare = self._ask(hits)
        if ask is None:
            return None
        try:
            outcome = self.batch.submit(ask)
            if outcome is None:  # the batch failed, or it must be counted alone
                outcome = self._count_alone(ask.hits, ask.start, ask.now)
        except BaseException:
            self._give_back(spare, ask.start)
            raise
        return self._settle(ask, spare, outcome)

    async def hit_async(self, hits: Sequence[Hit]) -> Refusal | None:
        """:meth:`hit` for the event loop: waits for the writer's commit without a thread."""
        ask, spare = self._ask(hits)
        if ask is None:
            return None
        try:
            outcome = await self.batch.submit_async(ask)
            if outcome is None:
                outcome = await to_thread.run_sync(self._count_alone, ask.hits, ask.start, ask.now)
        except BaseException:  # cancelled (the client went away) or the database failed
            self._give_back(spare, ask.start)
            raise
        return self._settle(ask, spare, outcome)

    def _ask(self, hits: Sequence[Hit]) -> tuple[_Ask | None, set[str]]:
        """Spend spare hits of this process; what is left for the database, and what was spent."""
        hits = [h for h in hits if h.limit > 0]
        now = self._clock()
        start = int(now // PERIOD) * PERIOD
        with self._lock:  # spend reserved hits now; given back if another limit refuses
            spare = {subject_digest(h) for h in hits if self._take_spare(subject_digest(h), start)}
        remote = tuple(h for h in hits if subject_digest(h) not in spare)
        return (_Ask(remote, start, now) if remote else None), spare

    def _settle(self, ask: _Ask, spare: set[str], outcome: Refusal | bool | None) -> Refusal | None:
        """After the database answered: a refusal gives this request's spare hits back."""
        if isinstance(outcome, Refusal):
            self._give_back(spare, ask.start)
            return outcome
        return None

    def _give_back(self, spare: set[str], start: int) -> None:
        """Return spare hits a request spent and did not use (refused, cancelled, failed)."""
        with self._lock:
            for digest in spare:
                window, left = self._reserved.get(digest, (start, 0))
                if window == start:
                    self._reserved[digest] = (window, left + 1)

    def _begin(self, connection: Connection) -> None:
        if self.db.backend == "postgresql":
            # A counter lost with the last moments before a crash is harmless: no wait for the
            # WAL flush on this transaction.
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")

    def _clean(self, connection: Connection, start: int) -> None:
        if start > self._cleaned:
            connection.execute(
                delete(RateLimitWindow).where(RateLimitWindow.window_start < start - PERIOD)
            )

    def _count_alone(self, hits: Sequence[Hit], start: int, now: float) -> Refusal | None:
        """Count one request's hits in a transaction of its own: all, or none."""
        granted: dict[str, int] = {}
        try:
            with self.db.engine.begin() as connection:
                self._begin(connection)
                # In the batches' lock order (sorted subjects): no deadlock with them.
                for hit in sorted(hits, key=lambda h: (h.bucket, subject_digest(h))):
                    granted[subject_digest(hit)] = self._count(connection, hit, start, now - start)
                self._clean(connection, start)
        except _Refused as refused:
            return refused.refusal
        self._cleaned = max(self._cleaned, start)
        self._keep(granted, start)
        return None

    def _count_batch(self, asks: Sequence[_Ask]) -> list[Refusal | bool | BaseException | None]:
        """Count the hits of every request waiting, in one transaction (the writer thread).

        Subjects are visited in sorted order (the lock order every batch shares) and, for each,
        the requests in arrival order. A chunk reserved for a high limit serves the later
        requests of the batch first. A request refused by any limit gets its granted hits back
        (chunk spare, or one ``UPDATE`` on a row this transaction already holds) and its
        refusal; a request refused on an earlier subject asks nothing of the later ones.
        """
        # Rows are (bucket, subject, window): requests queued across a minute's boundary, or
        # out of clock order, lock both windows of a subject in this order too.
        wanted: dict[tuple[str, str, int], list[tuple[int, Hit]]] = {}
        for index, ask in enumerate(asks):
            for hit in ask.hits:
                key = (hit.bucket, subject_digest(hit), ask.start)
                wanted.setdefault(key, []).append((index, hit))
        outcomes: list[Refusal | None] = [None for _ in asks]  # None: counted so far
        extra: dict[tuple[str, int], int] = {}  # (digest, window) -> spare from this batch
        counted: list[list[tuple[Hit, int, bool]]] = [[] for _ in asks]  # hit, grant, from DB
        refused_on: dict[int, tuple[str, int]] = {}  # request -> the (subject, window) refusing
        undone: set[tuple[str, int]] = set()  # (subject, window) with a hit taken back
        with self.db.engine.begin() as connection:
            self._begin(connection)
            for key in sorted(wanted):
                for index, hit in wanted[key]:
                    if isinstance(outcomes[index], Refusal):
                        continue
                    ask, digest = asks[index], key[1]
                    if extra.get((digest, ask.start), 0) > 0:
                        extra[(digest, ask.start)] -= 1
                        counted[index].append((hit, 1, False))
                        continue
                    try:
                        grant = self._count(connection, hit, ask.start, ask.now - ask.start)
                    except _Refused as refused:
                        outcomes[index] = refused.refusal
                        refused_on[index] = (digest, ask.start)
                        continue
                    counted[index].append((hit, grant, True))
                    if grant > 1:
                        extra[(digest, ask.start)] = extra.get((digest, ask.start), 0) + grant - 1
            for index, outcome in enumerate(outcomes):
                if not isinstance(outcome, Refusal):
                    continue
                for hit, grant, from_db in counted[index]:  # taken back: all or nothing
                    digest, window = subject_digest(hit), asks[index].start
                    if from_db and grant == 1:
                        values = {"bucket": hit.bucket, "subject": digest, "window": window}
                        connection.execute(self._undo, {**values, "grant": 1})
                        undone.add((digest, window))
                    else:  # its hit came from a chunk, which stays reserved: spare again
                        extra[(digest, window)] = extra.get((digest, window), 0) + 1
            newest = max(ask.start for ask in asks)
            self._clean(connection, newest)
        self._cleaned = max(self._cleaned, newest)
        # What the batch reserved beyond its requests' own hits stays spare in this process.
        for (digest, window), left in extra.items():
            self._add_spare(digest, window, left)
        # A request refused where a hit was then taken back might have fitted after all (one
        # at a time, it would have waited for that row's lock and found room): it is counted
        # again alone (None) instead of refused.
        answers: list[Refusal | bool | BaseException | None] = []
        for index, outcome in enumerate(outcomes):
            if outcome is None:
                answers.append(True)
            elif refused_on.get(index) in undone:
                answers.append(None)
            else:
                answers.append(outcome)
        return answers

    def _keep(self, granted: dict[str, int], start: int) -> None:
        """Keep the hits granted beyond this request's one as spare."""
        for digest, grant in granted.items():
            self._add_spare(digest, start, grant - 1)

    def _add_spare(self, digest: str, start: int, hits: int) -> None:
        """Add ``hits`` to the spare of ``digest`` in window ``start``: added, not overwritten,
        because threads that found none at the same moment each reserved a chunk, and a chunk
        overwritten stayed counted in the database but was never spent (an API key was refused
        at a fraction of its limit under concurrent load)."""
        if hits < 1:
            return
        with self._lock:
            window, left = self._reserved.get(digest, (start, 0))
            if window > start:  # spare of a newer window already: an old one is worthless
                return
            self._reserved[digest] = (start, (left if window == start else 0) + hits)

    def _take_spare(self, digest: str, start: int) -> bool:
        window, left = self._reserved.get(digest, (0, 0))
        if window != start or left < 1:
            return False
        self._reserved[digest] = (window, left - 1)
        return True

    def _count(self, connection: Connection, hit: Hit, start: int, elapsed: float) -> int:
        """Count ``hit`` (reserving a chunk for a high limit); how many hits were granted."""
        subject = subject_digest(hit)

        def hits_in(window: int) -> int:
            found = connection.scalar(
                self._hits, {"bucket": hit.bucket, "subject": subject, "window": window}
            )
            return int(found or 0)

        previous = hits_in(start - PERIOD)
        cap = budget(previous, elapsed, hit.limit)
        size = chunk_size(hit.limit)
        grant = min(size, cap - hits_in(start)) if size > 1 else 1
        counted = None
        if cap >= 1 and grant >= 1:
            values = {
                "bucket": hit.bucket,
                "subject": subject,
                "window": start,
                "grant": grant,
                "cap": cap,
            }
            counted = connection.execute(self._upsert, values).scalar()
        if counted is None:
            wait = seconds_until_free(previous, hits_in(start), elapsed, hit.limit)
            raise _Refused(Refusal(hit, wait))
        return grant


class ProcessMemoryRateCounter:
    """Windows in this process's memory: each process counts alone (N processes, N× limits)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._windows: OrderedDict[str, tuple[int, int, int]] = OrderedDict()  # start, prev, cur
        self._lock = threading.Lock()

    def hit(self, hits: Sequence[Hit]) -> Refusal | None:
        """Count every limited hit, or none (see the module doc)."""
        now = self._clock()
        start = int(now // PERIOD) * PERIOD
        with self._lock:
            counts: list[tuple[str, int, int]] = []
            for hit in (h for h in hits if h.limit > 0):
                key = subject_digest(hit)
                window, previous, current = self._windows.get(key, (start, 0, 0))
                if window != start:  # roll forward: the last window, or nothing, is previous
                    previous = current if window == start - PERIOD else 0
                    current = 0
                if current >= budget(previous, now - start, hit.limit):
                    wait = seconds_until_free(previous, current, now - start, hit.limit)
                    return Refusal(hit, wait)
                counts.append((key, previous, current + 1))
            for key, previous, current in counts:
                self._windows.pop(key, None)
                self._windows[key] = (start, previous, current)
            while len(self._windows) > MAX_MEMORY_SUBJECTS:
                self._windows.popitem(last=False)
        return None

    async def hit_async(self, hits: Sequence[Hit]) -> Refusal | None:
        """:meth:`hit`: in memory, never waits for anything but a short lock."""
        return self.hit(hits)


def rate_counter(kind: str, db: Database) -> RateCounter:
    """The counter the setting ``rate_limit_store`` names: ``database`` or ``process-memory``."""
    if kind == "process-memory":
        return ProcessMemoryRateCounter()
    return DatabaseRateCounter(db)
