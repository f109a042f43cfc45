"""Articles for Coral stories: fetched from story.url on a stand-in CMS, extracted, cached."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.compat.fetch import ArticleFetchError, FetchLimits, fetch_page
from netiquette.screening import Pipeline, load_pipeline
from netiquette.screening.base import ScreeningInput
from netiquette.screening.pipeline import read_config
from netiquette.store.models import Article, Comment
from netiquette.web.context import AppContext
from tests.compat.cms import ARTICLE_HTML, Page, StandInCms
from tests.compat.coral_helpers import (
    SECRET,
    OverlapOffTopic,
    coral_request,
    post_signed,
    use_pipeline,
)
from tests.conftest import CMS, make_context

ARTICLE_PATH = "/lokales/neue-radwege-fuer-die-innenstadt"
ON_TOPIC = "Zwölf Kilometer Radwege sind gut, aber 240 Parkplätze am Wallring weniger tut weh."
UNRELATED = (
    "Hat jemand ein gutes Rezept für Zwetschgenkuchen? Meiner wird immer matschig, "
    "egal wie lange ich ihn backe."
)


def _off_topic_model_available() -> bool:
    result = load_pipeline().screen(ScreeningInput("Kuchen", article_text="Radwege im Rathaus."))
    return result.results["off_topic"].evaluated


@pytest.fixture
def cms() -> Iterator[StandInCms]:
    pages = {
        ARTICLE_PATH: Page(ARTICLE_HTML.encode()),
        "/slow": Page(ARTICLE_HTML.encode(), delay_s=6.0),
        "/feed.json": Page(b"{}", content_type="application/json"),
        "/huge": Page(b"<p>" + b"x" * 5000 + b"</p>"),
    }
    with StandInCms(pages) as server:
        yield server


def loopback(cms: StandInCms) -> str:
    """The stand-in CMS as an ``article_fetch_hosts`` entry (host and its port)."""
    return f"127.0.0.1:{cms.server.server_address[1]}"


def coral_ctx(database_url: str, **settings: object) -> AppContext:
    # A generous budget: these tests are about the article, not about the clock.
    # The stand-in CMS is on loopback: only an exactly listed host may be internal.
    return make_context(
        database_url,
        coral_signing_secret=SECRET,
        coral_time_budget_ms=20_000,
        **settings,
    )


def test_story_article_is_fetched_once_extracted_and_cached(
    database_url: str, cms: StandInCms
) -> None:
    ctx = coral_ctx(database_url, article_fetch_hosts=loopback(cms))
    use_pipeline(ctx, OverlapOffTopic())
    with TestClient(create_app(context=ctx)) as client:
        for text in (ON_TOPIC, "Endlich sichere Radwege in der Bahnhofstraße."):
            request = coral_request(text, story_id="radwege-2026", story_url=cms.url(ARTICLE_PATH))
            r = post_signed(client, request)
            assert r.status_code == 200, r.text
            assert r.json() == {"status": "APPROVED"}
        assert cms.hits[ARTICLE_PATH] == 1
        article = client.get("/api/v1/articles/radwege-2026", headers=CMS).json()
        assert article["url"] == cms.url(ARTICLE_PATH)
        assert article["title"] == "Neue Radwege für die Innenstadt"
        assert "240 Parkplätze" in article["body"]
        assert "Startseite" not in article["body"]
    ctx.db.dispose()


def site_rejecting_off_topic() -> Pipeline:
    """The shipped pipeline and models, for a site whose policy rejects clear off-topic."""
    config = read_config()
    policy = config.setdefault("policy", {})
    policy["auto_reject"] = True
    policy["review_only_rules"] = []  # off_topic may reject on its own here
    policy.setdefault("reject_thresholds", {})["off_topic"] = 0.6
    return Pipeline.from_config(config, source="test site")


@pytest.mark.xfail(
    not _off_topic_model_available(),
    strict=True,
    reason="the off_topic house rule has no model in the shipped pipeline yet (placeholder)",
)
def test_unrelated_comment_is_rejected_as_off_topic_with_the_shipped_model(
    database_url: str, cms: StandInCms
) -> None:
    ctx = coral_ctx(database_url, article_fetch_hosts=loopback(cms))
    url = cms.url(ARTICLE_PATH)
    with TestClient(create_app(context=ctx)) as client:
        # The shipped policy never rejects off-topic on its own: a human looks at it.
        r = post_signed(client, coral_request(UNRELATED, story_id="radwege-2026", story_url=url))
        assert r.json()["status"] == "SYSTEM_WITHHELD"
        assert "off_topic" in r.headers["X-Netiquette-Rules"].split(",")
        # A site that lets the policy reject clear off-topic comments gets a REJECTED.
        use_pipeline(ctx, site_rejecting_off_topic())
        other = UNRELATED.replace("Zwetschgenkuchen", "Apfelkuchen")
        r = post_signed(client, coral_request(other, story_id="radwege-2026", story_url=url))
        assert r.json()["status"] == "REJECTED"
        assert "off_topic" in r.headers["X-Netiquette-Rules"].split(",")
        assert {a["reason"] for a in r.json()["actions"]} <= {
            "COMMENT_DETECTED_TOXIC",
            "COMMENT_DETECTED_SPAM",
            "COMMENT_DETECTED_SUSPECT_WORD",
        }
    assert cms.hits[ARTICLE_PATH] == 1
    ctx.db.dispose()


def test_unrelated_comment_is_rejected_with_an_off_topic_reason(
    database_url: str, cms: StandInCms
) -> None:
    ctx = coral_ctx(database_url, article_fetch_hosts=loopback(cms))
    use_pipeline(ctx, OverlapOffTopic())
    with TestClient(create_app(context=ctx)) as client:
        url = cms.url(ARTICLE_PATH)
        r = post_signed(client, coral_request(UNRELATED, story_id="radwege-2026", story_url=url))
        assert r.status_code == 200
        # Coral has no off-topic reason: the flag is one Coral shows ("suspect word"); the
        # exact rule is in netiquette's header and record.
        assert r.json() == {
            "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_SUSPECT_WORD"}],
            "status": "REJECTED",
        }
        assert r.headers["X-Netiquette-Rules"] == "off_topic"
        comment_id = r.headers["X-Netiquette-Comment-Id"]
        status = client.get(f"/api/v1/comments/{comment_id}", headers=CMS).json()
        assert status["decision"]["rules"] == ["off_topic"]
        # The same article, a comment about it: approved.
        r = post_signed(client, coral_request(ON_TOPIC, story_id="radwege-2026", story_url=url))
        assert r.json() == {"status": "APPROVED"}
    ctx.db.dispose()


def test_an_article_pushed_by_the_cms_under_the_story_id_is_used_without_fetching(
    database_url: str, cms: StandInCms
) -> None:
    ctx = coral_ctx(database_url, article_fetch_hosts=loopback(cms))
    with TestClient(create_app(context=ctx)) as client:
        pushed = {"id": "radwege-2026", "html": ARTICLE_HTML, "url": cms.url(ARTICLE_PATH)}
        assert client.post("/api/v1/articles", json=pushed, headers=CMS).status_code == 200
        request = coral_request(ON_TOPIC, story_id="radwege-2026", story_url=cms.url(ARTICLE_PATH))
        assert post_signed(client, request).status_code == 200
        # Another story id, the same URL: the pushed article is found by its URL.
        request = coral_request(ON_TOPIC, story_id="other-id", story_url=cms.url(ARTICLE_PATH))
        r = post_signed(client, request)
        with ctx.db.session() as session:
            comment = session.get(Comment, r.headers["X-Netiquette-Comment-Id"])
            assert comment is not None and comment.article_id == "radwege-2026"
    assert cms.hits[ARTICLE_PATH] == 0
    ctx.db.dispose()


def test_a_slow_cms_does_not_hold_the_answer_and_fills_the_cache_later(
    database_url: str, cms: StandInCms
) -> None:
    ctx = make_context(
        database_url,
        coral_signing_secret=SECRET,
        # The page takes 6 s; the phase waits for it at most 60 % of the 4 s budget and
        # screens in the rest (a loaded CI machine took over 500 ms to screen).
        coral_time_budget_ms=4_000,
        article_fetch_timeout_ms=10_000,
        article_fetch_hosts=loopback(cms),
    )
    use_pipeline(ctx, OverlapOffTopic())
    with TestClient(create_app(context=ctx)) as client:
        request = coral_request(ON_TOPIC, story_id="slow-story", story_url=cms.url("/slow"))
        r = post_signed(client, request)
        assert r.json() == {"status": "APPROVED"}  # screened without the article
        body = ""
        for _ in range(300):
            with ctx.db.session() as session:
                article = session.get(Article, "slow-story")
                body = article.body if article else ""
            if body:
                break
            time.sleep(0.05)
        assert "Radwege" in body
    ctx.db.dispose()


def test_fetch_limits(cms: StandInCms) -> None:
    listed = (loopback(cms),)
    limits = FetchLimits(timeout_s=5, max_bytes=1000, allowed_hosts=listed)
    page, is_html = fetch_page(cms.url(ARTICLE_PATH), FetchLimits(5, allowed_hosts=listed))
    assert is_html and "Wallring" in page
    with pytest.raises(ArticleFetchError, match=r"over 1000 bytes|limit 1000"):
        fetch_page(cms.url("/huge"), limits)
    with pytest.raises(ArticleFetchError, match="application/json"):
        fetch_page(cms.url("/feed.json"), limits)
    with pytest.raises(ArticleFetchError, match="404"):
        fetch_page(cms.url("/nowhere"), limits)
    with pytest.raises(ArticleFetchError, match="not allowed"):
        fetch_page("file:///etc/passwd", limits)
    with pytest.raises(ArticleFetchError, match="not allowed"):
        fetch_page(cms.url(ARTICLE_PATH), FetchLimits(allowed_hosts=("zeitung.example",)))
    with pytest.raises(httpx.TimeoutException):
        fetch_page(cms.url("/slow"), FetchLimits(timeout_s=0.3, allowed_hosts=listed))


def test_host_list_matches_the_host_and_its_subdomains() -> None:
    limits = FetchLimits(allowed_hosts=("zeitung.example",))
    assert limits.allows("https://zeitung.example/a")
    assert limits.allows("https://www.zeitung.example/a")
    assert not limits.allows("https://bad-zeitung.example/a")
    assert not limits.allows("ftp://zeitung.example/a")
