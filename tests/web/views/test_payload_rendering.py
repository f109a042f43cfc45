"""The payload corpus rendered in Chromium: no dialog, no script executed, the text shown as text.

Every accepted XSS, template and header payload of ``tests/security/payloads.py`` is sent as a
comment text and as an author name (half published, half held), then every page that shows
comments is loaded: the moderator's queue and decision view, the audit page, the public demo
page and a foreign page with the embed. The payloads set ``window.__pwned`` when they run.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.security.payloads import PAYLOADS, REFUSED
from tests.web.views.conftest import LiveServer, submit_live
from tests.web.views.test_browser import _moderator

pytestmark = pytest.mark.browser

SHOWN = {n: text for n, (kind, text) in PAYLOADS.items() if kind != REFUSED}


def _inert(page: Any, dialogs: list[str], url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__pwned") == "undefined", url
    assert dialogs == [], url


def test_every_accepted_payload_renders_as_text_everywhere(
    live_server: LiveServer, browser: Any
) -> None:
    for i, (name, text) in enumerate(sorted(SHOWN.items())):
        verdict = "[approve]" if i % 2 == 0 else ""
        author = text.replace("\r", " ").replace("\n", " ")[:200]  # names are one line
        submit_live(live_server, f"{text} {verdict}", f"p-{name}", name=author)
    dialogs: list[str] = []
    page = _moderator(browser, live_server, "admin", ADMIN_PASSWORD)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = live_server.url
    _inert(page, dialogs, f"{base}/moderate")
    _inert(page, dialogs, f"{base}/moderate?tab=all")
    for name in SHOWN:
        _inert(page, dialogs, f"{base}/moderate/comments/p-{name}/audit")
    held = sorted(SHOWN)[1]
    _inert(page, dialogs, f"{base}/moderate/comments/p-{held}")
    assert page.locator("#comment-text").inner_text().startswith(SHOWN[held].split("\r")[0][:5])

    reader = browser.new_context().new_page()
    reader.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _inert(reader, dialogs, f"{base}/demo/articles/a1")
    published = reader.locator("li.published .text").all_inner_texts()
    assert any("<script>" in t for t in published)  # shown as text, not run
    reader.set_content(  # a CMS page on another origin with the embed
        f'<html lang="de"><body><script src="{base}/embed.js" data-article="a1"></script>'
        "</body></html>"
    )
    comments = reader.locator(".netiquette-comment p")
    comments.first.wait_for()
    assert comments.count() == (len(SHOWN) + 1) // 2
    assert reader.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
