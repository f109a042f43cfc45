"""A signed Coral request never gets "no opinion" (an error, or 204) because of what it carries.

Coral treats an error answer like 204 and may then publish the comment: whatever the text or the
author fields hold, netiquette answers 200 with a status, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from netiquette.app import create_app
from netiquette.compat.coral import bounded_id, clean_text, parse_request
from netiquette.compat.signature import sign
from netiquette.screening.base import ScreeningInput, ScreeningResult
from netiquette.store.models import AuditEvent, Comment
from netiquette.web.context import AppContext
from tests.compat.coral_helpers import MODERATE, SECRET, coral_request, post_signed, use_pipeline
from tests.conftest import make_context
from tests.fakes import ScriptedPipeline

OPINIONS = {"APPROVED", "REJECTED", "SYSTEM_WITHHELD"}


@pytest.fixture
def coral(database_url: str) -> Iterator[tuple[TestClient, AppContext]]:
    # What the comment carries is under test here, not speed: a generous budget, so that a loaded
    # CI machine does not turn an answer into SYSTEM_WITHHELD (test_coral_phase.py: the budget).
    ctx = make_context(
        database_url,
        coral_signing_secret=SECRET,
        max_comment_chars=2000,
        coral_time_budget_ms=15000,
    )
    with TestClient(create_app(context=ctx)) as client:
        yield client, ctx
    ctx.db.dispose()


def assert_opinion(r: Response) -> str:
    """200 with a status Coral acts on; returns the status."""
    assert r.status_code == 200, r.text
    status: str = r.json()["status"]
    assert status in OPINIONS
    return status


def stored(ctx: AppContext, r: Response) -> Comment:
    with ctx.db.session() as session:
        comment = session.get(Comment, r.headers["X-Netiquette-Comment-Id"])
        assert comment is not None
        session.expunge(comment)
        return comment


@pytest.mark.parametrize(
    ("body", "rejected"),
    [
        ("Du bist ein Voll\x0bidiot.", True),  # vertical tab
        ("Du bist ein Voll\x00idiot.", True),  # NUL
        ("Du bist ein Voll\x85idiot.", True),  # NEL (U+0085)
        ("Du bist ein Voll\x7f\x1bidiot.", True),  # DEL, ESC
        ("Du bist ein Voll\ud800idiot.", True),  # a lone surrogate (valid JSON: "\ud800")
        ("<p>Du bist ein Voll&#0;idiot.</p>", False),  # shown as U+FFFD: not hidden
        ("\x00\x0b\x85 Eine Frage: \x0c wann?", False),
    ],
)
def test_control_characters_in_the_text_are_removed_not_refused(
    coral: tuple[TestClient, AppContext], body: str, rejected: bool
) -> None:
    client, ctx = coral
    r = post_signed(client, coral_request(body, story_url=""))
    status = assert_opinion(r)
    # Removing (not replacing) the character keeps the insult one word: no way around the rule.
    if rejected:
        assert status == "REJECTED"
        assert "Vollidiot" in stored(ctx, r).text
    text = stored(ctx, r).text
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "author_id",
    [
        "user\x00nul",
        "user\x0b\x85",
        "u" * 300,
        "\ud800",
        "x\x00" * 200,
    ],
)
def test_odd_author_ids_are_stored_as_safe_deterministic_ids(
    coral: tuple[TestClient, AppContext], author_id: str
) -> None:
    client, ctx = coral
    use_pipeline(ctx, ScriptedPipeline())
    request = coral_request("Eine Frage an die Redaktion.", story_url="")
    request["author"]["id"] = author_id
    first = post_signed(client, request)
    assert assert_opinion(first) == "SYSTEM_WITHHELD"
    comment = stored(ctx, first)
    assert 0 < len(comment.author_id) <= 200
    assert clean_text(comment.author_id) == comment.author_id
    assert comment.author_id == bounded_id(author_id)
    # Resent: the same comment, the same answer.
    again = post_signed(client, request)
    assert again.headers["X-Netiquette-Comment-Id"] == first.headers["X-Netiquette-Comment-Id"]
    assert again.json() == first.json()


def test_other_ids_and_fields_with_control_characters_or_length_do_not_fail(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, ctx = coral
    use_pipeline(ctx, ScriptedPipeline())
    request = coral_request("[approve] Gute Sache.", story_url="")
    request["story"] = {"id": "story\x00" + "s" * 300, "url": "https://zeitung.example/\x00"}
    request["tenantID"] = "t\x00" * 300
    request["tenantDomain"] = "kommentare\x00.zeitung.example" + "d" * 300
    request["comment"]["id"] = "c\x00" * 300
    request["comment"]["parentID"] = "p\x85" * 300
    request["site"] = {"id": "s\x00" * 300}
    request["author"]["role"] = "KING"  # unknown role: a commenter
    r = post_signed(client, request)
    assert r.json() == {"status": "APPROVED"}
    comment = stored(ctx, r)
    assert len(comment.article_id) <= 200
    with ctx.db.session() as session:
        actors = {e.actor for e in session.query(AuditEvent).all()}
    assert all("\x00" not in a and len(a) <= 200 for a in actors)


def test_a_long_html_body_is_judged_on_its_plain_text(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, ctx = coral
    # Over 2,100 characters of HTML, under 2,000 of text: within max_comment_chars (2,000 here).
    sentence = "Die Parkplätze am Wallring werden fehlen, aber die Radwege sind gut. "
    html = "".join(f"<p><em>{sentence}</em></p>" for _ in range(25))
    html += "<p>Ein <b>Vollidiot</b>!</p>"
    assert len(html) > 2100
    text_length = len(parse_request(coral_request(html)).text)
    assert text_length <= 2000
    r = post_signed(client, coral_request(html, story_url=""))
    assert assert_opinion(r) == "REJECTED"
    assert len(stored(ctx, r).text) == text_length


def test_a_text_over_the_limit_is_withheld_for_a_human(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, _ = coral
    r = post_signed(client, coral_request("<p>" + "Radwege! " * 300 + "</p>", story_url=""))
    assert r.status_code == 200
    assert r.json() == {"actions": [], "status": "SYSTEM_WITHHELD"}
    assert r.headers["X-Netiquette-Outcome"] == "too-long"


class Broken:
    versions: dict[str, str] = {"policy": "broken"}  # noqa: RUF012

    def screen(self, item: ScreeningInput) -> ScreeningResult:
        raise RuntimeError("model crashed")


def test_a_screening_pipeline_that_raises_gives_withheld(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, ctx = coral
    use_pipeline(ctx, Broken())
    r = post_signed(client, coral_request("Gute Sache, die Radwege.", story_url=""))
    assert r.json() == {"actions": [], "status": "SYSTEM_WITHHELD"}


def test_an_intake_that_raises_gives_withheld(
    coral: tuple[TestClient, AppContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, ctx = coral

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(ctx.intake, "submit", fail)
    r = post_signed(client, coral_request("Gute Sache, die Radwege.", story_url=""))
    assert r.status_code == 200
    assert r.json() == {"actions": [], "status": "SYSTEM_WITHHELD"}
    assert r.headers["X-Netiquette-Outcome"] == "error"


def post_raw(client: TestClient, raw: bytes) -> Response:
    headers = {"Content-Type": "application/json", "X-Coral-Signature": sign(raw, SECRET)}
    response: Response = client.post(MODERATE, content=raw, headers=headers)
    return response


def test_only_a_body_that_is_no_json_object_is_a_client_error(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, _ = coral
    for raw in (b"not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"[" * 100_000):
        r = post_raw(client, raw)
        assert r.status_code == 400, raw[:20]
        assert r.json()["error"]["field"] == "body"


def test_a_body_over_one_megabyte_is_refused_before_reading(
    coral: tuple[TestClient, AppContext],
) -> None:
    client, _ = coral
    request = coral_request("x" * 1_100_000, story_url="")
    raw = json.dumps(request).encode()
    r = post_raw(client, raw)
    assert r.status_code == 413
    # Announced as small, sent larger (chunked or lying): cut off while reading.
    r = client.post(
        MODERATE,
        content=iter([raw[:600_000], raw[600_000:]]),
        headers={"X-Coral-Signature": sign(raw, SECRET)},
    )
    assert r.status_code == 413


def test_bounded_id_is_deterministic_and_keeps_ids_apart() -> None:
    assert bounded_id("user-7f3a9c") == "user-7f3a9c"
    assert bounded_id("a\x00b") != bounded_id("ab")
    assert bounded_id("u" * 300) == bounded_id("u" * 300)
    assert bounded_id("u" * 300) != bounded_id("u" * 301)
    assert len(bounded_id("u" * 300)) == 200
