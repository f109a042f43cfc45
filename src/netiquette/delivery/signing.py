"""Webhook signatures: HMAC-SHA256 over ``<timestamp>.<raw body>``, one per active secret.

Every request carries::

    Netiquette-Webhook-Id: <idempotency id, the same on every retry and replay>
    Netiquette-Webhook-Timestamp: <unix seconds when this attempt was signed>
    Netiquette-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]

There is one ``v1`` element per secret in force, so a receiver keeps verifying while a secret
is rotated: add the new secret to netiquette, switch the receiver, retire the old one. The
timestamp is signed too, so a captured request cannot be replayed later than the receiver's
tolerance (:data:`TOLERANCE_S` in :func:`verify`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

ID_HEADER = "Netiquette-Webhook-Id"
TIMESTAMP_HEADER = "Netiquette-Webhook-Timestamp"
SIGNATURE_HEADER = "Netiquette-Signature"
#: How far a receiver should accept a timestamp from its own clock.
TOLERANCE_S = 300
#: More elements than any rotation needs are ignored by :func:`verify`.
MAX_ELEMENTS = 8


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(body: bytes, secrets: Sequence[str], timestamp: int) -> str:
    """``t=<timestamp>,v1=<hex>,…``: one ``v1`` per secret, in the order given."""
    elements = [f"t={timestamp}"] + [f"v1={_digest(s, timestamp, body)}" for s in secrets if s]
    return ",".join(elements)


def verify(
    body: bytes, header: str | None, secret: str, now: float, tolerance_s: int = TOLERANCE_S
) -> bool:
    """True if ``header`` carries a fresh timestamp and a ``v1`` matching ``secret``.

    What a receiver does (docs/any-cms.md has the same in a dozen lines): parse ``t`` and the
    ``v1`` elements, refuse a timestamp further than ``tolerance_s`` from ``now``, and compare
    each ``v1`` in constant time with the HMAC of ``<t>.<raw body>``.
    """
    if not header or not secret:
        return False
    parts = [p.strip().partition("=") for p in header.split(",")][: MAX_ELEMENTS + 1]
    stamps = [v for k, _, v in parts if k == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = _digest(secret, timestamp, body).encode("ascii")
    matched = False
    for key, _, value in parts:
        if key == "v1":
            matched |= hmac.compare_digest(value.encode("ascii", errors="replace"), expected)
    return matched


__all__ = [
    "ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TOLERANCE_S",
    "signature_header",
    "verify",
]
