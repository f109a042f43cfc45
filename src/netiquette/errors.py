"""One exception tree for netiquette.

    NetiquetteError                 root; never escapes as a traceback
    ├── ConfigError                 bad settings or config file        (CLI exit 2)
    ├── InputError                  a field or value is wrong          HTTP 400/422
    │   └── TooLongError            text over the configured limit     HTTP 413
    ├── AuthError                   missing or wrong credentials       HTTP 401
    │   └── ForbiddenError          authenticated, but not allowed     HTTP 403
    ├── NotFoundError               unknown article, comment, parent   HTTP 404
    ├── ConflictError               same id other content; stale version; taken lease  HTTP 409
    ├── RateLimitError              too many logins or posts from one address          HTTP 429
    └── ModelError                  a screening model is missing or broken (CLI exit 3)

Every error carries an HTTP ``status``, a searchable ``code`` (``E###``) and, where it is about a
request field, the ``field`` at fault. One handler in :mod:`netiquette.app` renders them as JSON.
"""

from __future__ import annotations

from typing import Any


class NetiquetteError(Exception):
    """Root of every error netiquette raises on purpose."""

    status: int = 500
    code: str = "E000"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, Any]:
        """The JSON error body: ``{"error": {"code", "message", "field"}}``."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return {"error": body}


class ConfigError(NetiquetteError):
    """A setting or configuration file is invalid."""

    status = 500
    code = "E100"


class InputError(NetiquetteError):
    """A request field or value is invalid."""

    status = 422
    code = "E200"


class TooLongError(InputError):
    """A text is longer than the configured limit."""

    status = 413
    code = "E201"


class AuthError(NetiquetteError):
    """Credentials are missing or wrong."""

    status = 401
    code = "E300"


class ForbiddenError(AuthError):
    """The caller is known but may not do this."""

    status = 403
    code = "E301"


class NotFoundError(NetiquetteError):
    """A referenced object does not exist."""

    status = 404
    code = "E400"


class ConflictError(NetiquetteError):
    """The request contradicts stored state (idempotency clash, stale version, taken lease)."""

    status = 409
    code = "E500"


class RateLimitError(NetiquetteError):
    """Too many requests from one client address; ``retry_after`` seconds until the next."""

    status = 429
    code = "E700"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, field="client")
        self.retry_after = retry_after


class ModelError(NetiquetteError):
    """A screening model is missing, broken or incompatible."""

    status = 503
    code = "E600"


__all__ = [
    "AuthError",
    "ConfigError",
    "ConflictError",
    "ForbiddenError",
    "InputError",
    "ModelError",
    "NetiquetteError",
    "NotFoundError",
    "RateLimitError",
    "TooLongError",
]
