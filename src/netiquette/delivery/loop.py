"""The delivery loop inside ``serve``: a background thread that never blocks a request.

It runs :func:`~netiquette.delivery.deliver.deliver_due` rounds: right after a decision
commits (the ``decision_committed`` hook wakes it) and otherwise every ``interval_s`` (for
retries that come due, and events committed by other processes). :meth:`DeliveryLoop.stop`
lets the round in progress finish; a delivery cut off by a hard kill is sent again once its
claim expires (at least once, same idempotency id).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from netiquette.delivery.deliver import Round, Sender, deliver_due
from netiquette.hookspecs import hookimpl
from netiquette.plugins import pm
from netiquette.store.db import Database

if TYPE_CHECKING:
    from netiquette.review.events import CommittedDecision

log = logging.getLogger(__name__)


class _Wake:
    """The plugin that wakes the loop when a decision commits."""

    def __init__(self, loop: DeliveryLoop) -> None:
        self.loop = loop

    @hookimpl
    def decision_committed(self, event: CommittedDecision) -> None:
        self.loop.wake()


class DeliveryLoop:
    """Deliver webhooks in a daemon thread until :meth:`stop`."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        *,
        max_attempts: int,
        interval_s: float = 2.0,
        batch: int = 50,
    ) -> None:
        self.db = db
        self.sender = sender
        self.max_attempts = max_attempts
        self.interval_s = interval_s
        self.batch = batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._plugin = _Wake(self)
        self.rounds = 0

    def wake(self) -> None:
        """Run a round now (called after a decision commits)."""
        self._wake.set()

    def run_once(self) -> Round:
        """One round, its failures logged rather than raised."""
        try:
            return deliver_due(
                self.db, self.sender, max_attempts=self.max_attempts, limit=self.batch
            )
        except Exception:
            log.exception("webhook delivery round failed; trying again in %.0f s", self.interval_s)
            return Round()
        finally:
            self.rounds += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            result = self.run_once()
            if result.attempted >= self.batch or result.created:
                continue  # more may be due: no pause while a backlog drains
            self._wake.wait(self.interval_s)
            self._wake.clear()

    def start(self) -> None:
        """Start the thread and listen for committed decisions."""
        if self._thread is not None:
            return
        pm.register(self._plugin, name=f"delivery-loop-{id(self)}")
        self._thread = threading.Thread(target=self._run, name="webhook-delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Finish the round in progress and stop."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        if pm.is_registered(self._plugin):
            pm.unregister(self._plugin)
        self.sender.close()


__all__ = ["DeliveryLoop"]
