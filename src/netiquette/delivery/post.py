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
#: Longest answer read (a Coral GraphQL answer is a few hundred bytes).
MAX_ANSWER_BYTES = 1_000_000


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
    client: httpx.Client | None = None,
) -> Outcome:
    """POST ``body`` to ``url`` on a checked address; never raises for network trouble.

    Pass a long-lived ``client`` to reuse connections and its TLS set-up (building one costs
    tens of milliseconds, more than a delivery on a local network).
    """
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
    if client is None:
        with httpx.Client(timeout=timeout_s, follow_redirects=False, transport=transport) as own:
            return _post(own, url, host, addresses, body, headers)
    return _post(client, url, host, addresses, body, headers)


def _read(response: httpx.Response) -> bytes | None:
    """The answer's body up to :data:`MAX_ANSWER_BYTES`; None when it is longer."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _post(
    client: httpx.Client,
    url: str,
    host: str,
    addresses: Sequence[IPAddress],
    body: bytes,
    headers: Mapping[str, str],
) -> Outcome:
    last = ""
    for ip in addresses:
        target, host_header = _pinned(url, ip)
        request = client.build_request(
            "POST",
            target,
            content=body,
            headers={**headers, "Host": host_header},
            extensions={"sni_hostname": host},
        )
        try:
            response = client.send(request, stream=True)
        except httpx.ConnectError as exc:
            last = f"cannot connect to {ip}: {exc}"
            continue  # the host's next address
        except httpx.HTTPError as exc:
            return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500])
        try:
            answer = _read(response)
        except httpx.HTTPError as exc:
            return Outcome(False, response.status_code, f"{type(exc).__name__}: {exc}"[:500])
        finally:
            response.close()
        status = response.status_code
        if answer is None:
            return Outcome(False, status, f"HTTP {status}: answer over {MAX_ANSWER_BYTES} bytes")
        if 200 <= status < 300:
            return Outcome(True, status, body=answer)
        text = answer[:ANSWER_SNIPPET].decode("utf-8", errors="replace")
        return Outcome(False, status, f"HTTP {status}: {text}")
    return Outcome(False, error=last or f"{host!r} has no address")


__all__ = ["Outcome", "post_checked"]
