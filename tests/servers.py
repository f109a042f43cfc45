"""Real server processes for tests that need them (crash, multi-process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from tests.conftest import ADMIN_PASSWORD, API_KEY


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int, **env: str) -> subprocess.Popen[bytes]:
    """``netiquette serve`` on ``db`` with the test credentials; returns once /healthz answers."""
    environment = {
        **os.environ,
        "NETIQUETTE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "NETIQUETTE_API_KEY": API_KEY,
        **env,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "netiquette", "serve", "--db", db, "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start within 60 s")


def start_worker(db: str, *, log: str | None = None, **env: str) -> subprocess.Popen[bytes]:
    """``netiquette worker`` on ``db`` (screening queue: workers); stderr to ``log`` if given.

    Returns at once: the worker loads its models and then takes jobs.
    """
    environment = {**os.environ, "NETIQUETTE_SCREENING_QUEUE": "workers", **env}
    sink = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
    return subprocess.Popen(
        [sys.executable, "-m", "netiquette", "worker", "--db", db, "--concurrency", "2"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=sink,
    )
