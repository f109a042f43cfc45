"""Rate limits per client address, API key and author: 429 naming the limit, shared by every
app instance on one database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from netiquette.app import create_app
from netiquette.store.models import Comment, RateLimitWindow
from netiquette.store.ratelimits import (
    DatabaseRateCounter,
    Hit,
    ProcessMemoryRateCounter,
    budget,
    seconds_until_free,
    subject_digest,
)
from netiquette.web.context import AppContext
from tests.conftest import ADMIN_PASSWORD, CMS, make_context, post_article, post_comment


def login(client: TestClient, password: str = "wrong") -> int:
    r = client.post("/api/v1/auth/login", json={"username": "admin", "password": password})
    return r.status_code


@pytest.fixture
def limited(database_url: str) -> Iterator[tuple[AppContext, TestClient]]:
    """An instance with small limits: 5 comments per key, 3 per author, a minute."""
    ctx = make_context(database_url, api_key_comments_per_minute=5, author_comments_per_minute=3)
    with TestClient(create_app(context=ctx)) as client:
        yield ctx, client
    ctx.db.dispose()


def test_password_guessing_is_stopped_with_429_naming_the_limit(client: TestClient) -> None:
    answers = [
        client.post("/api/v1/auth/login", json={"username": "admin", "password": f"guess-{n}"})
        for n in range(12)
    ]
    assert [r.status_code for r in answers[:10]] == [401] * 10
    assert answers[10].status_code == 429
    assert int(answers[10].headers["Retry-After"]) >= 1
    error = answers[10].json()["error"]
    assert error["code"] == "rate_limited" and error["field"] == "client"
    assert "login_attempts_per_minute" in error["message"]
    # Even the right password waits: the limit is on the address, not on wrong guesses.
    assert login(client, ADMIN_PASSWORD) == 429


def test_reader_reports_are_limited_per_address(
    client: TestClient, moderator: dict[str, str]
) -> None:
    post_article(client)
    comment_id = post_comment(client, "Ein sachlicher Beitrag zur Linie 7.").json()["id"]
    client.post(
        f"/api/v1/comments/{comment_id}/decision", json={"action": "approve"}, headers=moderator
    )
    codes = [
        client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "insult"}).status_code
        for _ in range(22)
    ]
    assert codes.count(201) == 20
    assert codes[-1] == 429
    assert client.get("/api/v1/queue", headers=moderator).status_code == 200


def test_a_cms_key_over_its_limit_gets_429_and_nothing_is_stored(
    limited: tuple[AppContext, TestClient],
) -> None:
    ctx, client = limited
    post_article(client)
    codes = [
        post_comment(client, f"Beitrag {n} zur Stadtbahn.", author={"id": f"u{n}", "name": "L"})
        for n in range(6)
    ]
    assert [r.status_code for r in codes] == [202] * 5 + [429]
    error = codes[-1].json()["error"]
    assert error["field"] == "Authorization"
    assert "api_key_comments_per_minute" in error["message"] and "5 per minute" in error["message"]
    assert int(codes[-1].headers["Retry-After"]) >= 1
    with ctx.db.session() as session:
        assert session.scalar(select(func.count(Comment.id))) == 5


def test_an_author_over_the_limit_is_refused_and_others_are_not(
    limited: tuple[AppContext, TestClient],
) -> None:
    _ctx, client = limited
    post_article(client)
    first = [post_comment(client, f"Meinung {n} zur Linie 7.").status_code for n in range(4)]
    assert first == [202, 202, 202, 429]
    refused = post_comment(client, "Noch eine Meinung.")
    assert refused.json()["error"]["field"] == "author.id"
    assert "author_comments_per_minute" in refused.json()["error"]["message"]
    other = post_comment(client, "Eine andere Leserin.", author={"id": "u2", "name": "L"})
    assert other.status_code == 202
    # A refused comment was not counted against the key either (one transaction, all or none).
    assert post_comment(client, "Dritte.", author={"id": "u3", "name": "L"}).status_code == 202


@pytest.mark.parametrize("store", ["database", "process-memory"])
def test_two_app_instances_on_one_database(database_url: str, store: str) -> None:
    """The database store counts once for all instances; process memory counts per instance."""
    instances = [make_context(database_url, rate_limit_store=store) for _ in range(2)]
    try:
        with (
            TestClient(create_app(context=instances[0])) as one,
            TestClient(create_app(context=instances[1])) as two,
        ):
            codes = [login(one if n % 2 else two) for n in range(22)]
    finally:
        for ctx in instances:
            ctx.db.dispose()
    allowed = 22 - codes.count(429)
    assert allowed == (10 if store == "database" else 20)


def test_perspective_calls_count_per_key_with_a_google_style_429(database_url: str) -> None:
    ctx = make_context(database_url, api_key_comments_per_minute=2)
    body: dict[str, Any] = {
        "comment": {"text": "Gute Idee."},
        "requestedAttributes": {"TOXICITY": {}},
    }
    key = CMS["Authorization"].removeprefix("Bearer ")
    try:
        with TestClient(create_app(context=ctx)) as client:
            answers = [
                client.post(f"/v1alpha1/comments:analyze?key={key}", json=body) for _ in range(3)
            ]
    finally:
        ctx.db.dispose()
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[2].json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert "api_key_comments_per_minute" in answers[2].json()["error"]["message"]
    assert int(answers[2].headers["Retry-After"]) >= 1


def test_the_embed_form_counts_per_author_and_its_429_is_readable_cross_origin(
    database_url: str,
) -> None:
    ctx = make_context(database_url, author_comments_per_minute=2)
    reader = "reader-0123456789abcdef"
    form = {"reader": reader, "name": "Gast", "text": "Schöne Strecke."}
    try:
        with TestClient(create_app(context=ctx)) as client:
            post_article(client)
            answers = [client.post("/embed/articles/a1/comments", data=form) for _ in range(3)]
            other = client.post(
                "/embed/articles/a1/comments", data={**form, "reader": "reader-fedcba9876543210"}
            )
    finally:
        ctx.db.dispose()
    assert [r.status_code for r in answers] == [202, 202, 429]
    assert answers[2].headers["Access-Control-Allow-Origin"] == "*"
    assert int(answers[2].headers["Retry-After"]) >= 1
    # the embed shows it to the reader: in the reader's language (German, the site's default)
    error = answers[2].json()["error"]
    assert error["code"] == "rate_limited" and error["message"].startswith("Sie haben in kurzer")
    assert other.status_code == 202


def test_a_coral_author_over_the_limit_is_withheld_not_refused(database_url: str) -> None:
    from tests.compat.coral_helpers import SECRET, coral_request, post_signed

    ctx = make_context(database_url, author_comments_per_minute=1, coral_signing_secret=SECRET)
    try:
        with TestClient(create_app(context=ctx)) as client:
            first = post_signed(client, coral_request("Die Radwege sind gut geplant."))
            second = post_signed(client, coral_request("Und die Ampeln auch."))
        with ctx.db.session() as session:
            stored = session.scalar(select(func.count(Comment.id)))
    finally:
        ctx.db.dispose()
    assert first.status_code in (200, 204)
    # Coral reads an error as "no opinion" and may publish: over the limit is held, not 429.
    assert second.status_code == 200
    assert second.json()["status"] == "SYSTEM_WITHHELD"
    assert second.headers["X-Netiquette-Outcome"] == "rate-limited"
    assert stored == 1


def test_budget_and_wait_follow_the_sliding_minute() -> None:
    assert budget(0, 0, 10) == 10
    # Halfway through the window, half of the previous window's 10 still counts.
    assert budget(10, 30, 10) == 5
    assert budget(10, 59.9, 10) == 9
    # 5 now with 10 half faded: the next fits once the previous weighs at most 4 (36 s in).
    assert seconds_until_free(10, 5, 30, 10) == 6
    # The current window is full: wait for the next one, where these 10 fade.
    assert seconds_until_free(0, 10, 20, 10) == 40 + 6


def test_the_memory_counter_slides_and_counts_no_refused_hit() -> None:
    now = [0.0]
    counter = ProcessMemoryRateCounter(clock=lambda: now[0])
    hit = Hit("login", "203.0.113.7", 2)
    assert [counter.hit([hit]) is None for _ in range(3)] == [True, True, False]
    now[0] = 30.0
    refused = counter.hit([hit])
    assert refused is not None and refused.retry_after == 60 - 30 + 30
    now[0] = 90.0  # the 2 of the first window weigh half: one more fits
    assert counter.hit([hit]) is None
    assert counter.hit([hit]) is not None
    assert counter.hit([Hit("login", "203.0.113.8", 2)]) is None
    assert counter.hit([Hit("login", "203.0.113.8", 0)] * 5) is None  # 0 = no limit


def test_the_database_counter_agrees_and_deletes_old_windows(database_url: str) -> None:
    ctx = make_context(database_url)
    now = [1_200_020.0]  # 20 s into a window
    counter = DatabaseRateCounter(ctx.db, clock=lambda: now[0])
    hit = Hit("author", "u1", 3)
    try:
        assert [counter.hit([hit]) is None for _ in range(4)] == [True, True, True, False]
        refused = counter.hit([hit, Hit("api_key", "key:k", 100)])
        assert refused is not None and refused.hit.bucket == "author"
        assert refused.retry_after == 40 + 20  # next window, where 3 fade to 2 after 20 s
        now[0] += 60  # 3 of the previous window still weigh 2: one more fits
        assert counter.hit([hit]) is None
        assert counter.hit([hit]) is not None
        now[0] += 180
        assert counter.hit([Hit("login", "203.0.113.9", 5)]) is None
        with ctx.db.session() as session:
            rows = session.scalars(select(RateLimitWindow)).all()
        # Only the newest window is left, and it names no address.
        assert [(r.bucket, r.hits) for r in rows] == [("login", 1)]
        assert "203.0.113.9" not in rows[0].subject
    finally:
        ctx.db.dispose()


def test_a_high_limit_is_reserved_in_chunks_and_never_exceeded(database_url: str) -> None:
    """Two processes' counters on one busy key: one write per 1 % of the limit, not per
    request, and together never more than the limit."""
    ctx = make_context(database_url)
    now = [1_200_030.0]
    counters = [DatabaseRateCounter(ctx.db, clock=lambda: now[0]) for _ in range(2)]
    key = Hit("api_key", "key:busy", 1000)  # chunks of 10

    def stored() -> int:
        with ctx.db.session() as session:
            return int(session.scalar(select(func.sum(RateLimitWindow.hits))) or 0)

    try:
        assert counters[0].hit([key]) is None
        assert stored() == 10  # one chunk reserved, one hit of it spent
        assert all(counters[0].hit([key]) is None for _ in range(9))
        assert stored() == 10  # spent from the reservation, no write
        allowed = 10 + sum(counters[n % 2].hit([key]) is None for n in range(1200))
        assert 1000 - 2 * 10 <= allowed <= 1000
        assert stored() <= 1000
    finally:
        ctx.db.dispose()


def test_threads_that_reserve_at_once_keep_every_reserved_hit(database_url: str) -> None:
    """Under concurrent requests several threads of one process reserve a chunk at the same
    moment; every reserved hit stays spendable, so a busy key is not refused below its limit."""
    ctx = make_context(database_url)
    now = [1_200_030.0]
    counter = DatabaseRateCounter(ctx.db, clock=lambda: now[0])
    key = Hit("api_key", "key:threads", 2000)  # chunks of 20
    digest = subject_digest(key)
    start = 1_200_000
    try:
        counter._keep({digest: 20}, start)  # two threads came back with a chunk each
        counter._keep({digest: 20}, start)
        assert sum(counter.hit([key]) is None for _ in range(38)) == 38
        with ctx.db.session() as session:
            assert not session.scalar(select(func.sum(RateLimitWindow.hits)))  # no writes
        refused: list[bool] = []

        def burst() -> None:
            refused.extend(counter.hit([key]) is not None for _ in range(60))

        threads = [threading.Thread(target=burst) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(refused) == 960 and not any(refused)  # 998 hits of a 2,000 limit
        with ctx.db.session() as session:
            counted = int(session.scalar(select(func.sum(RateLimitWindow.hits))) or 0)
        assert 960 <= counted <= 960 + 16 * 20  # at most one unspent chunk per thread
    finally:
        ctx.db.dispose()


def test_requests_counted_together_are_all_or_nothing_across_processes(database_url: str) -> None:
    """Two processes' counters, many threads at once: the hits waiting in a process share one
    transaction, and a request refused by its author's limit is not counted against its key."""
    ctx = make_context(database_url)
    now = [1_200_030.0]
    counters = [DatabaseRateCounter(ctx.db, clock=lambda: now[0]) for _ in range(2)]
    key = Hit("api_key", "key:shared", 500)  # below the chunked range: every hit is a write
    start = threading.Barrier(40)
    refused: list[str] = []

    def request(n: int) -> None:
        start.wait(30)
        refusal = counters[n % 2].hit([key, Hit("author", f"author-{n % 4}", 5)])
        if refusal is not None:
            refused.append(refusal.hit.bucket)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(40)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert refused == ["author"] * 20  # 4 authors × 5 allowed, the other 20 refused
        with ctx.db.session() as session:
            rows = {r.subject: r.hits for r in session.scalars(select(RateLimitWindow))}
        assert rows[subject_digest(key)] == 20  # only the requests that were let through
        for n in range(4):
            assert rows[subject_digest(Hit("author", f"author-{n}", 5))] == 5
        assert [c.batch.items for c in counters] == [20, 20]  # every request via the writer
    finally:
        ctx.db.dispose()
