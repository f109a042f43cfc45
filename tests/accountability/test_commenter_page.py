"""The commenter's page: the status link is a page for browsers, JSON for everyone else."""

from __future__ import annotations

from fastapi.testclient import TestClient

from netiquette.app import create_app
from tests.accountability.helpers import CLEAN, admin, decide, own_view, submit
from tests.conftest import make_context

BROWSER_DE = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "de-DE"}
BROWSER_EN = {"Accept": "text/html,*/*;q=0.8", "Accept-Language": "en-GB,en;q=0.9,de;q=0.5"}


def test_the_status_link_is_a_page_with_the_reason_and_an_appeal_form(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False, staffing_hours="")
    with TestClient(create_app(context=ctx)) as client:
        held = submit(client, CLEAN, id="page-1")
        url = held["public_status_url"]
        page = client.get(url, headers=BROWSER_DE)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "wird geprüft" in page.text and "etwa" in page.text and "Minute" in page.text
        assert CLEAN in page.text and page.headers["referrer-policy"] == "no-referrer"
        # JSON clients keep working: by Accept, by .json, and with no preference at all.
        assert own_view(client, held)["status"] == "pending"
        by_accept = client.get(url, headers={"Accept": "application/json"}).json()
        assert by_accept["status"] == "pending"
        path, query = url.split("?", 1)
        assert client.get(f"{path}.json?{query}", headers=BROWSER_DE).json()["id"] == "page-1"

        decide(client, admin(client), "page-1", "reject", "off_topic")
        page = client.get(url, headers=BROWSER_DE).text
        assert "nicht veröffentlicht" in page and "Warum Ihr Kommentar" in page
        assert "Kein Bezug zum Artikel" in page  # the house rule, in plain words
        assert "eine Person aus unserem Moderationsteam" in page
        assert "Einspruch einlegen" in page and 'name="token"' in page
        english = client.get(url, headers=BROWSER_EN).text
        assert "Why your comment was not published" in english and '<html lang="en">' in english

        form = page.split('action="', 1)[1].split('"', 1)[0]
        token = url.split("token=", 1)[1]
        empty = client.post(form, data={"token": token, "text": "  "}, headers=BROWSER_DE)
        assert empty.status_code == 422 and "the appeal needs a text" in empty.text
        forged = client.post(form, data={"token": "guess", "text": "Bitte"}, follow_redirects=False)
        assert forged.status_code == 404
        sent = client.post(
            form,
            data={"token": token, "text": "Es geht um die Linie 7.", "lang": "de"},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        after = client.get(sent.headers["location"], headers=BROWSER_DE).text
        assert "Ihr Einspruch" in after and "wird von einer anderen Person" in after
        assert "appeal-text" not in after  # once per comment: no second form
        assert own_view(client, held)["appeal"]["state"] == "open"
    ctx.db.dispose()


def test_a_wrong_token_is_an_unknown_comment_for_browsers_too(database_url: str) -> None:
    ctx = make_context(database_url, auto_approve=False, staffing_hours="")
    with TestClient(create_app(context=ctx)) as client:
        held = submit(client, CLEAN, id="page-2")
        path = held["public_status_url"].split("?", 1)[0]
        r = client.get(f"{path}?token=wrong", headers=BROWSER_DE)
        assert r.status_code == 404 and CLEAN not in r.text
    ctx.db.dispose()
