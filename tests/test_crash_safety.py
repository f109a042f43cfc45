"""A killed server loses no comment it acknowledged."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_PASSWORD, API_KEY
from tests.servers import free_port, start_server

pytestmark = pytest.mark.slow


def test_sigkill_during_a_burst_loses_no_acknowledged_comment(tmp_path: Path) -> None:
    db, port = tmp_path / "crash.db", free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    server = start_server(str(db), port)
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

    server = start_server(str(db), port)
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
