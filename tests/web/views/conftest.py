"""Fixtures for the workspace: the real app on a temp SQLite database, a pipeline that queues.

``QueueingPipeline`` sends every comment to the human queue (unless its text says
``[approve]``/``[reject]``) and cites a few swear words as ``insult`` evidence, so tests know
exactly what the moderator will see.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from netiquette.accounts import upsert_user
from netiquette.app import create_app
from netiquette.screening.base import (
    PolicyDecision,
    RuleResult,
    ScreeningInput,
    ScreeningResult,
    Span,
)
from netiquette.screening.houserules import shipped_house_rules
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, CMS, IN_CI, make_context, post_article
from tests.servers import free_port

HOUSE_RULES = shipped_house_rules().keys  # the shipped five

SWEAR_WORDS = re.compile(r"Vollpfosten|Idiot(?:en)?|Dummkopf", re.IGNORECASE)
MODERATOR_PASSWORD = "moderator-password-1"


class QueueingPipeline:
    """Queues everything for a human; flags swear words as insults with evidence spans."""

    versions: ClassVar[dict[str, str]] = {"queueing": "1"}

    def effective_policy(self) -> dict[str, Any]:
        """The fake's policy as the dashboard and settings show it: decided by the test."""
        return {
            "version": "queueing-1",
            "screening_config": "test",
            "sources": {},
            "thresholds": {},
        }

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        spans = tuple(
            Span("insult", m.start(), m.end(), m.group(), "Schimpfwort aus der Liste")
            for m in SWEAR_WORDS.finditer(item.text)
        )
        results = {
            rule: RuleResult(
                rule,
                "queueing-1",
                (0.93 if spans else 0.04) if rule == "insult" else 0.02,
                bool(spans) and rule == "insult",
                spans if rule == "insult" else (),
                "Schimpfwort gefunden" if spans and rule == "insult" else "",
            )
            for rule in HOUSE_RULES
        }
        outcome = "review"
        for candidate in ("approve", "reject"):
            if f"[{candidate}]" in item.text:
                outcome = candidate
        return ScreeningResult(
            results=results,
            decision=PolicyDecision(
                outcome,  # type: ignore[arg-type]
                50 if spans else 10,
                ("insult",) if outcome == "reject" else (),
                "queueing-1",
            ),
            model_versions=dict(self.versions),
        )


def workspace_context(database_url: str) -> AppContext:
    """A migrated instance with the queueing pipeline and a second moderator ``bea``."""
    ctx = make_context(database_url, demo_pages=True)
    pipeline = QueueingPipeline()
    ctx.pipeline = pipeline  # type: ignore[assignment]
    ctx.intake.pipeline = pipeline
    with ctx.db.session() as session:
        upsert_user(session, "bea", MODERATOR_PASSWORD, "moderator")
    return ctx


@pytest.fixture
def wctx(tmp_path: Path) -> Iterator[AppContext]:
    """A workspace instance on SQLite."""
    context = workspace_context(f"sqlite:///{tmp_path / 'workspace.db'}")
    yield context
    context.db.dispose()


@pytest.fixture
def web(wctx: AppContext) -> Iterator[TestClient]:
    """An in-process client of the real app (cookies kept, redirects not followed)."""
    with TestClient(create_app(context=wctx), follow_redirects=False) as client:
        post_article(client)
        yield client


def csrf_of(html: str) -> str:
    """The CSRF token embedded in a page."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: TestClient, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": csrf_of(page.text)},
    )
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/moderate").text)


def submit(client: TestClient, text: str, comment_id: str, **extra: Any) -> dict[str, Any]:
    """A comment from the CMS; returns the 202 body."""
    body = {
        "id": comment_id,
        "article_id": "a1",
        "author": {"id": extra.pop("author_id", "u1"), "name": "Leserin"},
        "text": text,
        **extra,
    }
    r = client.post("/api/v1/comments", json=body, headers=CMS)
    assert r.status_code == 202, r.text
    result: dict[str, Any] = r.json()
    return result


# --- A real server and a real browser, for the Playwright tests -----------------------------

CHROMIUM = os.environ.get("NETIQUETTE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass
class LiveServer:
    """The real app served by uvicorn on a free loopback port."""

    url: str
    ctx: AppContext


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """uvicorn in a background thread on a temp SQLite database, with article ``a1``."""
    import uvicorn

    ctx = workspace_context(f"sqlite:///{tmp_path / 'live.db'}")
    app = create_app(context=ctx)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn did not start")
        threading.Event().wait(0.02)
    with TestClient(app) as client:
        post_article(client)
    yield LiveServer(f"http://127.0.0.1:{port}", ctx)
    server.should_exit = True
    thread.join(timeout=10)
    ctx.db.dispose()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (skipped where absent, except in CI)."""
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"Chromium is missing at {CHROMIUM} in CI: .ci/run must install it")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (NETIQUETTE_TEST_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives every launch a fresh temporary profile (user-data-dir).
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def submit_live(server: LiveServer, text: str, comment_id: str, **extra: Any) -> dict[str, Any]:
    """A comment from the CMS to a live server (through the real HTTP API)."""
    import httpx

    body = {
        "id": comment_id,
        "article_id": "a1",
        "author": {"id": extra.pop("author_id", "u1"), "name": extra.pop("name", "Leserin")},
        "text": text,
        **extra,
    }
    r = httpx.post(f"{server.url}/api/v1/comments", json=body, headers=CMS, timeout=30)
    assert r.status_code == 202, r.text
    result: dict[str, Any] = r.json()
    return result
