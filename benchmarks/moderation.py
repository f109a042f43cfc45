"""How fast is the workspace with a big queue, and what does one decision cost?

    .venv/bin/python benchmarks/moderation.py [--pending 10000] [--runs 200]

Fills a fresh SQLite database with N pending comments (each with five screening rows, a tenth
citing insult evidence), then measures in process, through the real app:

- server time to render the queue page (plain, filtered by rule, keyword search, a deep page),
- server time to render the decision view of a random comment (claims it, finds neighbours,
  the related article passage and the author's record),
- server time of one decision (approve through the state machine + rendering the next comment).

Then, where Chromium is installed, drives the real page in headless Chromium and counts the
keystrokes and HTTP requests that ten approvals and ten rejections cost. Prints a small table.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from netiquette.app import build_context, create_app
from netiquette.bootstrap import ensure_credentials
from netiquette.screening.houserules import shipped_house_rules
from netiquette.settings import load_settings
from netiquette.store.models import Article, Comment, Screening, utcnow

HOUSE_RULES = shipped_house_rules().keys  # the shipped five

PASSWORD = "benchmark-password"
WORDS = [
    "Stadtbahn",
    "Linie",
    "Weststadt",
    "Haltestelle",
    "Kosten",
    "Stadtrat",
    "Bürger",
    "Verkehr",
    "Bahn",
    "Bus",
]
ARTICLE = "Der Stadtrat baut die Linie 7.\n\n" + "\n\n".join(
    f"Absatz {i}: " + " ".join(random.Random(i).choices(WORDS, k=40)) for i in range(12)
)


def fill(ctx: Any, pending: int) -> list[str]:
    """Insert ``pending`` queued comments with screening rows; returns their ids."""
    rng = random.Random(7)
    start = utcnow() - timedelta(hours=30)
    ids = []
    with ctx.db.session() as session:
        session.add(Article(id="bench", title="Linie 7", body=ARTICLE))
        for n in range(pending):
            cid = f"b{n:06d}"
            ids.append(cid)
            text = " ".join(rng.choices(WORDS, k=rng.randint(8, 60)))
            insult = n % 10 == 0
            threat = n % 50 == 7  # harm levels (screening/harm.py): threats, flagged, the rest
            if insult:
                text = "Du Vollpfosten, " + text
            session.add(
                Comment(
                    id=cid,
                    article_id="bench",
                    author_id=f"u{n % 700}",
                    author_name=f"Leser {n % 700}",
                    text=text,
                    text_sha256="0" * 64,
                    received_at=start + timedelta(seconds=10 * n),
                    state="pending",
                    priority=90 if threat else 50 if insult else rng.choice([10, 20, 30]),
                )
            )
            for rule in HOUSE_RULES:
                flag = insult and rule == "insult"
                session.add(
                    Screening(
                        comment_id=cid,
                        rule=rule,
                        rule_version="bench-1",
                        score=0.9 if flag else 0.05,
                        flag=flag,
                        evidence=[{"rule": rule, "start": 3, "end": 14, "text": "Vollpfosten"}]
                        if flag
                        else [],
                        reason="Schimpfwort" if flag else "",
                    )
                )
            if n % 2000 == 1999:
                session.flush()
    return ids


def timed(client: TestClient, method: str, url: str, **kw: Any) -> float:
    """Milliseconds for one request, which must succeed."""
    t0 = time.perf_counter()
    r = client.request(method, url, **kw)
    elapsed = (time.perf_counter() - t0) * 1000
    assert r.status_code < 400, (url, r.status_code, r.text[:300])
    return elapsed


def p95(values: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered) + 0.999) - 1)]


def server_times(ctx: Any, ids: list[str], runs: int) -> list[tuple[str, list[float]]]:
    """Render times of the queue, the decision view and one decision."""
    rng = random.Random(11)
    rows: list[tuple[str, list[float]]] = []
    with TestClient(create_app(context=ctx), follow_redirects=False) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token
        client.post(
            "/login", data={"username": "admin", "password": PASSWORD, "csrf": token.group(1)}
        )
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/moderate").text)
        assert csrf
        for _ in range(5):  # warm up
            client.get("/moderate")
            client.get(f"/moderate/comments/{ids[0]}")
        for label, url in (
            ("queue /moderate", "/moderate"),
            ("queue ?rule=insult", "/moderate?rule=insult"),
            ("queue ?q=Haltestelle", "/moderate?q=Haltestelle"),
            ("queue ?page=150", "/moderate?page=150"),
        ):
            rows.append((label, [timed(client, "GET", url) for _ in range(runs)]))
        api = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        bearer = {"Authorization": f"Bearer {api.json()['token']}"}
        for label, url in (
            ("API /api/v1/queue (50, by harm)", "/api/v1/queue"),
            ("API /api/v1/queue?offset=5000", "/api/v1/queue?offset=5000"),
        ):
            rows.append((label, [timed(client, "GET", url, headers=bearer) for _ in range(runs)]))
        views = [timed(client, "GET", f"/moderate/comments/{rng.choice(ids)}") for _ in range(runs)]
        rows.append(("decision view", views))
        decisions = []
        for cid in rng.sample(ids, min(runs, len(ids))):
            client.get(f"/moderate/comments/{cid}")
            decisions.append(
                timed(
                    client,
                    "POST",
                    f"/moderate/comments/{cid}/decide",
                    data={"csrf": csrf.group(1), "choice": "approve"},
                    headers={"HX-Request": "true"},
                )
            )
        rows.append(("decide + next view", decisions))
    return rows


def browser_costs(ctx: Any) -> dict[str, float] | None:
    """Keystrokes and requests per decision in headless Chromium, or None without it."""
    chromium = os.environ.get("NETIQUETTE_TEST_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return None
    import uvicorn
    from playwright.sync_api import expect, sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(context=ctx), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    costs: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context().new_page()
        page.goto(f"{base}/login")
        page.fill('input[name="username"]', "admin")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.goto(f"{base}/moderate/next")
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for kind, keys in (("approve", ["a"]), ("reject", ["r", "2"])):
            requests.clear()
            for _ in range(10):
                before = page.locator(".decide").get_attribute("data-comment")
                for key in keys:
                    page.keyboard.press(key)
                expect(page.locator(".decide")).not_to_have_attribute("data-comment", before or "")
                expect(page.locator("body")).not_to_have_attribute("data-busy", "1")
            costs[f"{kind}: keystrokes"] = len(keys)
            costs[f"{kind}: requests"] = len(requests) / 10
        browser.close()
    server.should_exit = True
    return costs


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            None,
            {"database_url": f"sqlite:///{tmp}/bench.db"},
            environ={"NETIQUETTE_ADMIN_PASSWORD": PASSWORD},
        )
        ctx = build_context(settings)
        ensure_credentials(ctx.db, settings, generate=False)
        t0 = time.perf_counter()
        ids = fill(ctx, args.pending)
        print(
            f"{args.pending} pending comments on SQLite, filled in {time.perf_counter() - t0:.1f} s"
        )
        print(f"{'server time (ms)':<24}{'p50':>8}{'p95':>8}{'max':>8}   runs")
        for label, values in server_times(ctx, ids, args.runs):
            print(
                f"{label:<24}{statistics.median(values):8.1f}{p95(values):8.1f}"
                f"{max(values):8.1f}   {len(values)}"
            )
        costs = browser_costs(ctx)
        if costs is None:
            print("per decision: Chromium not found; skipped the browser count")
        else:
            print("per decision, counted in headless Chromium (10 of each):")
            for key, value in costs.items():
                print(f"  {key:<24}{value:g}")
        ctx.db.dispose()


if __name__ == "__main__":
    main()
