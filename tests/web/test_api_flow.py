"""The whole promise over HTTP: held, screened, decided, published, audited."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from netiquette.web.context import AppContext
from tests.conftest import CMS, make_context, post_article, post_comment

CLEAN = (
    "Gut, dass die Linie 7 endlich kommt. 118 Millionen Euro sind viel, "
    "aber Nordheim braucht die Anbindung."
)
INSULT = "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot."
AD = "Verdiene 5000 Euro im Monat von zu Hause! Jetzt anmelden: www.schnell-reich-werden.biz"


def test_comment_flow_from_submission_to_publication(database_url: str) -> None:
    # A site that lets no comment out without a human: clean comments wait in the queue.
    ctx: AppContext = make_context(database_url, auto_approve=False)
    from netiquette.app import create_app

    with TestClient(create_app(context=ctx)) as client:
        article = post_article(client)
        assert "Stadtbahnlinie 7" in article["body"]

        ids = {}
        for name, text in (("clean", CLEAN), ("insult", INSULT), ("ad", AD)):
            r = post_comment(client, text)
            assert r.status_code == 202, r.text
            body = r.json()
            assert set(body) == {
                "id",
                "status",
                "estimated_wait_seconds",
                "status_url",
                "status_token",
                "public_status_url",
            }
            assert body["status_url"].endswith(f"/api/v1/comments/{body['id']}")
            ids[name] = body["id"]

        # Nothing is public before a human decided: the clean one waits, the others are out.
        public = client.get("/api/v1/articles/a1/comments").json()
        assert public["comments"] == []
        status = {
            k: client.get(f"/api/v1/comments/{v}", headers=CMS).json() for k, v in ids.items()
        }
        assert status["clean"]["status"] == "pending"
        assert status["clean"]["estimated_wait_seconds"] > 0
        assert status["insult"]["status"] == "rejected"
        assert status["insult"]["decision"]["rules"] == ["insult"]
        assert status["insult"]["decision"]["actor"].startswith("auto:")
        evidence = status["insult"]["screening"]["insult"]["evidence"]
        assert [e["text"] for e in evidence] == ["Vollidiot"]
        assert status["ad"]["status"] == "rejected"
        assert "ad_link" in status["ad"]["decision"]["rules"]

        login = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "test-admin-password"}
        )
        mod = {"Authorization": f"Bearer {login.json()['token']}"}
        queue = client.get("/api/v1/queue?limit=10", headers=mod).json()["comments"]
        assert [c["id"] for c in queue] == [ids["clean"]]

        r = client.post(
            f"/api/v1/comments/{ids['clean']}/decision",
            json={"action": "approve", "note": "sachlich", "version": queue[0]["version"]},
            headers=mod,
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved"

        public = client.get("/api/v1/articles/a1/comments").json()
        assert [c["text"] for c in public["comments"]] == [CLEAN]
        assert client.get("/api/v1/queue", headers=mod).json()["comments"] == []

        events = client.get(f"/api/v1/audit?comment_id={ids['clean']}", headers=mod).json()[
            "events"
        ]
        assert [(e["event"], e["from_state"], e["to_state"]) for e in events] == [
            ("received", None, "received"),
            ("queued", "received", "pending"),
            ("approved", "pending", "approved"),
        ]
        assert [e["actor"] for e in events] == ["cms:cms", events[1]["actor"], "moderator:admin"]
        assert events[1]["actor"].startswith("auto:")
        assert all(e["at"] for e in events)
        # The moderator's note is free text: the chain, which is never erased, holds only its
        # digest and the decision it belongs to; the text itself is on the decision.
        assert "sachlich" not in str(events)
        details = events[2]["details"]
        assert "note" not in details
        assert details["note_sha256"] == hashlib.sha256(b"sachlich").hexdigest()
        decisions = client.get(f"/api/v1/comments/{ids['clean']}", headers=mod).json()["decisions"]
        assert [(d["id"], d["note"]) for d in decisions] == [(details["decision_id"], "sachlich")]
    ctx.db.dispose()


def test_moderator_reverses_a_decision_and_both_records_remain(
    client: TestClient, moderator: dict[str, str]
) -> None:
    post_article(client)
    comment_id = post_comment(client, INSULT).json()["id"]
    r = client.post(
        f"/api/v1/comments/{comment_id}/decision",
        json={"action": "approve", "note": "Zitat, keine Beleidigung"},
        headers=moderator,
    )
    assert r.status_code == 200, r.text
    assert r.json()["decision"]["reverses"] is not None
    assert [c["id"] for c in client.get("/api/v1/articles/a1/comments").json()["comments"]] == [
        comment_id
    ]
    r = client.post(
        f"/api/v1/comments/{comment_id}/decision",
        json={"action": "reject", "rules": ["insult"]},
        headers=moderator,
    )
    assert r.status_code == 200
    status = client.get(f"/api/v1/comments/{comment_id}", headers=moderator).json()
    assert [d["action"] for d in status["decisions"]] == ["reject", "approve", "reject"]
    assert client.get("/api/v1/articles/a1/comments").json()["comments"] == []


def test_submission_is_idempotent_on_id(client: TestClient) -> None:
    post_article(client)
    first = post_comment(client, CLEAN, id="c-42")
    again = post_comment(client, CLEAN, id="c-42")
    assert first.status_code == again.status_code == 202
    # The same answer, except that a repeat (its first answer was lost) gets a fresh token.
    once = ("status_token", "public_status_url")
    assert {k: v for k, v in first.json().items() if k not in once} == {
        k: v for k, v in again.json().items() if k not in once
    }
    assert first.json()["status_token"] != again.json()["status_token"]
    other = post_comment(client, "Ein ganz anderer Text zur Linie 7.", id="c-42")
    assert other.status_code == 409
    assert other.json()["error"]["field"] == "id"


def test_stale_version_is_refused(client: TestClient, moderator: dict[str, str]) -> None:
    post_article(client)
    comment_id = post_comment(client, INSULT).json()["id"]
    version = client.get(f"/api/v1/comments/{comment_id}", headers=moderator).json()["version"]
    ok = client.post(
        f"/api/v1/comments/{comment_id}/decision",
        json={"action": "approve", "version": version},
        headers=moderator,
    )
    assert ok.status_code == 200
    stale = client.post(
        f"/api/v1/comments/{comment_id}/decision",
        json={"action": "reject", "rules": ["insult"], "version": version},
        headers=moderator,
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["field"] == "version"


def test_replies_are_threaded_under_public_parents(
    client: TestClient, moderator: dict[str, str]
) -> None:
    post_article(client)
    root = post_comment(client, CLEAN, id="root").json()["id"]
    reply = post_comment(
        client, "Stimmt, die Anbindung nach Nordheim fehlt seit Jahren.", id="reply", parent_id=root
    ).json()["id"]
    for cid in (root, reply):
        client.post(
            f"/api/v1/comments/{cid}/decision", json={"action": "approve"}, headers=moderator
        )
    thread = client.get("/api/v1/articles/a1/comments").json()
    assert thread["total"] == 1
    assert thread["comments"][0]["id"] == root
    assert [r["id"] for r in thread["comments"][0]["replies"]] == [reply]
    # Rejecting the parent hides the reply too.
    client.post(
        f"/api/v1/comments/{root}/decision",
        json={"action": "reject", "rules": ["off_topic"]},
        headers=moderator,
    )
    assert client.get("/api/v1/articles/a1/comments").json()["comments"] == []


def test_cms_key_cannot_decide_and_moderator_token_can(
    client: TestClient, moderator: dict[str, str], ctx: AppContext
) -> None:
    post_article(client)
    comment_id = post_comment(client, CLEAN).json()["id"]
    r = client.post(
        f"/api/v1/comments/{comment_id}/decision",
        json={"action": "reject", "rules": ["insult"]},
        headers=CMS,
    )
    assert r.status_code == 403
    assert client.get("/api/v1/queue").status_code == 401
    assert client.get("/api/v1/queue", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/queue", headers=moderator).status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"


def test_api_decision_respects_a_workspace_lease(
    client: TestClient, moderator: dict[str, str], ctx: AppContext
) -> None:
    from netiquette.review.claims import claim

    post_article(client)
    comment_id = post_comment(client, INSULT).json()["id"]
    with ctx.db.session() as session:
        claim(session, comment_id, "bea")  # bea has it open in her workspace
    r = client.post(
        f"/api/v1/comments/{comment_id}/decision", json={"action": "approve"}, headers=moderator
    )
    assert r.status_code == 409
    assert "bea" in r.json()["error"]["message"]
