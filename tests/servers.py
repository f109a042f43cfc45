"""Real server processes for tests that need them (crash, multi-process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import IO

import httpx

from tests.conftest import ADMIN_PASSWORD, API_KEY


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn_server(
    db: str, port: int, *args: str, stderr: IO[bytes] | None = None, **env: str
) -> subprocess.Popen[bytes]:
    """``netiquette serve`` on ``db`` with the test credentials (and extra CLI ``args``)."""
    environment = {
        **os.environ,
        "NETIQUETTE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "NETIQUETTE_API_KEY": API_KEY,
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "netiquette", "serve", "--db", db, "--port", str(port), *args],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=stderr if stderr is not None else subprocess.DEVNULL,
    )


def wait_ready(proc: subprocess.Popen[bytes], port: int, timeout: float = 120) -> None:
    """Return once ``/readyz`` answers 200; kill the server and fail if it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"server on port {port} was not ready (exit code {proc.poll()})")


def start_server(db: str, port: int, *, wait: bool = True, **env: str) -> subprocess.Popen[bytes]:
    """``netiquette serve`` on ``db`` with the test credentials; returns once /healthz answers
    (or at once with ``wait=False``: then call :func:`wait_healthy`)."""
    proc = spawn_server(db, port, **env)
    if wait:
        wait_healthy(proc, port)
    return proc


def wait_healthy(proc: subprocess.Popen[bytes], port: int, timeout_s: float = 60) -> None:
    """Wait until the server on ``port`` answers /healthz (kills it and fails after the time)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"server did not start within {timeout_s:.0f} s")


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
