"""The workspace in a real browser (Debian's Chromium, headless), against the real server.

A reader posts on the demo page; a moderator logs in, opens the comment, sees the evidence and
decides with the keyboard; the comment appears (or not) on the demo page. Screenshots of the
queue, the decision view and the dashboard are written to docs/screenshots/ for the README
(with NETIQUETTE_SCREENSHOTS=1).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from netiquette.store.models import Comment, Decision
from tests.conftest import ADMIN_PASSWORD
from tests.web.views.conftest import MODERATOR_PASSWORD, LiveServer, submit_live

pytestmark = pytest.mark.browser

# The README's screenshots are rewritten only on request (NETIQUETTE_SCREENSHOTS=1), so a
# test run leaves the working tree clean; otherwise they go to a temporary folder.
SHOTS = (
    Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    if os.environ.get("NETIQUETTE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "netiquette-screenshots"
)
HOSTILE = "Schaut her: <script>alert(1)</script> und <img src=x onerror=alert(1)> Ende."


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def _settled(page: Any) -> None:
    """Wait until the last htmx answer has been swapped in and settled (keys work again)."""
    _expect()(page.locator("body")).not_to_have_attribute("data-busy", "1")


def _moderator(browser: Any, server: LiveServer, username: str, password: str) -> Any:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    _expect()(page.locator("header .user")).to_have_text(username)
    return page


def _state(server: LiveServer, comment_id: str) -> tuple[str, list[Decision]]:
    with server.ctx.db.session() as session:
        comment = session.get(Comment, comment_id)
        assert comment is not None
        decisions = list(session.scalars(select(Decision).where(Decision.comment_id == comment_id)))
        return comment.state, decisions


def test_reader_posts_moderator_approves_with_a_key(live_server: LiveServer, browser: Any) -> None:
    expect = _expect()
    reader = browser.new_context(locale="de-DE").new_page()
    reader.goto(f"{live_server.url}/demo/articles/a1")
    reader.fill('input[name="name"]', "Pendlerin")
    reader.fill(
        'textarea[name="text"]', "Wer das bremst, ist ein Dummkopf. Die Linie 7 muss kommen!"
    )
    reader.click("#comment-form button[type=submit]")
    own = reader.locator("#own .own-comment").first
    expect(own).to_contain_text("wird geprüft")
    expect(own).to_contain_text("Entscheidung voraussichtlich")
    comment_id = own.get_attribute("data-comment")
    assert comment_id

    for i, text in enumerate(
        [
            "Gute Entscheidung, die Weststadt braucht die Bahn.",
            "Mehr Infos zu günstigen Krediten auf www.example-kredit.biz!",
            "Der Bürgermeister ist ein Idiot und kassiert bestimmt mit.",
        ]
    ):
        submit_live(live_server, text, f"seed-{i}", author_id=f"u{i}")

    page = _moderator(browser, live_server, "admin", ADMIN_PASSWORD)
    page.goto(f"{live_server.url}/moderate")
    row = page.locator(f'tr[data-comment="{comment_id}"]')
    expect(row).to_contain_text("Dummkopf")
    expect(page.locator('[data-count="pending"]')).to_have_text("4")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "queue.png"), full_page=True)

    row.locator("td.text a").click()
    mark = page.locator("#comment-text mark.ev-insult")
    expect(mark).to_have_text("Dummkopf")
    expect(page.locator("#lease")).to_contain_text("Für dich reserviert")
    page.screenshot(path=str(SHOTS / "decision.png"), full_page=True)

    url_before = page.url
    page.keyboard.press("a")
    expect(page.locator("#undo-form")).to_contain_text("Freigegeben")
    _settled(page)
    expect(page.locator(".decide")).not_to_have_attribute("data-comment", comment_id)
    assert page.url != url_before  # the next comment, without a page load (htmx push)
    assert _state(live_server, comment_id)[0] == "approved"

    reader.reload()
    expect(reader.locator(f'li.published[data-comment="{comment_id}"]')).to_contain_text("Dummkopf")
    expect(reader.locator(f'#own .own-comment[data-comment="{comment_id}"]')).to_contain_text(
        "veröffentlicht"
    )


def test_r_2_rejects_citing_schimpfwort_and_u_undoes(live_server: LiveServer, browser: Any) -> None:
    expect = _expect()
    submit_live(live_server, "Du Vollpfosten hast keine Ahnung von Straßenbahnen.", "c-r2")
    page = _moderator(browser, live_server, "admin", ADMIN_PASSWORD)
    page.goto(f"{live_server.url}/moderate/comments/c-r2")
    expect(page.locator("#comment-text mark.ev-insult")).to_have_text("Vollpfosten")

    page.keyboard.press("r")
    expect(page.locator("body")).to_have_class("workspace reject-mode")
    page.keyboard.press("2")
    bar = page.locator("#undo-form")
    expect(bar).to_contain_text("Abgelehnt")
    expect(bar).to_contain_text("Schimpfwort")
    _settled(page)
    state, decisions = _state(live_server, "c-r2")
    assert state == "rejected"
    assert decisions[-1].action == "reject" and decisions[-1].rules == ["insult"]
    assert decisions[-1].actor == "moderator:admin"

    page.keyboard.press("u")
    expect(page.locator(".flash.ok")).to_contain_text("zurückgenommen")
    expect(page.locator(".decide")).to_have_attribute("data-comment", "c-r2")
    expect(page.locator("[data-state-label]")).to_have_text("offen")
    state, decisions = _state(live_server, "c-r2")
    assert state == "pending"
    assert [d.action for d in decisions] == ["reject", "undo"]
    assert decisions[-1].reverses_id == decisions[0].id


def test_two_moderators_cannot_claim_one_comment(live_server: LiveServer, browser: Any) -> None:
    expect = _expect()
    submit_live(live_server, "Wann fährt die erste Bahn?", "c-claim")
    anna = _moderator(browser, live_server, "admin", ADMIN_PASSWORD)
    anna.goto(f"{live_server.url}/moderate/comments/c-claim")
    expect(anna.locator("#lease")).to_contain_text("Für dich reserviert")
    expect(anna.locator('[data-key="a"]')).to_be_visible()

    bea = _moderator(browser, live_server, "bea", MODERATOR_PASSWORD)
    bea.goto(f"{live_server.url}/moderate/comments/c-claim")
    expect(bea.locator("#lease")).to_contain_text("bearbeitet von admin")
    expect(bea.locator("#decision")).to_have_count(0)
    bea.keyboard.press("a")  # no decision form: nothing happens
    assert _state(live_server, "c-claim")[0] == "pending"

    bea.goto(f"{live_server.url}/moderate")
    expect(bea.locator('tr[data-comment="c-claim"] td.lease')).to_contain_text(
        "in Bearbeitung von admin"
    )
    anna.keyboard.press("a")
    expect(anna.locator("#undo-form")).to_contain_text("Freigegeben")
    assert _state(live_server, "c-claim")[0] == "approved"


def test_hostile_comment_is_text_everywhere(live_server: LiveServer, browser: Any) -> None:
    expect = _expect()
    submit_live(live_server, HOSTILE, "c-xss", author_id="<b>evil</b>")
    dialogs: list[str] = []
    page = _moderator(browser, live_server, "admin", ADMIN_PASSWORD)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server.url}/moderate")
    expect(page.locator('tr[data-comment="c-xss"] td.text')).to_contain_text("<script>alert(1)")
    page.goto(f"{live_server.url}/moderate/comments/c-xss")
    text = page.locator("#comment-text")
    expect(text).to_have_text(HOSTILE)
    assert text.locator("img, script").count() == 0
    page.keyboard.press("a")
    expect(page.locator("#undo-form")).to_contain_text("<script>")

    reader = browser.new_context().new_page()
    reader.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    reader.goto(f"{live_server.url}/demo/articles/a1")
    published = reader.locator('li.published[data-comment="c-xss"] .text')
    expect(published).to_have_text(HOSTILE)
    assert reader.locator("li.published img").count() == 0
    page.goto(f"{live_server.url}/moderate/comments/c-xss/audit")
    expect(page.locator("blockquote.comment-text")).to_have_text(HOSTILE)
    assert dialogs == []


def test_dashboard_draws_charts(live_server: LiveServer, browser: Any) -> None:
    expect = _expect()
    for i in range(6):
        submit_live(live_server, f"Kommentar Nummer {i} zur Linie 7", f"d{i}", author_id=f"u{i}")
    submit_live(live_server, "Super Sache [approve]", "d-auto-ok")
    submit_live(live_server, "Du Idiot [reject]", "d-auto-no")
    page = _moderator(browser, live_server, "admin", ADMIN_PASSWORD)
    page.goto(f"{live_server.url}/moderate/next")
    page.keyboard.press("a")
    expect(page.locator("#undo-form")).to_be_visible()
    _settled(page)
    page.keyboard.press("r")
    page.keyboard.press("5")
    expect(page.locator("#undo-form")).to_contain_text("Kein Bezug")
    page.goto(f"{live_server.url}/moderate/stats")
    expect(page.locator('[data-kpi="queue"]')).to_have_text("4")
    expect(page.locator('[data-kpi="arrivals"]')).to_have_text("8")
    assert page.locator("figure.chart svg rect").count() >= 4
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)


def test_embed_script_shows_comments_on_a_foreign_page(
    live_server: LiveServer, browser: Any
) -> None:
    expect = _expect()
    submit_live(live_server, "Veröffentlicht <i>kursiv</i> [approve]", "e1")
    page = browser.new_context().new_page()
    # about:blank, another origin than the server's: the embed works across origins (CORS).
    page.set_content(
        f'<html lang="de"><body><h1>CMS</h1><script src="{live_server.url}/embed.js" '
        'data-article="a1"></script></body></html>'
    )
    expect(page.locator(".netiquette-comment p")).to_have_text(
        "Veröffentlicht <i>kursiv</i> [approve]"
    )
    page.fill(".netiquette-form input", "Gast")
    page.fill(".netiquette-form textarea", "Eine Frage zur Linie 7?")
    page.click(".netiquette-form button")
    # The form answers once the comment is screened: seconds on a loaded CI machine (it once
    # took over the default 5 s there), so this waits up to the screening budget and more.
    expect(page.locator(".netiquette-own-status")).to_contain_text("wird geprüft", timeout=20_000)


def test_an_admins_header_fits_narrow_windows_with_the_log_out_visible(
    live_server: LiveServer, browser: Any
) -> None:
    page = _moderator(browser, live_server, "admin", ADMIN_PASSWORD)  # admin: every link
    for width in (1280, 1024, 800):
        page.set_viewport_size({"width": width, "height": 700})
        page.goto(f"{live_server.url}/moderate/stats")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        logout = page.locator("header form[action='/logout'] button").bounding_box()
        assert logout is not None and logout["x"] + logout["width"] <= width, (width, logout)
        for link in page.locator("header nav a").all():  # no link broken over two lines
            box = link.bounding_box()
            assert box is not None and box["height"] < 30, (width, link.inner_text(), box)
