"""Several app processes on one database: ``serve --workers N``, servers started at once on a
fresh database, and rate limits that hold across processes (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import signal
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from netiquette.review.audit import verify_chain
from netiquette.store.db import Database
from netiquette.store.models import ApiKey, Comment, User
from tests.conftest import ADMIN_PASSWORD, API_KEY
from tests.servers import free_port, spawn_server, wait_ready

pytestmark = pytest.mark.slow
CMS = {"Authorization": f"Bearer {API_KEY}"}
ARTICLE = {"id": "a1", "title": "Stadtbahn", "text": "Der Stadtrat hat die Linie 7 beschlossen."}


def comment(n: int, author: str | None = None) -> dict[str, object]:
    return {
        "id": f"c{n}",
        "article_id": "a1",
        "author": {"id": author or f"u{n}", "name": "L"},
        "text": f"Kommentar Nummer {n} zur Stadtbahn.",
    }


def test_servers_started_at_once_on_a_fresh_database_share_it_and_its_limits(
    database_url: str,
) -> None:
    """Migrations and the bootstrap of admin and key run in every server at the same moment
    without a failure or a duplicate; limits count once for all of them, per forwarded address
    and per author."""
    ports = [free_port(), free_port()]
    limits = {
        "NETIQUETTE_TRUSTED_PROXIES": "127.0.0.1",  # the test client plays the proxy
        "NETIQUETTE_LOGIN_ATTEMPTS_PER_MINUTE": "4",
        "NETIQUETTE_AUTHOR_COMMENTS_PER_MINUTE": "3",
    }
    servers = [spawn_server(database_url, port, **limits) for port in ports]
    try:
        for proc, port in zip(servers, ports, strict=True):
            wait_ready(proc, port)
        bases = [f"http://127.0.0.1:{p}" for p in ports]

        def login(n: int, address: str) -> int:
            body = {"username": "admin", "password": "wrong"}
            headers = {"X-Forwarded-For": address}
            url = f"{bases[n % 2]}/api/v1/auth/login"
            return httpx.post(url, json=body, headers=headers, timeout=30).status_code

        guesses = [login(n, "203.0.113.5") for n in range(6)]
        assert guesses == [401] * 4 + [429] * 2
        assert login(0, "203.0.113.6") == 401  # another reader behind the same proxy
        right = httpx.post(
            f"{bases[1]}/api/v1/auth/login",
            json={"username": "admin", "password": ADMIN_PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.1"},
        )
        assert right.status_code == 200  # the one admin, with the password both were given

        assert httpx.post(f"{bases[0]}/api/v1/articles", json=ARTICLE, headers=CMS).is_success
        posts = [
            httpx.post(
                f"{bases[n % 2]}/api/v1/comments",
                json=comment(n, author="u7"),
                headers=CMS,
                timeout=60,
            )
            for n in range(5)
        ]
        assert [r.status_code for r in posts] == [202] * 3 + [429] * 2
        assert "author_comments_per_minute" in posts[3].json()["error"]["message"]
    finally:
        for proc in servers:
            proc.kill()
            proc.wait(30)
    db = Database(database_url)
    with db.session() as session:
        assert session.scalar(select(func.count(User.id))) == 1
        assert session.scalar(select(func.count(ApiKey.id)).where(ApiKey.active)) == 1
        assert session.scalar(select(func.count(Comment.id))) == 3
        assert verify_chain(session).ok
    db.dispose()


def test_serve_workers_on_sqlite_serves_from_several_processes_and_stops_gracefully(
    tmp_path: Path,
) -> None:
    """``serve --workers 2`` on SQLite (WAL, busy timeout, BEGIN IMMEDIATE): concurrent posts
    in both processes are all stored; SIGTERM lets the requests in flight finish."""
    db = f"sqlite:///{tmp_path / 'workers.db'}"
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        proc = spawn_server(db, port, "--workers", "2", stderr=sink)
        wait_ready(proc, port)
    base = f"http://127.0.0.1:{port}"
    assert httpx.post(f"{base}/api/v1/articles", json=ARTICLE, headers=CMS).is_success
    accepted: list[str] = []
    failed: list[str] = []
    lock = threading.Lock()
    half = threading.Barrier(9)

    def post(n: int) -> None:
        try:
            r = httpx.post(f"{base}/api/v1/comments", json=comment(n), headers=CMS, timeout=90)
            with lock:
                (accepted if r.status_code == 202 else failed).append(f"c{n}:{r.status_code}")
        except httpx.HTTPError:
            with lock:
                failed.append(f"c{n}")  # refused once the server stopped: never a 202
        if n < 8:
            half.wait(120)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    half.wait(120)  # 8 comments taken in, then 16 more in flight at SIGTERM
    # Whichever process answers, /metrics adds up the counters of both.
    scraped = httpx.get(f"{base}/metrics", timeout=30).text
    posted = 'netiquette_http_requests_total{method="POST",route="/api/v1/comments",status="2xx"}'
    assert f"{posted} 8.0" in scraped
    later = [threading.Thread(target=post, args=(n,)) for n in range(8, 24)]
    for t in later:
        t.start()
    threading.Event().wait(0.5)
    proc.send_signal(signal.SIGTERM)
    for t in threads + later:
        t.join(120)
    assert proc.wait(120) in (0, -signal.SIGTERM)
    output = log.read_text()
    assert len(set(re.findall(r"Started server process \[(\d+)\]", output))) == 2
    assert output.count("Application shutdown complete.") == 2  # each finished its shutdown
    assert len(accepted) >= 8
    assert all(":" not in f for f in failed), f"a request got an error answer: {failed}"
    database = Database(db)
    with database.session() as session:
        for entry in accepted:
            stored = session.get(Comment, entry.split(":")[0])
            assert stored is not None and stored.state != "received"
        assert verify_chain(session).ok
    database.dispose()
