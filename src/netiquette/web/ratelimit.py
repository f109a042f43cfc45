"""Rate limits: per API key, per author and per client address, shared by every process.

The counts live where ``rate_limit_store`` says (the database by default, so N server processes
allow the limit once, not N times; see :mod:`netiquette.store.ratelimits`). Each limit is a
setting, per minute, 0 = off:

* ``api_key_comments_per_minute`` — comments a CMS sends with one key (``POST
  /api/v1/comments``) and Perspective calls with one key;
* ``author_comments_per_minute`` — comments by one author id, whichever route takes them (CMS
  API, embed form, demo page, Coral's moderation phase);
* ``login_attempts_per_minute`` and ``public_posts_per_minute`` — per client address: logins,
  and readers' posts (embed, demo, reports, appeals).

A refusal is a 429 with ``Retry-After`` whose message names the setting. The client address is
the connection's, or, for requests from ``trusted_proxies``, the one they forward (uvicorn
applies that before the app sees the request; see :mod:`netiquette.web.serving`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from netiquette.accounts import Principal
from netiquette.errors import RateLimitError
from netiquette.store.ratelimits import Hit, RateCounter, Refusal, rate_counter
from netiquette.web.context import AppContext, get_context


@dataclass(frozen=True, slots=True)
class Limit:
    """One kind of limit: its setting, the request field it is about, what it counts."""

    setting: str
    field: str
    counts: str


LIMITS = {
    "login": Limit("login_attempts_per_minute", "client", "login attempts from this address"),
    "public": Limit("public_posts_per_minute", "client", "posts from this address"),
    "api_key": Limit("api_key_comments_per_minute", "Authorization", "comments with this API key"),
    "author": Limit("author_comments_per_minute", "author.id", "comments by this author"),
}
#: The limits counted per client address (what :func:`rate_limited` takes).
BUCKETS = {name: limit.setting for name, limit in LIMITS.items() if limit.field == "client"}
_build_lock = threading.Lock()


def counter(ctx: AppContext) -> RateCounter:
    """The app's rate counter, built on first use from ``rate_limit_store``."""
    if ctx.rate_counter is None:
        with _build_lock:
            if ctx.rate_counter is None:
                ctx.rate_counter = rate_counter(ctx.settings.rate_limit_store, ctx.db)
    return ctx.rate_counter


def client_address(request: Request) -> str:
    """The client's address (already the forwarded one for requests from trusted proxies)."""
    return request.client.host if request.client else "unknown"


def refusal_error(refusal: Refusal) -> RateLimitError:
    """The 429 for a refusal, naming the limit and its setting."""
    limit = LIMITS[refusal.hit.bucket]
    return RateLimitError(
        f"too many {limit.counts}: the limit is {refusal.hit.limit} per minute (setting "
        f"{limit.setting}); try again in {refusal.retry_after} s",
        retry_after=refusal.retry_after,
        field=limit.field,
    )


def limit_hits(
    ctx: AppContext,
    *,
    address: tuple[str, Request] | None = None,
    caller: Principal | None = None,
    author: str | None = None,
) -> list[Hit]:
    """The hits one request counts: its address in a bucket, its API key, its author."""
    settings = ctx.settings
    hits: list[Hit] = []
    if address is not None:
        bucket, request = address
        limit = int(settings.get(LIMITS[bucket].setting))
        hits.append(Hit(bucket, client_address(request), limit))
    if caller is not None:
        # An admin posting as a CMS is counted under their name; a CMS by its key's id.
        subject = f"key:{caller.key_id}" if caller.key_id else f"user:{caller.name}"
        hits.append(Hit("api_key", subject, settings.api_key_comments_per_minute))
    if author is not None:
        hits.append(Hit("author", author, settings.author_comments_per_minute))
    return hits


def check_limits(
    ctx: AppContext,
    *,
    address: tuple[str, Request] | None = None,
    caller: Principal | None = None,
    author: str | None = None,
) -> None:
    """Count this request against its limits; RateLimitError (429) if one is exhausted.

    Blocking (a short database transaction): call it from a thread, not the event loop.
    """
    hits = limit_hits(ctx, address=address, caller=caller, author=author)
    if not any(h.limit > 0 for h in hits):
        return
    refusal = counter(ctx).hit(hits)
    if refusal is not None:
        raise refusal_error(refusal)


async def check_limits_async(
    ctx: AppContext,
    *,
    address: tuple[str, Request] | None = None,
    caller: Principal | None = None,
    author: str | None = None,
) -> None:
    """:func:`check_limits` for ``async`` endpoints: awaits the count without a thread."""
    hits = limit_hits(ctx, address=address, caller=caller, author=author)
    if not any(h.limit > 0 for h in hits):
        return
    refusal = await counter(ctx).hit_async(hits)
    if refusal is not None:
        raise refusal_error(refusal)


def rate_limited(bucket: str) -> Callable[[Request], None]:
    """A dependency that refuses a client address over the bucket's per-minute limit (429)."""
    if bucket not in BUCKETS:
        raise ValueError(f"unknown address bucket {bucket!r}")

    def check(request: Request) -> None:
        check_limits(get_context(request), address=(bucket, request))

    return check
