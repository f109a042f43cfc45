"""Coral Talk request signatures: ``X-Coral-Signature: sha256=<hex>[,sha256=<hex>…]``.

Each element is the hex HMAC-SHA256 of the raw request body under a signing secret; Coral sends
several while a rotated secret is still valid, and a request is genuine when any one matches.
Every element is compared in constant time, and all of them are checked even after a match, so
the answer's timing says nothing about which element (or how much of it) was right.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Coral-Signature"
_PREFIX = "sha256="
#: More elements than any rotation needs would only cost CPU.
MAX_ELEMENTS = 8


def sign(body: bytes, secret: str) -> str:
    """The header value Coral sends for ``body`` under ``secret`` (one element)."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return _PREFIX + digest


def verify(body: bytes, header: str | None, secret: str) -> bool:
    """True if any ``sha256=<hex>`` element of ``header`` is the HMAC of ``body`` under ``secret``.

    An empty secret verifies nothing: an unconfigured endpoint must not accept unsigned requests.
    """
    if not secret or not header:
        return False
    expected = sign(body, secret).encode("ascii")
    elements = [e.strip() for e in header.split(",")][:MAX_ELEMENTS]
    matched = False
    for element in elements:
        candidate = element.lower().encode("ascii", errors="replace")
        matched |= hmac.compare_digest(candidate, expected)
    return matched


__all__ = ["HEADER", "MAX_ELEMENTS", "sign", "verify"]
