"""Articles: upsert by id, extracted body in the answer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import CMS

PAGE = """<html><head><title>Neue Brücke | Stadtanzeiger</title></head><body>
<nav><a href="/">Start</a> <a href="/lokal">Lokales</a></nav>
<div class="cookie">Wir verwenden Cookies. <button>Akzeptieren</button></div>
<article><h1>Neue Brücke über die Elster eröffnet</h1>
<p>Nach drei Jahren Bauzeit ist die neue Fußgängerbrücke über die Elster am Samstag eröffnet
worden. Sie verbindet den Stadtpark mit dem neuen Wohngebiet am Westufer.</p>
<p>Die Baukosten lagen mit 6,4 Millionen Euro rund zehn Prozent über der Planung, sagte die
Baubürgermeisterin bei der Eröffnung vor etwa 300 Gästen.</p></article>
<footer>Impressum · Datenschutz</footer></body></html>"""


def test_html_article_answers_with_extracted_body(client: TestClient) -> None:
    r = client.post("/api/v1/articles", json={"id": "b1", "html": PAGE}, headers=CMS)
    assert r.status_code == 200, r.text
    body = r.json()["body"]
    assert "6,4 Millionen Euro" in body
    assert "Impressum" not in body
    assert "Cookies" not in body


def test_upsert_replaces_the_body_and_keeps_the_id(client: TestClient) -> None:
    first = client.post(
        "/api/v1/articles", json={"id": "b2", "text": "Erste Fassung."}, headers=CMS
    )
    assert first.status_code == 200
    assert first.json()["body"] == "Erste Fassung."
    second = client.post(
        "/api/v1/articles",
        json={"id": "b2", "title": "Korrigiert", "text": "Zweite, korrigierte Fassung."},
        headers=CMS,
    )
    assert second.json()["body"] == "Zweite, korrigierte Fassung."
    got = client.get("/api/v1/articles/b2", headers=CMS).json()
    assert got["title"] == "Korrigiert"
    assert client.get("/api/v1/articles/none", headers=CMS).status_code == 404


@pytest.mark.parametrize(
    "text",
    [
        "Stadtrat beschließt Haushalt",  # one line without a full stop: looks like a title
        "Linie 7 kommt: Stadtrat stimmt mit 31 zu 24 Stimmen für die Straßenbahn in die Weststadt",
        "Der Stadtrat tagt heute. Es geht um den Haushalt\n\n"
        "Liveticker: 18:05 Uhr Sitzung eröffnet\n18:10 Uhr Kämmerin spricht",
    ],
)
def test_a_short_plain_text_is_never_stored_without_a_body(client: TestClient, text: str) -> None:
    r = client.post(
        "/api/v1/articles", json={"id": "t1", "title": "Ticker", "text": text}, headers=CMS
    )
    assert r.status_code == 200, r.text
    assert "Stadtrat" in r.json()["body"]
    # so off_topic reads it: a football result under it is scored, not skipped
    posted = client.post(
        "/api/v1/comments",
        json={
            "article_id": "t1",
            "author": {"id": "u1", "name": "Leser"},
            "text": "Bayern hat gestern 3:1 gegen Dortmund gewonnen.",
        },
        headers=CMS,
    )
    assert posted.status_code == 202, posted.text
    status = client.get(f"/api/v1/comments/{posted.json()['id']}", headers=CMS).json()
    assert status["screening"]["off_topic"]["score"] is not None


def test_api_docs_load_their_assets_from_our_origin(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert "/api/v1/comments" in client.get("/openapi.json").json()["paths"]


def test_demo_pages_are_off_unless_switched_on(client: TestClient) -> None:
    # They show any stored article's text without a key: only `make run` switches them on.
    client.post(
        "/api/v1/articles", json={"id": "b9", "text": "Noch nicht erschienen."}, headers=CMS
    )
    page = client.get("/demo/articles/b9")
    assert page.status_code == 404
    assert "Noch nicht erschienen" not in page.text
