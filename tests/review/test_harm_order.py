"""The human queue by harm: illegal-content notices and threats first, off-topic last.

Comments are screened by a scripted pipeline whose rule results the test chooses (marker words
in the text) and decided by the real threshold policy, so the priority stored at screening time
is the policy's harm level. The order is checked where moderators read it: ``/api/v1/queue``,
the workspace's pending and reported lists, and ``/moderate/next``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.screening.base import RuleResult, ScreeningInput, ScreeningResult
from netiquette.screening.houserules import shipped_house_rules
from netiquette.screening.policy import ThresholdPolicy, ThresholdPolicyConfig
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, CMS, make_context, post_article
from tests.web.views.conftest import login

HOUSE_RULES = shipped_house_rules().keys  # the shipped five
# marker -> (rule, score, flag): what the scripted rules find in a comment.
MARKERS = {
    "[threat]": ("aggression", 0.5, True),
    "[insult]": ("insult", 0.9, True),
    "[ad]": ("ad_link", 0.5, True),
    "[doubt]": ("insinuation", 0.5, False),
    "[offtopic]": ("off_topic", 0.8, True),
}


class MarkerPipeline:
    """Rule results from markers in the text; the decision from the real threshold policy."""

    versions = {"markers": "1"}  # noqa: RUF012

    def __init__(self) -> None:
        self.policy = ThresholdPolicy(ThresholdPolicyConfig(auto_reject=False))

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        results = {rule: RuleResult(rule, "markers-1", 0.0, False) for rule in HOUSE_RULES}
        for marker, (rule, score, flag) in MARKERS.items():
            if marker in item.text:
                results[rule] = RuleResult(rule, "markers-1", score, flag)
        return ScreeningResult(results, self.policy.decide(results), dict(self.versions))

    def effective_policy(self) -> dict[str, object]:
        return self.policy.describe()


@pytest.fixture
def hctx(tmp_path: Path) -> Iterator[AppContext]:
    ctx = make_context(f"sqlite:///{tmp_path / 'harm.db'}", auto_reject="")
    pipeline = MarkerPipeline()
    ctx.pipeline = pipeline  # type: ignore[assignment]
    ctx.intake.pipeline = pipeline
    yield ctx
    ctx.db.dispose()


def submit(client: TestClient, comment_id: str, text: str) -> str:
    body = {"id": comment_id, "article_id": "a1", "author": {"id": "u", "name": "L"}, "text": text}
    r = client.post("/api/v1/comments", json=body, headers=CMS)
    assert r.status_code == 202, r.text
    state: str = r.json()["status"]
    return state


# Arrival order (oldest first); the queue must reorder them by harm.
ARRIVALS = [
    ("off1", "Und Bayern hat gestern 3:1 gewonnen. [offtopic]"),
    ("doubt1", "Da weiß man doch, wer dahinter steckt. [doubt]"),
    ("ad1", "Günstige Uhren gibt es hier. [ad]"),
    ("threat1", "Dem sollte man mal einen Besuch abstatten. [threat]"),
    ("insult1", "Was für ein Depp. [insult]"),
    ("off2", "Heute regnet es schon wieder. [offtopic]"),
    ("threat2", "Wir wissen, wo du wohnst. [threat] [offtopic]"),
    ("mixed1", "Einfach lächerlich. [doubt] [offtopic]"),
]
EXPECTED = ["threat1", "threat2", "insult1", "ad1", "doubt1", "mixed1", "off1", "off2"]


def test_queue_is_ordered_by_harm_then_oldest_first(hctx: AppContext) -> None:
    with TestClient(create_app(context=hctx), follow_redirects=False) as client:
        post_article(client)
        for comment_id, text in ARRIVALS:
            assert submit(client, comment_id, text) == "pending"
        published = submit(client, "pub1", "Ein ganz normaler Kommentar zur Stadtbahn.")
        assert published == "approved"

        login(client)
        api = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["token"]
        bearer = {"Authorization": f"Bearer {api}"}
        queue = client.get("/api/v1/queue", headers=bearer).json()["comments"]
        assert [c["id"] for c in queue] == EXPECTED
        harm = {c["id"]: c["harm"] for c in queue}
        assert harm["threat1"] == harm["threat2"] == "threat"
        assert harm["insult1"] == "would_reject" and harm["ad1"] == "flagged"
        assert harm["doubt1"] == "in_doubt"
        assert harm["off1"] == "off_topic" and harm["mixed1"] == "in_doubt"
        # Paging keeps the order.
        page2 = client.get("/api/v1/queue?offset=3&limit=3", headers=bearer).json()["comments"]
        assert [c["id"] for c in page2] == EXPECTED[3:6]

        page = client.get("/moderate").text
        rows = [cid for cid in EXPECTED if f'data-comment="{cid}"' in page]
        positions = [page.index(f'data-comment="{cid}"') for cid in rows]
        assert rows == EXPECTED and positions == sorted(positions)
        assert 'data-comment="threat1" data-harm="threat"' in page
        nxt = client.get("/moderate/next").text  # the first free comment's decision view
        assert "Dem sollte man mal einen Besuch abstatten." in nxt

        # A reader's notice of illegal content puts the published comment before everything.
        r = client.post(
            "/api/v1/comments/pub1/reports",
            json={"reason": "illegal_content", "explanation": "Volksverhetzung, § 130 StGB"},
        )
        assert r.status_code == 201, r.text
        r = client.post("/api/v1/comments/insult1/reports", json={"reason": "insult"})
        queue = client.get("/api/v1/queue", headers=bearer).json()["comments"]
        assert [c["id"] for c in queue] == ["pub1", *EXPECTED]
        assert queue[0]["harm"] == "illegal_content_report"
        assert queue[0]["status"] == "approved"
        assert [
            c["id"] for c in client.get("/api/v1/queue?offset=1", headers=bearer).json()["comments"]
        ] == EXPECTED

        pending = client.get("/moderate").text
        assert "data-illegal-notices" in pending
        assert 'data-count="illegal"' in pending


def test_reported_tab_lists_illegal_content_notices_first(hctx: AppContext) -> None:
    with TestClient(create_app(context=hctx), follow_redirects=False) as client:
        post_article(client)
        for cid in ("p1", "p2", "p3"):
            assert submit(client, cid, f"Kommentar {cid} zur Stadtbahn.") == "approved"
        # Oldest report first, but only p3 is a notice of illegal content.
        for cid, reason in (("p1", "insult"), ("p2", "other"), ("p3", "illegal_content")):
            body = {"reason": reason, "explanation": "Bedrohung, § 241 StGB"}
            assert client.post(f"/api/v1/comments/{cid}/reports", json=body).status_code == 201
        login(client)
        page = client.get("/moderate?tab=reported").text
        positions = {cid: page.index(f'data-comment="{cid}"') for cid in ("p1", "p2", "p3")}
        assert positions["p3"] < positions["p1"] < positions["p2"]
