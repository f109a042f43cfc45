"""Fetching a story's article page from its URL, within a deadline and a size limit.

The Coral phase knows a story only by id and URL. :class:`StoryArticles` makes sure an article
row exists for the story (id = the story id, so a CMS may push the same article through
``POST /api/v1/articles`` instead), fetches the page once in the background, extracts the main
text and stores it with :func:`~netiquette.articles.store.upsert_article`. A caller waits for the
fetch only as long as its time budget allows; a fetch that outlives the wait still completes and
fills the cache for the next comment on the story. A failed fetch is not retried for
:attr:`StoryArticles.retry_after_s` seconds.

``story.url`` comes from outside, so a fetch must not become a way into the server's own network
(SSRF): every hop (redirects are followed by hand, at most :data:`MAX_REDIRECTS`) is checked for
scheme and host, the host is resolved, and loopback, private, link-local, multicast, reserved and
unspecified addresses (IPv4 and IPv6, also IPv4-mapped and embedded in 6to4/Teredo/NAT64) are
refused unless the host is listed *exactly* in ``article_fetch_hosts``. The connection then goes
to the checked address (the URL is rewritten to it; ``Host`` and TLS SNI/certificate check keep
the host name), so a second DNS answer cannot swap in another address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from netiquette import __version__
from netiquette.articles.extract import looks_like_html
from netiquette.articles.store import ArticleIn, upsert_article
from netiquette.errors import ErrorCode, NetiquetteError
from netiquette.review.audit import record_event
from netiquette.store.db import Database
from netiquette.store.models import Article, utcnow

log = logging.getLogger(__name__)

_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_REDIRECTS = (301, 302, 303, 307, 308)
#: Most redirects followed, whatever the limits say.
MAX_REDIRECTS = 5
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ArticleFetchError(NetiquetteError):
    """An article page could not be fetched (refused, too big, too slow, not a page)."""

    status = 502
    code: ErrorCode = "fetch_failed"


def _embedded(ip: IPAddress) -> list[IPAddress]:
    """``ip`` and the IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64)."""
    found: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            found.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            found.append(ip.sixtofour)
        if ip.teredo is not None:
            found.extend(ip.teredo)
        if ip in _NAT64:
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public(ip: IPAddress) -> bool:
    """False for loopback, private, link-local, multicast, reserved, unspecified, shared …"""
    return all(
        a.is_global
        and not (
            a.is_loopback
            or a.is_private
            or a.is_link_local
            or a.is_multicast
            or a.is_reserved
            or a.is_unspecified
        )
        for a in _embedded(ip)
    )


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How far a fetch may go."""

    timeout_s: float = 3.0
    max_bytes: int = 2_000_000
    allowed_hosts: tuple[str, ...] = ()  # empty = any host (with a public address)
    max_redirects: int = MAX_REDIRECTS
    setting: str = "article_fetch_hosts"  # named in refusals: where to list an internal host

    def allows(self, url: str) -> bool:
        """http(s) only, and on an allowed host and port when a list is configured.

        A list entry ``host`` allows the scheme's default port only (80, 443); another port
        must be listed as ``host:port`` (a redirect to another port of an allowed host was
        followed before issue 11).
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return False
        if not self.allowed_hosts:
            return True
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            return False
        for entry in self.allowed_hosts:
            name, listed_port = _host_port(entry)
            if (host == name or host.endswith("." + name)) and port == (
                listed_port or _DEFAULT_PORTS[parts.scheme]
            ):
                return True
        return False

    def listed(self, host: str) -> bool:
        """Is ``host`` itself (not only a parent domain) in the list? Only then may it be
        internal."""
        return host.lower().strip("[]") in {_host_port(h)[0] for h in self.allowed_hosts}

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        """The addresses to connect to for ``host``; ArticleFetchError if any is not public
        (unless the host is listed exactly) or the name does not resolve."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise ArticleFetchError(f"host {host!r} does not resolve: {exc}") from None
        found: list[IPAddress] = []
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if ip not in found:
                found.append(ip)
        if not found:
            raise ArticleFetchError(f"host {host!r} does not resolve")
        if not self.listed(host):
            internal = [str(ip) for ip in found if not is_public(ip)]
            if internal:
                raise ArticleFetchError(
                    f"host {host!r} resolves to {', '.join(internal)}, which is not public; "
                    f"list the host in {self.setting} to allow it"
                )
        return found


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_port(entry: str) -> tuple[str, int | None]:
    """Host and port of an allow-list entry: ``"cms.example.org:8080"``, ``"[::1]"``."""
    parts = urlsplit("//" + entry)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or entry).lower().strip("[]"), port


def parse_hosts(value: str) -> tuple[str, ...]:
    """``"example.org, cms.example.net"`` → ``("example.org", "cms.example.net")``."""
    return tuple(h.strip().lower().lstrip(".") for h in value.split(",") if h.strip())


def _pinned(url: str, ip: IPAddress) -> tuple[str, str]:
    """``url`` with its host replaced by ``ip``, and the Host header value."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    shown = f"[{host}]" if ":" in host else host
    literal = f"[{ip}]" if ip.version == 6 else str(ip)
    port = f":{parts.port}" if parts.port is not None else ""
    return urlunsplit((parts.scheme, literal + port, parts.path or "/", parts.query, "")), (
        shown + port
    )


def _hop(client: httpx.Client, url: str, limits: FetchLimits, deadline: float) -> httpx.Response:
    """Open a streamed GET of ``url`` on a checked address (the caller closes it)."""
    if not limits.allows(url):
        raise ArticleFetchError(f"fetching {url!r} is not allowed", field="story.url")
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ArticleFetchError(f"{url!r} has an invalid port", field="story.url") from None
    last: Exception | None = None
    for ip in limits.addresses(host, port):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        target, host_header = _pinned(url, ip)
        request = client.build_request(
            "GET",
            target,
            headers={"Host": host_header},
            extensions={"sni_hostname": host, "timeout": httpx.Timeout(remaining).as_dict()},
        )
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError as exc:  # try the host's next address
            last = exc
    if last is not None:
        raise last
    raise httpx.ConnectTimeout(f"{url!r}: no time left to connect")


def fetch_page(
    url: str, limits: FetchLimits, transport: httpx.BaseTransport | None = None
) -> tuple[str, bool]:
    """GET ``url`` and return ``(page, is_html)``; ArticleFetchError when the limits are broken.

    The timeout bounds the whole fetch, not only each network step, so a server that drips
    bytes cannot hold a worker for long. Redirects are followed here, each hop checked anew.
    """
    deadline = time.monotonic() + limits.timeout_s
    headers = {"User-Agent": f"netiquette/{__version__} (article text for comment moderation)"}
    with httpx.Client(
        timeout=limits.timeout_s, follow_redirects=False, headers=headers, transport=transport
    ) as client:
        current = url
        for _ in range(min(limits.max_redirects, MAX_REDIRECTS) + 1):
            response = _hop(client, current, limits, deadline)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                return _read(url, response, limits, deadline)
            finally:
                response.close()
        raise ArticleFetchError(f"{url!r} redirected more than {limits.max_redirects} times")


def _read(
    url: str, response: httpx.Response, limits: FetchLimits, deadline: float
) -> tuple[str, bool]:
    if response.status_code != 200:
        raise ArticleFetchError(f"{url!r} answered HTTP {response.status_code}")
    kind = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
    if kind not in _TYPES:
        raise ArticleFetchError(f"{url!r} is {kind}, not an HTML or text page")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise ArticleFetchError(f"{url!r} is {declared} bytes; limit {limits.max_bytes}")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise ArticleFetchError(f"{url!r} is over {limits.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise ArticleFetchError(f"{url!r} took over {limits.timeout_s} s")
        chunks.append(chunk)
    page = b"".join(chunks).decode(response.encoding or "utf-8", errors="replace")
    return page, kind != "text/plain" or looks_like_html(page)


class StoryArticles:
    """Article rows for stories known by id and URL, filled by background fetches."""

    retry_after_s = 300.0

    def __init__(
        self,
        db: Database,
        limits: FetchLimits,
        max_article_chars: int,
        *,
        transport: httpx.BaseTransport | None = None,
        workers: int = 4,
    ) -> None:
        self.db = db
        self.limits = limits
        self.max_article_chars = max_article_chars
        self.transport = transport
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="article-fetch")
        self._lock = threading.Lock()
        self._inflight: dict[str, Future[bool]] = {}
        self._failed: dict[str, float] = {}

    def resolve(self, article_id: str, url: str | None, wait_s: float, actor: str) -> str:
        """The id of the article to screen against; fetches it if needed, waiting ``wait_s``.

        An article with ``article_id`` and a body wins; then one with the same URL and a body
        (pushed by the CMS under its own id); otherwise a row for ``article_id`` is ensured
        (empty until the fetch fills it) and the fetch started.
        """
        with self.db.session() as session:
            article = session.get(Article, article_id)
            if article is not None and article.body:
                return article_id
            if url:
                pushed = session.scalars(
                    select(Article)
                    .where(Article.url == url, Article.body != "")
                    .order_by(Article.updated_at.desc())
                    .limit(1)
                ).first()
                if pushed is not None:
                    return pushed.id
        if article is None:
            self._placeholder(article_id, url, actor)
        if url:
            future = self._start(article_id, url, actor)
            if future is not None:
                try:
                    future.result(timeout=max(0.0, wait_s))
                except FutureTimeout:
                    log.info("article %s not fetched within %.3f s; screening without", url, wait_s)
        return article_id

    def _placeholder(self, article_id: str, url: str | None, actor: str) -> None:
        try:
            with self.db.session() as session:
                if session.get(Article, article_id) is not None:
                    return
                now = utcnow()
                session.add(
                    Article(id=article_id, url=url, body="", created_at=now, updated_at=now)
                )
                record_event(
                    session,
                    "article_created",
                    actor,
                    article_id=article_id,
                    details={"url": url, "body_chars": 0, "awaiting_fetch": True},
                )
        except IntegrityError:
            pass  # a concurrent request created it first

    def _start(self, article_id: str, url: str, actor: str) -> Future[bool] | None:
        with self._lock:
            running = self._inflight.get(article_id)
            if running is not None:
                return running
            failed_at = self._failed.get(article_id)
            if failed_at is not None and time.monotonic() - failed_at < self.retry_after_s:
                return None
            future = self._pool.submit(self._fetch_and_store, article_id, url, actor)
            self._inflight[article_id] = future
            return future

    def _fetch_and_store(self, article_id: str, url: str, actor: str) -> bool:
        try:
            page, is_html = fetch_page(url, self.limits, self.transport)
            data = ArticleIn(
                id=article_id,
                url=url,
                html=page if is_html else None,
                text=None if is_html else page,
            )
            with self.db.session() as session:
                upsert_article(session, data, actor, self.max_article_chars)
            self._failed.pop(article_id, None)
            return True
        except (NetiquetteError, httpx.HTTPError) as exc:
            log.warning("article for story %s not fetched from %s: %s", article_id, url, exc)
            self._failed[article_id] = time.monotonic()
            return False
        except Exception:
            log.exception("article for story %s: fetch from %s failed", article_id, url)
            self._failed[article_id] = time.monotonic()
            return False
        finally:
            with self._lock:
                self._inflight.pop(article_id, None)

    def close(self) -> None:
        """Stop taking fetches; running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)


__all__ = [
    "MAX_REDIRECTS",
    "ArticleFetchError",
    "FetchLimits",
    "StoryArticles",
    "fetch_page",
    "is_public",
    "parse_hosts",
]
