"""Log set-up: readable lines by default, one JSON object per line with ``log_format = json``.

JSON lines carry ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, the request id of
the request being answered (``request_id``, also sent back as ``X-Request-Id``) and, for
uvicorn's access log, ``client``, ``method``, ``path`` and ``status``. Comment texts are never
logged (the code logs ids only), so the lines can go to any log store.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: The id of the request this thread or task is answering ("" outside requests).
REQUEST_ID: ContextVar[str] = ContextVar("netiquette_request_id", default="")
FORMATS = ("text", "json")


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        if (
            record.name == "uvicorn.access"
            and isinstance(record.args, tuple)
            and len(record.args) == 5
        ):
            client, method, path, _version, status = record.args
            entry.update(client=client, method=method, path=path, status=status)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Send every logger (uvicorn's too) through one handler on stderr in ``log_format``."""
    if log_format not in FORMATS:
        from netiquette.errors import ConfigError

        raise ConfigError(
            f"log_format must be one of {', '.join(FORMATS)}, got {log_format!r}",
            field="log_format",
        )
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # Each migration step at every start is noise on the console (`make run` prints the login).
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))


__all__ = ["FORMATS", "REQUEST_ID", "JsonFormatter", "configure_logging"]
