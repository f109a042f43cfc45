"""A killed server loses no comment it acknowledged."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_PASSWORD, API_KEY

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NETIQUETTE_ADMIN_PASSWORD": ADMIN_PASSWORD, "NETIQUETTE_API_KEY": API_KEY}
    proc = subprocess.Popen(
        [sys.executable, "-m", "netiquette", "serve", "--db", str(db), "--port", str(port)],
        env=env,
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


def test_sigkill_during_a_burst_loses_no_acknowledged_comment(tmp_path: Path) -> None:
    db, port = tmp_path / "crash.db", _free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    server = _start(db, port)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        httpx.post(
            f"{base}/api/v1/articles",
            json={"id": "a1", "text": "Die Stadtbahn kommt."},
            headers=headers,
        ).raise_for_status()

        def burst(worker: int) -> None:
            with httpx.Client(timeout=5) as http:
                for n in range(10_000):
                    if stop.is_set():
                        return
                    body = {
                        "id": f"w{worker}-{n}",
                        "article_id": "a1",
                        "author": {"id": f"u{worker}", "name": "Leser"},
                        "text": f"Kommentar {n} von Schreiber {worker} zur Stadtbahn.",
                    }
                    try:
                        r = http.post(f"{base}/api/v1/comments", json=body, headers=headers)
                    except httpx.HTTPError:
                        return
                    if r.status_code == 202:
                        with lock:
                            acknowledged.append(body["id"])

        threads = [threading.Thread(target=burst, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        while len(acknowledged) < 40 and all(t.is_alive() for t in threads):
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        stop.set()
        for t in threads:
            t.join(10)
    finally:
        if server.poll() is None:
            server.kill()
    assert len(acknowledged) >= 40

    server = _start(db, port)
    try:
        login = httpx.post(
            f"{base}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()
        mod = {"Authorization": f"Bearer {login['token']}"}
        with httpx.Client(timeout=10) as http:
            missing = [
                cid
                for cid in acknowledged
                if http.get(f"{base}/api/v1/comments/{cid}", headers=mod).status_code != 200
            ]
            states = {
                http.get(f"{base}/api/v1/comments/{cid}", headers=mod).json()["status"]
                for cid in acknowledged
            }
    finally:
        server.kill()
        server.wait(10)
    assert missing == []
    # Anything the crash left unscreened was screened at restart.
    assert "received" not in states
