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


def start_server(db: str, port: int, **env: str) -> subprocess.Popen[bytes]:
    """``netiquette serve`` on ``db`` with the test credentials; returns once /healthz answers."""
    proc = spawn_server(db, port, **env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start within 60 s")
