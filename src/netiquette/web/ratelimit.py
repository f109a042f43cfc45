"""Rate limits for the endpoints anyone can reach: logins and readers' posts.

A sliding one-minute window per (bucket, client address), kept in the process's memory: enough
to stop password guessing and a flood from one address. With several server processes each
keeps its own window, so the effective limit is the setting times the number of processes.
Behind a reverse proxy, run uvicorn with ``--proxy-headers`` so the client address is the
reader's, not the proxy's.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from fastapi import Request

from netiquette.errors import RateLimitError
from netiquette.web.context import get_context

_MAX_KEYS = 50_000  # bounded memory: the least recently seen addresses are forgotten first
WINDOW = 60.0


class SlidingWindow:
    """Counts events per key over the last ``WINDOW`` seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int) -> float:
        """Record one event; 0 if allowed, else the seconds until the next one would be."""
        now = self._clock()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and now - hits[0] >= WINDOW:
                hits.popleft()
            self._hits[key] = hits
            if len(self._hits) > _MAX_KEYS:
                self._hits.popitem(last=False)
            if len(hits) >= limit:
                return WINDOW - (now - hits[0])
            hits.append(now)
            return 0.0


#: Which setting limits which bucket.
BUCKETS = {"login": "login_attempts_per_minute", "public": "public_posts_per_minute"}


def rate_limited(bucket: str) -> Callable[[Request], None]:
    """A dependency that refuses a client over the bucket's per-minute limit with 429."""
    setting = BUCKETS[bucket]

    def check(request: Request) -> None:
        ctx = get_context(request)
        limit = int(ctx.settings.get(setting))
        if limit <= 0:
            return
        windows = ctx.rate_windows.setdefault("sliding", SlidingWindow())
        client = request.client.host if request.client else "unknown"
        wait = windows.allow(f"{bucket}:{client}", limit)
        if wait:
            raise RateLimitError(
                f"too many requests from this address; try again in {int(wait) + 1} s",
                retry_after=int(wait) + 1,
            )

    return check
