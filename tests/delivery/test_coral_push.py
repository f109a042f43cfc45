"""Later human decisions reach Coral through its GraphQL API: the phase withholds a comment,
Coral's webhook names it, a moderator decides in netiquette, Coral's comment follows."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from netiquette.app import create_app
from netiquette.compat.signature import sign
from netiquette.delivery import Sender, deliver_due
from netiquette.store.models import CoralLink, WebhookDelivery
from tests.compat.cms import Received, Receiver
from tests.compat.coral_helpers import SECRET, coral_request, post_signed
from tests.conftest import ADMIN_PASSWORD, CMS, make_context
from tests.delivery.conftest import decide

TOKEN = "coral-admin-access-token-0123456789"
TEXT = "Hat jemand ein gutes Rezept für Zwetschgenkuchen?"


class StandInCoral:
    """Answers Coral's GraphQL operations netiquette sends, for comment ``cc-1``."""

    def __init__(self) -> None:
        self.operations: list[dict[str, Any]] = []

    def __call__(self, got: Received) -> tuple[int, bytes]:
        if got.headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, b'{"errors": [{"message": "unauthorized"}]}'
        request = json.loads(got.body)
        self.operations.append(request)
        query = request["query"]
        comment: dict[str, Any] = {"id": "cc-1", "revision": {"id": "rev-9"}}
        if "NetiquetteComment" in query:
            comment.update(
                body=f"<p>{TEXT}</p>",
                author={"id": "user-7f3a9c"},
                story={"id": "story-radwege"},
                parent=None,
            )
            data: dict[str, Any] = {"comment": comment}
        elif "NetiquetteRevision" in query:
            data = {"comment": comment}
        elif "rejectComment" in query:
            data = {"rejectComment": {"comment": {"id": "cc-1", "status": "REJECTED"}}}
        else:
            data = {"approveComment": {"comment": {"id": "cc-1", "status": "APPROVED"}}}
        return 200, json.dumps({"data": data}).encode()


def wait_until_stored(client: TestClient, comment_id: str) -> None:
    """The phase answers within its budget; the comment may be stored a moment later."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r = client.get(f"/api/v1/comments/{comment_id}", headers=CMS)
        if r.status_code == 200 and r.json()["status"] == "pending":
            return
        time.sleep(0.05)
    raise AssertionError(f"comment {comment_id} was not stored")


def _coral_webhook(client: TestClient, event: dict[str, Any]) -> Any:
    raw = json.dumps(event).encode()
    return client.post(
        "/coral/v1/events",
        content=raw,
        headers={"Content-Type": "application/json", "X-Coral-Signature": sign(raw, SECRET)},
    )


def test_a_moderators_later_decision_is_pushed_to_coral(database_url: str) -> None:
    coral = StandInCoral()
    with Receiver(answer=coral) as api:
        ctx = make_context(
            database_url,
            auto_approve=False,
            auto_reject=False,
            delivery_loop=False,
            coral_signing_secret=SECRET,
            coral_api_url=api.url("/api/graphql"),
            coral_access_token=TOKEN,
            webhook_allowed_hosts="127.0.0.1",
        )
        with TestClient(create_app(context=ctx)) as client:
            phase = post_signed(client, coral_request(TEXT, story_url=""))
            assert phase.json()["status"] == "SYSTEM_WITHHELD"
            ours = phase.headers["X-Netiquette-Comment-Id"]
            wait_until_stored(client, ours)
            token = client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            ).json()["token"]
            decide(
                client, {"Authorization": f"Bearer {token}"}, ours, "reject", rules=["off_topic"]
            )
            # Coral's id is not known yet: the push waits (and is retried) ...
            waiting = deliver_due(ctx.db, Sender.from_settings(ctx.db, ctx.settings))
            assert waiting.retried == 1 and "not known yet" in waiting.outcomes[0][1].error
            # ... until Coral's webhook names the comment; an unsigned one is refused.
            event = {
                "id": "evt-1",
                "type": "COMMENT_ENTERED_MODERATION_QUEUE",
                "tenantID": "tenant-0d1e",
                "tenantDomain": "kommentare.zeitung.example",
                "data": {
                    "queue": "PENDING",
                    "commentID": "cc-1",
                    "status": "SYSTEM_WITHHELD",
                    "storyID": "story-radwege",
                    "siteID": "site-lokales",
                },
                "createdAt": "2026-12-04T10:00:00.000Z",
            }
            unsigned = client.post("/coral/v1/events", json=event)
            assert unsigned.status_code == 401
            linked = _coral_webhook(client, event)
            assert linked.status_code == 200, linked.text
            assert linked.json() == {"linked": ours}
            pushed = deliver_due(ctx.db, Sender.from_settings(ctx.db, ctx.settings))
            assert pushed.delivered == 1, pushed.outcomes
        reject = coral.operations[-1]
        assert "rejectComment" in reject["query"]
        inp = reject["variables"]["input"]
        assert inp["commentID"] == "cc-1" and inp["commentRevisionID"] == "rev-9"
        assert inp["reason"] == {"code": "IRRELEVANT_CONTENT"}
        with ctx.db.session() as session:
            link = session.get(CoralLink, ours)
            assert link is not None and link.coral_comment_id == "cc-1"
            delivery = session.scalars(select(WebhookDelivery)).one()
            assert inp["clientMutationId"] == delivery.event_key
        # The moderator reverses it: Coral approves the comment.
        with TestClient(create_app(context=ctx)) as client:
            token = client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            ).json()["token"]
            decide(client, {"Authorization": f"Bearer {token}"}, ours, "approve")
            assert deliver_due(ctx.db, Sender.from_settings(ctx.db, ctx.settings)).delivered == 1
        assert "approveComment" in coral.operations[-1]["query"]
        ctx.db.dispose()


def test_automatic_decisions_and_other_comments_are_not_pushed_to_coral(
    database_url: str,
) -> None:
    with Receiver() as api:
        ctx = make_context(
            database_url,
            delivery_loop=False,
            auto_approve=False,
            auto_reject=False,
            coral_api_url=api.url("/api/graphql"),
            coral_access_token=TOKEN,
            webhook_allowed_hosts="127.0.0.1",
        )
        with TestClient(create_app(context=ctx)) as client:
            from tests.conftest import post_article
            from tests.delivery.conftest import queue_comment

            post_article(client)
            queue_comment(client, "cms-comment")
            token = client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            ).json()["token"]
            decide(client, {"Authorization": f"Bearer {token}"}, "cms-comment", "approve")
            result = deliver_due(ctx.db, Sender.from_settings(ctx.db, ctx.settings))
        assert (result.created, api.received) == (0, [])
        ctx.db.dispose()
