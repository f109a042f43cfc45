"""How the server process runs uvicorn: which proxies are believed, what the access log keeps,
and how ``serve --workers N`` starts its app processes.

* ``X-Forwarded-For`` decides the client address the rate limits count. uvicorn believes it
  from ``127.0.0.1`` by default, so any local process (or a proxy that passes the header
  through) could give every request another address. Only ``trusted_proxies`` are believed.
* The access log would write every request line, and a commenter's status link carries its
  token in the query (``?token=nqs_…``): the token is replaced by ``***`` before it is logged.
* ``serve --workers N`` runs N app processes on one port (uvicorn's supervisor, which restarts
  one that dies). They are spawned, not forked: each builds its app with
  :func:`netiquette.app.create_worker_app` from settings it reads from the environment, which
  :func:`worker_environment` prepares so that they equal the parent's (config file and
  command-line values included). Their counters add up in ``/metrics`` through a
  ``PROMETHEUS_MULTIPROC_DIR`` shared by the processes (a fresh one unless the operator set it).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from netiquette.settings import SETTINGS, Settings

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


#: Where a setting came from when the parent's command line (or code) set it.
_NOT_IN_ENVIRONMENT = ("the command line", "code")


def _env_text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def worker_environment(settings: Settings, config_file: Path | None) -> dict[str, str]:
    """Variables under which ``load_settings()`` in an app process gives ``settings``.

    The config file is named by ``NETIQUETTE_CONFIG``; values from the command line become
    their ``NETIQUETTE_*`` variables (which the command line would have overridden anyway).
    """
    env: dict[str, str] = {}
    if config_file is not None:
        env["NETIQUETTE_CONFIG"] = str(config_file.resolve())
    for setting in SETTINGS:
        if settings.origin(setting.name) in _NOT_IN_ENVIRONMENT:
            env[setting.env_var] = _env_text(settings.get(setting.name))
    return env


@contextmanager
def metrics_directory() -> Iterator[Path]:
    """A ``PROMETHEUS_MULTIPROC_DIR`` for the app processes: the operator's, emptied of an
    earlier run's files, or a fresh temporary one removed afterwards."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):  # counters of a previous run must not add up again
            stale.unlink()
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="netiquette-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    try:
        yield path
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        shutil.rmtree(path, ignore_errors=True)


def serve_processes(
    settings: Settings, workers: int, config_file: Path | None, **options: Any
) -> None:
    """Run ``workers`` app processes on one port until SIGTERM/SIGINT (then each finishes the
    requests it has in flight, up to ``shutdown_grace_seconds``)."""
    import uvicorn

    os.environ.update(worker_environment(settings, config_file))
    with metrics_directory():
        uvicorn.run("netiquette.app:create_worker_app", factory=True, workers=workers, **options)
