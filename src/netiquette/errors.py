"""One exception tree for netiquette, and the one catalogue of error codes.

    NetiquetteError                 root; never escapes as a traceback       internal
    ├── ConfigError                 bad settings or config file (CLI exit 3) invalid_config
    ├── InputError                  a field or value is wrong     HTTP 422   invalid_input
    │   └── TooLongError            text over the configured limit HTTP 413  too_long
    ├── AuthError                   missing or wrong credentials  HTTP 401   unauthorized
    │   └── ForbiddenError          authenticated, but not allowed HTTP 403  forbidden
    ├── NotFoundError               unknown article, comment, parent HTTP 404 not_found
    ├── ConflictError               same id other content; stale version; taken lease
    │                                                             HTTP 409   conflict
    ├── RateLimitError              over a key, author or address limit HTTP 429 rate_limited
    └── ModelError                  a screening model is missing or broken HTTP 503
                                                                             model_unavailable

Every error carries an HTTP ``status``, a ``code`` — a stable name from :data:`ERROR_CODES`, which
``docs/errors.md`` lists (a test keeps both in step; mypy refuses a code that is not in
:data:`ErrorCode`) — and, where it is about a request field, the ``field`` at fault. One handler
in :mod:`netiquette.web.errors` renders them as ``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations

from typing import Any, Literal

#: Every code an error can carry. Clients match on these names; never rename one.
ErrorCode = Literal[
    "internal",
    "invalid_config",
    "unknown_component",
    "unknown_config_key",
    "wrong_config_type",
    "duplicate_component",
    "invalid_lexicon",
    "lexicon_not_found",
    "unknown_rule",
    "invalid_rule",
    "invalid_pattern",
    "component_entry_point",
    "config_not_found",
    "invalid_toml",
    "corpus_not_found",
    "unknown_corpus",
    "missing_dependency",
    "invalid_input",
    "too_long",
    "invalid_json",
    "invalid_encoding",
    "invalid_url",
    "too_large",
    "unauthorized",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "http_error",
    "conflict",
    "rate_limited",
    "model_unavailable",
    "model_file_missing",
    "model_not_trained",
    "model_format",
    "model_broken",
    "model_incomplete",
    "fetch_failed",
    "coral_disabled",
]

#: What each code means and the HTTP status it comes with (``None``: only the CLI meets it).
ERROR_CODES: dict[ErrorCode, tuple[int | None, str]] = {
    "internal": (500, "An unexpected error; it was logged. Please report it."),
    "invalid_config": (None, "A setting or configuration file is invalid."),
    "unknown_component": (None, "The screening config names a component nobody registered."),
    "unknown_config_key": (None, "The screening config has a key or section nobody reads."),
    "wrong_config_type": (None, "A screening config value has the wrong type."),
    "duplicate_component": (None, "Two components were registered under one name."),
    "invalid_lexicon": (None, "A line of the insult lexicon cannot be read."),
    "lexicon_not_found": (None, "The insult lexicon file does not exist."),
    "unknown_rule": (None, "The screening config names a house rule that does not exist."),
    "invalid_rule": (
        None,
        "A house rule's specification (label, description, DSA category, ...) is missing or "
        "invalid; the message names the rule and the key.",
    ),
    "invalid_pattern": (None, "A pattern rule's regular expression is invalid or unsafe."),
    "component_entry_point": (None, "A component package's entry point failed to load."),
    "config_not_found": (None, "The screening config file does not exist."),
    "invalid_toml": (None, "The screening config file is not valid TOML."),
    "corpus_not_found": (None, "A training corpus file does not exist."),
    "unknown_corpus": (None, "A training corpus name is unknown."),
    "missing_dependency": (None, "An optional package this command needs is not installed."),
    "invalid_input": (422, "A request field or value is invalid; `field` names it."),
    "too_long": (413, "A text is longer than the configured limit; `field` names it."),
    "invalid_json": (400, "The request body is not valid JSON (or not a JSON object)."),
    "invalid_encoding": (400, "The request body is not valid UTF-8."),
    "invalid_url": (400, "The URL contains a control character."),
    "too_large": (413, "The request body is larger than `max_request_bytes`."),
    "unauthorized": (401, "Credentials are missing or wrong."),
    "forbidden": (403, "The caller is known but may not do this."),
    "not_found": (404, "The path, or an object the request refers to, does not exist."),
    "method_not_allowed": (405, "The path exists but not with this HTTP method."),
    "http_error": (400, "Any other HTTP-level refusal; the status says which."),
    "conflict": (
        409,
        "The request contradicts stored state: same id with other content, a "
        "stale `version`, a comment claimed by another moderator.",
    ),
    "rate_limited": (
        429,
        "Too many requests for one API key, author or client address; the message names the "
        "limit's setting; see `Retry-After`.",
    ),
    "model_unavailable": (503, "A screening model is missing, broken or incompatible."),
    "model_file_missing": (503, "A file of the trained model is missing."),
    "model_not_trained": (503, "There is no trained model (run `netiquette train`)."),
    "model_format": (503, "The trained model has another format version than this code."),
    "model_broken": (503, "The trained model's files cannot be read."),
    "model_incomplete": (503, "The trained model lacks a head or thresholds for a rule."),
    "fetch_failed": (502, "An article page could not be fetched from `story.url`."),
    "coral_disabled": (503, "The Coral endpoint is off (no `coral_signing_secret`)."),
}

#: HTTP statuses raised by the framework (unknown route, wrong method, ...) and their code.
HTTP_STATUS_CODES: dict[int, ErrorCode] = {
    400: "invalid_input",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
}


def error_body(code: ErrorCode, message: str, field: str | None = None) -> dict[str, Any]:
    """The JSON error body: ``{"error": {"code", "message", "field"?}}``."""
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    return {"error": body}


class NetiquetteError(Exception):
    """Root of every error netiquette raises on purpose."""

    status: int = 500
    code: ErrorCode = "internal"

    def __init__(
        self, message: str, *, field: str | None = None, code: ErrorCode | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, Any]:
        """The JSON error body: ``{"error": {"code", "message", "field"}}``."""
        return error_body(self.code, self.message, self.field)


class ConfigError(NetiquetteError):
    """A setting or configuration file is invalid."""

    status = 500
    code: ErrorCode = "invalid_config"


class InputError(NetiquetteError):
    """A request field or value is invalid."""

    status = 422
    code: ErrorCode = "invalid_input"


class TooLongError(InputError):
    """A text is longer than the configured limit."""

    status = 413
    code: ErrorCode = "too_long"


class AuthError(NetiquetteError):
    """Credentials are missing or wrong."""

    status = 401
    code: ErrorCode = "unauthorized"


class ForbiddenError(AuthError):
    """The caller is known but may not do this."""

    status = 403
    code: ErrorCode = "forbidden"


class NotFoundError(NetiquetteError):
    """A referenced object does not exist."""

    status = 404
    code: ErrorCode = "not_found"


class ConflictError(NetiquetteError):
    """The request contradicts stored state (idempotency clash, stale version, taken lease)."""

    status = 409
    code: ErrorCode = "conflict"


class RateLimitError(NetiquetteError):
    """Too many requests for one API key, author or client address; ``retry_after`` seconds
    until the next would be taken."""

    status = 429
    code: ErrorCode = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str = "client") -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class ModelError(NetiquetteError):
    """A screening model is missing, broken or incompatible."""

    status = 503
    code: ErrorCode = "model_unavailable"


__all__ = [
    "ERROR_CODES",
    "HTTP_STATUS_CODES",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "ErrorCode",
    "ForbiddenError",
    "InputError",
    "ModelError",
    "NetiquetteError",
    "NotFoundError",
    "RateLimitError",
    "TooLongError",
    "error_body",
]
