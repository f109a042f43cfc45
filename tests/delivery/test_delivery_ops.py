"""How deliveries are run and seen: two senders never take the same delivery, the loop inside
``serve`` sends without anyone asking, the admin page shows the log and replays, the CLI too."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from netiquette.app import create_app
from netiquette.cli import app as cli
from netiquette.delivery import add_endpoint, claim_due, deliver_due
from netiquette.delivery.outbox import fan_out
from netiquette.store.models import AuditEvent, WebhookDelivery, utcnow
from netiquette.web.context import AppContext
from tests.compat.cms import Receiver
from tests.conftest import make_context, post_article
from tests.delivery.conftest import SECRET, decide, queue_comment, sender
from tests.web.views.conftest import csrf_of, login


def test_two_senders_never_claim_the_same_delivery(
    pg_url: str,
) -> None:
    """PostgreSQL: FOR UPDATE SKIP LOCKED hands each delivery to exactly one process."""
    ctx = make_context(pg_url, auto_approve=False, auto_reject=False, delivery_loop=False)
    try:
        with TestClient(create_app(context=ctx)) as client:
            post_article(client)
            with ctx.db.session() as session:
                add_endpoint(session, "http://127.0.0.1:9/x", [SECRET], allow_internal=True)
            token = client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": "test-admin-password"}
            ).json()["token"]
            for i in range(6):
                queue_comment(client, f"c{i}")
                decide(client, {"Authorization": f"Bearer {token}"}, f"c{i}", "approve")
        with ctx.db.session() as session:
            assert fan_out(session) == 6
        now = utcnow()
        first = ctx.db.sessions()
        second = ctx.db.sessions()
        with first.begin(), second.begin():
            a = claim_due(first, now, 4, lease_s=60)  # holds its row locks ...
            b = claim_due(second, now, 4, lease_s=60)  # ... so this one skips them
        assert len(a) == 4 and len(b) == 2
        assert not {d.id for d in a} & {d.id for d in b}
        first.close()
        second.close()
    finally:
        ctx.db.dispose()


@pytest.fixture
def live_ctx(tmp_path: Path) -> Iterator[AppContext]:
    """An instance whose delivery loop runs, as in ``serve``."""
    context = make_context(
        f"sqlite:///{tmp_path / 'loop.db'}", auto_approve=False, auto_reject=False
    )
    yield context
    context.db.dispose()


def test_the_loop_in_serve_delivers_right_after_the_decision(live_ctx: AppContext) -> None:
    with Receiver() as cms:
        with live_ctx.db.session() as session:
            add_endpoint(session, cms.url(), [SECRET], allow_internal=True)
        with TestClient(create_app(context=live_ctx)) as client:
            post_article(client)
            token = client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": "test-admin-password"}
            ).json()["token"]
            queue_comment(client, "c1")
            decide(client, {"Authorization": f"Bearer {token}"}, "c1", "reject", rules=["insult"])
            deadline = time.monotonic() + 20
            while not cms.received and time.monotonic() < deadline:
                time.sleep(0.05)
        assert [json.loads(r.body)["event"] for r in cms.received] == ["rejected"]


def test_admins_see_the_delivery_log_and_replay_from_it(tmp_path: Path) -> None:
    ctx = make_context(
        f"sqlite:///{tmp_path / 'log.db'}",
        auto_approve=False,
        auto_reject=False,
        delivery_loop=False,
    )
    with (
        Receiver(statuses=[502]) as cms,
        TestClient(create_app(context=ctx), follow_redirects=False) as web,
    ):
        post_article(web)
        with ctx.db.session() as session:
            add_endpoint(session, cms.url(), [SECRET], allow_internal=True)
        login(web)
        queue_comment(web, "c1")
        token = web.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "test-admin-password"}
        ).json()["token"]
        decide(web, {"Authorization": f"Bearer {token}"}, "c1", "approve")
        deliver_due(ctx.db, sender(ctx), max_attempts=1)
        page = web.get("/moderate/admin/webhooks?state=failed")
        assert page.status_code == 200
        assert "HTTP 502" in page.text and "c1" in page.text and cms.url() in page.text
        with ctx.db.session() as session:
            delivery_id = session.scalars(select(WebhookDelivery.id)).one()
        r = web.post(
            f"/moderate/admin/webhooks/deliveries/{delivery_id}/replay",
            data={"csrf": csrf_of(page.text)},
        )
        assert r.status_code == 303
        forged = web.post(
            f"/moderate/admin/webhooks/deliveries/{delivery_id}/replay", data={"csrf": "x"}
        )
        assert forged.status_code == 403
        assert deliver_due(ctx.db, sender(ctx)).delivered == 1
    with ctx.db.session() as session:
        assert session.get(WebhookDelivery, delivery_id).state == "delivered"  # type: ignore[union-attr]
        replayed = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "webhook_replayed")
        ).one()
        assert replayed.details["delivery_id"] == delivery_id
    ctx.db.dispose()


def test_the_cli_adds_lists_rotates_and_removes_endpoints(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    refused = runner.invoke(
        cli, ["webhooks", "add", "http://127.0.0.1:9/x", "--secret", SECRET, "--db", db]
    )
    assert refused.exit_code != 0
    assert "not public" in str(refused.exception) or "not public" in refused.output
    added = runner.invoke(
        cli,
        [
            "webhooks",
            "add",
            "http://127.0.0.1:9/x",
            "--secret",
            SECRET,
            "--allow-internal",
            "--event",
            "rejected",
            "--db",
            db,
        ],
    )
    assert added.exit_code == 0, added.output
    assert "webhook endpoint 1 added" in added.output
    rotated = runner.invoke(
        cli,
        ["webhooks", "secrets", "1", "--secret", SECRET, "--secret", SECRET + "-new", "--db", db],
    )
    assert rotated.exit_code == 0 and "2 secret(s)" in rotated.output
    listed = runner.invoke(cli, ["webhooks", "list", "--db", db])
    assert "http://127.0.0.1:9/x" in listed.output and "rejected" in listed.output
    assert SECRET not in listed.output  # secrets are masked
    removed = runner.invoke(cli, ["webhooks", "remove", "1", "--db", db])
    assert removed.exit_code == 0
    assert "127.0.0.1:9" not in runner.invoke(cli, ["webhooks", "list", "--db", db]).output
    unknown = runner.invoke(cli, ["webhooks", "replay", "99", "--db", db])
    assert unknown.exit_code != 0
