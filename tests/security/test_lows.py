"""Regression tests for findings of issue 11: retries, status tokens, proxies, access log."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from netiquette.errors import ConflictError
from netiquette.review.intake import Accepted, NewComment
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.store.models import Article
from netiquette.web.context import AppContext
from netiquette.web.serving import proxy_options
from tests.conftest import ADMIN_PASSWORD, API_KEY, make_context, make_settings
from tests.fakes import ScriptedPipeline
from tests.servers import free_port


class SlowPipeline(ScriptedPipeline):
    """Takes a moment, so concurrent retries overlap while the first is being screened."""

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        time.sleep(0.3)
        return super().screen(item)


@pytest.fixture
def rctx(database_url: str) -> Iterator[AppContext]:
    ctx = make_context(database_url)
    ctx.intake.pipeline = SlowPipeline()
    with ctx.db.session() as session:
        session.add(Article(id="a", title="T", body="Text."))
    yield ctx
    ctx.db.dispose()


def test_concurrent_identical_retries_all_answer_the_same_decision(rctx: AppContext) -> None:
    new = NewComment("a", "u", "U", "Gleich [reject]", id="c1")
    answers: list[Accepted | Exception] = []

    def send() -> None:
        try:
            answers.append(rctx.intake.submit(new, "cms:test"))
        except Exception as exc:  # collected: the assertion shows it
            answers.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(a, Accepted) for a in answers), answers
    assert {a.state for a in answers if isinstance(a, Accepted)} == {"rejected"}


def test_another_key_or_author_cannot_take_over_the_status_link(rctx: AppContext) -> None:
    first = rctx.intake.submit(NewComment("a", "u", "U", "Text [approve]", id="c2"), "cms:one")
    assert first.status_token
    with pytest.raises(ConflictError):  # same id and text, another author
        rctx.intake.submit(NewComment("a", "mallory", "M", "Text [approve]", id="c2"), "cms:one")
    other_key = rctx.intake.submit(NewComment("a", "u", "U", "Text [approve]", id="c2"), "cms:two")
    assert other_key.state == "approved" and other_key.status_token is None
    again = rctx.intake.submit(NewComment("a", "u", "U", "Text [approve]", id="c2"), "cms:one")
    assert again.status_token and again.status_token != first.status_token


def test_a_live_server_neither_believes_x_forwarded_for_nor_logs_status_tokens(
    tmp_path: Path,
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "NETIQUETTE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "NETIQUETTE_API_KEY": API_KEY,
        "NETIQUETTE_LOGIN_ATTEMPTS_PER_MINUTE": "2",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "netiquette", "serve", "--db", str(tmp_path / "n.db"),
             "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    httpx.get(f"{base}/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            codes = []
            for n in range(3):  # a fresh "address" each time: must not reset the limit
                r = httpx.post(
                    f"{base}/api/v1/auth/login",
                    json={"username": "admin", "password": "wrong-password"},
                    headers={"X-Forwarded-For": f"10.0.0.{n}"},
                )
                codes.append(r.status_code)
            assert codes[-1] == 429, codes
            httpx.get(f"{base}/api/v1/public/comments/c1?token=nqs_SECRETTOKEN123", timeout=5)
        finally:
            server.terminate()
            server.wait(timeout=30)
    logged = log.read_text(encoding="utf-8", errors="replace")
    assert "/api/v1/public/comments/c1?token=***" in logged
    assert "SECRETTOKEN123" not in logged


def test_proxies_are_believed_only_when_configured() -> None:
    settings = make_settings("sqlite:///:memory:")
    assert proxy_options(settings)["proxy_headers"] is False
    trusted = settings.replace(trusted_proxies="10.0.0.1, 10.0.0.2")
    assert proxy_options(trusted) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.1,10.0.0.2",
    }


def test_servers_starting_together_both_set_up_the_admin_and_key(database_url: str) -> None:
    from netiquette.bootstrap import ensure_credentials
    from netiquette.store.db import Database

    db = Database(database_url)
    db.migrate()
    settings = make_settings(database_url)
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def start() -> None:
        barrier.wait()
        try:
            ensure_credentials(db, settings, generate=False)
        except Exception as exc:  # collected: the assertion shows it
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.dispose()
    assert errors == []
