"""Browser sessions of the workspace: an opaque random cookie, stored only as its sha256.

Each session has its own CSRF token, which every form and htmx request must echo. Logging out
deletes the row, so a stolen cookie dies with the logout.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from netiquette.accounts import Principal
from netiquette.store.models import User, WebSession, utcnow

COOKIE = "nq_session"


@dataclass(frozen=True, slots=True)
class WebUser:
    """The logged-in moderator of a browser session."""

    principal: Principal
    csrf_token: str
    session_digest: str

    @property
    def name(self) -> str:
        """The username."""
        return self.principal.name

    @property
    def is_admin(self) -> bool:
        """Admins also manage users and house-rule settings."""
        return self.principal.kind == "admin"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, ttl_seconds: int) -> str:
    """Open a browser session for ``user``; returns the cookie value (shown nowhere else)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            token_sha256=_digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    )
    return token


def resolve_session(session: Session, token: str) -> WebUser | None:
    """The user behind a session cookie, or None when unknown, expired or deactivated."""
    if not token or len(token) > 200:
        return None
    row = session.get(WebSession, _digest(token))
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    user = row.user
    return WebUser(
        Principal(kind=user.role, name=user.username, user_id=user.id),
        row.csrf_token,
        row.token_sha256,
    )


def end_session(session: Session, token: str) -> None:
    """Log a browser session out."""
    session.execute(delete(WebSession).where(WebSession.token_sha256 == _digest(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    """Constant-time comparison of the session's CSRF token with the one sent."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
