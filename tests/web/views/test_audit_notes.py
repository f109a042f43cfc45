"""The audit screens show moderators' notes from the decision rows; the chain holds digests."""

from __future__ import annotations

import hashlib
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.privacy import erase_author
from netiquette.store.models import AuditEvent, Comment
from netiquette.web.context import AppContext
from tests.web.views.conftest import login, submit

NOTE = "Zitat aus dem Artikel, kein Angriff auf Herrn Brenner"


def _events_table(html: str) -> str:
    return html.split('<table class="audit">', 1)[1]


def test_the_note_is_read_from_the_decision_and_gone_after_erasure(
    web: TestClient, wctx: AppContext
) -> None:
    submit(web, "Du Vollpfosten", "c1")
    csrf = login(web)
    page = web.get("/moderate/comments/c1")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    r = web.post(
        "/moderate/comments/c1/decide",
        data={"csrf": csrf, "choice": "approve", "version": version.group(1), "note": NOTE},
    )
    assert r.status_code in (200, 303), r.text
    with wctx.db.session() as session:
        chain = [e.details for e in session.scalars(select(AuditEvent))]
    assert NOTE not in str(chain)
    approved = [d for d in chain if d.get("action") == "approve"]
    assert approved[0]["note_sha256"] == hashlib.sha256(NOTE.encode()).hexdigest()

    for url in ("/moderate/comments/c1/audit", "/moderate/audit"):
        html = web.get(url).text
        assert NOTE in _events_table(html), url

    # Erasing the author empties the note on the decision, so the screens show none.
    with wctx.db.session() as session:
        c1 = session.get(Comment, "c1")
        assert c1 is not None
        erase_author(session, c1.author_id, "admin", AccountabilityConfig())
    for url in ("/moderate/comments/c1/audit", "/moderate/audit"):
        assert NOTE not in web.get(url).text, url
