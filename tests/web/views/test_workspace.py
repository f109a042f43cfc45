"""The workspace over HTTP (in process): sessions, CSRF, escaping, decisions, bulk, admin, demo."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from netiquette.screening.houserules import shipped_house_rules
from netiquette.store.models import Comment, Decision
from netiquette.web.context import AppContext
from netiquette.web.views.highlight import Segment, segments
from tests.web.views.conftest import MODERATOR_PASSWORD, csrf_of, login, submit

HOSTILE = 'Text <script>alert(1)</script> <img src=x onerror=alert(1)> "quoted" & more'
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
ON_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
PAGES = (
    "/moderate",
    "/moderate?tab=reported",
    "/moderate?tab=decided",
    "/moderate/next",
    "/moderate/spot",
    "/moderate/stats",
    "/moderate/audit",
    "/moderate/admin/users",
    "/moderate/admin/rules",
    "/demo/articles/a1",
)


def test_pages_need_a_login(web: TestClient) -> None:
    r = web.get("/moderate/comments/x?tab=pending")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/moderate/")
    r = web.get("/moderate", headers={"HX-Request": "true"})
    assert r.headers["HX-Redirect"].startswith("/login")


def test_wrong_password_and_forged_login_are_refused(web: TestClient) -> None:
    page = web.get("/login")
    r = web.post(
        "/login", data={"username": "admin", "password": "nope", "csrf": csrf_of(page.text)}
    )
    assert r.status_code == 401 and "falsch" in r.text
    r = web.post("/login", data={"username": "admin", "password": "x", "csrf": "forged"})
    assert r.status_code == 403


def test_every_state_change_needs_the_csrf_token(web: TestClient) -> None:
    submit(web, "Ein Kommentar", "c1")
    csrf = login(web)
    r = web.post("/moderate/comments/c1/decide", data={"choice": "approve"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = web.post("/moderate/comments/c1/decide", data={"choice": "approve", "csrf": "x" + csrf})
    assert r.status_code == 403
    r = web.post("/moderate/comments/c1/decide", data={"choice": "approve", "csrf": csrf})
    assert r.status_code == 303
    r = web.post("/logout", data={"csrf": csrf})
    assert r.status_code == 303
    assert web.get("/moderate").status_code == 303  # the session is gone


def test_security_headers_and_no_inline_script_anywhere(web: TestClient) -> None:
    submit(web, HOSTILE, "c1")
    login(web)
    for url in (*PAGES, "/moderate/comments/c1", "/moderate/comments/c1/audit", "/login"):
        r = web.get(url)
        assert r.status_code == 200, url
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert not INLINE_SCRIPT.search(r.text), url
        assert not ON_ATTRIBUTE.search(r.text), url
        assert "<script>alert" not in r.text and "<img src=x" not in r.text, url
    decision_view = web.get("/moderate/comments/c1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in decision_view
    assert "&lt;img src=x onerror=alert(1)&gt;" in decision_view


def test_evidence_segments_escape_and_overlap() -> None:
    text = "a <b>Idiot</b> c"
    spans = [(2, 14, "insult"), (5, 10, "aggression"), (50, 60, "insult"), (5, 2, "x")]
    # Rules covering one piece are listed in the site's order (insult is rule 2, aggression 3).
    assert segments(text, spans, shipped_house_rules().keys) == [
        Segment("a "),
        Segment("<b>", ("insult",)),
        Segment("Idiot", ("insult", "aggression")),
        Segment("</b>", ("insult",)),
        Segment(" c"),
    ]
    assert segments("", []) == []


def test_deciding_moves_to_the_next_comment_and_cites_the_rule(
    web: TestClient, wctx: AppContext
) -> None:
    submit(web, "Du Vollpfosten", "c1")
    submit(web, "Zweiter Kommentar", "c2")
    csrf = login(web)
    page = web.get("/moderate/comments/c1")
    # Coloured by the rule's workspace key (insult is key 2).
    assert '<mark class="ev ev-insult rk2"' in page.text and "Vollpfosten</mark>" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    r = web.post(
        "/moderate/comments/c1/decide",
        data={"csrf": csrf, "choice": "reject:insult", "version": version.group(1), "note": "n"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert r.headers["HX-Push-Url"].startswith("/moderate/comments/c2")
    assert 'data-comment="c2"' in r.text and "2 Schimpfwort" in r.text  # the undo bar
    with wctx.db.session() as session:
        d = session.scalars(select(Decision)).one()
        assert (d.action, d.rules, d.note, d.actor) == (
            "reject",
            ["insult"],
            "n",
            "moderator:admin",
        )
    r = web.post(
        "/moderate/comments/c2/decide",
        data={"csrf": csrf, "choice": "reject:bogus"},
        headers={"HX-Request": "true"},
    )
    assert "house rule" in r.text
    r = web.post("/moderate/comments/c1/undo", data={"csrf": csrf}, headers={"HX-Request": "true"})
    assert "zurückgenommen" in r.text
    with wctx.db.session() as session:
        assert session.get(Comment, "c1").state == "pending"  # type: ignore[union-attr]


def test_a_taken_comment_cannot_be_decided_by_another(web: TestClient, wctx: AppContext) -> None:
    submit(web, "Umstritten", "c1")
    login(web)
    web.get("/moderate/comments/c1")  # admin claims it
    web.cookies.clear()
    csrf = login(web, "bea", MODERATOR_PASSWORD)
    page = web.get("/moderate/comments/c1")
    assert "bearbeitet von admin" in page.text and 'id="decision"' not in page.text
    r = web.post(
        "/moderate/comments/c1/decide",
        data={"csrf": csrf, "choice": "approve"},
        headers={"HX-Request": "true"},
    )
    assert "taken by admin" in r.text
    with wctx.db.session() as session:
        assert session.get(Comment, "c1").state == "pending"  # type: ignore[union-attr]


def test_bulk_reject_after_confirmation_skips_what_changed(
    web: TestClient, wctx: AppContext
) -> None:
    for n in range(3):
        submit(web, f"Werbung {n} www.example.biz", f"b{n}")
    csrf = login(web)
    r = web.post(
        "/moderate/bulk/confirm",
        data={
            "csrf": csrf,
            "ids": ["b0", "b1", "b2"],
            "action": "reject",
            "reject_rule": "ad_link",
        },
    )
    assert r.status_code == 200 and "4 Werbe-Link" in r.text
    items = re.findall(r'name="item" value="([^"]+)"', r.text)
    assert len(items) == 3
    items[2] = items[2].rsplit(":", 1)[0] + ":99"  # a stale version is skipped
    r = web.post(
        "/moderate/bulk",
        data={"csrf": csrf, "item": items, "action": "reject", "reject_rule": "ad_link"},
    )
    assert r.status_code == 303 and "bulk%3A2%3A1" in r.headers["location"]
    with wctx.db.session() as session:
        states = {c.id: c.state for c in session.scalars(select(Comment))}
    assert states == {"b0": "rejected", "b1": "rejected", "b2": "pending"}


def test_queue_counts_filters_and_english(web: TestClient) -> None:
    submit(web, "Du Idiot", "c1")
    submit(web, "Freundlich", "c2")
    login(web)
    page = web.get("/moderate?rule=insult").text
    assert 'data-comment="c1"' in page and 'data-comment="c2"' not in page
    assert '<span class="count" data-count="pending">2</span>' in page
    page = web.get("/moderate?q=freund").text
    assert 'data-comment="c2"' in page and 'data-comment="c1"' not in page
    english = web.get("/moderate?lang=en")
    assert "Pending" in english.text and english.cookies.get("nq_lang") == "en"
    assert "Decided today" in web.get("/moderate").text  # remembered


def test_admin_pages_are_for_admins(web: TestClient, wctx: AppContext) -> None:
    csrf = login(web)
    r = web.post(
        "/moderate/admin/users",
        data={"csrf": csrf, "username": "carl", "password": "carl-password", "role": "moderator"},
    )
    assert r.status_code == 303
    r = web.post(
        "/moderate/admin/rules",
        data={"csrf": csrf, "insult_de": "Keine Beleidigungen.", "spot_check_every": "5"},
    )
    assert r.status_code == 303
    assert "Keine Beleidigungen." in web.get("/moderate/admin/rules").text
    web.cookies.clear()
    login(web, "carl", "carl-password")
    assert web.get("/moderate/admin/users").status_code == 403


def test_demo_page_shows_own_pending_comment_and_reports(web: TestClient, wctx: AppContext) -> None:
    page = web.get("/demo/articles/a1")
    r = web.post(
        "/demo/articles/a1/comments",
        data={"csrf": csrf_of(page.text), "name": "Gast", "text": HOSTILE},
    )
    assert r.status_code == 303
    page = web.get("/demo/articles/a1")
    assert "wird geprüft" in page.text and "&lt;script&gt;" in page.text
    assert "<script>alert" not in page.text
    submit(web, "Schon online [approve]", "p1")
    page = web.get("/demo/articles/a1")
    r = web.post("/demo/comments/p1/report", data={"csrf": csrf_of(page.text), "reason": "x"})
    assert r.status_code == 303
    login(web)
    assert 'data-comment="p1"' in web.get("/moderate?tab=reported").text


def test_embed_endpoints_answer_across_origins(web: TestClient) -> None:
    submit(web, "Veröffentlicht [approve]", "p1")
    js = web.get("/embed.js")
    assert js.headers["access-control-allow-origin"] == "*" and "textContent" in js.text
    assert "innerHTML" not in js.text
    thread = web.get("/embed/articles/a1").json()
    assert [c["id"] for c in thread["comments"]] == ["p1"]
    reader = "r" * 20
    r = web.post("/embed/articles/a1/comments", data={"reader": reader, "name": "G", "text": "Hi"})
    assert r.status_code == 202 and r.headers["access-control-allow-origin"] == "*"
    status = web.get(f"/embed/comments/{r.json()['id']}?reader={reader}").json()
    assert status["status"] == "pending"
    assert web.get(f"/embed/comments/{r.json()['id']}?reader={'x' * 20}").status_code == 404


def test_a_pasted_control_character_never_costs_the_reader_their_comment(
    web: TestClient, wctx: AppContext
) -> None:
    page = web.get("/demo/articles/a1")
    text = "Die Linie 7 kommt\vendlich\x1b, gut so."
    r = web.post(
        "/demo/articles/a1/comments",
        data={"csrf": csrf_of(page.text), "name": "Gast\x01", "text": text},
    )
    assert r.status_code == 303  # accepted, cleaned of what no one can type
    with wctx.db.session() as session:
        stored = session.scalars(select(Comment).where(Comment.author_name == "Gast")).all()
    assert [c.text for c in stored] == ["Die Linie 7 kommtendlich, gut so."]
    # the embed sends its form URL-encoded too: cleaned, answered with the CORS header
    reader = "r" * 20
    form = {"reader": reader, "name": "G", "text": "Hallo\x00 Welt", "lang": "de"}
    r = web.post("/embed/articles/a1/comments", data=form)
    assert r.status_code == 202 and r.headers["access-control-allow-origin"] == "*"
    # a multipart body (what programs send) is still refused, naming the field, with CORS
    bad = web.post("/embed/articles/a1/comments", files={"text": (None, b"a\x0bb")})
    assert bad.status_code == 422 and bad.headers["access-control-allow-origin"] == "*"


def test_a_refused_demo_comment_keeps_what_the_reader_typed_and_says_why_in_german(
    web: TestClient,
) -> None:
    page = web.get("/demo/articles/a1")
    long_text = "Zu lang. " * 1250
    r = web.post(
        "/demo/articles/a1/comments",
        data={"csrf": csrf_of(page.text), "name": "Erika", "text": long_text},
    )
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "Ihr Kommentar hat 11250 Zeichen; erlaubt sind höchstens" in r.text
    assert 'value="Erika"' in r.text and "Zu lang. Zu lang." in r.text
    page = web.get("/demo/articles/a1")
    r = web.post(
        "/demo/articles/a1/comments",
        data={"csrf": csrf_of(page.text), "name": "Erika", "text": "Gut.", "notify_email": "x@"},
    )
    assert "Diese E-Mail-Adresse scheint nicht zu stimmen" in r.text
    assert ">Gut.</textarea>" in r.text
    # the embed shows its refusal in the reader's language
    reader = "r" * 20
    r = web.post(
        "/embed/articles/a1/comments",
        data={"reader": reader, "name": "G", "text": "   ", "lang": "de"},
    )
    assert r.status_code == 422 and r.headers["access-control-allow-origin"] == "*"
    assert r.json()["error"]["message"] == "Bitte schreiben Sie zuerst einen Kommentar."
    assert r.json()["error"]["field"] == "text"


def test_dashboard_reports_how_far_wait_estimates_were_off(
    web: TestClient, wctx: AppContext
) -> None:
    submit(web, "Ein Kommentar, der auf einen Menschen wartet", "w1")
    with wctx.db.session() as session:
        comment = session.get(Comment, "w1")
        assert comment is not None and comment.state == "pending"
        promised = comment.estimated_wait_seconds
        # The estimate promised a wait much longer than the moment it took.
        comment.estimated_wait_seconds = 3600
    csrf = login(web)
    web.post("/moderate/comments/w1/decide", data={"csrf": csrf, "choice": "approve"})
    page = web.get("/moderate/stats")
    kpi = re.search(r'data-kpi="estimate-error">([^<]+)<', page.text)
    assert promised is not None and promised > 0
    assert kpi is not None and kpi.group(1) != "–"
    assert "Warteprognose" in page.text


def test_small_things_a_newcomer_noticed(web: TestClient) -> None:
    # no 404 for the icon every browser asks for
    icon = web.get("/favicon.ico")
    assert icon.status_code == 204
    submit(web, "Oben [approve]", "p1")
    submit(web, "Noch offen", "p3")
    # one comment is "1 Kommentar", not "1 Kommentare"
    login(web)
    page = web.get("/moderate?tab=pending").text
    assert re.search(r"<strong data-total>1</strong> Kommentar\s", page)
    # the audit page names events and states in German, times in the site's zone
    audit = web.get("/moderate/comments/p1/audit").text
    assert "automatisch veröffentlicht" in audit and "eingegangen → veröffentlicht" in audit
    assert not re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</td>", audit)
    # a held comment nothing flagged says why it waits
    submit(web, "Als Radfahrerin frage ich mich das auch [in doubt: off_topic]", "p4")
    page = web.get("/moderate?tab=pending").text
    assert 'data-hint="off_topic">vielleicht: Kein Bezug zum Artikel</span>' in page
    # the commenter's page opens in the language of the page they wrote on
    page = web.get("/demo/articles/a1?lang=en")
    web.post(
        "/demo/articles/a1/comments?lang=en",
        data={"csrf": csrf_of(page.text), "name": "Kim", "text": "Fine by me."},
    )
    own = web.get("/demo/articles/a1?lang=en").text
    assert re.search(r'href="/api/v1/public/comments/[^"]+&amp;lang=en"', own)
    # the demo heading counts every comment it shows, replies included
    submit(web, "Darunter [approve]", "p2", parent_id="p1")
    assert "Kommentare (2)" in web.get("/demo/articles/a1?lang=de").text


def test_dashboard_counts_decisions_as_the_transparency_report_does(web: TestClient) -> None:
    submit(web, "Gut so [approve]", "d1")  # published automatically
    submit(web, "Erst freigegeben, dann zurückgenommen", "d2")
    submit(web, "Abgelehnt von Hand", "d3")
    csrf = login(web)
    web.post("/moderate/comments/d2/decide", data={"csrf": csrf, "choice": "approve"})
    web.post("/moderate/comments/d2/undo", data={"csrf": csrf})
    web.post("/moderate/comments/d3/decide", data={"csrf": csrf, "choice": "reject:insult"})
    page = web.get("/moderate/stats").text
    # The undone approval was never a decision: two decisions, one of them automatic.
    decisions = re.search(r'data-kpi="decisions">(\d+)<', page)
    assert decisions is not None and decisions.group(1) == "2"
    auto = re.search(r'data-kpi="auto">([^<]+)</span><span class="name">([^<]+)<', page)
    assert auto is not None and auto.group(1) == "50 %"
    assert "(1 von 2)" in auto.group(2)
    report = web.get("/moderate/transparency.json").json()
    assert report["decisions"]["total"] == 2 and report["decisions"]["undone"] == 1
