"""``comments:suggestscore``: Coral's feedback becomes labelled examples for retraining."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from netiquette.store.models import FeedbackExample
from netiquette.web.context import AppContext
from tests.conftest import API_KEY

URL = f"/v1alpha1/comments:suggestscore?key={API_KEY}"


def coral_feedback(text: str, rejected: bool, comment_id: str = "c0ffee-1") -> dict[str, object]:
    """The body Coral sends when "send feedback" is on (0 approved, 1 rejected)."""
    context = {"storyURL": "https://zeitung.example/lokales/radwege", "commentID": comment_id}
    return {
        "comment": {"text": text},
        "context": {"entries": [{"text": json.dumps(context)}]},
        "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1 if rejected else 0}}},
        "languages": ["de"],
        "communityId": "Coral:https://kommentare.zeitung.example",
        "clientToken": f"comment:{comment_id}",
    }


def test_coral_feedback_is_stored_as_a_labelled_example(
    client: TestClient, ctx: AppContext
) -> None:
    r = client.post(URL, json=coral_feedback("Du bist ein Vollidiot.", rejected=True))
    assert r.status_code == 200, r.text
    assert r.json() == {"clientToken": "comment:c0ffee-1"}
    r = client.post(URL, json=coral_feedback("Gute Idee.", rejected=False, comment_id="c2"))
    assert r.status_code == 200
    with ctx.db.session() as session:
        rows = session.scalars(select(FeedbackExample).order_by(FeedbackExample.id)).all()
        assert [(x.text, x.labels, x.rule_labels) for x in rows] == [
            ("Du bist ein Vollidiot.", {"TOXICITY": 1.0}, {"reject": 1.0}),
            ("Gute Idee.", {"TOXICITY": 0.0}, {"reject": 0.0}),
        ]
        first = rows[0]
        assert first.external_comment_id == "c0ffee-1"
        assert first.community_id == "Coral:https://kommentare.zeitung.example"
        assert first.submitter.startswith("cms:")
        assert "storyURL" in first.context[0]


def test_single_rule_attributes_label_their_house_rule(client: TestClient, ctx: AppContext) -> None:
    body = {
        "comment": {"text": "Jetzt klicken: www.schnell-reich-werden.biz"},
        "attributeScores": {
            "AD_LINK": {"summaryScore": {"value": 1}},
            "INSULT": {"summaryScore": {"value": 0}},
        },
    }
    r = client.post(URL, json=body)
    assert r.json() == {"clientToken": ""}
    with ctx.db.session() as session:
        row = session.scalars(select(FeedbackExample)).one()
        assert row.rule_labels == {"ad_link": 1.0, "insult": 0.0}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}}}, "comment.text"),
        ({"comment": {"text": "Hallo"}}, "attributeScores"),
        (
            {"comment": {"text": "Hallo"}, "attributeScores": {"FLIRTATION": {"summaryScore": {}}}},
            "FLIRTATION",
        ),
        (
            {
                "comment": {"text": "Hi"},
                "attributeScores": {"TOXICITY": {"summaryScore": {"value": 3}}},
            },
            "value",
        ),
    ],
)
def test_bad_feedback_is_a_google_400_and_stores_nothing(
    client: TestClient, ctx: AppContext, body: dict[str, object], words: str
) -> None:
    r = client.post(URL, json=body)
    assert r.status_code == 400
    assert r.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert words in r.json()["error"]["message"]
    with ctx.db.session() as session:
        assert session.scalars(select(FeedbackExample)).first() is None


def test_feedback_needs_a_key(client: TestClient) -> None:
    r = client.post("/v1alpha1/comments:suggestscore", json=coral_feedback("Hallo", False))
    assert r.status_code == 401
    assert r.json()["error"]["status"] == "UNAUTHENTICATED"
