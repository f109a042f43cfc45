"""Group commit: one transaction for every write waiting in this process.

Two writes happen on every accepted comment, each a short transaction of its own when done per
request: storing the comment (in workers mode: the comment, its screening job and its receipt
on an intake audit chain; :mod:`netiquette.review.intake`) and counting its rate-limit hits
(:mod:`netiquette.store.ratelimits`). Under load the app process's threads queued behind row
locks and PostgreSQL's commits, each holding a lock while waiting for a core
(``benchmarks/load.py``). Here the request threads hand their write to one writer thread per
process and kind, and wait; the writer does everything that arrived meanwhile in one
transaction and then answers each request. A request is answered only after the commit that
holds its write: an acknowledged write is never lost. Anything unusual in a batch (any database
error) sends its items the one-by-one way, where each gets its own answer or error.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

#: Most items written in one transaction.
MAX_BATCH = 128

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


@dataclass(slots=True)
class _Ticket(Generic[Item, Outcome]):
    item: Item
    future: Future[Outcome | None]


class GroupCommit(Generic[Item, Outcome]):
    """One writer thread that stores the items waiting, in batches, through ``store``.

    ``store(items)`` returns one entry per item: its outcome, an exception to raise in the
    caller, or ``None`` (the caller goes the one-by-one way).
    """

    def __init__(
        self,
        store: Callable[[Sequence[Item]], list[Outcome | BaseException | None]],
        *,
        max_batch: int = MAX_BATCH,
        name: str = "acceptance-writer",
    ) -> None:
        self._store = store
        self.max_batch = max_batch
        self._name = name
        self._queue: queue.SimpleQueue[_Ticket[Item, Outcome]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        #: Batches stored and items in them (for tests and the benchmark's curiosity).
        self.batches = 0
        self.items = 0

    def submit(self, item: Item) -> Outcome | None:
        """Store ``item`` with whatever else is waiting; its outcome, or ``None``."""
        return self.submit_future(item).result()

    async def submit_async(self, item: Item) -> Outcome | None:
        """:meth:`submit` for the event loop: awaits the commit without holding a thread."""
        return await asyncio.wrap_future(self.submit_future(item))

    def submit_future(self, item: Item) -> Future[Outcome | None]:
        """Queue ``item`` for the writer; the future holds its outcome after the commit."""
        self._start()
        future: Future[Outcome | None] = Future()
        self._queue.put(_Ticket(item, future))
        return future

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            tickets = [self._queue.get()]
            while len(tickets) < self.max_batch:
                try:
                    tickets.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(tickets)

    def _write(self, tickets: list[_Ticket[Item, Outcome]]) -> None:
        # A request cancelled while waiting (its client went away, a shutdown's deadline) is not
        # written; the others' futures can no longer be cancelled, so each gets its outcome.
        tickets = [t for t in tickets if t.future.set_running_or_notify_cancel()]
        if not tickets:
            return
        try:
            outcomes = self._store([t.item for t in tickets])
            if len(outcomes) != len(tickets):  # pragma: no cover - a bug in ``store``
                raise RuntimeError("store returned a wrong number of outcomes")
        except BaseException:
            # Nothing was committed for them: each goes the one-by-one way.
            log.exception(
                "a batch of %d (%s) failed; writing them one by one", len(tickets), self._name
            )
            outcomes = [None] * len(tickets)
        self.batches += 1
        self.items += len(tickets)
        for ticket, outcome in zip(tickets, outcomes, strict=True):
            try:
                if isinstance(outcome, BaseException):
                    ticket.future.set_exception(outcome)
                else:
                    ticket.future.set_result(outcome)
            except Exception:  # pragma: no cover - never let one answer stop the writer
                log.exception("could not answer a %s request", self._name)
