"""Appeals: once per rejection, decided by a second moderator, outcome visible and audited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.review.intake import text_hash
from netiquette.web.context import AppContext
from tests.accountability.helpers import (
    CLEAN,
    INSULT,
    admin,
    decide,
    own_view,
    second_moderator,
    submit,
)
from tests.conftest import make_context

APPEAL = "Ich habe niemanden beleidigt, das war Ironie. Bitte prüfen Sie das noch einmal."


def _appeal(client: TestClient, submitted: dict[str, str], text: str = APPEAL) -> int:
    r = client.post(
        f"/api/v1/public/comments/{submitted['id']}/appeal",
        json={"text": text, "token": submitted["status_token"]},
    )
    return r.status_code


def test_second_moderator_reverses_and_the_comment_is_published(database_url: str) -> None:
    ctx: AppContext = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        submitted = submit(client, CLEAN)
        first = admin(client)
        decide(client, first, submitted["id"], "reject", "off_topic")
        assert _appeal(client, submitted) == 201
        assert own_view(client, submitted)["appeal"]["state"] == "open"
        assert _appeal(client, submitted, "Noch einmal!") == 409  # once only

        queue = client.get("/api/v1/appeals", headers=first).json()["appeals"]
        assert [a["comment"]["id"] for a in queue] == [submitted["id"]]
        assert queue[0]["text"] == APPEAL and queue[0]["you_may_decide"] is False
        # The moderator who rejected may not judge their own decision.
        r = client.post(
            f"/api/v1/appeals/{queue[0]['id']}/decision",
            json={"outcome": "reversed", "reason": "Ich korrigiere mich."},
            headers=first,
        )
        assert r.status_code == 403

        second = second_moderator(ctx, client)
        assert client.get("/api/v1/appeals", headers=second).json()["appeals"][0]["you_may_decide"]
        r = client.post(
            f"/api/v1/appeals/{queue[0]['id']}/decision",
            json={"outcome": "reversed", "reason": "Der Kommentar bezieht sich auf den Artikel."},
            headers=second,
        )
        assert r.status_code == 200, r.text

        view = own_view(client, submitted)
        assert view["status"] == "approved" and view["public"] is True
        assert view["statement_of_reasons"] is None
        assert view["appeal"]["outcome"] == "reversed"
        assert view["appeal"]["reason"] == "Der Kommentar bezieht sich auf den Artikel."
        thread = client.get("/api/v1/articles/a1/comments").json()["comments"]
        assert [c["id"] for c in thread] == [submitted["id"]]

        events = client.get(f"/api/v1/audit?comment_id={submitted['id']}", headers=second).json()
        names = [e["event"] for e in events["events"]]
        assert names[-3:] == ["appealed", "reversed", "appeal_decided"]
        decided = events["events"][-1]
        assert decided["actor"] == "moderator:bea"
        assert decided["details"]["outcome"] == "reversed"
        assert (decided["from_state"], decided["to_state"]) == ("rejected", "approved")
        assert APPEAL not in str(events)  # only the appeal's sha256 is in the chain
        # Nor the reason written to the commenter (neither in the event nor in the note of
        # the reversing decision): it stays on the appeal row, where erasure reaches it.
        assert "Der Kommentar bezieht sich" not in str(events)
        assert decided["details"]["reason_sha256"] == text_hash(
            "Der Kommentar bezieht sich auf den Artikel."
        )
        assert client.get("/api/v1/appeals", headers=second).json()["appeals"] == []
    ctx.db.dispose()


def test_an_automatic_rejection_may_be_reviewed_by_anyone_and_upheld(client: TestClient) -> None:
    submitted = submit(client, INSULT)
    assert _appeal(client, submitted) == 201
    mod = admin(client)
    appeal_id = client.get("/api/v1/appeals", headers=mod).json()["appeals"][0]["id"]
    r = client.post(
        f"/api/v1/appeals/{appeal_id}/decision",
        json={"outcome": "upheld", "reason": "„Vollidiot“ ist eine Beleidigung."},
        headers=mod,
    )
    assert r.status_code == 200, r.text
    view = own_view(client, submitted)
    assert view["status"] == "rejected" and view["appeal"]["outcome"] == "upheld"
    assert view["can_appeal"] is False and view["statement_of_reasons"] is not None
    again = client.post(
        f"/api/v1/appeals/{appeal_id}/decision",
        json={"outcome": "reversed", "reason": "doch nicht"},
        headers=mod,
    )
    assert again.status_code == 409


def test_only_rejections_can_be_appealed_and_texts_must_be_given(database_url: str) -> None:
    ctx: AppContext = make_context(database_url, auto_approve=False)
    with TestClient(create_app(context=ctx)) as client:
        pending = submit(client, CLEAN)
        assert _appeal(client, pending) == 409
        rejected = submit(client, INSULT)
        assert _appeal(client, rejected, "   ") == 422
        wrong = client.post(
            f"/api/v1/public/comments/{rejected['id']}/appeal",
            json={"text": APPEAL, "token": pending["status_token"]},
        )
        assert wrong.status_code == 404
    ctx.db.dispose()
