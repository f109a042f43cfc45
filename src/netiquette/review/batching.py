"""Group commit for acceptances (workers mode): one transaction for every comment waiting.

With ``screening_queue = workers`` an acceptance only stores the comment, its screening job and
its receipt on an intake audit chain. Done one transaction per request, the app process's
threads queued behind the chain head's row lock and PostgreSQL's commit, each holding a lock
while waiting for a core (``benchmarks/load.py``). Here the request threads hand their checked
comment to one writer thread per process and wait; the writer stores everything that arrived
meanwhile in one transaction (one lock of one chain head, multi-row inserts, one commit) and
then answers each request. A request is answered only after the commit that stored it: an
acknowledged comment is never lost. Anything unusual in a batch (an id seen before, a
concurrent insert of the same id, any database error) sends its comments the one-by-one way,
where each gets its own answer or error.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

#: Most comments stored in one transaction.
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
        self._start()
        future: Future[Outcome | None] = Future()
        self._queue.put(_Ticket(item, future))
        return future.result()

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
        try:
            outcomes = self._store([t.item for t in tickets])
            if len(outcomes) != len(tickets):  # pragma: no cover - a bug in ``store``
                raise RuntimeError("store returned a wrong number of outcomes")
        except BaseException:
            # Nothing was committed for them: each goes the one-by-one way.
            log.exception("a batch of %d acceptances failed; storing them one by one", len(tickets))
            outcomes = [None] * len(tickets)
        self.batches += 1
        self.items += len(tickets)
        for ticket, outcome in zip(tickets, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                ticket.future.set_exception(outcome)
            else:
                ticket.future.set_result(outcome)
