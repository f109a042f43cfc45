"""Screening with a time budget, off the request threads and outside any transaction.

Screening is CPU work on text a stranger wrote. :class:`BudgetedScreener` runs the pipeline in a
small pool of worker threads and waits at most ``budget_seconds`` for the result. A comment that
takes longer (or waits longer for a free worker, because other comments are being screened) is
not waited for: the caller sends it to the human queue with the reason recorded, and the late
result is dropped. The pool bounds how much of the machine screening can take, however many
comments arrive at once; every matcher is linear in the text (tests/security/test_redos.py), so a
worker is never stuck for long either.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from netiquette.screening.base import ScreeningInput, ScreeningResult

#: Default time one comment may take to be screened (the ``screening_budget_ms`` setting).
DEFAULT_BUDGET_SECONDS = 5.0
#: Default number of worker threads (the ``screening_workers`` setting).
DEFAULT_WORKERS = 2


class ScreeningTimeout(Exception):
    """Screening did not finish within its budget; the comment goes to a human."""


class BudgetedScreener:
    """Runs ``pipeline.screen`` in worker threads and waits at most ``budget_seconds``."""

    def __init__(
        self,
        pipeline: Any,
        budget_seconds: float = DEFAULT_BUDGET_SECONDS,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.pipeline = pipeline
        self.budget_seconds = budget_seconds
        self.workers = max(1, workers)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        # Created on first use, so building an Intake (CLI, tests) starts no threads.
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="screening")
            return self._pool

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        """The pipeline's result; :class:`ScreeningTimeout` past the budget.

        Exceptions of the pipeline itself are raised unchanged.
        """
        future: Future[ScreeningResult] = self._executor().submit(self.pipeline.screen, item)
        try:
            return future.result(timeout=self.budget_seconds)
        except FutureTimeout:
            future.cancel()  # still waiting for a worker: never run it
            raise ScreeningTimeout(
                f"screening took longer than {self.budget_seconds:g} s"
            ) from None

    def close(self) -> None:
        """Stop the workers (waits for the comment being screened, if any)."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
