"""``/v1alpha1/comments:analyze`` answers the exact calls Perspective clients make.

The request bodies below are written from the public documentation of Coral Talk's Perspective
integration and of Perspective's client samples (Python discovery client, Node client, curl).
"""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netiquette.accounts import authenticate, upsert_user
from netiquette.errors import AuthError
from netiquette.screening.base import ScreeningInput
from netiquette.store.models import Base
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, API_KEY, post_article

ANALYZE = "/v1alpha1/comments:analyze"
URL = f"{ANALYZE}?key={API_KEY}"
INSULT = "Wer so einen Unsinn schreibt, ist ein Vollidiot."
FACTUAL = (
    "Laut Artikel kostet die Strecke 118 Millionen Euro, davon zahlen Bund und Land 75 Prozent."
)
FACTUAL_MORE = (
    "Ich fahre die Strecke täglich mit dem Bus, das dauert derzeit etwa 25 Minuten.",
    "Die Kosten werden auf 118 Millionen Euro geschätzt.",
)


def analyze(client: TestClient, body: Any, url: str = URL) -> dict[str, Any]:
    r = client.post(url, content=json.dumps(body).encode())
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def summary(answer: dict[str, Any], attribute: str) -> float:
    value: float = answer["attributeScores"][attribute]["summaryScore"]["value"]
    return value


def test_coral_talks_exact_call_gets_toxicity_it_can_read(client: TestClient) -> None:
    # Coral: POST <endpoint>/comments:analyze?key=<key>, reads attributeScores.TOXICITY.
    for text, high in ((INSULT, True), (FACTUAL, False)):
        coral = {
            "comment": {"text": text},
            "doNotStore": True,
            "requestedAttributes": {"TOXICITY": {}},
            "languages": ["de"],
        }
        answer = analyze(client, coral)
        assert set(answer) == {"attributeScores", "languages", "detectedLanguages"}
        assert set(answer["attributeScores"]) == {"TOXICITY"}
        score = answer["attributeScores"]["TOXICITY"]["summaryScore"]
        assert score["type"] == "PROBABILITY"
        assert 0.0 <= score["value"] <= 1.0
        # Coral's default threshold is 0.80.
        assert (score["value"] > 0.8) is high
        assert answer["languages"] == ["de"]
        assert answer["detectedLanguages"] == ["de"]


def test_python_client_sample_body(client: TestClient) -> None:
    # googleapiclient: comments().analyze(body=...) posts the dict with ?key=…&alt=json.
    body = {"comment": {"text": INSULT}, "requestedAttributes": {"TOXICITY": {}}}
    answer = analyze(client, body, f"{URL}&alt=json")
    assert 0.8 <= summary(answer, "TOXICITY") <= 1.0


def test_german_insult_scores_high_and_a_factual_comment_low(client: TestClient) -> None:
    attributes = ["TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY"]
    body = {
        "comment": {"text": INSULT, "type": "PLAIN_TEXT"},
        "requestedAttributes": {name: {} for name in attributes},
        "languages": ["de"],
        "doNotStore": True,
        "clientToken": "cms-42",
    }
    answer = analyze(client, body)
    assert set(answer["attributeScores"]) == set(attributes)
    assert summary(answer, "INSULT") >= 0.8
    assert summary(answer, "TOXICITY") >= 0.8
    assert summary(answer, "SEVERE_TOXICITY") <= summary(answer, "TOXICITY")
    assert answer["clientToken"] == "cms-42"

    for factual in (FACTUAL, *FACTUAL_MORE):
        body["comment"] = {"text": factual}
        answer = analyze(client, body)
        for name in attributes:
            assert 0.0 <= summary(answer, name) <= 0.2, (factual, name)


def test_spans_point_at_the_offending_words_and_at_each_sentence(client: TestClient) -> None:
    text = "Die Linie 7 kommt 2031. Das ist zu spät. Und du bist ein Vollpfosten, ehrlich."
    body = {
        "comment": {"text": text},
        "requestedAttributes": {"INSULT": {}},
        "spanAnnotations": True,
        "languages": ["de"],
    }
    spans = analyze(client, body)["attributeScores"]["INSULT"]["spanScores"]
    pieces = {text[s["begin"] : s["end"]]: s["score"]["value"] for s in spans}
    # One span per sentence, as Perspective gives them ...
    assert pieces["Die Linie 7 kommt 2031."] <= 0.2
    assert pieces["Das ist zu spät."] <= 0.2
    assert pieces["Und du bist ein Vollpfosten, ehrlich."] >= 0.8
    # ... and one on the insult itself.
    assert pieces["Vollpfosten"] >= 0.8
    for span in spans:
        assert span["score"]["type"] == "PROBABILITY"
        assert 0 <= span["begin"] < span["end"] <= len(text)


def test_without_span_annotations_one_span_covers_the_text_plus_the_evidence(
    client: TestClient,
) -> None:
    body = {"comment": {"text": INSULT}, "requestedAttributes": {"INSULT": {}}}
    spans = analyze(client, body)["attributeScores"]["INSULT"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [
        (0, len(INSULT)),
        (INSULT.index("Vollidiot"), INSULT.index("Vollidiot") + len("Vollidiot")),
    ]


def test_score_threshold_leaves_out_lower_scores(client: TestClient) -> None:
    body = {
        "comment": {"text": FACTUAL},
        "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.5}, "INSULT": {}},
    }
    assert set(analyze(client, body)["attributeScores"]) == {"INSULT"}


def test_curl_sample_with_bare_keys_is_accepted(client: TestClient) -> None:
    # Perspective's curl examples send JavaScript-style objects; Google's front end takes them.
    raw = (
        b'{comment: {text: "Du Vollidiot, lies erst mal den Artikel."},'
        b' languages: ["de"], requestedAttributes: {TOXICITY:{}} }'
    )
    r = client.post(URL, content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert summary(r.json(), "TOXICITY") >= 0.8


def test_key_as_header_or_bearer_works_too(client: TestClient) -> None:
    body = {"comment": {"text": FACTUAL}, "requestedAttributes": {"TOXICITY": {}}}
    for headers in ({"X-Goog-Api-Key": API_KEY}, {"Authorization": f"Bearer {API_KEY}"}):
        assert client.post(ANALYZE, json=body, headers=headers).status_code == 200


def test_our_attributes_insinuation_ad_link_and_off_topic(client: TestClient) -> None:
    post_article(client)
    ad = "Verdiene 5000 Euro im Monat von zu Hause! Jetzt anmelden: www.schnell-reich-werden.biz"
    body = {
        "comment": {"text": ad},
        "requestedAttributes": {"AD_LINK": {}, "SPAM": {}},
        "languages": ["de"],
    }
    answer = analyze(client, body)
    assert summary(answer, "AD_LINK") >= 0.8
    assert summary(answer, "SPAM") == summary(answer, "AD_LINK")
    spans = answer["attributeScores"]["AD_LINK"]["spanScores"]
    assert any("schnell-reich-werden.biz" in ad[s["begin"] : s["end"]] for s in spans)


def google_error(r: Any, code: int, status: str) -> str:
    assert r.status_code == code, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "status"}
    assert body["error"]["code"] == code
    assert body["error"]["status"] == status
    message: str = body["error"]["message"]
    assert message
    return message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"comment": {"text": "Hallo"}, "requestedAttributes": {"FLIRTATION": {}}}, "FLIRTATION"),
        (
            {"comment": {"text": "Hi"}, "requestedAttributes": {"INSULT": {}}, "languages": ["en"]},
            "languages: en",
        ),
        ({"requestedAttributes": {"TOXICITY": {}}}, "comment.text"),
        ({"comment": {"text": "   "}, "requestedAttributes": {"TOXICITY": {}}}, "empty"),
        ({"comment": {"text": "Hallo"}}, "requestedAttributes"),
        ({"comment": {"text": "Hallo"}, "requestedAttributes": {}}, "requestedAttributes"),
        (
            {
                "comment": {"text": "<b>Hi</b>", "type": "HTML"},
                "requestedAttributes": {"INSULT": {}},
            },
            "PLAIN_TEXT",
        ),
        (
            {"comment": {"text": "Hi"}, "requestedAttributes": {"INSULT": {"scoreType": "RAW"}}},
            "scoreType",
        ),
        (
            {"comment": {"text": "Hi"}, "requestedAttributes": {"INSULT": {"scoreThreshold": 2}}},
            "scoreThreshold",
        ),
        ({"comment": {"text": "Hi"}, "requestedAttributes": {"OFF_TOPIC": {}}}, "article"),
        ({"comment": "Hallo", "requestedAttributes": {"TOXICITY": {}}}, "comment"),
        (
            {
                "comment": {"text": "Hi"},
                "requestedAttributes": {"TOXICITY": {}},
                "doNotStore": "ja",
            },
            "doNotStore",
        ),
    ],
)
def test_bad_requests_get_google_error_bodies(
    client: TestClient, body: dict[str, Any], words: str
) -> None:
    assert words in google_error(client.post(URL, json=body), 400, "INVALID_ARGUMENT")


def test_text_over_our_limit_is_refused_and_perspectives_3000_bytes_are_not(
    client: TestClient, ctx: AppContext
) -> None:
    # Over Perspective's 3,000 bytes (umlauts take two), under netiquette's 10,000 characters.
    long_text = "Schöne Grüße aus Nordheim, die Bahn wird gut. " * 80
    assert len(long_text.encode()) > 3000
    body = {"comment": {"text": long_text}, "requestedAttributes": {"TOXICITY": {}}}
    assert client.post(URL, json=body).status_code == 200
    body["comment"] = {"text": "x" * (ctx.settings.max_comment_chars + 1)}
    assert "limit" in google_error(client.post(URL, json=body), 400, "INVALID_ARGUMENT")


def test_malformed_json_is_a_google_400(client: TestClient) -> None:
    google_error(client.post(URL, content=b'{"comment": '), 400, "INVALID_ARGUMENT")
    google_error(client.post(URL, content=b"\xff\xfe"), 400, "INVALID_ARGUMENT")


def test_missing_or_wrong_key_is_401_and_a_moderator_login_is_403(
    client: TestClient, ctx: AppContext
) -> None:
    body = {"comment": {"text": "Hallo"}, "requestedAttributes": {"TOXICITY": {}}}
    google_error(client.post(ANALYZE, json=body), 401, "UNAUTHENTICATED")
    wrong = f"{ANALYZE}?key=nq_nope_0123456789abcdefgh"
    google_error(client.post(wrong, json=body), 401, "UNAUTHENTICATED")
    with ctx.db.session() as session:
        upsert_user(session, "anna", "anna-password", "moderator")
    login = client.post(
        "/api/v1/auth/login", json={"username": "anna", "password": "anna-password"}
    )
    token = login.json()["token"]
    google_error(client.post(f"{ANALYZE}?key={token}", json=body), 403, "PERMISSION_DENIED")
    # An admin's login token is a person's credential too: only CMS keys work here.
    admin = client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["token"]
    for where in ({"params": {"key": admin}}, {"headers": {"Authorization": f"Bearer {admin}"}}):
        google_error(client.post(ANALYZE, json=body, **where), 403, "PERMISSION_DENIED")


@pytest.mark.parametrize(
    ("key", "url_guard"),
    [
        ("nq_%00_" + "a" * 20, True),
        ("nq_testkey_%000123456789abcdefghijklmnop", True),
        ("%00", True),
        ("nqt_%00abc", True),
        ("nq_%0b_" + "a" * 20, True),
        ("nq_%C2%85_" + "a" * 20, False),
        ("nq_x_" + "a" * 5000, False),
    ],
)
def test_a_key_with_control_characters_is_refused_not_a_server_error(
    client: TestClient, key: str, url_guard: bool
) -> None:
    body = {"comment": {"text": "Hallo"}, "requestedAttributes": {"TOXICITY": {}}}
    for endpoint in (ANALYZE, "/v1alpha1/comments:suggestscore"):
        r = client.post(f"{endpoint}?key={key}", json=body)
        if url_guard and r.status_code == 400:
            continue  # refused by the app-wide guard on control characters in URLs
        google_error(r, 401, "UNAUTHENTICATED")


class NoQueries:
    """A session that fails the test if it is asked anything."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the database was asked ({name}) for a malformed credential")


@pytest.mark.parametrize(
    "credential",
    ["nq_\x00_" + "a" * 20, "\x00", "nqt_\x00", "nq_a_\x85" + "a" * 20, "k\u2028ey", "x" * 5000],
)
def test_authenticate_refuses_malformed_credentials_before_any_query(credential: str) -> None:
    with pytest.raises(AuthError):
        authenticate(cast(Session, NoQueries()), credential)


def test_the_key_is_checked_before_the_body_is_read(client: TestClient) -> None:
    # A wrong key gets 401 whatever the body: it is refused before the body is looked at.
    wrong = f"{ANALYZE}?key=nq_nope_0123456789abcdefgh"
    google_error(client.post(wrong, content=b"\xff not json"), 401, "UNAUTHENTICATED")
    suggest = wrong.replace("analyze", "suggestscore")
    google_error(client.post(suggest, content=b"\xff not json"), 401, "UNAUTHENTICATED")


def test_unevaluated_attribute_is_an_explicit_400_not_a_missing_score(
    client: TestClient, ctx: AppContext
) -> None:
    # Off-topic cannot be judged without the article: say so instead of leaving the score out.
    assert ctx.pipeline.screen(ScreeningInput("Hallo")).results["off_topic"].score is None
    body = {"comment": {"text": "Hallo"}, "requestedAttributes": {"OFF_TOPIC": {}}}
    message = google_error(client.post(URL, json=body), 400, "INVALID_ARGUMENT")
    assert "OFF_TOPIC needs the article" in message


def row_counts(ctx: AppContext) -> dict[str, int]:
    # The key's rate-limit count is the one write: a hash of the key id and a number, no text.
    with ctx.db.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name != "rate_limit_windows"
        }


def test_analyze_stores_nothing_whatever_do_not_store_says(
    client: TestClient, ctx: AppContext
) -> None:
    post_article(client)
    before = row_counts(ctx)
    for do_not_store in (True, False):
        body = {
            "comment": {"text": INSULT},
            "requestedAttributes": {"TOXICITY": {}, "INSULT": {}},
            "doNotStore": do_not_store,
            "context": {"articleId": "a1"},
            "spanAnnotations": True,
        }
        analyze(client, body)
    assert row_counts(ctx) == before


def test_article_context_by_id_url_or_entries(client: TestClient) -> None:
    post_article(client)
    base = {"comment": {"text": FACTUAL}, "requestedAttributes": {"TOXICITY": {}}}
    for context in (
        {"articleId": "a1"},
        {"entries": [{"text": "Der Stadtrat beschließt die Stadtbahn.", "type": "PLAIN_TEXT"}]},
    ):
        analyze(client, {**base, "context": context})
    r = client.post(URL, json={**base, "context": {"articleId": "nope"}})
    assert "nope" in google_error(r, 400, "INVALID_ARGUMENT")
    r = client.post(URL, json={**base, "context": {"articleUrl": "https://example.org/x"}})
    assert "example.org" in google_error(r, 400, "INVALID_ARGUMENT")
