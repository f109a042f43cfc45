"""How the server process runs uvicorn: which proxies are believed, what the access log keeps.

* ``X-Forwarded-For`` decides the client address the rate limits count. uvicorn believes it
  from ``127.0.0.1`` by default, so any local process (or a proxy that passes the header
  through) could give every request another address. Only ``trusted_proxies`` are believed.
* The access log would write every request line, and a commenter's status link carries its
  token in the query (``?token=nqs_…``): the token is replaced by ``***`` before it is logged.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from netiquette.settings import Settings

_SECRET_QUERY = re.compile(r"((?:^|[?&])(?:token|key)=)[^&\s]*")


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn options: forwarded headers only from the configured proxies."""
    trusted = ",".join(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())
    if not trusted:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


def redact(target: str) -> str:
    """A request target with its ``token=`` and ``key=`` query values replaced by ``***``."""
    return _SECRET_QUERY.sub(r"\1***", target)


class RedactSecrets(logging.Filter):
    """Drops status tokens and API keys from uvicorn's access log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the request target argument (uvicorn logs it as ``%s``)."""
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_access_log_redaction() -> None:
    """Attach :class:`RedactSecrets` to uvicorn's access logger (once)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
