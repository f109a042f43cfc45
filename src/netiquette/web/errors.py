"""One place that turns any error into a clear JSON answer naming the field at fault."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from netiquette.errors import HTTP_STATUS_CODES, NetiquetteError, RateLimitError, error_body

log = logging.getLogger(__name__)


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _validation_body(exc: RequestValidationError) -> tuple[int, dict[str, Any]]:
    errors: list[dict[str, Any]] = [dict(e) for e in exc.errors()]
    first: dict[str, Any] = (
        errors[0] if errors else {"loc": ("body",), "msg": "invalid request", "type": ""}
    )
    kind = str(first.get("type", ""))
    if kind == "json_invalid":
        ctx: dict[str, Any] = first.get("ctx") or {}
        detail = ctx.get("error", "malformed JSON")
        return 400, error_body("invalid_json", f"body is not valid JSON: {detail}", "body")
    field = _field_of(tuple(first.get("loc", ())))
    msg = str(first.get("msg", "invalid value"))
    if kind == "missing":
        message = f"{field} is required"
    elif kind == "model_attributes_type" or kind == "dict_type":
        message = f"{field} must be a JSON object"
    else:
        message = f"{field}: {msg}"
    body = error_body("invalid_input", message, field)
    body["error"]["details"] = [
        {"field": _field_of(tuple(e.get("loc", ()))), "message": str(e.get("msg"))}
        for e in errors[:20]
    ]
    return 422, body


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers: our errors, validation errors, HTTP errors and anything unexpected."""

    @app.exception_handler(NetiquetteError)
    async def _ours(_request: Request, exc: NetiquetteError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, RateLimitError):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        status, body = _validation_body(exc)
        return JSONResponse(body, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(HTTP_STATUS_CODES.get(exc.status_code, "http_error"), str(exc.detail)),
            status_code=exc.status_code,
        )

    @app.exception_handler(UnicodeDecodeError)
    async def _utf8(_request: Request, exc: UnicodeDecodeError) -> JSONResponse:
        return JSONResponse(
            error_body("invalid_encoding", "body is not valid UTF-8", "body"),
            status_code=400,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            error_body("internal", "internal error; it was logged"),
            status_code=500,
        )
