"""Moderators, admins and CMS keys: creating them and checking credentials.

Passwords and the secret part of API keys are stored as argon2 hashes. An API key has the form
``nq_<key id>_<secret>``: the id finds the row, argon2 checks the secret. Verified keys are
remembered in memory (by sha256) so a busy CMS does not pay argon2 on every request, and the
principal of a verified key is reused for :data:`API_KEY_RECHECK_SECONDS` without reading its
row: a key revoked in the database stops working within that time in every process.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from netiquette.errors import AuthError, InputError
from netiquette.store.models import ApiKey, AuthToken, User, WebSession, utcnow

ROLES = ("moderator", "admin")
_hasher = PasswordHasher()
_verified_keys: dict[str, str] = {}  # sha256(full key) -> key id
#: How long a verified API key's principal is used without reading its row again. Reading it
#: per request (a pooled connection, a query, a rollback) was 8.6 % of an app process's time
#: under load (benchmarks/load.py); a revocation takes effect within this many seconds.
API_KEY_RECHECK_SECONDS = 2.0
#: (database engine's id, sha256 of the full key) -> (read at, who): one entry per key in use.
_key_principals: dict[tuple[int, str], tuple[float, Principal]] = {}
#: One key's first requests after a start wait for one argon2 check (about 0.4 s of a core)
#: instead of each running its own: 32 at once had stalled a process for 3.7 s.
_verifying = [threading.Lock() for _ in range(64)]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a CMS (by key id) or a moderator/admin (by username)."""

    kind: str  # "cms" | "moderator" | "admin"
    name: str
    user_id: int | None = None
    key_id: str | None = None  # the API key's id, for a CMS

    @property
    def actor(self) -> str:
        """How this principal is named in decisions and the audit log."""
        return f"cms:{self.name}" if self.kind == "cms" else f"moderator:{self.name}"

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins may decide comments."""
        return self.kind in ("moderator", "admin")


def hash_secret(secret: str) -> str:
    """argon2 hash of a password or key secret."""
    return _hasher.hash(secret)


def verify_secret(stored_hash: str, secret: str) -> bool:
    """True if ``secret`` matches the argon2 ``stored_hash``."""
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH = _hasher.hash("an unknown user's password is checked against this")


def check_password(user: User | None, password: str) -> bool:
    """argon2 check; an unknown user costs the same time, so timing reveals no usernames."""
    if user is None:
        verify_secret(_DUMMY_HASH, password)
        return False
    return verify_secret(user.password_hash, password)


def upsert_user(session: Session, username: str, password: str, role: str = "moderator") -> User:
    """Create a user or reset an existing user's password and role."""
    if (
        not username
        or len(username) > 100
        or not username.replace("-", "").replace("_", "").replace(".", "").isalnum()
    ):
        raise InputError(
            "username must be 1-100 letters, digits, '-', '_' or '.'", field="username"
        )
    if len(password) < 8:
        raise InputError("password must have at least 8 characters", field="password")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}", field="role")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, password_hash=hash_secret(password), role=role)
        session.add(user)
    else:
        user.password_hash = hash_secret(password)
        user.role = role
        user.active = True
        # A new password or role ends every login made with the old one.
        end_logins(session, user.id)
    session.flush()
    return user


def end_logins(session: Session, user_id: int) -> None:
    """End every API token and browser session of a user (deactivation, new password).

    Deactivation must end them, not just hide them: otherwise reactivating the account would
    revive logins made before it was deactivated (issue 11).
    """
    session.execute(delete(AuthToken).where(AuthToken.user_id == user_id))
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def login(session: Session, username: str, password: str, ttl_seconds: int) -> tuple[str, User]:
    """Check a moderator's password and issue a bearer token."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if not check_password(user, password):
        raise AuthError("unknown username or wrong password", field="password")
    assert user is not None
    token = "nqt_" + secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            token_sha256=hashlib.sha256(token.encode()).hexdigest(),
            user_id=user.id,
            expires_at=utcnow() + timedelta(seconds=ttl_seconds),
        )
    )
    return token, user


def logout(session: Session, token: str) -> None:
    """Invalidate a login token."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    session.execute(delete(AuthToken).where(AuthToken.token_sha256 == digest))


def create_api_key(session: Session, name: str, key: str | None = None) -> str:
    """Store a CMS key (a given one or a new random one) and return it in full, once."""
    if key is None:
        key = f"nq_{secrets.token_hex(6)}_{secrets.token_urlsafe(24)}"
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "nq" or not parts[1] or len(parts[2]) < 16:
        # A key chosen by the operator: give it a stable id derived from it.
        key_id, secret = hashlib.sha256(key.encode()).hexdigest()[:12], key
    else:
        key_id, secret = parts[1], parts[2]
    row = session.get(ApiKey, key_id)
    if row is None:
        session.add(ApiKey(id=key_id, name=name, secret_hash=hash_secret(secret)))
    else:
        row.secret_hash, row.name, row.active = hash_secret(secret), name, True
    session.flush()
    return key


def remembered_key(credential: str, scope: int, digest: str | None = None) -> Principal | None:
    """The principal of an API key verified less than :data:`API_KEY_RECHECK_SECONDS` ago in
    this process against the database ``scope`` (the id of its engine), or ``None`` (then
    :func:`authenticate` reads its row). No database."""
    if credential.startswith("nqt_"):
        return None
    if digest is None:
        digest = hashlib.sha256(credential.encode()).hexdigest()
    remembered = _key_principals.get((scope, digest))
    if remembered is not None and time.monotonic() - remembered[0] < API_KEY_RECHECK_SECONDS:
        return remembered[1]
    return None


def authenticate(session: Session, credential: str) -> Principal:
    """Resolve a bearer credential (login token or API key) to a principal."""
    if not credential.isprintable() or len(credential) > 1000:  # NUL etc. never reach the DB
        raise AuthError("credential is malformed", field="Authorization")
    if credential.startswith("nqt_"):
        digest = hashlib.sha256(credential.encode()).hexdigest()
        token = session.get(AuthToken, digest)
        if token is None or token.expires_at < utcnow() or not token.user.active:
            raise AuthError(
                "login token is unknown or expired; log in again", field="Authorization"
            )
        return Principal(kind=token.user.role, name=token.user.username, user_id=token.user.id)
    digest = hashlib.sha256(credential.encode()).hexdigest()
    scope = id(session.get_bind())
    remembered = remembered_key(credential, scope, digest)
    if remembered is not None:
        return remembered
    parts = credential.split("_", 2)
    if len(parts) == 3 and parts[0] == "nq" and len(parts[2]) >= 16:
        key_id, secret = parts[1], parts[2]
    else:
        key_id, secret = digest[:12], credential
    row = session.get(ApiKey, key_id)
    if row is None or not row.active:
        raise AuthError("API key is unknown or revoked", field="Authorization")
    if _verified_keys.get(digest) != key_id + row.secret_hash:
        with _verifying[int(digest[:8], 16) % len(_verifying)]:
            if _verified_keys.get(digest) != key_id + row.secret_hash:
                if not verify_secret(row.secret_hash, secret):
                    raise AuthError("API key is unknown or revoked", field="Authorization")
                _verified_keys[digest] = key_id + row.secret_hash
    caller = Principal(kind="cms", name=row.name, key_id=key_id)
    # Only verified keys are remembered: one entry per key in use, never per guess.
    _key_principals[(scope, digest)] = (time.monotonic(), caller)
    return caller


def forget_api_keys() -> None:
    """Read every API key's row again at its next use (after a change in this process)."""
    _key_principals.clear()
