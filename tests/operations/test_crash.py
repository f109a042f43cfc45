"""Crash test: ``serve --workers 2`` and two ``netiquette worker`` processes on one PostgreSQL.
Mid-load one app process (a child of ``serve``) and one worker are SIGKILLed; ``serve`` starts a
new app process by itself, the worker is restarted as systemd would. Every accepted comment is
stored and screened exactly once, every decision reaches the CMS's webhook receiver (duplicates
carry the same idempotency id), and nothing is public without an approve decision in the audit
log, whose chain verifies.

PostgreSQL only (NETIQUETTE_TEST_POSTGRES_URL); about a minute of wall time on a quiet machine.
``pytest tests/operations -s`` prints what the run exercised (comments accepted, decision events,
deliveries and duplicates, jobs the killed worker held).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from sqlalchemy import func, select

from netiquette.delivery.endpoints import add_endpoint
from netiquette.delivery.signing import ID_HEADER
from netiquette.review.audit import sites, verify_chain
from netiquette.store.db import Database
from netiquette.store.models import (
    AuditEvent,
    Comment,
    Decision,
    DecisionEvent,
    Screening,
    ScreeningJob,
    WebhookDelivery,
)
from tests.conftest import API_KEY
from tests.servers import free_port, spawn_server, start_worker, wait_healthy

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CMS = {"Authorization": f"Bearer {API_KEY}"}
TEXTS = (
    "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot.",  # rejected by the policy
    "Die Linie 7 kommt spät, aber sie kommt: gut für Nordheim.",  # a human decides
    "Verdiene 5000 Euro im Monat von zu Hause! Jetzt anmelden: www.schnell-reich-werden.biz",
)
#: Every process of the test: queued screening, short leases so a dead worker's jobs and
#: deliveries come back within seconds, webhooks sent by the workers only.
ENV = {
    "NETIQUETTE_SCREENING_QUEUE": "workers",
    "NETIQUETTE_SCREENING_JOB_LEASE_SECONDS": "5",
    "NETIQUETTE_WEBHOOK_TIMEOUT_MS": "2000",
    "NETIQUETTE_AUTO_REJECT": "on",
    "NETIQUETTE_DELIVERY_LOOP": "false",
    # The load posts as 11 authors: at 30 comments per author and minute a fast machine
    # reached 330 accepted comments before the kill and then only got 429s.
    "NETIQUETTE_AUTHOR_COMMENTS_PER_MINUTE": "0",
}


class Receiver(BaseHTTPRequestHandler):
    """The CMS's webhook endpoint: records (idempotency id, payload) of every delivery."""

    seen: ClassVar[list[tuple[str, dict[str, Any]]]] = []
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.lock:
            self.seen.append((self.headers.get(ID_HEADER, ""), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _app_processes(serve: subprocess.Popen[bytes]) -> set[int]:
    """The app processes ``serve --workers N`` runs: its children started by multiprocessing's
    spawn (not its resource tracker)."""
    children = Path(f"/proc/{serve.pid}/task/{serve.pid}/children").read_text().split()
    apps = set()
    for pid in children:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:  # gone meanwhile
            continue
        if b"spawn_main" in cmdline:
            apps.add(int(pid))
    return apps


def _wait_for_apps(serve: subprocess.Popen[bytes], n: int, gone: int | None = None) -> set[int]:
    """Wait (up to 60 s) until ``serve`` runs ``n`` app processes, ``gone`` not among them."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        apps = _app_processes(serve)
        if len(apps) == n and gone not in apps:
            return apps
        time.sleep(0.2)
    raise AssertionError(f"serve did not run {n} app processes (it runs {apps})")


def _load(bases: list[str], stop: threading.Event, accepted: list[str], worker: int) -> None:
    """One client: posts comments round-robin over ``bases`` until ``stop``."""
    n = 0
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            n += 1
            comment_id = f"k{worker}-{n}"
            body = {
                "id": comment_id,
                "article_id": "a1",
                "author": {"id": f"u{n % 11}", "name": "Leser"},
                "text": f"{TEXTS[n % len(TEXTS)]} ({comment_id})",
            }
            try:
                r = client.post(f"{bases[n % len(bases)]}/api/v1/comments", json=body, headers=CMS)
            except httpx.HTTPError:
                time.sleep(0.05)  # that server is down: no 202, nothing promised
                continue
            if r.status_code == 202:
                assert r.json()["status"] == "received"
                accepted.append(comment_id)


def _backlog(db: Database) -> int:
    """Comments and jobs still to screen plus decision events and webhooks still to deliver."""
    with db.session() as session:
        received = session.scalar(
            select(func.count()).select_from(Comment).where(Comment.state == "received")
        )
        jobs = session.scalar(select(func.count()).select_from(ScreeningJob))
        events = session.scalar(
            select(func.count())
            .select_from(DecisionEvent)
            .where(DecisionEvent.delivered_at.is_(None))
        )
        undelivered = session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.state != "delivered")
        )
    return sum(int(n or 0) for n in (received, jobs, events, undelivered))


def _drained(db: Database) -> bool:
    with db.session() as session:
        received = session.scalar(
            select(func.count()).select_from(Comment).where(Comment.state == "received")
        )
        jobs = session.scalar(select(func.count()).select_from(ScreeningJob))
        events = session.scalar(
            select(func.count())
            .select_from(DecisionEvent)
            .where(DecisionEvent.delivered_at.is_(None))
        )
        undelivered = session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.state != "delivered")
        )
    return received == jobs == events == undelivered == 0


def test_killing_an_app_and_a_worker_mid_load_loses_and_doubles_nothing(
    pg_url: str, tmp_path: Path
) -> None:
    db = Database(pg_url)
    db.migrate()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.seen = []
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    with db.session() as session:
        add_endpoint(session, hook, ["whsec-crash-test-0123456789"], allow_internal=True)

    port = free_port()
    bases = [f"http://127.0.0.1:{port}"]
    logs = [tmp_path / f"worker{i}.log" for i in range(3)]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        serve = spawn_server(pg_url, port, "--workers", "2", **ENV)
        workers = [start_worker(pg_url, log=str(logs[i]), **ENV) for i in range(2)]
        procs += [serve, *workers]
        wait_healthy(serve, port)
        first_apps = _wait_for_apps(serve, 2)
        article = {"id": "a1", "title": "Stadtbahn", "text": "Die Linie 7 ist beschlossen."}
        httpx.post(f"{bases[0]}/api/v1/articles", json=article, headers=CMS).raise_for_status()

        accepted: list[str] = []
        stop = threading.Event()
        clients = [
            threading.Thread(target=_load, args=(bases, stop, accepted, i)) for i in range(4)
        ]
        for c in clients:
            c.start()
        time.sleep(3)
        with db.session() as session:  # what the doomed worker holds (for the summary line)
            in_hand = session.scalar(
                select(func.count())
                .select_from(ScreeningJob)
                .where(ScreeningJob.locked_by == f"{socket.gethostname()}:{workers[0].pid}")
            )
        killed_app = min(first_apps)
        before_kill = len(accepted)
        os.kill(killed_app, signal.SIGKILL)  # mid-request, mid-transaction: no goodbye
        workers[0].send_signal(signal.SIGKILL)  # with jobs and deliveries in its hands
        workers[0].wait(10)
        time.sleep(1)  # the survivors carry the load alone for a while
        workers.append(start_worker(pg_url, log=str(logs[2]), **ENV))
        procs.append(workers[-1])
        new_apps = _wait_for_apps(serve, 2, gone=killed_app)  # serve replaced it by itself
        time.sleep(1)  # the new app process takes its share
        # Give the survivors time to accept again before stopping the load (a client may be
        # waiting out its timeout on a connection the killed process held).
        deadline = time.monotonic() + 30
        while len(accepted) <= before_kill and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        for c in clients:
            c.join(30)
        assert serve.poll() is None, "serve died with its app process"
        assert len(accepted) > before_kill, "nothing was accepted after the kill"
        assert len(accepted) > 50, "too little load to tell anything"

        # Liveness, not speed: the backlog must keep shrinking until it is gone. On a machine
        # busy with other work the workers drain slower; only a backlog that stops moving for
        # 60 s (or a drain past 10 minutes) fails.
        last, moved_at, started = _backlog(db), time.monotonic(), time.monotonic()
        while not _drained(db) and time.monotonic() - moved_at < 60:
            assert time.monotonic() - started < 600, f"still {last} to drain after 10 minutes"
            time.sleep(0.5)
            now = _backlog(db)
            if now < last:
                last, moved_at = now, time.monotonic()
        assert _drained(db), f"the backlog stopped draining at {last} for 60 s"
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        receiver.shutdown()

    with db.session() as session:
        states = dict(session.execute(select(Comment.id, Comment.state)).all())
        # Every 202 was kept, and none is left unscreened.
        assert set(accepted) <= set(states)
        assert "received" not in states.values()
        # Screened exactly once: one way out of "received" and one set of screening rows.
        exits = dict(
            session.execute(
                select(AuditEvent.comment_id, func.count())
                .where(AuditEvent.from_state == "received")
                .group_by(AuditEvent.comment_id)
            ).all()
        )
        assert all(exits.get(c) == 1 for c in states), "a comment was decided twice or never"
        rows = dict(
            session.execute(
                select(Screening.comment_id, func.count()).group_by(Screening.comment_id)
            ).all()
        )
        rules = max(rows.values())
        fell_back = {
            e.comment_id
            for e in session.scalars(select(AuditEvent).where(AuditEvent.event == "queued"))
            if e.details.get("screening_error")
        }
        for comment_id in states:
            assert rows.get(comment_id, 0) == (0 if comment_id in fell_back else rules)
        # Nothing public without an approve decision in the audit log.
        approved_in_log = set(
            session.scalars(select(AuditEvent.comment_id).where(AuditEvent.to_state == "approved"))
        )
        assert {c for c, s in states.items() if s == "approved"} <= approved_in_log
        # One decision per decided comment (nobody reversed anything here).
        per_comment = session.execute(
            select(Decision.comment_id, func.count()).group_by(Decision.comment_id)
        ).all()
        assert all(n == 1 for _, n in per_comment)
        events = {e.key: e for e in session.scalars(select(DecisionEvent))}
        assert events, "no decision events: the policy decided nothing"
        assert all(verify_chain(session, site).ok for site in sites(session))

    # Every decision event reached the CMS; every copy carried the event's own id.
    ids_by_key: dict[str, set[str]] = defaultdict(set)
    for header_id, payload in Receiver.seen:
        ids_by_key[payload["id"]].add(header_id)
    assert set(events) <= set(ids_by_key)
    assert all(ids == {key} for key, ids in ids_by_key.items())
    print(  # what the run exercised, for whoever reads the log (-s)
        f"accepted {len(accepted)}, stored {len(states)}, decision events {len(events)}, "
        f"deliveries received {len(Receiver.seen)} (duplicates "
        f"{len(Receiver.seen) - len(ids_by_key)}), screening fell back on {len(fell_back)}, "
        f"jobs in the killed worker's hands {in_hand}, app processes {sorted(first_apps)} -> "
        f"{sorted(new_apps)}"
    )
    db.dispose()
