"""POSTing to an endpoint without becoming a way into the server's own network.

The host is resolved and checked like an article fetch (:class:`FetchLimits`), and the
connection goes to the checked address (URL rewritten to it; ``Host`` and TLS SNI keep the name).
Redirects are not followed: a webhook answered with a redirect was not delivered.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from netiquette.compat.fetch import ArticleFetchError, FetchLimits, IPAddress, _pinned

#: Bytes of the endpoint's answer kept in the delivery log.
ANSWER_SNIPPET = 300


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt gave: delivered (2xx) or not, with the status and an error line."""

    ok: bool
    status: int | None = None
    error: str = ""
    body: bytes = b""


def _addresses(host: str, port: int, limits: FetchLimits, allow_internal: bool) -> list[IPAddress]:
    if not allow_internal:
        return limits.addresses(host, port)
    import ipaddress

    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in infos))


def post_checked(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout_s: float,
    allow_internal: bool = False,
    allowed_hosts: Sequence[str] = (),
    transport: httpx.BaseTransport | None = None,
) -> Outcome:
    """POST ``body`` to ``url`` on a checked address; never raises for network trouble."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    limits = FetchLimits(
        timeout_s=timeout_s, allowed_hosts=tuple(allowed_hosts), setting="webhook_allowed_hosts"
    )
    try:
        if parts.scheme not in ("http", "https") or not host:
            return Outcome(False, error=f"{url!r} is not an http(s) URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = _addresses(host, port, limits, allow_internal)
    except (ArticleFetchError, OSError, UnicodeError, ValueError) as exc:
        return Outcome(False, error=f"refused: {getattr(exc, 'message', exc)}")
    last = ""
    with httpx.Client(timeout=timeout_s, follow_redirects=False, transport=transport) as client:
        for ip in addresses:
            target, host_header = _pinned(url, ip)
            try:
                response = client.post(
                    target,
                    content=body,
                    headers={**headers, "Host": host_header},
                    extensions={"sni_hostname": host},
                )
            except httpx.ConnectError as exc:
                last = f"cannot connect to {ip}: {exc}"
                continue
            except httpx.HTTPError as exc:
                return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500])
            snippet = response.content[:ANSWER_SNIPPET]
            if 200 <= response.status_code < 300:
                return Outcome(True, response.status_code, body=response.content)
            text = snippet.decode("utf-8", errors="replace")
            return Outcome(False, response.status_code, f"HTTP {response.status_code}: {text}")
    return Outcome(False, error=last or f"{host!r} has no address")


__all__ = ["Outcome", "post_checked"]
