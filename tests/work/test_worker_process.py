"""``netiquette worker`` as a process: it screens the queued comments and stops cleanly."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.store.models import Comment
from tests.conftest import CMS, make_context, post_article
from tests.servers import start_worker

pytestmark = pytest.mark.slow


def test_the_worker_screens_queued_comments_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    ctx = make_context(db, screening_queue="workers", delivery_loop=False)
    client = TestClient(create_app(context=ctx))  # no lifespan: no worker thread in here
    post_article(client)
    for i in range(3):
        body = {"id": f"w{i}", "article_id": "a1", "author": {"id": "u", "name": "L"}}
        body["text"] = f"Kommentar {i}: Die Linie 7 kommt spät, aber sie kommt."
        assert client.post("/api/v1/comments", json=body, headers=CMS).json()["status"] == (
            "received"
        )
    log = tmp_path / "worker.log"
    proc = start_worker(db, log=str(log), NETIQUETTE_DELIVERY_LOOP="false")
    try:
        deadline = time.monotonic() + 90
        left = 3
        while left and time.monotonic() < deadline:
            time.sleep(0.5)
            with ctx.db.session() as session:
                left = sum(
                    1
                    for i in range(3)
                    if (c := session.get(Comment, f"w{i}")) is not None and c.state == "received"
                )
        assert left == 0, log.read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "stopped after 3 jobs" in log.read_text()
    ctx.db.dispose()
