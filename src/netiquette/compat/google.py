"""Google API error bodies and the lenient JSON that Google's front end accepts.

Perspective clients expect errors as ``{"error": {"code", "message", "status"}}`` with a gRPC
status name; :class:`GoogleApiError` carries those three and :func:`error_body` renders them.
Perspective's own curl examples send JavaScript-style objects with bare keys
(``{comment: {text: "…"}}``), which Google accepts, so :func:`loads_lenient` does too.
"""

from __future__ import annotations

import json
import re
from typing import Any

from netiquette.errors import AuthError, ForbiddenError, NetiquetteError

#: HTTP status → gRPC status name, as Google's API front end pairs them.
GRPC_STATUS: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    422: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class GoogleApiError(Exception):
    """An error answered in Google's shape. Validation problems are 400 INVALID_ARGUMENT."""

    def __init__(self, message: str, code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        # Google answers client mistakes with 400 where we would say 413 or 422.
        self.code = 400 if code in (413, 422) else code

    @property
    def status(self) -> str:
        """The gRPC status name for the HTTP code."""
        return GRPC_STATUS.get(self.code, "UNKNOWN")

    @classmethod
    def from_netiquette(cls, exc: NetiquetteError) -> GoogleApiError:
        """The Google-shaped twin of one of our errors (auth errors keep 401/403)."""
        if isinstance(exc, ForbiddenError):
            return cls(exc.message, 403)
        if isinstance(exc, AuthError):
            return cls(exc.message, 401)
        return cls(exc.message, exc.status)


def error_body(exc: GoogleApiError) -> dict[str, Any]:
    """``{"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}``."""
    return {"error": {"code": exc.code, "message": exc.message, "status": exc.status}}


# A bare object key: an identifier right after "{" or "," (whitespace allowed), before ":".
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*:)")


def _quote_bare_keys(raw: str) -> str:
    """Quote bare keys outside string literals; string contents stay untouched."""
    out: list[str] = []
    chunk_start = 0
    i = 0
    while i < len(raw):
        if raw[i] == '"':
            out.append(_BARE_KEY.sub(r'\1"\2"\3', raw[chunk_start:i]))
            j = i + 1
            while j < len(raw) and raw[j] != '"':
                j += 2 if raw[j] == "\\" else 1
            out.append(raw[i : j + 1])
            i = chunk_start = j + 1
            continue
        i += 1
    out.append(_BARE_KEY.sub(r'\1"\2"\3', raw[chunk_start:]))
    return "".join(out)


def loads_lenient(raw: bytes) -> Any:
    """Parse strict JSON, or JSON with bare object keys; GoogleApiError (400) otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise GoogleApiError("Invalid JSON payload received: body is not UTF-8.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        first_error = exc
    try:
        return json.loads(_quote_bare_keys(text))
    except json.JSONDecodeError:
        raise GoogleApiError(
            f"Invalid JSON payload received. {first_error.msg} at line {first_error.lineno} "
            f"column {first_error.colno}."
        ) from None


__all__ = ["GRPC_STATUS", "GoogleApiError", "error_body", "loads_lenient"]
