"""Several server processes on one PostgreSQL database: nothing lost, no double decision or
reversal, and the audit chain stays intact."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from netiquette.review.audit import verify_chain
from netiquette.store.db import Database
from netiquette.store.models import Decision, DecisionEvent, StatementOfReasons
from tests.conftest import ADMIN_PASSWORD, API_KEY
from tests.servers import free_port, start_server

pytestmark = pytest.mark.slow


def test_two_processes_share_one_postgres_database(pg_url: str) -> None:
    Database(pg_url).migrate()  # migrate once, before both start
    ports = [free_port(), free_port()]
    servers = [start_server(pg_url, p, NETIQUETTE_AUTO_APPROVE="false") for p in ports]
    cms = {"Authorization": f"Bearer {API_KEY}"}
    try:
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        httpx.post(
            f"{bases[0]}/api/v1/articles",
            json={"id": "a1", "text": "Die Brücke ist fertig."},
            headers=cms,
        ).raise_for_status()

        def submit(n: int) -> str:
            body = {
                "id": f"c{n}",
                "article_id": "a1",
                "author": {"id": f"u{n % 7}", "name": "L"},
                "text": f"Kommentar Nummer {n} zur neuen Brücke.",
            }
            r = httpx.post(f"{bases[n % 2]}/api/v1/comments", json=body, headers=cms, timeout=30)
            assert r.status_code == 202, r.text
            return str(r.json()["id"])

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(submit, range(80)))
        tokens = []
        for base in bases:
            login = httpx.post(
                f"{base}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            )
            tokens.append({"Authorization": f"Bearer {login.json()['token']}"})
        queue = httpx.get(f"{bases[0]}/api/v1/queue?limit=500", headers=tokens[0]).json()[
            "comments"
        ]
        assert sorted(c["id"] for c in queue) == sorted(ids)

        # Both processes try to decide the same comments at the same moment, seen at one version.
        results: list[int] = []
        lock = threading.Lock()

        def decide(item: dict[str, object], which: int) -> None:
            action = "approve" if which == 0 else "reject"
            body: dict[str, object] = {"action": action, "version": item["version"]}
            if action == "reject":
                body["rules"] = ["off_topic"]
            r = httpx.post(
                f"{bases[which]}/api/v1/comments/{item['id']}/decision",
                json=body,
                headers=tokens[which],
                timeout=30,
            )
            with lock:
                results.append(r.status_code)

        with ThreadPoolExecutor(8) as pool:
            for item in queue[:20]:
                pool.submit(decide, item, 0)
                pool.submit(decide, item, 1)
        assert sorted(results) == [200] * 20 + [409] * 20

        # Then both reverse each of those at once, seen at its new version: one reversal each.
        results.clear()
        decided = []
        for item in queue[:20]:
            now = httpx.get(f"{bases[0]}/api/v1/comments/{item['id']}", headers=tokens[0]).json()
            decided.append({"id": item["id"], "version": now["version"], "state": now["status"]})

        def reverse(item: dict[str, object], which: int) -> None:
            body: dict[str, object] = {"version": item["version"]}
            if item["state"] == "approved":
                body.update(action="reject", rules=["insult"])
            else:
                body.update(action="approve")
            r = httpx.post(
                f"{bases[which]}/api/v1/comments/{item['id']}/decision",
                json=body,
                headers=tokens[which],
                timeout=30,
            )
            with lock:
                results.append(r.status_code)

        with ThreadPoolExecutor(8) as pool:
            for item in decided:
                pool.submit(reverse, item, 0)
                pool.submit(reverse, item, 1)
        assert sorted(results) == [200] * 20 + [409] * 20
    finally:
        for s in servers:
            s.kill()
            s.wait(10)
    db = Database(pg_url)
    with db.session() as session:
        report = verify_chain(session)
        rejected = session.scalar(
            select(func.count(Decision.id)).where(Decision.action == "reject")
        )
        statements = session.scalar(select(func.count(StatementOfReasons.id)))
        outbox = session.scalar(select(func.count(DecisionEvent.id)))
    db.dispose()
    assert report.ok, report.problem
    # Exactly one event per winning decision and reversal; a statement for each rejection.
    assert outbox == 40 and statements == rejected
    # 1 article event + 80 received + 80 queued + 2 logins + 40 decisions + their statements
    assert report.events == 1 + 80 + 80 + 2 + 40 + rejected
