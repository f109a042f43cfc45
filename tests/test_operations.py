"""Operations: metrics, health and readiness, request ids and JSON logs, graceful shutdown,
re-screening after a model change."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, ClassVar

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from netiquette.app import create_app
from netiquette.cli import app as cli
from netiquette.logs import REQUEST_ID, JsonFormatter
from netiquette.review.rescreen import rescreen
from netiquette.screening.base import PolicyDecision, RuleResult, ScreeningResult
from netiquette.screening.houserules import shipped_house_rules
from netiquette.store.models import AuditEvent, Comment, Decision, Screening
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, API_KEY, CMS, make_context, post_article
from tests.servers import free_port, start_server

HOUSE_RULES = shipped_house_rules().keys  # the shipped five


def _metric(body: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text (0 when absent)."""
    for line in body.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        sample, _, label_text = head.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', label_text))
        if sample == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


@pytest.fixture
def queued(database_url: str) -> Iterator[tuple[AppContext, TestClient]]:
    """An instance where every comment waits for a human."""
    ctx = make_context(database_url, auto_approve=False, auto_reject=False, delivery_loop=False)
    with TestClient(create_app(context=ctx)) as client:
        post_article(client)
        yield ctx, client
    ctx.db.dispose()


def _login(client: TestClient) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _comment(client: TestClient, comment_id: str, text: str = "Gute Entscheidung.") -> None:
    body = {"id": comment_id, "article_id": "a1", "author": {"id": "u", "name": "L"}, "text": text}
    assert client.post("/api/v1/comments", json=body, headers=CMS).status_code == 202


def test_metrics_count_requests_screenings_decisions_and_the_queue(
    queued: tuple[AppContext, TestClient],
) -> None:
    _ctx, client = queued
    before = client.get("/metrics").text
    _comment(client, "m1")
    _comment(client, "m2")
    client.post("/api/v1/comments/m1/decision", json={"action": "approve"}, headers=_login(client))
    after = client.get("/metrics")
    assert after.status_code == 200 and after.headers["content-type"].startswith("text/plain")
    body = after.text
    posts = dict(route="/api/v1/comments", method="POST", status="2xx")
    assert (
        _metric(body, "netiquette_http_requests_total", **posts)
        - _metric(before, "netiquette_http_requests_total", **posts)
        == 2
    )
    assert _metric(body, "netiquette_http_request_seconds_count", route="/api/v1/comments") >= 2
    screened = _metric(body, "netiquette_comments_screened_total", outcome="review")
    assert screened - _metric(before, "netiquette_comments_screened_total", outcome="review") == 2
    approved = dict(event="approved", actor="moderator")
    assert (
        _metric(body, "netiquette_decisions_total", **approved)
        - _metric(before, "netiquette_decisions_total", **approved)
        == 1
    )
    # Gauges read from the database: shared by every process on it.
    assert _metric(body, "netiquette_comments", state="pending") == 1
    assert _metric(body, "netiquette_comments", state="approved") == 1
    assert "netiquette_screening_backlog 0.0" in body
    assert "# TYPE netiquette_webhook_deliveries gauge" in body


def test_readiness_names_what_is_not_ready(queued: tuple[AppContext, TestClient]) -> None:
    ctx, client = queued
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "models": "ok"},
    }
    with ctx.db.engine.begin() as connection:  # as if the code were newer than the schema
        connection.execute(text("UPDATE alembic_version SET version_num = '0008_decision_events'"))
    stale = client.get("/readyz")
    assert stale.status_code == 503
    assert "0008_decision_events" in stale.json()["checks"]["migrations"]
    assert client.get("/healthz").status_code == 200  # alive, just not ready for traffic


def test_every_answer_carries_a_request_id(queued: tuple[AppContext, TestClient]) -> None:
    _ctx, client = queued
    fresh = client.get("/healthz").headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert (
        client.get("/healthz", headers={"X-Request-Id": "lb-42.a"}).headers["X-Request-Id"]
        == "lb-42.a"
    )
    # An id with characters a log line should not carry, or too long, is replaced.
    for bad in ('a b"c', "x" * 65):
        assert client.get("/healthz", headers={"X-Request-Id": bad}).headers["X-Request-Id"] != bad


def test_json_logs_are_one_object_per_line_with_the_request_id() -> None:
    record = logging.LogRecord(
        "netiquette.x", logging.WARNING, __file__, 1, "held %s", ("c1",), None
    )
    token = REQUEST_ID.set("req-1")
    try:
        line = JsonFormatter().format(record)
    finally:
        REQUEST_ID.reset(token)
    entry = json.loads(line)
    assert entry["level"] == "warning" and entry["message"] == "held c1"
    assert entry["request_id"] == "req-1" and entry["logger"] == "netiquette.x"
    assert datetime.fromisoformat(entry["time"]).tzinfo is not None
    access = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "POST", "/api/v1/comments", "1.1", 202),
        None,
    )
    fields = json.loads(JsonFormatter().format(access))
    assert (fields["method"], fields["path"], fields["status"]) == ("POST", "/api/v1/comments", 202)


def _serve_logging_to(sink: IO[bytes], db: str, port: int) -> subprocess.Popen[bytes]:
    """``netiquette serve`` with JSON logs to ``sink``; returns once /healthz answers."""
    env = {
        **os.environ,
        "NETIQUETTE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "NETIQUETTE_API_KEY": API_KEY,
        "NETIQUETTE_LOG_FORMAT": "json",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "netiquette", "serve", "--db", db, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=sink,
    )
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            threading.Event().wait(0.1)
    proc.kill()
    raise AssertionError("server did not start")


def test_sigterm_lets_requests_in_flight_finish(tmp_path: Path) -> None:
    """Every comment that got its 202 before the server stopped is stored and screened."""
    db = str(tmp_path / "graceful.db")
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        proc = _serve_logging_to(sink, db, port)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    article = {
        "id": "a1",
        "title": "Stadtbahn",
        "text": "Der Stadtrat hat die Linie 7 beschlossen.",
    }
    assert httpx.post(f"{base}/api/v1/articles", json=article, headers=headers).status_code == 200
    accepted: list[str] = []
    failed: list[str] = []
    first = threading.Event()

    def post(i: int) -> None:
        body = {
            "id": f"g{i}",
            "article_id": "a1",
            "author": {"id": "u", "name": "L"},
            "text": f"Kommentar Nummer {i} zur Stadtbahn.",
        }
        try:
            r = httpx.post(f"{base}/api/v1/comments", json=body, headers=headers, timeout=60)
            (accepted if r.status_code == 202 else failed).append(f"g{i}:{r.status_code}")
        except httpx.HTTPError:
            failed.append(f"g{i}")  # refused once the server stopped accepting: never a 202
        first.set()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    first.wait(60)
    proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(90)
    # uvicorn re-raises the SIGTERM after its graceful shutdown, so the exit status says so.
    assert proc.wait(90) in (0, -signal.SIGTERM)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    messages = [entry["message"] for entry in lines]
    assert "Application shutdown complete." in messages  # the app's shutdown ran to its end
    assert any(e.get("path") == "/api/v1/comments" and e.get("status") == 202 for e in lines)
    assert accepted, "no request finished"
    assert all(":" not in f for f in failed), f"a request got an error answer: {failed}"
    restarted = make_context(f"sqlite:///{db}")
    with restarted.db.session() as session:
        for entry in accepted:
            comment = session.get(Comment, entry.split(":")[0])
            assert comment is not None and comment.state != "received"
    restarted.db.dispose()


class FlagEverything:
    """A 'new model' that flags every comment as an insult."""

    versions: ClassVar[dict[str, str]] = {"insult": "new-model-2", "policy": "new-policy"}

    def screen_batch(self, items: list[object]) -> list[ScreeningResult]:
        results = {
            rule: RuleResult(
                rule, "new-model-2", 0.99 if rule == "insult" else 0.0, rule == "insult"
            )
            for rule in HOUSE_RULES
        }
        decision = PolicyDecision("reject", 90, ("insult",), "new-policy")  # type: ignore[arg-type]
        return [ScreeningResult(results, decision, dict(self.versions)) for _ in items]


def test_rescreening_adds_screenings_and_never_changes_a_decision(
    queued: tuple[AppContext, TestClient],
) -> None:
    ctx, client = queued
    for i in range(5):
        _comment(client, f"r{i}")
    mod = _login(client)
    client.post("/api/v1/comments/r0/decision", json={"action": "approve"}, headers=mod)
    client.post(
        "/api/v1/comments/r1/decision", json={"action": "reject", "rules": ["ad_link"]}, headers=mod
    )
    with ctx.db.session() as session:
        states = dict(session.execute(select(Comment.id, Comment.state)).all())
        decisions = session.scalar(select(func.count()).select_from(Decision))
        versions = dict(session.execute(select(Comment.id, Comment.version)).all())
    seen: list[int] = []
    report = rescreen(
        ctx.db, FlagEverything(), datetime(2000, 1, 1, tzinfo=UTC), batch=2, advance=seen.append
    )
    assert (report.screened, report.skipped, sum(seen)) == (5, 0, 5)
    assert report.flags_changed == 5  # nothing was flagged before; everything is now
    assert report.policy_differs == 4  # it would reject all five; r1 is rejected already
    with ctx.db.session() as session:
        assert dict(session.execute(select(Comment.id, Comment.state)).all()) == states
        assert dict(session.execute(select(Comment.id, Comment.version)).all()) == versions
        assert session.scalar(select(func.count()).select_from(Decision)) == decisions
        assert session.scalar(
            select(func.count())
            .select_from(Screening)
            .where(Screening.rule_version == "new-model-2")
        ) == 5 * len(HOUSE_RULES)
        event = session.scalars(select(AuditEvent).where(AuditEvent.event == "rescreened")).one()
        assert event.details["comments"] == 5
    # The API shows the newest screening; the decision is the one taken.
    status = client.get("/api/v1/comments/r0", headers=CMS).json()
    assert status["status"] == "approved"
    assert status["screening"]["insult"]["version"] == "new-model-2"


def test_rescreen_on_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    ctx = make_context(db, auto_approve=False, auto_reject=False, delivery_loop=False)
    with TestClient(create_app(context=ctx)) as client:
        post_article(client)
        _comment(client, "x1")
        _comment(client, "x2")
    ctx.db.dispose()
    runner = CliRunner()
    done = runner.invoke(cli, ["rescreen", "--since", "2020-01-01", "--db", db, "--no-progress"])
    assert done.exit_code == 0, done.output
    assert "re-screened 2 comments" in done.output and "decisions were not changed" in done.output
    later = runner.invoke(cli, ["rescreen", "--since", "2999-01-01", "--db", db, "--no-progress"])
    assert "re-screened 0 comments" in later.output
    bad = runner.invoke(cli, ["rescreen", "--since", "yesterday", "--db", db])
    assert bad.exit_code != 0


def test_metrics_of_several_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    port = free_port()
    proc = start_server(str(tmp_path / "mp.db"), port, PROMETHEUS_MULTIPROC_DIR=str(shared))
    try:
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {API_KEY}"}
        article = {"id": "a1", "title": "Stadtbahn", "text": "Der Stadtrat hat beschlossen."}
        assert httpx.post(f"{base}/api/v1/articles", json=article, headers=headers).is_success
        body = httpx.get(f"{base}/metrics").text
    finally:
        proc.terminate()
        proc.wait(60)
    assert list(shared.glob("*.db")), "no per-process metric files were written"
    labels = dict(route="/api/v1/articles", method="POST", status="2xx")
    assert _metric(body, "netiquette_http_requests_total", **labels) == 1
    assert "netiquette_comments" in body  # the database gauges are there once
