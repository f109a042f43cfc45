"""The commenter's side in a real browser: post, be refused, read why, appeal, see the outcome.

axe-core (vendored under tests/vendor/axe-core, MPL-2.0) checks the commenter's page, the demo
page and the embed for serious or critical accessibility violations. Screenshots of the
commenter's page (pending, refused, appealed) go to docs/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from netiquette.accountability.appeals import decide_appeal
from netiquette.accountability.config import AccountabilityConfig
from netiquette.review.decide import decide
from netiquette.review.machine import Actor
from netiquette.store.models import Appeal, Comment, NotifyAddress
from tests.web.views.conftest import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "docs" / "screenshots"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
CONFIG = AccountabilityConfig()
SERIOUS = (
    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
    ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
)


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))  # the contexts bypass the CSP for this script only
    found: list[str] = page.evaluate(SERIOUS)
    return found


def test_reader_is_refused_reads_why_appeals_and_sees_the_outcome(
    live_server: LiveServer, browser: Any
) -> None:
    expect = _expect()
    reader = browser.new_context(
        locale="de-DE", viewport={"width": 900, "height": 900}, bypass_csp=True
    ).new_page()
    reader.goto(f"{live_server.url}/demo/articles/a1")
    reader.fill('input[name="name"]', "Pendler")
    reader.fill('textarea[name="text"]', "Die Linie 7 ist gut, aber warum fährt sie nicht nachts?")
    reader.fill('input[name="notify_email"]', "pendler@example.org")
    reader.click("#comment-form button[type=submit]")
    own = reader.locator("#own .own-comment").first
    expect(own).to_contain_text("wird geprüft")
    assert serious_violations(reader) == []
    comment_id = own.get_attribute("data-comment")
    assert comment_id
    with live_server.ctx.db.session() as session:  # the opt-in is kept for the decision mail
        kept = session.get(NotifyAddress, comment_id)
        assert kept is not None and kept.address == "pendler@example.org" and kept.lang == "de"

    own.locator("a.own-link").click()
    expect(reader.locator("h1")).to_have_text("Ihr Kommentar")
    expect(reader.locator(".state")).to_contain_text("wird geprüft")
    expect(reader.locator(".state")).to_contain_text("Entscheidung voraussichtlich")
    assert serious_violations(reader) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=str(SHOTS / "commenter-pending.png"), full_page=True)

    with live_server.ctx.db.session() as session:  # the moderator refuses it (off topic)
        comment = session.get(Comment, comment_id)
        assert comment is not None
        moderator = Actor("moderator", "admin")
        decide(
            session, comment, moderator, "reject", config=CONFIG, source="api", rules=["off_topic"]
        )

    reader.goto(f"{live_server.url}/demo/articles/a1")
    expect(own).to_contain_text("nicht veröffentlicht")
    own.locator("a.own-link").click()
    expect(reader.locator("#why")).to_have_text("Warum Ihr Kommentar nicht veröffentlicht wurde")
    expect(reader.locator(".statement")).to_contain_text("Kein Bezug zum Artikel")
    expect(reader.locator(".statement")).to_contain_text("eine Person aus unserem Moderationsteam")
    assert serious_violations(reader) == []
    reader.screenshot(path=str(SHOTS / "commenter-refused.png"), full_page=True)

    reader.locator("#appeal-text").focus()  # reachable and labelled
    reader.keyboard.type("Es geht um die Linie 7 aus dem Artikel: der Nachtverkehr.")
    reader.keyboard.press("Tab")
    reader.keyboard.press("Enter")
    expect(reader.locator("#appeal-h")).to_have_text("Ihr Einspruch")
    expect(reader.locator(".appeal")).to_contain_text("wird von einer anderen Person")

    with live_server.ctx.db.session() as session:  # a second moderator reverses it
        appeal = session.scalar(select(Appeal).where(Appeal.comment_id == comment_id))
        assert appeal is not None
        decide_appeal(
            session, appeal.id, Actor("moderator", "bea"), "reversed", "Der Bezug ist da.", CONFIG
        )
    reader.reload()
    expect(reader.locator(".appeal")).to_contain_text("stattgegeben")
    expect(reader.locator(".appeal")).to_contain_text("Der Bezug ist da.")
    expect(reader.locator(".state")).to_contain_text("veröffentlicht")
    assert serious_violations(reader) == []
    reader.screenshot(path=str(SHOTS / "commenter-appealed.png"), full_page=True)


def test_the_embed_links_own_comments_and_passes_axe(live_server: LiveServer, browser: Any) -> None:
    expect = _expect()
    page = browser.new_context(locale="de-DE", bypass_csp=True).new_page()
    page.set_content(
        f'<html lang="de"><head><title>CMS</title></head><body><main><h1>CMS</h1>'
        f'<script src="{live_server.url}/embed.js" data-article="a1"></script></main></body></html>'
    )
    page.fill(".netiquette-form input", "Gast")
    page.fill(".netiquette-form textarea", "Eine Frage zur Linie 7?")
    page.click(".netiquette-form button")
    item = page.locator(".netiquette-own-status").first
    expect(item).to_contain_text("wird geprüft")
    expect(page.locator(".netiquette-own-box h3")).to_have_text("Ihre Kommentare")
    link = item.locator("a.netiquette-own-link")
    assert "/api/v1/public/comments/" in (link.get_attribute("href") or "")
    assert serious_violations(page) == []
    page.goto(link.get_attribute("href") or "")
    expect(page.locator("h1")).to_have_text("Ihr Kommentar")
