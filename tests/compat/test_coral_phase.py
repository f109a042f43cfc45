"""Coral Talk's external moderation phase: signatures, answers, the record, the time budget."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from netiquette.app import create_app
from netiquette.compat.signature import sign
from netiquette.store.models import AuditEvent, Comment
from netiquette.web.context import AppContext
from tests.compat.coral_helpers import (
    MODERATE,
    SECRET,
    SlowPipeline,
    coral_request,
    post_signed,
    use_pipeline,
)
from tests.conftest import CMS, make_context
from tests.fakes import ScriptedPipeline

INSULT_HTML = "<p>Wer so etwas beschließt, ist ein <b>Vollidiot</b>.</p>"
AD = "Verdiene 5000 Euro im Monat von zu Hause! Jetzt anmelden: www.schnell-reich-werden.biz"
CLEAN = "Gute Sache, aber die Parkplätze am Wallring werden fehlen."
# ScriptedPipeline decides by marker: [approve], [reject], otherwise review.
APPROVE = "[approve] Gute Sache, aber die Parkplätze am Wallring werden fehlen."


def coral_client(database_url: str, **settings: Any) -> Iterator[tuple[TestClient, AppContext]]:
    # These tests are about the answer, not the clock: a loaded CI machine may take more than
    # the default 1 s to accept and screen, which would turn every answer into SYSTEM_WITHHELD.
    # The budget itself is tested below with its own small setting.
    settings.setdefault("coral_time_budget_ms", 15_000)
    ctx = make_context(database_url, coral_signing_secret=SECRET, **settings)
    with TestClient(create_app(context=ctx)) as client:
        yield client, ctx
    ctx.db.dispose()


@pytest.fixture
def coral(database_url: str) -> Iterator[tuple[TestClient, AppContext]]:
    # No story URL fetches in these tests: the story URL points nowhere routable.
    yield from coral_client(database_url)


def test_insult_is_rejected_with_coral_toxic_flag_and_recorded(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, ctx = coral
    r = post_signed(client, coral_request(INSULT_HTML, story_url=""))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}],
        "status": "REJECTED",
    }
    assert r.headers["X-Netiquette-Rules"] == "insult"
    comment_id = r.headers["X-Netiquette-Comment-Id"]
    # The comment is in netiquette's own record, as plain text, with its decision and audit.
    status = client.get(f"/api/v1/comments/{comment_id}", headers=CMS).json()
    assert status["status"] == "rejected"
    assert status["decision"]["rules"] == ["insult"]
    evidence = status["screening"]["insult"]["evidence"]
    assert [e["text"] for e in evidence] == ["Vollidiot"]
    with ctx.db.session() as session:
        comment = session.get(Comment, comment_id)
        assert comment is not None
        assert comment.text == "Wer so etwas beschließt, ist ein Vollidiot."
        assert comment.article_id == "story-radwege"
        actors = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.comment_id == comment_id)
        ).all()
    assert "coral:kommentare.zeitung.example" in actors


def test_ad_is_rejected_as_spam(coral: tuple[TestClient, AppContext]) -> None:
    client, _ = coral
    r = post_signed(client, coral_request(AD, story_url=""))
    assert r.json() == {
        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_SPAM"}],
        "status": "REJECTED",
    }


def test_approved_comment_is_approved_in_coral(coral: tuple[TestClient, AppContext]) -> None:
    client, ctx = coral
    use_pipeline(ctx, ScriptedPipeline())
    r = post_signed(client, coral_request(APPROVE, story_url=""))
    assert r.status_code == 200
    assert r.json() == {"status": "APPROVED"}
    assert r.headers["X-Netiquette-Outcome"] == "approved"


def test_without_auto_approve_for_coral_an_approval_is_no_opinion(database_url: str) -> None:
    for client, ctx in coral_client(database_url, coral_auto_approve=False):
        use_pipeline(ctx, ScriptedPipeline())
        r = post_signed(client, coral_request(APPROVE, story_url=""))
        assert r.status_code == 204
        assert r.content == b""
        assert r.headers["X-Netiquette-Outcome"] == "approved"


def test_without_auto_reject_an_insult_is_withheld_for_a_human(database_url: str) -> None:
    for client, _ in coral_client(database_url, auto_reject=False):
        r = post_signed(client, coral_request(INSULT_HTML, story_url=""))
        assert r.json() == {
            "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}],
            "status": "SYSTEM_WITHHELD",
        }
        queue_id = r.headers["X-Netiquette-Comment-Id"]
        status = client.get(f"/api/v1/comments/{queue_id}", headers=CMS).json()
        assert status["status"] == "pending"


def test_a_comment_for_a_human_is_withheld(coral: tuple[TestClient, AppContext]) -> None:
    client, ctx = coral
    use_pipeline(ctx, ScriptedPipeline())
    r = post_signed(client, coral_request("Eine Frage an die Redaktion.", story_url=""))
    assert r.json() == {"actions": [], "status": "SYSTEM_WITHHELD"}
    assert r.headers["X-Netiquette-Outcome"] == "pending"


def test_a_resent_request_gets_the_same_answer_and_one_comment(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, ctx = coral
    request = coral_request(INSULT_HTML, story_url="")
    first, again = post_signed(client, request), post_signed(client, request)
    assert first.json() == again.json()
    assert first.headers["X-Netiquette-Comment-Id"] == again.headers["X-Netiquette-Comment-Id"]
    use_pipeline(ctx, ScriptedPipeline())
    edited = coral_request(f"<p>{APPROVE}</p>", story_url="")
    edited["action"] = "EDIT"
    assert post_signed(client, edited).json() == {"status": "APPROVED"}
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 2


def test_unsigned_or_wrongly_signed_requests_are_refused(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, ctx = coral
    use_pipeline(ctx, ScriptedPipeline())
    raw = json.dumps(coral_request(APPROVE, story_url="")).encode()
    for headers in (
        {},
        {"X-Coral-Signature": sign(raw, "not-the-secret")},
        {"X-Coral-Signature": sign(raw + b" ", SECRET)},
        {"X-Coral-Signature": "garbage"},
    ):
        r = client.post(MODERATE, content=raw, headers=headers)
        assert r.status_code == 401, headers
        assert r.json()["error"]["field"] == "X-Coral-Signature"
    # While a rotated secret is still valid Coral sends both signatures.
    rotated = f"{sign(raw, 'the-old-secret')},{sign(raw, SECRET)}"
    assert client.post(MODERATE, content=raw, headers={"X-Coral-Signature": rotated}).is_success
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 1


def test_without_a_signing_secret_the_phase_is_off(client: TestClient) -> None:
    r = post_signed(client, coral_request(CLEAN, story_url=""))
    assert r.status_code == 503
    assert r.json()["error"]["field"] == "coral_signing_secret"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("story"), "story"),
        (lambda b: b["story"].pop("id"), "story.id"),
        (lambda b: b.update(action="DELETE"), "action"),
        (lambda b: b["comment"].pop("body"), "comment.body"),
        (lambda b: b.pop("tenantID"), "tenantID"),
        (lambda b: b["author"].update(id=12345), "author.id"),
    ],
)
def test_malformed_requests_are_withheld_naming_the_field(
    coral: tuple[TestClient, AppContext], change: Any, field: str
) -> None:
    # Signed by Coral, so an error answer would be "no opinion" to Coral: a human decides.
    client, _ = coral
    request = coral_request(CLEAN, story_url="")
    change(request)
    r = post_signed(client, request)
    assert r.status_code == 200, r.text
    assert r.json() == {"actions": [], "status": "SYSTEM_WITHHELD"}
    assert r.headers["X-Netiquette-Outcome"] == "invalid-request"
    assert r.headers["X-Netiquette-Error-Field"] == field


def test_an_empty_body_gets_no_opinion(coral: tuple[TestClient, AppContext]) -> None:
    client, _ = coral
    r = post_signed(client, coral_request("<p> </p>", story_url=""))
    assert r.status_code == 204


def test_past_the_time_budget_coral_gets_withheld_and_netiquette_still_decides(
    database_url: str,
) -> None:
    ctx = make_context(database_url, coral_signing_secret=SECRET, coral_time_budget_ms=200)
    use_pipeline(ctx, SlowPipeline(ScriptedPipeline(), delay_s=1.0))
    with TestClient(create_app(context=ctx)) as client:
        r = post_signed(client, coral_request("[reject] Das war zu langsam.", story_url=""))
        assert r.status_code == 200
        assert r.json() == {"actions": [], "status": "SYSTEM_WITHHELD"}
        assert r.headers["X-Netiquette-Outcome"] == "timeout"
        comment_id = r.headers["X-Netiquette-Comment-Id"]
        state = None
        for _ in range(100):
            with ctx.db.session() as session:
                comment = session.get(Comment, comment_id)
                state = comment.state if comment else None
            if state == "rejected":
                break
            time.sleep(0.05)
        assert state == "rejected"
    ctx.db.dispose()
