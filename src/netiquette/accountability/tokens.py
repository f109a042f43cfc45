"""The commenter's status token: shown once, stored only as its sha256.

256 random bits need no salt or slow hash: guessing is hopeless, and a leaked database gives
no usable links.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_status_token() -> tuple[str, str]:
    """A fresh token and the sha256 to store in its place."""
    token = "nqs_" + secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """sha256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(stored: str | None, given: str | None) -> bool:
    """True when ``given`` is the token whose digest is ``stored`` (constant time)."""
    if not stored or not given:
        return False
    return hmac.compare_digest(stored, token_digest(given))
