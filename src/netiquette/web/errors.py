"""One place that turns any error into a clear JSON answer naming the field at fault."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from netiquette.errors import NetiquetteError, RateLimitError

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
        return 400, {
            "error": {
                "code": "E202",
                "message": f"body is not valid JSON: {detail}",
                "field": "body",
            }
        }
    field = _field_of(tuple(first.get("loc", ())))
    msg = str(first.get("msg", "invalid value"))
    if kind == "missing":
        message = f"{field} is required"
    elif kind == "model_attributes_type" or kind == "dict_type":
        message = f"{field} must be a JSON object"
    else:
        message = f"{field}: {msg}"
    return 422, {
        "error": {
            "code": "E200",
            "message": message,
            "field": field,
            "details": [
                {"field": _field_of(tuple(e.get("loc", ()))), "message": str(e.get("msg"))}
                for e in errors[:20]
            ],
        }
    }


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
            {"error": {"code": f"H{exc.status_code}", "message": str(exc.detail)}},
            status_code=exc.status_code,
        )

    @app.exception_handler(UnicodeDecodeError)
    async def _utf8(_request: Request, exc: UnicodeDecodeError) -> JSONResponse:
        return JSONResponse(
            {"error": {"code": "E203", "message": "body is not valid UTF-8", "field": "body"}},
            status_code=400,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": {"code": "E000", "message": "internal error; it was logged"}},
            status_code=500,
        )
